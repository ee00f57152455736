// The live roll-up: today so far, counted by the jobs tick every 5 minutes, so the dashboard's today
// reads one small document plus the entries since its checkpoint (minutes of activity) instead of
// aggregating the whole day's entries on every load (docs/metrics.md#today-so-far).
//
// It counts with the dashboard's own live aggregates (live.ts) over consecutive time windows
// [through, to) of today's entries, and adds their rows to the stored figures. Every figure is a sum
// over entries, so the windows' sums are exactly the day's: the dashboard's today is the same
// whether it reads the checkpoint or not. Windows stop SETTLE_MS before now (an entry older than
// that has committed), hold at most `pageSize` entries, and are checkpointed one by one (set whole),
// so a run cut off by its time box resumes at the next window and counts each entry once.
//
// Distinct active members are not a sum. The day's active members are kept as one small marker
// per member (`metricsActive/<day>|<member>`, with the page that made it); the checkpoint counts the
// markers its pages made, and the dashboard adds the members after the checkpoint without a marker
// from those pages (live.ts liveFreshActive: one aggregate joining each distinct member to its
// marker by `_id`). Chosen over a member set kept in the checkpoint or in shard documents: a set
// of 1 % of a million members is 10,000 ids (≈ 300 kB) that grows with the day's activity,
// must be read whole by every load and rewritten by every page; a marker is written once per
// member and day, read only by `_id`, and nothing grows past a few hundred bytes. Markers of
// earlier days go when the next day's first page starts.
import { getDb } from '../cloud';
import { SETTLE_MS } from '../ledger/access';
import { COLLECTIONS as C, type Entry } from '../ledger/model';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { addTally, emptyTally, figuresOf, kindsList, ratesList, type Tally } from './figures';
import { liveByCampaign, liveClaims, type ClaimRow } from './live';
import { METRICS as M, activeMarkerId, type ActiveMarker, type TodayScope, type TodayState } from './model';
import { addBatch, addProvince, scansFromAcc, scansToAcc, type ScanTally } from './scans';

/** Entries per window (at most the 1,000 a query answers): the aggregates' work per page, and the members whose markers a page reads (one `_id in` query). */
export const PAGE = 1000;
const ACTIVE_TYPES = ['earn', 'spend', 'adjust'];

const chunks = <T>(list: T[], n: number): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_x, i) => list.slice(i * n, i * n + n));

export interface TodayResult {
  status: 'done' | 'running';
  day: string;
  /** Entries before this are counted (ISO time). */
  through: string;
  pages: number;
  entries: number;
}

/** The figures of today so far, from the checkpoint (the dashboard adds the entries from `through` on). */
export const tallyOf = (a: TodayScope): Tally => ({
  ...figuresOf(a),
  kinds: new Map(a.kinds.map((k) => [k.kind, { issued: k.issued, spent: k.spent, uses: k.uses ?? 0 }])),
  rates: new Map(a.rates.map((r) => [r.rate, r.points])),
});
const toScope = (scope: string, t: Tally): TodayScope => ({ scope, ...figuresOf(t), kinds: kindsList(t), rates: ratesList(t.rates) });

/** Folds the claims' rows (batch × province) in, as the dashboard folds them. */
export function addClaims(t: ScanTally, rows: ClaimRow[]): ScanTally {
  for (const c of rows) {
    addBatch(t, { batch: c._id.batch, claims: c.claims, points: c.points, queries: 0 });
    addProvince(t, { province: c._id.province, claims: c.claims, queries: 0 });
  }
  return t;
}

/** A fresh checkpoint of `day`: nothing counted, from the day's start. */
const freshState = (day: string, now: Date): TodayState => ({
  _id: M.todayId,
  job: 'ledgerToday',
  day,
  through: shanghaiDayStart(day),
  page: 0,
  acc: [],
  claims: { batches: [], provinces: [] },
  active: 0,
  updatedAt: now,
});

/** Runs (or resumes) the count of today's settled entries, for at most `budgetMs`. */
export async function runTodayRollup(now = new Date(), budgetMs = 2_000, opts: { clock?: () => number; pageSize?: number } = {}): Promise<TodayResult> {
  const clock = opts.clock ?? Date.now;
  const pageSize = Math.min(opts.pageSize ?? PAGE, PAGE);
  const started = clock();
  const db = getDb();
  const _ = db.command;
  const states = db.collection('jobRuns');
  const day = shanghaiDay(now);
  const until = new Date(+now - SETTLE_MS);
  const stored = ((await states.doc(M.todayId).get().catch(() => ({ data: null }))).data as TodayState | null) ?? null;
  let state: TodayState = stored ?? freshState(day, now);
  if (!stored || stored.day !== day) {
    // A new day: yesterday's markers go (the closed-day roll-up has its own), and today starts empty.
    await db.collection(M.active).where({ day: _.lt(day) }).remove();
    state = freshState(day, now);
    await states.doc(M.todayId).set({ data: stripId(state) });
  }
  const result: TodayResult = { status: 'running', day, through: new Date(state.through).toISOString(), pages: 0, entries: 0 };
  while (clock() - started < budgetMs) {
    const from: Date = new Date(state.through);
    if (+from >= +until) return { ...result, status: 'done' };
    const window = await nextWindow(from, until, pageSize);
    const page: number = state.page + 1;
    // An empty window (a quiet spell) only moves the checkpoint.
    const [byScope, claims, fresh]: [Map<string, Tally>, ClaimRow[], number] = window.entries
      ? await Promise.all([liveByCampaign({ from, to: window.to, expiry: 'without' }), liveClaims({ from, to: window.to }), markActive(window.members, day, page)])
      : [new Map<string, Tally>(), [], 0];
    const acc: Map<string, Tally> = new Map(state.acc.map((a) => [a.scope, tallyOf(a)]));
    for (const [scope, t] of byScope) acc.set(scope, addTally(acc.get(scope) ?? emptyTally(), t));
    const scans = addClaims(scansFromAcc(state.claims), claims);
    state = {
      ...state,
      through: window.to,
      page,
      acc: [...acc].map(([scope, t]) => toScope(scope, t)),
      claims: scansToAcc(scans),
      active: state.active + fresh,
      updatedAt: now,
    };
    // Written whole after the page's markers: a page cut off before it is redone whole.
    await states.doc(M.todayId).set({ data: stripId(state) });
    result.pages++;
    result.entries += window.entries;
    result.through = window.to.toISOString();
  }
  return result;
}

const stripId = ({ _id, ...rest }: TodayState) => rest;

type PageEntry = Pick<Entry, '_id' | 'member' | 'type' | 'createdAt'>;

/**
 * The next window from `from`: fewer than `pageSize` entries, ending at the millisecond of the
 * `pageSize`-th (windows are time ranges, so that millisecond goes whole into the next one), or at
 * `until` when fewer are left. One millisecond holding a whole page is taken whole (its entries read
 * by `_id`): never on the cloud, where a brand writes far less than that.
 */
async function nextWindow(from: Date, until: Date, pageSize: number): Promise<{ to: Date; entries: number; members: string[] }> {
  const db = getDb();
  const _ = db.command;
  const read = (where: object, limit: number) =>
    db.collection(C.entries).where(where).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(limit).field({ member: true, type: true, createdAt: true }).get().then((r) => r.data as PageEntry[]);
  // The expiry run's entries are not the roll-up's (stamped with the day's start, committed later).
  const list = await read({ createdAt: _.gte(from).and(_.lt(until)), type: _.neq('expire') }, pageSize);
  let to = until;
  let entries = list;
  if (list.length === pageSize) {
    const last = +new Date(list[pageSize - 1].createdAt);
    if (last > +from) {
      to = new Date(last);
      entries = list.filter((e) => +new Date(e.createdAt) < last);
    } else {
      to = new Date(last + 1);
      for (let after = list[list.length - 1]._id; ; ) {
        const more = await read({ createdAt: new Date(last), _id: _.gt(after), type: _.neq('expire') }, PAGE);
        entries.push(...more);
        if (more.length < PAGE) break;
        after = more[more.length - 1]._id;
      }
    }
  }
  const members = [...new Set(entries.filter((e) => ACTIVE_TYPES.includes(e.type)).map((e) => e.member))];
  return { to, entries: entries.length, members };
}

/**
 * Markers of the page's active members: how many are new today. A marker made by this very page
 * (a run cut off after its markers, before its checkpoint) counts again; one from an earlier page
 * does not. New markers go in one insert per 1,000.
 */
async function markActive(members: string[], day: string, page: number): Promise<number> {
  if (!members.length) return 0;
  const db = getDb();
  const markers = db.collection(M.active);
  const found = new Map<string, ActiveMarker>();
  for (const ids of chunks(members.map((m) => activeMarkerId(day, m)), PAGE)) {
    const { data } = await markers.where({ _id: db.command.in(ids) }).limit(ids.length).get();
    for (const m of data as ActiveMarker[]) found.set(m._id, m);
  }
  let fresh = 0;
  const created: ActiveMarker[] = [];
  for (const member of members) {
    const id = activeMarkerId(day, member);
    const m = found.get(id);
    if (!m) created.push({ _id: id, day, member, p: page });
    if (!m || m.p === page) fresh++;
  }
  for (const docs of chunks(created, PAGE)) await markers.add({ data: docs });
  return fresh;
}

/**
 * Whether the dashboard can read today through the checkpoint: it is today's, today is the only live
 * day, and it is not ahead of `now` (a clock set back). However old, it is exact: the entries after
 * it are all read.
 */
export const usableToday = (state: TodayState | null, liveDays: string[], now: Date): state is TodayState =>
  !!state && liveDays.length === 1 && state.day === liveDays[0] && +new Date(state.through) <= +now;
