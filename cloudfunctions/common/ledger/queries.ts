// Read side of the ledger for members and operators: summary with what expires when, history with
// cursor pagination, one entry with its lots, and the A/B/C/D metrics.
import { getDb } from '../cloud';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError } from '../errors';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { available } from './allocate';
import { budgetStatus } from './budgets';
import { unpackLots, type StoredLot } from './lots';
import { COLLECTIONS as C, type Account, type ClosedLots, type Entry, type EntryType, type Lot } from './model';
import type { StoredAccount } from './plans';
import { lastValidDay, reminderTemplateId, creditsOf, type Reminder } from './reminders';
import { pointsToFen } from './rates';
import { currentRate } from './settings';

export interface Summary {
  balance: number;
  held: number;
  debt: number;
  available: number;
  pointsPerYuan: number;
  /** What the available points are worth at today's rate, in fen. */
  valueFen: number;
  /** Every upcoming expiry date (last valid Shanghai day) with its points, soonest first. */
  expiring: { day: string; points: number }[];
  /** In-app reminders for dates still ahead. */
  reminders: { day: string; points: number; leadDays: number }[];
  reminderCredits: number;
  reminderTemplateId: string;
}

export async function summary(member: string, now = new Date()): Promise<Summary> {
  const db = getDb();
  const _ = db.command;
  const today = shanghaiDay(now);
  const [{ data: account }, { data: reminders }, rate, credits] = await Promise.all([
    db.collection(C.accounts).doc(member).get(),
    db.collection(C.reminders).where({ member, expiryDay: _.gte(today), status: _.in(['pending', 'in_app']) }).orderBy('expiryDay', 'asc').limit(20).get(),
    currentRate(now),
    creditsOf(member, reminderTemplateId()),
  ]);
  if (!account) throw new AppError('NOT_FOUND', 'no points account; call user.login first');
  const a = account as Account;
  const byDay = new Map<string, number>();
  const live = unpackLots((account as StoredAccount).lots).filter((l) => +new Date(l.expiresAt) > +now).sort((x, y) => +new Date(x.expiresAt) - +new Date(y.expiresAt));
  for (const lot of live) {
    const day = lastValidDay(new Date(lot.expiresAt));
    byDay.set(day, (byDay.get(day) ?? 0) + available(lot));
  }
  const availablePoints = Math.max(0, a.balance - a.held);
  return {
    balance: a.balance,
    held: a.held,
    debt: a.debt,
    available: availablePoints,
    pointsPerYuan: rate,
    valueFen: pointsToFen(availablePoints, rate),
    expiring: [...byDay].filter(([, p]) => p > 0).map(([day, points]) => ({ day, points })),
    reminders: (reminders as Reminder[]).map((r) => ({ day: r.expiryDay, points: r.points, leadDays: r.leadDays })),
    reminderCredits: credits,
    reminderTemplateId: reminderTemplateId(),
  };
}

export interface EntryView {
  id: string;
  type: EntryType;
  amount: number;
  delta: number;
  balanceAfter: number;
  source: { kind: string; ref: string };
  campaign: string;
  reason: string;
  createdAt: string;
}

const view = (e: Entry): EntryView => ({
  id: e._id,
  type: e.type,
  amount: e.amount,
  delta: e.delta,
  balanceAfter: e.balanceAfter,
  source: e.source,
  campaign: e.campaign,
  reason: e.reason,
  createdAt: new Date(e.createdAt).toISOString(),
});

/** Newest first. `types` filters (e.g. ['earn'] for 获得). */
export async function history(member: string, opts: { cursor?: string; types?: EntryType[]; limit: number }) {
  const db = getDb();
  const _ = db.command;
  const conditions: object[] = [{ member }];
  if (opts.types?.length) conditions.push({ type: _.in(opts.types) });
  if (opts.cursor) {
    const c = decodeCursor(opts.cursor);
    conditions.push(_.or([{ createdAt: _.lt(c.at) }, { createdAt: c.at, _id: _.lt(c.id) }]));
  }
  const { data } = await db
    .collection(C.entries)
    .where(_.and(conditions))
    .orderBy('createdAt', 'desc')
    .orderBy('_id', 'desc')
    .limit(opts.limit + 1)
    .get();
  const page = (data as Entry[]).slice(0, opts.limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: data.length > opts.limit ? encodeCursor({ at: new Date(last.createdAt), id: last._id }) : null };
}

/**
 * One of the member's entries with the lots it touched (source, expiry, rate). A lot's details
 * come from the credit entry that issued it (`lot:<credit key>`), which outlives the lot.
 */
export async function entryDetail(member: string, id: string) {
  const db = getDb();
  const _ = db.command;
  const { data } = await db.collection(C.entries).doc(id).get();
  const e = data as Entry | null;
  if (!e || e.member !== member) throw new AppError('NOT_FOUND', 'no such entry');
  const keys = [...new Set(e.lots.map((t) => t.lotId.replace(/^lot:/, '')))];
  const credits = keys.length ? ((await db.collection(C.entries).where({ _id: _.in(keys) }).limit(keys.length).get()).data as Entry[]) : [];
  const byId = new Map(credits.map((c) => [`lot:${c._id}`, { source: c.source, campaign: c.campaign, rate: c.rate, createdAt: c.createdAt, expiresAt: c.expiresAt! }]));
  return {
    entry: { ...view(e), heldAfter: e.heldAfter, debtAfter: e.debtAfter, debtRepaid: e.debtRepaid ?? 0, debtCreated: e.debtCreated ?? 0, rate: e.rate, ref: e.ref ?? '' },
    lots: e.lots.map((t) => {
      const lot = byId.get(t.lotId);
      return {
        id: t.lotId,
        points: t.amount,
        source: lot?.source ?? null,
        campaign: lot?.campaign ?? '',
        rate: lot?.rate ?? 0,
        issuedAt: lot ? new Date(lot.createdAt).toISOString() : null,
        lastValidDay: lot ? lastValidDay(new Date(lot.expiresAt)) : null,
      };
    }),
  };
}

/**
 * Operators' figures for a campaign ('' = points issued outside campaigns): A max issuable (if it
 * has a budget), B issued, C redemption rate (spent / issued), D usage rate (members who spent any
 * of it / members who received it), outstanding points and their liability in fen (per lot, at the
 * rate each lot was issued with), and issued per Shanghai day. Lots live in the accounts (folded
 * ones as per-campaign totals); issued per day comes from the credit entries.
 */
export async function metrics(campaign: string, budget?: string) {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const inCampaign = (list: string) => $.filter({ input: $.ifNull([list, []]), as: 'l', cond: $.eq(['$$l.campaign', campaign]) });
  const [{ list: rows }, { list: days }] = await Promise.all([
    db
      .collection(C.accounts)
      .aggregate()
      // Packed lots (lots.ts) name their campaign third; unpacked and filtered below.
      .match(_.or([{ lots: new RegExp(campaignPattern(campaign)) }, { 'lots.campaign': campaign }, { 'closed.campaign': campaign }]))
      .project({ lots: 1, closed: inCampaign('$closed') })
      .limit(100000)
      .end(),
    db
      .collection(C.entries)
      .aggregate()
      .match({ campaign, type: _.in(['earn', 'adjust']), delta: _.gt(0) })
      .unwind('$lots')
      .group({ _id: $.dateToString({ date: '$createdAt', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' }), points: $.sum('$lots.amount') })
      .limit(10000)
      .end(),
  ]);
  type Row = { lots: Pick<Lot, 'amount' | 'remaining' | 'expired' | 'rate'>[]; closed: ClosedLots[] };
  let issued = 0;
  let remaining = 0;
  let expired = 0;
  let liabilityFen = 0;
  let receivers = 0;
  let spenders = 0;
  for (const r of rows as Row[]) {
    r.lots = unpackLots(r.lots as unknown as StoredLot[]).filter((l) => l.campaign === campaign);
    let mine = 0;
    let left = 0;
    let gone = 0;
    for (const l of r.lots) {
      mine += l.amount;
      left += l.remaining;
      gone += l.expired ?? 0;
      liabilityFen += pointsToFen(l.remaining, l.rate);
    }
    for (const c of r.closed) {
      mine += c.amount;
      gone += c.expired;
    }
    issued += mine;
    remaining += left;
    expired += gone;
    receivers++;
    if (mine - left - gone > 0) spenders++;
  }
  const spent = issued - remaining - expired;
  // With a budget, B is what the budget counted (a credit that repaid debt issued more than its lot holds).
  const status = budget ? await budgetStatus(budget) : null;
  return {
    campaign,
    A: status ? status.budget.cap : null,
    B: status ? status.issued : issued,
    C: issued ? spent / issued : 0,
    D: receivers ? spenders / receivers : 0,
    spent,
    expired,
    outstanding: remaining,
    liabilityFen,
    issuedByDay: (days as { _id: string; points: number }[]).sort((a, b) => (a._id < b._id ? -1 : 1)).map((d) => ({ day: d._id, points: d.points })),
  };
}

/** A packed lot of `campaign`: `<13 digits>|<rate>|<campaign>|…`. */
const campaignPattern = (campaign: string) => `^\\d{13}\\|\\d+\\|${campaign.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\|`;

export interface DayFigures {
  day: string;
  /** Points credited (earn and positive adjust). */
  issued: number;
  /** Points spent (spends, commits and negative adjusts). */
  spent: number;
  expired: number;
  penalized: number;
  /** Net effect of reversals (positive: points given back). */
  reversed: number;
  /** Members who spent that day. */
  spenders: number;
}

const MAX_METRIC_DAYS = 92;

/** Ledger figures per Shanghai day for [from, to] (inclusive, at most 92 days), from the entries. */
export async function dailyMetrics(from: string, to: string): Promise<{ days: DayFigures[] }> {
  const start = shanghaiDayStart(from);
  const end = new Date(+shanghaiDayStart(to) + 86_400_000);
  if (+end <= +start) throw new AppError('BAD_REQUEST', 'to must not be before from');
  if ((+end - +start) / 86_400_000 > MAX_METRIC_DAYS) throw new AppError('BAD_REQUEST', `at most ${MAX_METRIC_DAYS} days at a time`);
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const { list } = await db
    .collection(C.entries)
    .aggregate()
    .match({ createdAt: _.gte(start).and(_.lt(end)), type: _.in(['earn', 'adjust', 'spend', 'expire', 'penalty', 'reverse']) })
    .group({
      _id: { day: $.dateToString({ date: '$createdAt', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' }), type: '$type', sign: $.cond([$.gt(['$delta', 0]), 1, -1]) },
      points: $.sum('$delta'),
      members: $.addToSet('$member'),
    })
    .limit(10000)
    .end();
  const days = new Map<string, DayFigures>();
  for (let t = +start; t < +end; t += 86_400_000) {
    const day = shanghaiDay(t);
    days.set(day, { day, issued: 0, spent: 0, expired: 0, penalized: 0, reversed: 0, spenders: 0 });
  }
  const spenders = new Map<string, Set<string>>();
  for (const row of list as { _id: { day: string; type: EntryType; sign: number }; points: number; members: string[] }[]) {
    const d = days.get(row._id.day);
    if (!d) continue;
    const { type, sign } = row._id;
    if (type === 'earn' || (type === 'adjust' && sign > 0)) d.issued += row.points;
    else if (type === 'spend' || type === 'adjust') {
      d.spent -= row.points;
      const set = spenders.get(d.day) ?? new Set<string>();
      row.members.forEach((m) => set.add(m));
      spenders.set(d.day, set);
    } else if (type === 'expire') d.expired -= row.points;
    else if (type === 'penalty') d.penalized -= row.points;
    else if (type === 'reverse') d.reversed += row.points;
  }
  for (const [day, set] of spenders) days.get(day)!.spenders = set.size;
  return { days: [...days.values()] };
}
