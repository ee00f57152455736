// Operators' ledger figures: the roll-ups of closed days plus the live days (normally today alone)
// from the entries. A fixed number of requests whatever the number of members (docs/metrics.md).
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { budgetStatus } from '../ledger/budgets';
import { pointsToFen } from '../ledger/rates';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { ALL, addFigures, addKinds, addRates, emptyFigures, figuresOf, kindsList, liabilityFen, ratesList, scopeOf, type Figures, type KindFigures } from './figures';
import { liveFigures, liveMembers } from './live';
import { METRICS as M, type DayDoc, type RollupState, type TotalsDoc } from './model';

const DAY_MS = 86_400_000;
const nextDayStart = (day: string) => new Date(+shanghaiDayStart(day) + DAY_MS);

/** The last closed day counted by the roll-up (null before its first run). */
async function rolledThrough(): Promise<string | null> {
  const { data } = await getDb().collection('jobRuns').doc(M.stateId).get();
  return (data as RollupState | null)?.through ?? null;
}

/**
 * A campaign's figures ('' = points issued outside campaigns): A max issuable (with a budget), B
 * issued (the budget's count with one), C = spent / issued (redemption rate), D = members who ever
 * spent its points / members who ever received any (usage rate, as of the last closed day), the
 * points still in its lots (outstanding) and their liability in fen at each lot's rate.
 * Requests: 2 reads (checkpoint, totals) + 2 aggregates (+ 2 for a budget).
 */
export async function metrics(campaign: string, budget?: string) {
  const db = getDb();
  const scope = scopeOf(campaign);
  const [through, { data: t }, status] = await Promise.all([
    rolledThrough(),
    db.collection(M.totals).doc(scope).get(),
    budget ? budgetStatus(budget) : Promise.resolve(null),
  ]);
  const totals = t as TotalsDoc | null;
  // The totals include every day up to their own `through`, or (untouched since) up to the run's.
  const closed = [through, totals?.through ?? null].filter((d): d is string => !!d).sort().pop() ?? null;
  const since = closed ? nextDayStart(closed) : new Date(0);
  const live = (await liveFigures({ from: since, campaign, byDay: false }, true)).get('') ?? null;
  const f = addFigures(totals ? figuresOf(totals) : emptyFigures(), live ?? emptyFigures());
  const rates = addRates(totals?.rates ?? [], live ? ratesList(live.rates) : []);
  const outstanding = rates.reduce((s, r) => s + r.points, 0);
  const receivers = totals?.receivers ?? 0;
  const spenders = totals?.spenders ?? 0;
  return {
    campaign,
    A: status ? status.budget.cap : null,
    B: status ? status.issued : f.issued,
    C: f.issued ? f.spent / f.issued : 0,
    D: receivers ? spenders / receivers : 0,
    ...f,
    outstanding,
    liabilityFen: liabilityFen(rates),
    rates: rates.map((r) => ({ ...r, liabilityFen: pointsToFen(r.points, r.rate) })),
    receivers,
    spenders,
    /** Closed days counted in the roll-ups (through this day); later ones read live. */
    closedThrough: closed,
  };
}

export interface DayFigures extends Figures {
  day: string;
  /** Distinct members who earned / spent (the scope's points) that day. */
  earners: number;
  spenders: number;
  kinds: KindFigures[];
  /** Points in lots at the end of the day (closed days; null for a live day). */
  outstanding: number | null;
  liabilityFen: number | null;
}

const MAX_METRIC_DAYS = 92;

/**
 * Figures per Shanghai day for [from, to] (inclusive, at most 92 days), all campaigns or one:
 * closed days from their roll-up documents (one query), live days from the entries (4 aggregates,
 * only when the range reaches them).
 */
export async function dailyMetrics(from: string, to: string, campaign?: string): Promise<{ days: DayFigures[]; closedThrough: string | null }> {
  const start = shanghaiDayStart(from);
  const end = nextDayStart(to);
  if (+end <= +start) throw new AppError('BAD_REQUEST', 'to must not be before from');
  if ((+end - +start) / DAY_MS > MAX_METRIC_DAYS) throw new AppError('BAD_REQUEST', `at most ${MAX_METRIC_DAYS} days at a time`);
  const db = getDb();
  const _ = db.command;
  const scope = campaign === undefined ? ALL : scopeOf(campaign);
  const [through, { data }] = await Promise.all([
    rolledThrough(),
    db
      .collection(M.days)
      .where({ scope, day: _.gte(from).and(_.lte(to)) })
      .limit(MAX_METRIC_DAYS)
      .get(),
  ]);
  const docs = new Map((data as DayDoc[]).map((d) => [d.day, d]));
  const closed = [through, ...docs.keys()].filter((d): d is string => !!d).sort().pop() ?? null;
  const liveFrom = closed ? nextDayStart(closed) : new Date(0);
  const days: DayFigures[] = [];
  const zero = (day: string, live: boolean): DayFigures => ({ day, ...emptyFigures(), earners: 0, spenders: 0, kinds: [], outstanding: live ? null : 0, liabilityFen: live ? null : 0 });
  if (+liveFrom < +end) {
    const w = { from: new Date(Math.max(+liveFrom, +start)), to: end, campaign, byDay: true };
    const [figures, members] = await Promise.all([liveFigures(w, false), liveMembers(w)]);
    for (let t = +start; t < +end; t += DAY_MS) {
      const day = shanghaiDay(t);
      if (t < +liveFrom) continue;
      const f = figures.get(day);
      const m = members.get(day);
      docs.set(day, { ...zero(day, true), ...(f ? figuresOf(f) : {}), kinds: f ? kindsList(f) : [], earners: m?.earners ?? 0, spenders: m?.spenders ?? 0 } as never);
    }
  }
  let lastOutstanding: { outstanding: number; liabilityFen: number } | null = null;
  for (let t = +start; t < +end; t += DAY_MS) {
    const day = shanghaiDay(t);
    const d = docs.get(day) as (DayDoc & { outstanding: number | null }) | undefined;
    const live = t >= +liveFrom;
    if (!d) {
      // A closed day with no entries in the scope: nothing moved, points in lots as the day before (if known).
      days.push({ ...zero(day, live), ...(live ? {} : { outstanding: lastOutstanding?.outstanding ?? null, liabilityFen: lastOutstanding?.liabilityFen ?? null }) });
      continue;
    }
    const row: DayFigures = {
      day,
      ...addFigures(emptyFigures(), d),
      earners: d.earners,
      spenders: d.spenders,
      kinds: addKinds(d.kinds ?? []),
      outstanding: d.outstanding ?? null,
      liabilityFen: d.liabilityFen ?? null,
    };
    if (row.outstanding !== null) lastOutstanding = { outstanding: row.outstanding, liabilityFen: row.liabilityFen! };
    days.push(row);
  }
  return { days, closedThrough: closed };
}
