// The scan flow (docs/codes.md): verify the code without the database → rate limits and lockout →
// the first valid scan of an active code claims it and credits points through the ledger under
// `scan:<code>` → every later scan is counted and answered with the count, the first time and,
// when suspicious, a counterfeit warning. A scan outside the batch's sales region records a
// diversion event.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { credit } from '../ledger/service';
import { shanghaiDay } from '../time';
import { txGet } from '../tx';
import { cachedDoc } from './cache';
import { envKeys, pretty, verify, type CodeProblem } from './format';
import { checkLimits, countScan, LIMITS, memberFails } from './limits';
import { COLLECTIONS as C, MAX_SCANNERS, type Batch, type Campaign, type Code, type Product, type RiskKind } from './model';
import { maybeAward } from './redpackets';
import { provinceAt, provinceName } from './regions';
import { capped, counterfeitSuspected, DEFAULT_COUNTERFEIT_THRESHOLD, isCoordinate, provincesFor, queriedMessage, scanPoints } from './rules';

export interface ScanRequest {
  code: string;
  location?: unknown;
}

export interface Scanner {
  openid: string;
  clientIp: string;
}

export type Outcome = 'earned' | 'queried' | 'dailyCap' | 'diverted';

export interface ScanAnswer {
  outcome: Outcome;
  code: string;
  /** Points this member earned with the code (now, or on their first scan). */
  points: number;
  entry: string;
  balance: number | null;
  repeat: boolean;
  scans: number;
  firstScanAt: string;
  distinctScanners: number;
  message: string;
  warning: boolean;
  trace: { product: string; name: string; image: string; spec: string; origin: string; batchNo: string; productionDate: string };
  region: { province: string; provinceName: string; allowed: string[]; diverted: boolean };
  /** A cash red packet won with this first scan (status pending / retry / paid / failed), else null. */
  redPacket: { amountFen: number; status: string } | null;
}

/** Inside a claim's transaction: the code was claimed meanwhile. */
class CodeTaken extends Error {}
/** Inside a claim's transaction: the member's points today changed since the cap was applied. */
class DailyMoved extends Error {}

const FAILED_VERIFICATION = new Set<string>(['CODE_FORGED', 'CODE_UNKNOWN_KEY', 'CODE_UNKNOWN']);

async function recordRisk(id: string, kind: RiskKind, fields: Omit<Parameters<typeof riskDoc>[0], 'kind'>): Promise<void> {
  try {
    await getDb().collection(C.riskEvents).add({ data: riskDoc({ ...fields, kind }, id) });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e; // recorded once per id
  }
}

function riskDoc(f: { kind: RiskKind; code: string; batch: string; product: string; province: string; member: string; ip: string; detail: string; now: Date }, id: string) {
  return { _id: id, kind: f.kind, code: f.code, batch: f.batch, product: f.product, province: f.province, member: f.member, ip: f.ip, detail: f.detail, createdAt: f.now, day: shanghaiDay(f.now) };
}

/** A code that cannot be scanned: count it (a failed verification counts towards the lockout) and refuse. */
async function refuse(problem: CodeProblem | 'CODE_UNKNOWN', scanner: Scanner, code: string, now: Date): Promise<never> {
  const failed = FAILED_VERIFICATION.has(problem);
  await countScan({ member: scanner.openid, ip: scanner.clientIp }, failed, now);
  if (failed && (await memberFails(scanner.openid, now)) >= LIMITS.memberFails) {
    const window = Math.floor(+now / LIMITS.windowMs);
    await recordRisk(`bruteforce:${scanner.openid}:${window}`, 'bruteforce', {
      code, batch: '', product: '', province: '', member: scanner.openid, ip: scanner.clientIp, detail: `${LIMITS.memberFails} failed verifications`, now,
    });
  }
  throw new AppError(problem, problem.toLowerCase().replace(/_/g, ' '));
}

async function bumpStats(batch: string, now: Date, claims: number, points: number): Promise<void> {
  const db = getDb();
  const _ = db.command;
  const id = `${batch}:${shanghaiDay(now)}`;
  const inc = { scans: _.inc(1), claims: _.inc(claims), points: _.inc(points) };
  const { stats } = await db.collection(C.scanStats).doc(id).update({ data: inc });
  if (stats.updated) return;
  try {
    await db.collection(C.scanStats).add({ data: { _id: id, batch, day: shanghaiDay(now), scans: 1, claims, points } });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    await db.collection(C.scanStats).doc(id).update({ data: inc });
  }
}

export async function scan(scanner: Scanner, req: ScanRequest, now = new Date()): Promise<ScanAnswer> {
  if (req.location !== undefined && req.location !== null && !isCoordinate(req.location)) {
    throw new AppError('LOCATION_INVALID', 'location must be {latitude, longitude} in degrees');
  }
  const verified = verify(req.code, envKeys());
  const subjects = { member: scanner.openid, ip: scanner.clientIp };
  await checkLimits(subjects, now);
  if (!verified.ok) return refuse(verified.problem, scanner, verified.code, now);

  const db = getDb();
  const codeId = verified.code;
  // The code and its batch in one request.
  const { list } = await db.collection(C.codes).aggregate().match({ _id: codeId }).lookup({ from: C.batches, localField: 'batch', foreignField: '_id', as: 'batches' }).end();
  if (!list.length) return refuse('CODE_UNKNOWN', scanner, codeId, now);
  const { batches, ...found } = list[0] as Code & { batches: Batch[] };
  const code = found as Code;
  const batch = batches[0] ?? null;
  // Per-code rate: the code's own scan window (kept on the code by recordScan).
  if (code.winStart && +now - +new Date(code.winStart) < LIMITS.windowMs && (code.winScans ?? 0) >= LIMITS.codeScans) {
    await countScan(subjects, false, now);
    throw new AppError('RATE_LIMITED', 'this code is being scanned too often');
  }
  if (!batch || batch.status === 'void') {
    await countScan(subjects, false, now);
    throw new AppError('CODE_VOID', 'the code belongs to a void batch');
  }
  if (batch.status !== 'active') {
    await countScan(subjects, false, now);
    throw new AppError('CODE_INACTIVE', 'the code is not activated yet');
  }
  const product = await cachedDoc<Product>(C.products, batch.product);
  if (!product) throw new AppError('NOT_FOUND', `product ${batch.product} is missing`);
  const campaign = batch.campaign ? await cachedDoc<Campaign>(C.campaigns, batch.campaign) : null;

  // Region (防窜): outside the batch's provinces is a diversion.
  const loc = isCoordinate(req.location) ? req.location : null;
  const province = loc ? provinceAt(loc.latitude, loc.longitude) : '';
  const allowed = provincesFor(batch.regions ?? [], code.seq);
  const diverted = !!province && allowed.length > 0 && !allowed.includes(province);
  const risk = { code: codeId, batch: batch._id, product: product._id, province, member: scanner.openid, ip: scanner.clientIp, now };
  if (diverted) await recordRisk(`diversion:${codeId}:${scanner.openid}`, 'diversion', { ...risk, detail: `scanned in ${provinceName(province)}, sold for ${allowed.map(provinceName).join('、')}` });

  const answer = (c: Code, outcome: Outcome, extra: { points: number; entry: string; balance: number | null; repeat: boolean }): ScanAnswer => {
    const threshold = campaign?.counterfeitThreshold ?? DEFAULT_COUNTERFEIT_THRESHOLD;
    const warning = extra.repeat && counterfeitSuspected(c, scanner.openid, threshold);
    const first = c.firstScanAt ?? now;
    return {
      outcome,
      code: pretty(codeId),
      ...extra,
      scans: c.scans,
      firstScanAt: new Date(first).toISOString(),
      distinctScanners: c.scanners?.length ?? 0,
      message: extra.repeat ? queriedMessage(c.scans, new Date(first)) : '',
      warning,
      trace: { product: product._id, name: product.name, image: product.image, spec: product.spec, origin: product.origin, batchNo: batch.batchNo, productionDate: batch.productionDate },
      region: { province, provinceName: provinceName(province), allowed, diverted },
      redPacket: null,
    };
  };

  const creditRequest = (points: number) => ({
    member: scanner.openid,
    amount: points,
    key: `scan:${codeId}`,
    source: { kind: 'scan', ref: codeId },
    campaign: campaign?._id ?? '',
    ...(campaign?.budget ? { budget: campaign.budget } : {}),
    ...(campaign?.expiry ? { expiry: campaign.expiry } : {}),
    now,
  });

  const mayEarn = !diverted || campaign?.creditOutsideRegion !== false;
  if (!code.claimedBy && mayEarn) {
    const points = scanPoints(campaign, product, now);
    const dailyId = `${scanner.openid}:${shanghaiDay(now)}`;
    for (let attempt = 0; ; attempt++) {
      // The daily cap (when the campaign has one) is read here and re-read inside the transaction.
      const earnedToday = campaign?.dailyCap ? ((await db.collection(C.scanDaily).doc(dailyId).get()).data?.points ?? 0) : 0;
      const pts = capped(points, earnedToday, campaign?.dailyCap);
      if (pts <= 0) {
        await countScan(subjects, false, now);
        const fresh = await recordScan(code, scanner.openid, now);
        return answer(fresh, 'dailyCap', { points: 0, entry: '', balance: null, repeat: fresh.scans > 1 });
      }
      let claimed: Code | null = null;
      try {
        // The claim commits with the credit or not at all: a refused credit (BUDGET_EXHAUSTED)
        // leaves the code unclaimed, and a second claimant finds it taken.
        const entry = await credit({
          ...creditRequest(pts),
          alsoInTransaction: async (tx) => {
            const c = await txGet<Code>(tx, C.codes, codeId);
            if (!c || c.claimedBy) throw new CodeTaken();
            if (campaign?.dailyCap) {
              const daily = await txGet<{ points: number }>(tx, C.scanDaily, dailyId);
              if ((daily?.points ?? 0) !== earnedToday) throw new DailyMoved();
              if (daily) await tx.collection(C.scanDaily).doc(dailyId).update({ data: { points: earnedToday + pts, updatedAt: now } });
              else await tx.collection(C.scanDaily).add({ data: { _id: dailyId, member: scanner.openid, day: shanghaiDay(now), points: pts, updatedAt: now } });
            }
            const after: Code = { ...c, claimedBy: scanner.openid, claimedAt: now, points: pts, scans: c.scans + 1, firstScanAt: c.firstScanAt ?? now, lastScanAt: now, scanners: addScanner(c.scanners, scanner.openid), ...scanWindow(c, now) };
            const { _id, ...data } = after;
            await tx.collection(C.codes).doc(codeId).update({ data });
            claimed = after;
          },
        });
        if (claimed) {
          const [payout] = await Promise.all([
            campaign?.redPacket ? maybeAward({ campaign: campaign._id, rule: campaign.redPacket, code: codeId, member: scanner.openid, now }) : null,
            countScan(subjects, false, now),
            bumpStats(batch._id, now, 1, pts),
          ]);
          const reply = answer(claimed, 'earned', { points: pts, entry: entry._id, balance: entry.balanceAfter, repeat: false });
          return payout ? { ...reply, redPacket: { amountFen: payout.amountFen, status: payout.status } } : reply;
        }
      } catch (e) {
        if (e instanceof DailyMoved && attempt < 5) continue;
        // Someone else claimed it first (their entry holds the key): answer as a repeat scan.
        if (!(e instanceof CodeTaken) && !(e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH')) throw e;
      }
      break;
    }
    // Lost the race, or our own concurrent scan won it: answer from the code as it now is.
    const { data: again } = await db.collection(C.codes).doc(codeId).get();
    Object.assign(code, again);
  }

  // A repeat scan (or one that may not earn): count it and answer with the history.
  const fresh = await recordScan(code, scanner.openid, now);
  const sideWork: Promise<unknown>[] = [countScan(subjects, false, now), bumpStats(batch._id, now, 0, 0)];
  let mine = { points: 0, entry: '', balance: null as number | null };
  if (code.claimedBy === scanner.openid && code.points) {
    // The claimant again. The claim committed with its credit (one transaction), so the entry is
    // there: show what it earned.
    const { data: entry } = await db.collection('ledger').doc(`scan:${codeId}`).get();
    mine = { points: code.points, entry: `scan:${codeId}`, balance: (entry as { balanceAfter?: number } | null)?.balanceAfter ?? null };
  }
  const threshold = campaign?.counterfeitThreshold ?? DEFAULT_COUNTERFEIT_THRESHOLD;
  if (counterfeitSuspected(fresh, scanner.openid, threshold)) {
    sideWork.push(recordRisk(`counterfeit:${codeId}:${scanner.openid}`, 'counterfeit', { ...risk, detail: `${fresh.scans} scans, claimed by another member: ${!!fresh.claimedBy && fresh.claimedBy !== scanner.openid}` }));
  }
  await Promise.all(sideWork);
  const outcome: Outcome = mine.points ? 'earned' : diverted && !mayEarn ? 'diverted' : 'queried';
  return answer(fresh, outcome, { ...mine, repeat: true });
}

/** The code's per-code rate window after one more scan. */
function scanWindow(code: Code, now: Date): { winStart: Date; winScans: number } {
  const open = code.winStart && +now - +new Date(code.winStart) < LIMITS.windowMs;
  return open ? { winStart: new Date(code.winStart!), winScans: (code.winScans ?? 0) + 1 } : { winStart: now, winScans: 1 };
}

function addScanner(scanners: string[] | undefined, openid: string): string[] {
  const list = scanners ?? [];
  return list.includes(openid) || list.length >= MAX_SCANNERS ? list : [...list, openid];
}

/** Counts a scan on the code (one update) and returns the code as it now is, as far as we know. */
async function recordScan(code: Code, openid: string, now: Date): Promise<Code> {
  const db = getDb();
  const _ = db.command;
  const scanners = addScanner(code.scanners, openid);
  const win = scanWindow(code, now);
  const data: Record<string, unknown> = { scans: _.inc(1), lastScanAt: now, winStart: win.winStart, winScans: win.winScans === 1 ? 1 : _.inc(1) };
  if (!code.firstScanAt) data.firstScanAt = now;
  if (scanners.length !== (code.scanners?.length ?? 0)) data.scanners = _.addToSet(openid);
  await db.collection(C.codes).doc(code._id).update({ data });
  return { ...code, scans: code.scans + 1, lastScanAt: now, firstScanAt: code.firstScanAt ?? now, scanners, ...win };
}
