// The days not yet rolled up (normally today alone), straight from the entries: aggregates over the
// `createdAt` index that group in the database and answer a handful of rows, never one per entry
// or member. Their rows go through the same pure functions as the roll-up (figures.ts).
import { getDb } from '../cloud';
import { COLLECTIONS as CODES } from '../codes/model';
import { COLLECTIONS as C } from '../ledger/model';
import { ALL, applyCredit, applyTake, emptyTally, scopeOf, TAKE_TYPES, type Tally } from './figures';
import { METRICS as M, activeMarkerId } from './model';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** Rows per aggregate: (day ≤ 92) × rate × kind × movement stays far below. */
const ROWS = 1000;

export interface LiveWindow {
  from: Date;
  /** Exclusive; open when absent. */
  to?: Date;
  /** undefined = all campaigns. */
  campaign?: string;
  /** Group by Shanghai day (dailyMetrics) or not (metrics). */
  byDay: boolean;
  /**
   * The expiry run's entries only, or all but them. They are stamped with the day's cutoff (00:00
   * Shanghai) however late in the run they commit, so today's live roll-up leaves them out and the
   * dashboard always counts them live (metrics.md#today-so-far). Absent: every entry.
   */
  expiry?: 'only' | 'without';
}

function range(w: LiveWindow) {
  const _ = getDb().command;
  return { createdAt: w.to ? _.gte(w.from).and(_.lt(w.to)) : _.gte(w.from) };
}

/**
 * The Shanghai day of an entry as a number (days since 1970-01-01 in UTC+8): plain arithmetic, far
 * cheaper than $dateToString with a time zone (the local engine's evaluator is 30× slower with it).
 */
const dayKey = (w: LiveWindow) => {
  const $ = getDb().command.aggregate;
  return w.byDay ? $.floor($.divide([$.add([$.subtract(['$createdAt', new Date(0)]), SHANGHAI_OFFSET_MS]), DAY_MS])) : $.literal(-1);
};
/** YYYY-MM-DD of a day number ('' for the whole window). */
const dayOf = (n: number) => (n < 0 ? '' : new Date(n * DAY_MS).toISOString().slice(0, 10));

/**
 * Non-credit entries' takes, one row per take (`i` ≥ `n`: from `expiredLots`), with the lot's
 * credit entry as `lot` when `lots` is set (a lookup by _id, for its campaign and rate; all
 * campaigns without rates need none). Adjusts and releases only when negative: a positive adjust
 * is a credit, and a release moves points out of lots only when some return to an expired lot.
 */
function takesPipeline(w: LiveWindow, lots: boolean, types: readonly string[]) {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const negativeOnly = ['adjust', 'release'];
  let p = db
    .collection(C.entries)
    .aggregate()
    .match(
      _.and([
        range(w),
        _.or([{ type: _.in(types.filter((t) => !negativeOnly.includes(t))) }, { type: _.in(types.filter((t) => negativeOnly.includes(t))), delta: _.lt(0) }]),
      ]),
    )
    .project({
      type: 1,
      member: 1,
      neg: $.lt(['$delta', 0]),
      kind: '$source.kind',
      day: dayKey(w),
      takes: $.concatArrays([$.ifNull(['$lots', []]), $.ifNull(['$expiredLots', []])]),
      n: $.size($.ifNull(['$lots', []])),
    })
    .unwind({ path: '$takes', includeArrayIndex: 'i' });
  if (lots) {
    p = p
      .addFields({ credit: $.substrCP(['$takes.lotId', 4, 256]) })
      .lookup({ from: C.entries, localField: 'credit', foreignField: '_id', as: 'lot' })
      .unwind('$lot');
    if (w.campaign !== undefined) p = p.match({ 'lot.campaign': w.campaign });
  }
  return p;
}

/** The window's figures, per Shanghai day when `byDay` ('' otherwise). `rates` needs each lot's rate. */
export async function liveFigures(w: LiveWindow, rates: boolean): Promise<Map<string, Tally>> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const lots = rates || w.campaign !== undefined;
  const [{ list: credits }, { list: takes }] = await Promise.all([
    db
      .collection(C.entries)
      .aggregate()
      .match({ ...range(w), type: _.in(['earn', 'adjust']), delta: _.gt(0) })
      // The campaign in a stage of its own: the live days' entries come by the createdAt index, never
      // by (campaign, type), which would read every credit the campaign ever made.
      .match(w.campaign !== undefined ? { campaign: w.campaign } : {})
      .group({ _id: { day: dayKey(w), rate: '$rate', kind: '$source.kind' }, amount: $.sum('$amount'), repaid: $.sum($.ifNull(['$debtRepaid', 0])) })
      .limit(ROWS)
      .end(),
    takesPipeline(w, lots, TAKE_TYPES)
      .group({
        _id: { day: '$day', type: '$type', neg: '$neg', x: $.gte(['$i', '$n']), kind: '$kind', rate: lots ? '$lot.rate' : 0 },
        amount: $.sum('$takes.amount'),
        uses: $.sum($.cond([$.eq(['$i', 0]), 1, 0])),
      })
      .limit(ROWS)
      .end(),
  ]);
  const days = new Map<string, Tally>();
  const tally = (day: string) => {
    let t = days.get(day);
    if (!t) days.set(day, (t = emptyTally()));
    return t;
  };
  type CreditRow = { _id: { day: number; rate: number; kind: string | null }; amount: number; repaid: number };
  type TakeRow = { _id: { day: number; type: string; neg: boolean; x: boolean; kind: string | null; rate: number }; amount: number; uses: number };
  for (const r of credits as CreditRow[]) applyCredit(tally(dayOf(r._id.day)), { amount: r.amount, debtRepaid: r.repaid, rate: r._id.rate, kind: r._id.kind ?? '' });
  for (const r of takes as TakeRow[]) {
    const k = r._id;
    applyTake(tally(dayOf(k.day)), { type: k.type, negative: k.neg, expiredPart: k.x, amount: r.amount, rate: k.rate, kind: k.kind ?? '', uses: r.uses });
  }
  return days;
}

/**
 * The window's figures of every campaign at once, keyed by scope (`*` and each `c:<campaign>`):
 * credits grouped by campaign, takes by their lot's campaign (2 aggregates, a few rows per
 * campaign). All campaigns are the sum of the campaigns (every lot has one, '' included).
 */
export async function liveByCampaign(w: Omit<LiveWindow, 'campaign' | 'byDay'>): Promise<Map<string, Tally>> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const win: LiveWindow = { ...w, byDay: false };
  const takeTypes = w.expiry === 'only' ? ['expire'] : w.expiry === 'without' ? TAKE_TYPES.filter((t) => t !== 'expire') : TAKE_TYPES;
  const [{ list: credits }, { list: takes }] = await Promise.all([
    // An expiry credits nothing.
    w.expiry === 'only'
      ? { list: [] }
      : db
          .collection(C.entries)
          .aggregate()
          .match({ ...range(win), type: _.in(['earn', 'adjust']), delta: _.gt(0) })
          .group({ _id: { campaign: '$campaign', rate: '$rate', kind: '$source.kind' }, amount: $.sum('$amount'), repaid: $.sum($.ifNull(['$debtRepaid', 0])) })
          .limit(ROWS)
          .end(),
    takesPipeline(win, true, takeTypes)
      .group({
        _id: { campaign: '$lot.campaign', type: '$type', neg: '$neg', x: $.gte(['$i', '$n']), kind: '$kind', rate: '$lot.rate' },
        amount: $.sum('$takes.amount'),
        uses: $.sum($.cond([$.eq(['$i', 0]), 1, 0])),
      })
      .limit(ROWS)
      .end(),
  ]);
  const out = new Map<string, Tally>();
  const tallies = (campaign: string | null) =>
    [ALL, scopeOf(campaign ?? '')].map((scope) => {
      let t = out.get(scope);
      if (!t) out.set(scope, (t = emptyTally()));
      return t;
    });
  type CreditRow = { _id: { campaign: string | null; rate: number; kind: string | null }; amount: number; repaid: number };
  type TakeRow = { _id: { campaign: string | null; type: string; neg: boolean; x: boolean; kind: string | null; rate: number }; amount: number; uses: number };
  for (const r of credits as CreditRow[]) for (const t of tallies(r._id.campaign)) applyCredit(t, { amount: r.amount, debtRepaid: r.repaid, rate: r._id.rate, kind: r._id.kind ?? '' });
  for (const r of takes as TakeRow[]) {
    const k = r._id;
    for (const t of tallies(k.campaign)) applyTake(t, { type: k.type, negative: k.neg, expiredPart: k.x, amount: r.amount, rate: k.rate, kind: k.kind ?? '', uses: r.uses });
  }
  return out;
}

/** Distinct members who earned, spent, or either in the window: one aggregate (two groups). */
export async function liveActive(w: Omit<LiveWindow, 'campaign' | 'byDay'>): Promise<{ active: number; earners: number; spenders: number }> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const { list } = await db
    .collection(C.entries)
    .aggregate()
    .match({ ...range({ ...w, byDay: false }), type: _.in(['earn', 'spend', 'adjust']) })
    .group({ _id: '$member', e: $.max($.cond([$.gt(['$delta', 0]), 1, 0])), s: $.max($.cond([$.lt(['$delta', 0]), 1, 0])) })
    .group({ _id: null, active: $.sum(1), earners: $.sum('$e'), spenders: $.sum('$s') })
    .end();
  const r = (list as { active: number; earners: number; spenders: number }[])[0];
  return { active: r?.active ?? 0, earners: r?.earners ?? 0, spenders: r?.spenders ?? 0 };
}

/**
 * Members of today's entries from `from` on who are not among the `before` members counted by the
 * live roll-up: those without a `metricsActive/<day>|<member>` marker from one of its first `page`
 * pages (a later page's marker is not in the checkpoint the caller read). One aggregate: the
 * window's distinct members, each joined by `_id` to its marker — never a read of accounts.
 */
export async function liveFreshActive(from: Date, day: string, page: number): Promise<number> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const { list } = await db
    .collection(C.entries)
    .aggregate()
    .match({ createdAt: _.gte(from), type: _.in(['earn', 'spend', 'adjust']) })
    .group({ _id: '$member' })
    .project({ marker: $.concat([activeMarkerId(day, ''), '$_id']) })
    .lookup({ from: M.active, localField: 'marker', foreignField: '_id', as: 'm' })
    .group({ _id: null, fresh: $.sum($.cond([$.eq([$.size($.filter({ input: '$m', as: 'x', cond: $.lte(['$$x.p', page]) })), 0]), 1, 0])) })
    .end();
  return (list as { fresh: number }[])[0]?.fresh ?? 0;
}

export interface ClaimRow {
  _id: { batch: string; province: string };
  claims: number;
  points: number;
}

/** The window's claims: scan credits, their codes joined by _id, grouped by batch and claiming province. */
export async function liveClaims(w: Omit<LiveWindow, 'campaign' | 'byDay'>): Promise<ClaimRow[]> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const { list } = await db
    .collection(C.entries)
    .aggregate()
    .match({ ...range({ ...w, byDay: false }), type: 'earn', 'source.kind': 'scan' })
    .lookup({ from: CODES.codes, localField: 'source.ref', foreignField: '_id', as: 'code' })
    .unwind({ path: '$code', preserveNullAndEmptyArrays: true })
    .group({ _id: { batch: $.ifNull(['$code.batch', '']), province: $.ifNull(['$code.claimProvince', '']) }, claims: $.sum(1), points: $.sum('$amount') })
    .limit(ROWS)
    .end();
  return list as ClaimRow[];
}

/** Distinct members earning and spending in the window, per day ('' when not by day). */
export async function liveMembers(w: LiveWindow): Promise<Map<string, { earners: number; spenders: number }>> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const count = (p: any, day: unknown) =>
    p
      .group({ _id: { day, member: '$member' } })
      .group({ _id: '$_id.day', n: $.sum(1) })
      .limit(ROWS)
      .end();
  const credits = db
    .collection(C.entries)
    .aggregate()
    .match({ ...range(w), type: _.in(['earn', 'adjust']), delta: _.gt(0) })
    .match(w.campaign !== undefined ? { campaign: w.campaign } : {});
  // All campaigns: a spend entry is enough; a campaign: spends that took its lots.
  const spends =
    w.campaign === undefined
      ? db.collection(C.entries).aggregate().match({ ...range(w), type: _.in(['spend', 'adjust']), delta: _.lt(0) })
      : takesPipeline(w, true, ['spend', 'adjust']);
  const [{ list: e }, { list: s }] = await Promise.all([count(credits, dayKey(w)), count(spends, w.campaign === undefined ? dayKey(w) : '$day')]);
  const out = new Map<string, { earners: number; spenders: number }>();
  const at = (day: string) => {
    let x = out.get(day);
    if (!x) out.set(day, (x = { earners: 0, spenders: 0 }));
    return x;
  };
  for (const r of e as { _id: number; n: number }[]) at(dayOf(r._id)).earners = r.n;
  for (const r of s as { _id: number; n: number }[]) at(dayOf(r._id)).spenders = r.n;
  return out;
}
