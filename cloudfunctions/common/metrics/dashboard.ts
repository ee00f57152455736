// The operators' dashboard (数据看板, docs/console.md): one read over the roll-ups only — the
// all-campaigns day documents of the last 30 closed days, every campaign's totals and last 7 days,
// the budgets' counter shards — plus the live days (normally today alone): today so far from the
// live roll-up's checkpoint (today.ts) and the entries after it from aggregates that group in the
// database, or, without a checkpoint of today, the whole live window from those aggregates. A fixed
// number of requests whatever the number of members; no account is read, no query answers more
// than a few hundred small documents.
import { getDb } from '../cloud';
import { COLLECTIONS as CAMPAIGNS, type Campaign } from '../campaigns/model';
import { COLLECTIONS as CODES } from '../codes/model';
import { provinceName } from '../codes/regions';
import { budgetCounterOf } from '../ledger/budgets';
import { pointsToFen } from '../ledger/rates';
import { COUNTERS, totalsOf, type CounterShard } from '../counter/capped';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { ALL, addRates, addTally, emptyFigures, emptyTally, figuresOf, kindsList, liabilityFen, ratesList, scopeOf, type Tally } from './figures';
import { liveActive, liveByCampaign, liveClaims, liveFreshActive } from './live';
import { METRICS as M, type DayDoc, type RollupState, type TodayState, type TotalsDoc } from './model';
import { addBatch, addProvince, addQueries, emptyScans, NO_PROVINCE, type ScanStatDoc } from './scans';
import { addClaims, tallyOf, usableToday } from './today';
import {
  dashboardCsv,
  daysToA,
  foldPeriod,
  readIndicators,
  STATUS_LABEL,
  topOf,
  type CampaignFigures,
  type DailyRow,
  type DayInput,
  type Period,
  type Ranked,
} from './dashboard-figures';

const DAY_MS = 86_400_000;
const dayPlus = (day: string, n: number) => shanghaiDay(+shanghaiDayStart(day) + n * DAY_MS);
/** Campaigns shown (the most recently changed). */
const MAX_CAMPAIGNS = 100;
const PAGE = 1000;

export interface Dashboard {
  generatedAt: string;
  today: string;
  /** The last day in the roll-ups (periods of 7 and 30 days end with it); null before the first. */
  closedThrough: string | null;
  periods: (Period & { top: { batches: Ranked[]; products: Ranked[] }; provinceScans: { province: string; name: string; scans: number; claims: number }[] })[];
  /** The last 30 closed days and the live days, oldest first. */
  daily: (DailyRow & { live: boolean })[];
  campaigns: CampaignFigures[];
  /** All campaigns: points in lots now and their liability. */
  outstanding: number;
  liabilityFen: number;
}

/** Days of the live window: after the roll-ups' last day, through today. */
function liveDays(closed: string | null, today: string): string[] {
  const out: string[] = [];
  const first = closed ? dayPlus(closed, 1) : today;
  for (let d = first; d <= today && out.length < 31; d = dayPlus(d, 1)) out.push(d);
  return out;
}

/**
 * The live window's figures: today's checkpoint plus the entries after it, or (no checkpoint of
 * today, or more than today is live) the window's entries whole. The same 3 aggregates either way,
 * and the same figures: the checkpoint was counted by these aggregates over the entries before it.
 */
async function liveWindow(from: Date, live: string[], today: TodayState | null, now: Date): Promise<{ byScope: Map<string, Tally>; active: number; claims: ReturnType<typeof addClaims> }> {
  if (!usableToday(today, live, now)) {
    const [byScope, active, claims] = await Promise.all([liveByCampaign({ from }), liveActive({ from }), liveClaims({ from })]);
    return { byScope, active: active.active, claims: addClaims(emptyScans(), claims) };
  }
  const after = new Date(today.through);
  // The checkpoint holds no expiry (its entries carry the day's start whenever they commit): today's
  // expiries before it are counted live, with everything after it.
  const [byScope, expired, fresh, claims] = await Promise.all([
    liveByCampaign({ from: after }),
    liveByCampaign({ from, to: after, expiry: 'only' }),
    liveFreshActive(after, today.day, today.page),
    liveClaims({ from: after }),
  ]);
  const merged = new Map(today.acc.map((a) => [a.scope, tallyOf(a)]));
  for (const part of [byScope, expired]) for (const [scope, t] of part) merged.set(scope, addTally(merged.get(scope) ?? emptyTally(), t));
  const scans = emptyScans();
  for (const b of today.claims.batches) addBatch(scans, b);
  for (const p of today.claims.provinces) addProvince(scans, p);
  return { byScope: merged, active: today.active + fresh, claims: addClaims(scans, claims) };
}

export async function dashboard(now = new Date()): Promise<Dashboard> {
  const db = getDb();
  const _ = db.command;
  const today = shanghaiDay(now);
  // Round 1: where the roll-ups stand (closed days, today so far), and the campaigns.
  const [stateDocs, campaignsDoc] = await Promise.all([
    db.collection('jobRuns').where({ _id: _.in([M.stateId, M.todayId]) }).limit(2).get(),
    db.collection(CAMPAIGNS.campaigns).orderBy('updatedAt', 'desc').limit(MAX_CAMPAIGNS).field({ name: true, status: true, budget: true }).get(),
  ]);
  const states = stateDocs.data as (RollupState | TodayState)[];
  const through = (states.find((d) => d._id === M.stateId) as RollupState | undefined)?.through ?? null;
  const todayState = (states.find((d) => d._id === M.todayId) as TodayState | undefined) ?? null;
  const closed = through && through >= today ? dayPlus(today, -1) : through;
  const campaigns = (campaignsDoc.data as Pick<Campaign, '_id' | 'name' | 'status' | 'budget'>[]).filter((c) => c.status !== 'draft');
  const scopes = [ALL, scopeOf(''), ...campaigns.map((c) => scopeOf(c._id))];
  const from30 = closed ? dayPlus(closed, -29) : today;
  const from7 = closed ? dayPlus(closed, -6) : today;
  const live = liveDays(closed, today);
  const liveFrom = shanghaiDayStart(live[0] ?? today);
  const budgets = [...new Set(campaigns.map((c) => c.budget).filter((b): b is string => !!b))];

  // Round 2: the roll-ups and the live window, all at once.
  const [allDays, recent, totalsDocs, shards, liveNow, liveQueries] = await Promise.all([
    closed
      ? db.collection(M.days).where({ scope: ALL, day: _.gte(from30).and(_.lte(closed)) }).limit(31).get().then((r) => r.data as DayDoc[])
      : Promise.resolve([] as DayDoc[]),
    // Every scope's last 7 closed days, issued only (the burn towards A): ≤ 7 × (campaigns + 2) small documents.
    closed
      ? db.collection(M.days).where({ day: _.gte(from7).and(_.lte(closed)) }).limit(PAGE).field({ scope: true, day: true, issued: true }).get().then((r) => r.data as Pick<DayDoc, 'scope' | 'day' | 'issued'>[])
      : Promise.resolve([]),
    db.collection(M.totals).where({ _id: _.in(scopes) }).limit(scopes.length).get().then((r) => r.data as TotalsDoc[]),
    readShards(budgets.map(budgetCounterOf)),
    // Figures, active members and claims (scan credits by their code's batch and province).
    liveWindow(liveFrom, live, todayState, now),
    db.collection(CODES.scanStats).where({ day: _.in(live) }).limit(PAGE).get().then((r) => r.data as ScanStatDoc[]),
  ]);

  // The live window as one "day".
  const liveFig = liveNow.byScope;
  const active = { active: liveNow.active };
  const liveAll: Tally = liveFig.get(ALL) ?? { ...emptyFigures(), kinds: new Map(), rates: new Map() };
  const liveScans = liveNow.claims;
  addQueries(liveScans, liveQueries);
  const liveBatches = [...liveScans.batches.values()];
  const liveDay: DayInput = {
    day: today,
    ...figuresOf(liveAll),
    kinds: kindsList(liveAll),
    outstanding: null,
    liabilityFen: null,
    scans: {
      claims: liveBatches.reduce((s, b) => s + b.claims, 0),
      queries: liveBatches.reduce((s, b) => s + b.queries, 0),
      points: liveBatches.reduce((s, b) => s + b.points, 0),
      batches: liveBatches.map((b) => ({ ...b, product: '' })),
      provinces: [...liveScans.provinces.values()],
    },
  };

  const byDay = new Map(allDays.map((d) => [d.day, d]));
  const closedDays = (from: string): DayDoc[] => allDays.filter((d) => d.day >= from).sort((a, b) => (a.day < b.day ? -1 : 1));
  const last = closed ? byDay.get(closed) : undefined;
  const periods = [
    foldPeriod('today', live.length > 1 ? `实时（${live[0]} 起）` : '今日', live[0] ?? today, today, [liveDay], active.active),
    foldPeriod('d7', '近7天', from7, closed ?? today, closedDays(from7), last?.active7 ?? null),
    foldPeriod('d30', '近30天', from30, closed ?? today, closedDays(from30), last?.active30 ?? null),
  ];

  // Round 3: names of the batches and products in the top lists (live batches need their product too).
  const batchIds = [...new Set(periods.flatMap((p) => p.batches.map((b) => b.batch)).filter(Boolean))].slice(0, PAGE);
  const batchDocs = batchIds.length
    ? ((await db.collection(CODES.batches).where({ _id: _.in(batchIds) }).limit(batchIds.length).field({ product: true, batchNo: true }).get()).data as { _id: string; product: string; batchNo: string }[])
    : [];
  const batchInfo = new Map(batchDocs.map((b) => [b._id, b]));
  for (const p of periods) for (const b of p.batches) if (!b.product) b.product = batchInfo.get(b.batch)?.product ?? '';
  const productIds = [...new Set(batchDocs.map((b) => b.product).filter(Boolean))];
  const productDocs = productIds.length
    ? ((await db.collection(CODES.products).where({ _id: _.in(productIds) }).limit(productIds.length).field({ name: true }).get()).data as { _id: string; name: string }[])
    : [];
  const productName = new Map(productDocs.map((p) => [p._id, p.name]));
  const names = {
    batch: (id: string) => {
      const b = batchInfo.get(id);
      return b ? `${productName.get(b.product) ?? '未知商品'} · ${b.batchNo}` : '已删除的批次';
    },
    product: (id: string) => productName.get(id) ?? '未知商品',
  };

  // Campaigns: totals (closed days) + the live window, the budgets' A and B, the burn of the last 7 days.
  const totals = new Map(totalsDocs.map((t) => [t._id, t]));
  const counters = new Map<string, CounterShard[]>();
  for (const s of shards) counters.set(s.counter, [...(counters.get(s.counter) ?? []), s]);
  const burn = new Map<string, number>();
  for (const d of recent) burn.set(d.scope, (burn.get(d.scope) ?? 0) + d.issued);
  const rows: CampaignFigures[] = [];
  const outside = { _id: '', name: '活动外发放', status: 'none', budget: undefined } as Pick<Campaign, '_id' | 'name' | 'budget'> & { status: string };
  for (const c of [...campaigns, outside]) {
    const scope = scopeOf(c._id);
    const t = totals.get(scope);
    const l = liveFig.get(scope);
    if (!c._id && !t && !l) continue; // nothing ever issued outside campaigns
    const f = figuresOf(t ?? emptyFigures());
    if (l) for (const k of Object.keys(f) as (keyof typeof f)[]) f[k] += l[k];
    const rates = addRates(t?.rates ?? [], l ? ratesList(l.rates) : []);
    const budget = c.budget ? counters.get(budgetCounterOf(c.budget)) : undefined;
    const status = budget?.length ? totalsOf(budget) : null;
    const A = status ? status.cap : null;
    const B = status ? status.taken : f.issued;
    const receivers = t?.receivers ?? 0;
    const spenders = t?.spenders ?? 0;
    const burnPerDay = (burn.get(scope) ?? 0) / 7;
    const row = {
      campaign: c._id,
      name: c.name || '未命名活动',
      status: c.status,
      statusLabel: STATUS_LABEL[c.status] ?? c.status,
      A,
      B,
      C: f.issued ? f.spent / f.issued : 0,
      D: receivers ? spenders / receivers : 0,
      issued: f.issued,
      spent: f.spent,
      expired: f.expired,
      outstanding: rates.reduce((s, r) => s + r.points, 0),
      liabilityFen: liabilityFen(rates),
      rates: rates.map((r) => ({ ...r, liabilityFen: pointsToFen(r.points, r.rate) })),
      receivers,
      spenders,
      burnPerDay,
      daysToA: daysToA(A, B, burnPerDay),
      readings: [] as string[],
    };
    row.readings = readIndicators(row);
    rows.push(row);
  }

  // Campaigns with a budget first, then by points issued: the ones to watch on top.
  rows.sort((a, b) => Number(b.A !== null) - Number(a.A !== null) || b.issued - a.issued);

  // All campaigns now, and the daily series.
  const allRates = addRates(totals.get(ALL)?.rates ?? [], ratesList(liveAll.rates));
  const daily: Dashboard['daily'] = [];
  let lastOutstanding: { o: number; l: number } | null = null;
  for (let d = from30; closed && d <= closed; d = dayPlus(d, 1)) {
    const x = byDay.get(d);
    if (x) lastOutstanding = { o: x.outstanding, l: x.liabilityFen };
    daily.push({
      day: d,
      issued: x?.issued ?? 0,
      spent: x?.spent ?? 0,
      expired: x?.expired ?? 0,
      reversed: x?.reversed ?? 0,
      active: x?.active ?? (x ? null : 0),
      outstanding: lastOutstanding?.o ?? null,
      liabilityFen: lastOutstanding?.l ?? null,
      live: false,
    });
  }
  daily.push({
    day: today,
    issued: liveDay.issued,
    spent: liveDay.spent,
    expired: liveDay.expired,
    reversed: liveDay.reversed,
    active: active.active,
    outstanding: allRates.reduce((s, r) => s + r.points, 0),
    liabilityFen: liabilityFen(allRates),
    live: true,
  });

  return {
    generatedAt: now.toISOString(),
    today,
    closedThrough: closed,
    periods: periods.map((p) => ({
      ...p,
      top: topOf(p, names),
      provinceScans: p.provinces.map((v) => ({ province: v.province, name: v.province === NO_PROVINCE ? '未知地区' : provinceName(v.province) || '未知地区', scans: v.claims + v.queries, claims: v.claims })),
    })),
    daily,
    campaigns: rows,
    outstanding: allRates.reduce((s, r) => s + r.points, 0),
    liabilityFen: liabilityFen(allRates),
  };
}

/** The budgets' counter shards (by `counter in`, paged): A and B of every budget in a few requests. */
async function readShards(counters: string[]): Promise<CounterShard[]> {
  if (!counters.length) return [];
  const db = getDb();
  const _ = db.command;
  const out: CounterShard[] = [];
  for (let after = ''; ; ) {
    const { data } = await db
      .collection(COUNTERS.shards)
      .where({ counter: _.in(counters), ...(after ? { _id: _.gt(after) } : {}) })
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .get();
    out.push(...(data as CounterShard[]));
    if (data.length < PAGE) return out;
    after = (data[data.length - 1] as CounterShard)._id;
  }
}

/** The dashboard's figures as CSV (Chinese headers, Shanghai times). */
export async function dashboardExport(now = new Date()): Promise<{ filename: string; csv: string }> {
  const d = await dashboard(now);
  const csv = dashboardCsv({ generatedAt: now, closedThrough: d.closedThrough, periods: d.periods, campaigns: d.campaigns, daily: d.daily });
  return { filename: `积分数据看板-${d.today}.csv`, csv };
}
