// The scan flow (docs/codes.md#scanning): verify the code without the database → one pre-read of
// the code with its batch, the scanner's counters and the member's scan state → rate limits and
// lockout → the first valid scan of an active code claims it with one ledger credit under
// `scan:<code>` (claim.ts) → every other scan is counted and answered with the count, the first
// time and, when suspicious, a counterfeit warning. A scan outside the batch's sales region records
// a diversion event.
import { getDb } from '../cloud';
import { accountMissing } from '../ledger/pseudonymise';
import { AppError, isDuplicateKeyError } from '../errors';
import { readEntry } from '../ledger/service';
import { shanghaiDay } from '../time';
import { cachedDoc } from './cache';
import { claim, SCAN_RATE_KEY } from './claim';
import { envKeys, pretty, verify, type CodeProblem } from './format';
import { codeRateExceeded, recordScan, warnedBefore } from './history';
import { assertWithin, countScan, countThenCheck, LIMITS, windowStart, type Subjects } from './limits';
import { inWindow } from '../campaigns/counters';
import { isLive } from '../campaigns/earn';
import { COLLECTIONS as CAMPAIGNS, type Campaign } from '../campaigns/model';
import type { ScanRule } from '../campaigns/rules/scan';
import { COLLECTIONS as C, type Code, type Product, type RiskKind } from './model';
import { claimKey, preRead } from './preread';
import { attemptPayout, drawRedPacket } from './redpackets';
import { provinceAt, provinceName } from './regions';
import { counterfeitSuspected, DEFAULT_COUNTERFEIT_THRESHOLD, isCoordinate, provincesFor, queriedMessage } from './rules';
import { countQuery } from './stats';
import { grantAfterPayment } from '../play/grants';
import { validUntilOf } from '../ledger/reminders';

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
  /** The last day the points this member earned with the code are valid (Asia/Shanghai), or null. */
  validUntil: string | null;
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
  /** Game plays this first scan granted (campaigns whose rule names `grantPlays`). */
  plays?: { pool: string; n: number };
}

/**
 * The plays a scan campaign grants the code's claimant, keyed `scan:<code>` (once whatever the
 * retries); nothing — and no request — for a campaign that grants none.
 */
async function grantScanPlays(rule: ScanRule, codeId: string, member: string, now: Date, retry = false): Promise<Pick<ScanAnswer, 'plays'>> {
  const g = rule.grantPlays;
  if (!g) return {};
  const r = await grantAfterPayment({ pool: g.pool, member, plays: g.n, source: 'scan', key: `scan:${codeId}`, now }, { ifMissing: retry });
  return r?.granted ? { plays: { pool: g.pool, n: g.n } } : {};
}

const FAILED_VERIFICATION = new Set<string>(['CODE_FORGED', 'CODE_UNKNOWN_KEY', 'CODE_UNKNOWN']);

type RiskFields = { code: string; batch: string; product: string; province: string; member: string; ip: string; detail: string; now: Date };

async function recordRisk(id: string, kind: RiskKind, f: RiskFields): Promise<void> {
  const doc = { _id: id, kind, code: f.code, batch: f.batch, product: f.product, province: f.province, member: f.member, ip: f.ip, detail: f.detail, createdAt: f.now, day: shanghaiDay(f.now) };
  try {
    await getDb().collection(C.riskEvents).add({ data: doc });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e; // recorded once per id
  }
}

/**
 * Refuses a code without a pre-read (failed verification, never issued): the scan is counted first
 * and the limits checked against the counts that include it (limits.ts countThenCheck), so a burst
 * of guesses is locked out after LIMITS.memberFails whatever the concurrency; then the problem.
 */
async function refuseUnread(problem: CodeProblem | 'CODE_UNKNOWN', scanner: Scanner, code: string, now: Date): Promise<never> {
  const failed = FAILED_VERIFICATION.has(problem);
  const { fails, refusal } = await countThenCheck(subjectsOf(scanner), failed, now);
  if (failed && fails >= LIMITS.memberFails) {
    const window = windowStart(now) / LIMITS.windowMs; // the window's number, as event ids have always had it
    await recordRisk(`bruteforce:${scanner.openid}:${window}`, 'bruteforce', {
      code, batch: '', product: '', province: '', member: scanner.openid, ip: scanner.clientIp, detail: `${LIMITS.memberFails} failed verifications`, now,
    });
  }
  throw refusal ?? new AppError(problem, problem.toLowerCase().replace(/_/g, ' '));
}

const subjectsOf = (s: Scanner): Subjects => ({ member: s.openid, ip: s.clientIp });

export async function scan(scanner: Scanner, req: ScanRequest, now = new Date()): Promise<ScanAnswer> {
  if (req.location !== undefined && req.location !== null && !isCoordinate(req.location)) {
    throw new AppError('LOCATION_INVALID', 'location must be {latitude, longitude} in degrees');
  }
  const verified = verify(req.code, envKeys());
  if (!verified.ok) return refuseUnread(verified.problem, scanner, verified.code, now);
  const codeId = verified.code;
  const subjects = subjectsOf(scanner);
  const pre = await preRead(codeId, subjects, now);
  if (!pre) return refuseUnread('CODE_UNKNOWN', scanner, codeId, now);
  const { code, batch, counters } = pre;
  const memberCounters = pre.account?.counters ?? {};
  assertWithin(counters, inWindow(memberCounters[SCAN_RATE_KEY], windowStart(now)), now);
  // Per-code rate: the code's own scan window (kept on the code by every scan).
  if (codeRateExceeded(code, now)) {
    await countScan(subjects, false, now, counters);
    throw new AppError('RATE_LIMITED', 'this code is being scanned too often');
  }
  // A void batch, or this one code voided by risk review (docs/risk.md#actions: undone by unvoid).
  if (!batch || batch.status === 'void' || code.voided) {
    await countScan(subjects, false, now, counters);
    throw new AppError('CODE_VOID', code.voided ? 'the code was voided' : 'the code belongs to a void batch');
  }
  if (batch.status !== 'active') {
    await countScan(subjects, false, now, counters);
    throw new AppError('CODE_INACTIVE', 'the code is not activated yet');
  }
  const product = await cachedDoc<Product>(C.products, batch.product);
  if (!product) throw new AppError('NOT_FOUND', `product ${batch.product} is missing`);
  // The batch's campaign (kind scan): members earn only while it is live; a batch without one
  // earns the product's base points.
  const campaign = batch.campaign ? await cachedDoc<Campaign>(CAMPAIGNS.campaigns, batch.campaign) : null;
  const rule = (campaign?.kind === 'scan' ? campaign.rule : {}) as ScanRule;
  const live = !batch.campaign || (!!campaign && campaign.kind === 'scan' && isLive(campaign, now));

  // Region (防窜): outside the batch's provinces is a diversion.
  const loc = isCoordinate(req.location) ? req.location : null;
  const province = loc ? provinceAt(loc.latitude, loc.longitude) : '';
  const allowed = provincesFor(batch.regions ?? [], code.seq);
  const diverted = !!province && allowed.length > 0 && !allowed.includes(province);
  const risk = { code: codeId, batch: batch._id, product: product._id, province, member: scanner.openid, ip: scanner.clientIp, now };
  if (diverted) await recordRisk(`diversion:${codeId}:${scanner.openid}`, 'diversion', { ...risk, detail: `scanned in ${provinceName(province)}, sold for ${allowed.map(provinceName).join('、')}` });

  const threshold = rule.counterfeitThreshold ?? DEFAULT_COUNTERFEIT_THRESHOLD;
  const answer = (c: Code, outcome: Outcome, warning: boolean, extra: { points: number; entry: string; balance: number | null; validUntil: string | null; repeat: boolean }): ScanAnswer => {
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

  const mayEarn = live && (!diverted || rule.creditOutsideRegion !== false);
  let capped = false;
  let claimEntry: { balanceAfter: number; expiresAt?: Date } | null = pre.claimEntry;
  if (!code.claimedBy && mayEarn) {
    // The credit would fail on the missing account only after starting its transaction.
    if (!pre.account) throw await accountMissing(scanner.openid);
    const m = counters.find((c) => c.scope === 'm');
    const r = await claim({
      code,
      member: scanner.openid,
      campaign: campaign && live ? campaign : null,
      event: { product: product._id, productName: product.name, basePoints: product.basePoints, diverted },
      counters: memberCounters,
      countedScans: m?.scans ?? 0,
      place: { province, diverted },
      redPacket: campaign ? await drawRedPacket({ campaign: campaign._id, rule: rule.redPacket, code: codeId, member: scanner.openid, now }) : null,
      now,
    });
    if (r.kind === 'claimed') {
      const reply = answer(r.code, 'earned', false, { points: r.points, entry: r.entry._id, balance: r.entry.balanceAfter, validUntil: validUntilOf(r.entry), repeat: false });
      // The payout committed with the claim; one send now (the timer retries, or sends it if we die here).
      const [plays, sent] = await Promise.all([grantScanPlays(rule, codeId, scanner.openid, now), r.payout ? attemptPayout(r.payout._id, now) : null]);
      if (!r.payout) return { ...reply, ...plays };
      const paid = sent ?? r.payout;
      return { ...reply, ...plays, redPacket: { amountFen: paid.amountFen, status: paid.status } };
    }
    if (r.kind === 'capped') capped = true;
    else {
      // Lost the race (rare): answer from the code as it now is, and our own entry if we won it.
      Object.assign(code, (await getDb().collection(C.codes).doc(codeId).get()).data);
      claimEntry = r.entry ?? (code.claimedBy === scanner.openid ? await readEntry(claimKey(codeId)) : null);
    }
  }

  // A scan that claims nothing: count it on the code, the counters and the day's statistics, and
  // answer with the history (the claimant sees what their claim earned).
  const repeat = !capped || code.scans > 0;
  const warning = repeat && counterfeitSuspected({ claimedBy: code.claimedBy, scans: code.scans + 1 }, scanner.openid, threshold);
  const work: Promise<unknown>[] = [countScan(subjects, false, now, counters), countQuery(batch._id, now, province)];
  if (warning && !warnedBefore(code, scanner.openid)) {
    const claimedByOther = !!code.claimedBy && code.claimedBy !== scanner.openid;
    work.push(recordRisk(`counterfeit:${codeId}:${scanner.openid}`, 'counterfeit', { ...risk, detail: `${code.scans + 1} scans, claimed by another member: ${claimedByOther}` }));
  }
  // The claimant scanning again completes plays a crash after the claim left ungranted (idempotent).
  const regrant = code.claimedBy === scanner.openid && live && rule.grantPlays ? grantScanPlays(rule, codeId, scanner.openid, now, true) : Promise.resolve({});
  const [fresh, plays] = await Promise.all([recordScan(code, scanner.openid, now, warning, { province, diverted }), regrant, ...work]);
  const mine = code.claimedBy === scanner.openid && code.points
    ? { points: code.points, entry: claimKey(codeId), balance: claimEntry?.balanceAfter ?? null, validUntil: validUntilOf(claimEntry) }
    : { points: 0, entry: '', balance: null, validUntil: null };
  const outcome: Outcome = capped ? 'dailyCap' : mine.points ? 'earned' : diverted && !mayEarn ? 'diverted' : 'queried';
  return { ...answer(fresh, outcome, warning, { ...mine, repeat }), ...(plays as Pick<ScanAnswer, 'plays'>) };
}
