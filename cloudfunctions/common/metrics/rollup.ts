// The ledger roll-up: the jobs timer counts each closed Shanghai day's entries once into per-scope
// day documents and running totals (docs/metrics.md), so metrics never read accounts and read
// entries of today only.
//
// Days are rolled in order, each in pages of entries by (createdAt, _id) over the `createdAt` index.
// After every page the partial figures and the cursor are checkpointed in one document, so a run
// stopped anywhere resumes on the next tick and counts each entry once. Distinct members come from
// one marker per scope and member (`metricsMembers`): its last earning / spending day, and the page
// that set it, so a page redone after a crash counts the same members again.
import { getDb } from '../cloud';
import type { Take } from '../ledger/allocate';
import { COLLECTIONS as C, type Entry } from '../ledger/model';
import { shanghaiDay, shanghaiDayStart } from '../time';
import {
  ALL,
  FIGURES,
  addFigures,
  addRates,
  applyCredit,
  applyTake,
  campaignOfScope,
  emptyTally,
  figuresOf,
  kindsList,
  liabilityFen,
  ratesList,
  scopeOf,
  TAKE_TYPES,
  type Tally,
} from './figures';
import { METRICS as M, dayDocId, memberMarkerId, type AccScope, type DayCounts, type DayDoc, type RollupState, type TotalsDoc } from './model';
import { countClaims, countQueries, dayScans, emptyScans, productsOf, scansFromAcc, scansToAcc, type ScanTally } from './scans';

const DAY_MS = 86_400_000;
/** Entries per page (their small fields only: about 250 bytes each). */
export const PAGE = 1000;
/** Entries whose takes are read per query (an entry takes at most its account's lots: a page stays < 1 MB). */
const TAKES_CHUNK = 50;
/** Ids per `_id in` query. */
const IDS_CHUNK = 1000;

const nextDay = (day: string) => shanghaiDay(+shanghaiDayStart(day) + DAY_MS);
const chunks = <T>(list: T[], n: number): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_x, i) => list.slice(i * n, i * n + n));

type PageEntry = Pick<Entry, '_id' | 'member' | 'type' | 'amount' | 'delta' | 'source' | 'campaign' | 'rate' | 'debtRepaid' | 'createdAt'>;
/** A take; a ledger that records the lot's campaign and rate on it saves the lookup of its credit. */
type TakeInfo = Take & { campaign?: string; rate?: number };

interface ScopeTally extends Tally, DayCounts {
  /** All campaigns only: the day's claims so far (scans come in when the day finishes). */
  scans?: ScanTally;
}

export interface RollupResult {
  status: 'done' | 'running';
  /** Last closed day rolled up. */
  through: string | null;
  days: number;
  pages: number;
  entries: number;
}

/** Runs (or resumes) the roll-up of every closed day up to the day before `now`'s, for at most `budgetMs`. */
export async function runLedgerRollup(
  now = new Date(),
  budgetMs = 5_000,
  opts: { clock?: () => number; pageSize?: number } = {},
): Promise<RollupResult> {
  const clock = opts.clock ?? Date.now;
  const pageSize = opts.pageSize ?? PAGE;
  const started = clock();
  const db = getDb();
  const states = db.collection('jobRuns');
  const lastClosed = shanghaiDay(+shanghaiDayStart(shanghaiDay(now)) - DAY_MS);
  let state: RollupState | null = ((await states.doc(M.stateId).get()).data as RollupState | null) ?? null;
  if (!state) {
    state = { _id: M.stateId, job: 'ledgerRollup', through: null, day: null, cursor: null, page: 0, acc: [], updatedAt: now };
    await states.doc(M.stateId).set({ data: stripId(state) });
  }
  const result: RollupResult = { status: 'running', through: state.through, days: 0, pages: 0, entries: 0 };
  while (clock() - started < budgetMs) {
    if (!state.day) {
      const day = await firstDayToRoll(state.through, lastClosed);
      if (!day) {
        // No entries left in the closed days: every one is counted.
        if (!state.through || state.through < lastClosed) {
          state = { ...state, through: lastClosed, updatedAt: now };
          await states.doc(M.stateId).update({ data: { through: lastClosed, updatedAt: now } });
        }
        return { ...result, status: 'done', through: state.through };
      }
      state = { ...state, day, cursor: null, page: 0, acc: [] };
    }
    const page = await readPage(state.day!, state.cursor, pageSize);
    if (!page.length) {
      await finishDay(state.day!, state.acc, now);
      state = { ...state, through: state.day, day: null, cursor: null, page: 0, acc: [], updatedAt: now };
      await states.doc(M.stateId).set({ data: stripId(state) });
      result.days++;
      result.through = state.through;
      continue;
    }
    const current: RollupState = state;
    const tallies = new Map<string, ScopeTally>(current.acc.map((a): [string, ScopeTally] => [a.scope, fromAcc(a)]));
    await countPage(page, current.day!, `${current.day}#${current.page}`, tallies);
    const last = page[page.length - 1];
    state = { ...current, cursor: { at: new Date(last.createdAt), id: last._id }, page: current.page + 1, acc: [...tallies].map(([scope, t]) => toAcc(scope, t)), updatedAt: now };
    // set() rewrites the checkpoint whole (the partial figures replace, never merge).
    await states.doc(M.stateId).set({ data: stripId(state) });
    result.pages++;
    result.entries += page.length;
  }
  return result;
}

const stripId = ({ _id, ...rest }: RollupState) => rest;

/** The first day after `through` (≤ lastClosed) with entries, or null. */
async function firstDayToRoll(through: string | null, lastClosed: string): Promise<string | null> {
  const db = getDb();
  const _ = db.command;
  const from = through ? shanghaiDayStart(nextDay(through)) : new Date(0);
  const to = shanghaiDayStart(nextDay(lastClosed));
  if (+from >= +to) return null;
  const { data } = await db.collection(C.entries).where({ createdAt: _.gte(from).and(_.lt(to)) }).orderBy('createdAt', 'asc').limit(1).field({ createdAt: true }).get();
  return data.length ? shanghaiDay(new Date((data[0] as Entry).createdAt)) : null;
}

async function readPage(day: string, cursor: RollupState['cursor'], pageSize: number): Promise<PageEntry[]> {
  const db = getDb();
  const _ = db.command;
  const start = shanghaiDayStart(day);
  const end = new Date(+start + DAY_MS);
  const inDay = { createdAt: _.gte(start).and(_.lt(end)) };
  const after = cursor ? _.or([{ createdAt: _.gt(new Date(cursor.at)) }, { createdAt: new Date(cursor.at), _id: _.gt(cursor.id) }]) : null;
  const { data } = await db
    .collection(C.entries)
    .where(after ? _.and([inDay, after]) : inDay)
    .orderBy('createdAt', 'asc')
    .orderBy('_id', 'asc')
    .limit(pageSize)
    .field({ member: true, type: true, amount: true, delta: true, source: true, campaign: true, rate: true, debtRepaid: true, createdAt: true })
    .get();
  return data as PageEntry[];
}

const isCredit = (e: Pick<Entry, 'type' | 'delta'>) => e.type === 'earn' || (e.type === 'adjust' && e.delta > 0);
const movesLots = (e: Pick<Entry, 'type' | 'delta'>) =>
  !isCredit(e) && (TAKE_TYPES as readonly string[]).includes(e.type) && !(e.type === 'release' && e.delta === 0);

/** Counts one page into the day's tallies: figures, then distinct members through the markers. */
async function countPage(page: PageEntry[], day: string, pageId: string, tallies: Map<string, ScopeTally>): Promise<void> {
  const db = getDb();
  const _ = db.command;
  const tally = (scope: string) => {
    let t = tallies.get(scope);
    if (!t) tallies.set(scope, (t = { ...emptyTally(), earners: 0, spenders: 0, newReceivers: 0, newSpenders: 0 }));
    return t;
  };
  // Takes of the entries that move points out of lots (credits need none: their lot is theirs).
  const takers = page.filter(movesLots);
  const takes = new Map<string, { lots: TakeInfo[]; expiredLots: TakeInfo[] }>();
  for (const ids of chunks(takers.map((e) => e._id), TAKES_CHUNK)) {
    const { data } = await db.collection(C.entries).where({ _id: _.in(ids) }).limit(ids.length).field({ lots: true, expiredLots: true }).get();
    for (const d of data as Entry[]) takes.set(d._id, { lots: d.lots ?? [], expiredLots: d.expiredLots ?? [] });
  }
  const lotInfo = await resolveLots([...takes.values()].flatMap((t) => [...t.lots, ...t.expiredLots]));

  const roles = new Map<string, { scope: string; member: string; earn: boolean; spend: boolean }>();
  const role = (scope: string, member: string, r: 'earn' | 'spend') => {
    const id = memberMarkerId(scope, member);
    const x = roles.get(id) ?? { scope, member, earn: false, spend: false };
    x[r] = true;
    roles.set(id, x);
  };
  const claims: { code: string; points: number }[] = [];
  for (const e of page) {
    const kind = e.source?.kind ?? '';
    if (isCredit(e)) {
      if (kind === 'scan' && e.type === 'earn' && e.source.ref) claims.push({ code: e.source.ref, points: e.amount });
      const credit = { amount: e.amount, debtRepaid: e.debtRepaid ?? 0, rate: e.rate, kind };
      for (const scope of [ALL, scopeOf(e.campaign ?? '')]) {
        applyCredit(tally(scope), credit);
        role(scope, e.member, 'earn');
      }
      continue;
    }
    const t = takes.get(e._id);
    if (!t) continue;
    const moves = [...t.lots.map((x) => ({ x, expiredPart: false })), ...t.expiredLots.map((x) => ({ x, expiredPart: true }))];
    for (const [i, { x, expiredPart }] of moves.entries()) {
      const lot = lotInfo.get(x.lotId)!;
      // A spend is one use of its kind: in all campaigns and the campaign of its first lot.
      const move = { type: e.type, negative: e.delta < 0, expiredPart, amount: x.amount, rate: lot.rate, kind, uses: i === 0 ? 1 : 0 };
      for (const scope of [ALL, scopeOf(lot.campaign)]) {
        if (applyTake(tally(scope), move) === 'spend') role(scope, e.member, 'spend');
      }
    }
  }
  if (claims.length) await countClaims((tally(ALL).scans ??= emptyScans()), claims);
  await countMembers([...roles.entries()], day, pageId, tally);
}

/** Campaign and rate of each lot (`lot:<credit key>`): from the take, or from its credit entry. */
async function resolveLots(all: TakeInfo[]): Promise<Map<string, { campaign: string; rate: number }>> {
  const info = new Map<string, { campaign: string; rate: number }>();
  for (const t of all) if (t.campaign !== undefined && t.rate !== undefined) info.set(t.lotId, { campaign: t.campaign, rate: t.rate });
  const keys = [...new Set(all.filter((t) => !info.has(t.lotId)).map((t) => t.lotId.replace(/^lot:/, '')))];
  const db = getDb();
  for (const ids of chunks(keys, IDS_CHUNK)) {
    const { data } = await db.collection(C.entries).where({ _id: db.command.in(ids) }).limit(ids.length).field({ campaign: true, rate: true }).get();
    for (const c of data as Entry[]) info.set(`lot:${c._id}`, { campaign: c.campaign ?? '', rate: c.rate });
  }
  for (const t of all) if (!info.has(t.lotId)) throw new Error(`metrics: lot ${t.lotId} has no credit entry`);
  return info;
}

interface Marker {
  _id: string;
  /** Page that created it (the member's first earning in the scope). */
  cp: string;
  /** Last day earned / spent, and the page that set it. */
  e?: string;
  ep?: string;
  s?: string;
  sp?: string;
  /** Page of the first spending. */
  fsp?: string;
}

/**
 * Distinct members of the page, against their markers: a member counts as earning (spending) that
 * day unless their marker already names the day from an earlier page; as a new receiver (spender)
 * when this page made the marker (set the first spending). Markers are written before the page's
 * checkpoint; a page redone after a crash finds its own page id on them and counts them again.
 */
async function countMembers(
  list: [string, { scope: string; member: string; earn: boolean; spend: boolean }][],
  day: string,
  pageId: string,
  tally: (scope: string) => ScopeTally,
): Promise<void> {
  const db = getDb();
  const _ = db.command;
  const markers = db.collection(M.members);
  const found = new Map<string, Marker>();
  for (const ids of chunks(list.map(([id]) => id), IDS_CHUNK)) {
    const { data } = await markers.where({ _id: _.in(ids) }).limit(ids.length).get();
    for (const m of data as Marker[]) found.set(m._id, m);
  }
  const created: Record<string, unknown>[] = [];
  const updates = new Map<string, { data: Record<string, string>; ids: string[] }>();
  for (const [id, r] of list) {
    const m = found.get(id);
    const t = tally(r.scope);
    if (!m) {
      // First time in this scope (a spend needs points earned in it, so earning comes first).
      created.push({ _id: id, scope: r.scope, member: r.member, cp: pageId, a: day, ...(r.earn ? { e: day, ep: pageId } : {}), ...(r.spend ? { s: day, sp: pageId, fsp: pageId } : {}) });
      if (r.earn) {
        t.earners++;
        t.newReceivers++;
      }
      if (r.spend) {
        t.spenders++;
        t.newSpenders++;
      }
      continue;
    }
    const set: Record<string, string> = {};
    if (r.earn) {
      if (m.e !== day || m.ep === pageId) t.earners++;
      if (m.cp === pageId) t.newReceivers++;
      if (m.e !== day) Object.assign(set, { e: day, ep: pageId });
    }
    if (r.spend) {
      if (m.s !== day || m.sp === pageId) t.spenders++;
      if (!m.s || m.fsp === pageId) t.newSpenders++;
      if (m.s !== day) Object.assign(set, { s: day, sp: pageId });
      if (!m.s) set.fsp = pageId;
    }
    if (Object.keys(set).length) {
      set.a = day; // last active day: the distinct active members of a window are one indexed count
      const key = JSON.stringify(set);
      const u = updates.get(key) ?? { data: set, ids: [] };
      u.ids.push(id);
      updates.set(key, u);
    }
  }
  // Batched: new markers in one insert per 1,000; changed ones in one update per distinct change.
  for (const docs of chunks(created, IDS_CHUNK)) await markers.add({ data: docs });
  for (const u of updates.values()) for (const ids of chunks(u.ids, IDS_CHUNK)) await markers.where({ _id: _.in(ids) }).update({ data: u.data });
}

const fromAcc = (a: AccScope): ScopeTally => ({
  ...figuresOf(a),
  kinds: new Map(a.kinds.map((k) => [k.kind, { issued: k.issued, spent: k.spent, uses: k.uses ?? 0 }])),
  rates: new Map(a.rates.map((r) => [r.rate, r.points])),
  earners: a.earners,
  spenders: a.spenders,
  newReceivers: a.newReceivers,
  newSpenders: a.newSpenders,
  ...(a.scans ? { scans: scansFromAcc(a.scans) } : {}),
});

const toAcc = (scope: string, t: ScopeTally): AccScope => ({
  scope,
  ...figuresOf(t),
  earners: t.earners,
  spenders: t.spenders,
  newReceivers: t.newReceivers,
  newSpenders: t.newSpenders,
  kinds: kindsList(t),
  rates: ratesList(t.rates),
  ...(t.scans ? { scans: scansToAcc(t.scans) } : {}),
});

/**
 * Writes the day's documents and adds the day to each touched scope's totals. Both are set() whole
 * and totals name the last day they include, so finishing a day again changes nothing.
 */
async function finishDay(day: string, acc: AccScope[], now: Date): Promise<void> {
  if (!acc.length) return;
  const db = getDb();
  const _ = db.command;
  const totals = db.collection(M.totals);
  const { data } = await totals.where({ _id: _.in(acc.map((a) => a.scope)) }).limit(acc.length).get();
  const before = new Map((data as TotalsDoc[]).map((t) => [t._id, t]));
  const extra = acc.some((a) => a.scope === ALL) ? await dashboardFigures(day, acc.find((a) => a.scope === ALL)!) : {};
  await Promise.all(
    acc.map(async (a) => {
      const campaign = campaignOfScope(a.scope);
      const prev = before.get(a.scope);
      let next: Omit<TotalsDoc, '_id'>;
      if (prev && prev.through >= day) next = prev; // this day was added before a crash
      else {
        const base = prev ?? { ...Object.fromEntries(FIGURES.map((f) => [f, 0])), receivers: 0, spenders: 0, rates: [] };
        next = {
          ...addFigures(figuresOf(base as TotalsDoc), a),
          scope: a.scope,
          campaign,
          through: day,
          receivers: (base as TotalsDoc).receivers + a.newReceivers,
          spenders: (base as TotalsDoc).spenders + a.newSpenders,
          rates: addRates((base as TotalsDoc).rates, a.rates),
          updatedAt: now,
        };
      }
      const outstanding = next.rates.reduce((s, r) => s + r.points, 0);
      const { scans: _claims, ...figures } = a; // the checkpoint's claims; the day's scans are in `extra`
      const doc: Omit<DayDoc, '_id'> = {
        metric: 'ledger',
        ...figures,
        campaign,
        day,
        outstanding,
        liabilityFen: liabilityFen(next.rates),
        ...(a.scope === ALL ? extra : {}),
        computedAt: now,
      };
      await db.collection(M.days).doc(dayDocId(day, a.scope)).set({ data: doc });
      if (next !== prev) await totals.doc(a.scope).set({ data: next });
    }),
  );
}

const DAY_MS_ = 86_400_000;
const daysBefore = (day: string, n: number) => shanghaiDay(+shanghaiDayStart(day) - n * DAY_MS_);

/**
 * The dashboard's part of an all-campaigns day: its scans (claims counted by the pages, the other
 * scans from `scanStats`, batches' products) and the distinct members active (earning or spending)
 * that day and in the 7 and 30 days ending with it — counts of markers by their last active day
 * (index `a`); markers hold every day up to this one, as days roll up in order.
 */
async function dashboardFigures(day: string, all: AccScope): Promise<Pick<DayDoc, 'scans' | 'active' | 'active7' | 'active30'>> {
  const db = getDb();
  const _ = db.command;
  const scans = scansFromAcc(all.scans);
  await countQueries(scans, day);
  const active = (n: number) => db.collection(M.members).where({ a: _.gte(daysBefore(day, n - 1)), scope: ALL }).count().then((r) => r.total);
  const [products, a1, a7, a30] = await Promise.all([productsOf([...scans.batches.keys()]), active(1), active(7), active(30)]);
  return { scans: dayScans(scans, products), active: a1, active7: a7, active30: a30 };
}
