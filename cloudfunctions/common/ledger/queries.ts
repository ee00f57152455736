// Read side of the ledger for members and operators: summary with what expires when, history with
// cursor pagination, one entry with its lots.
import { getDb } from '../cloud';
import { accountMissing } from './pseudonymise';
import { decodeCursor, encodeCursor } from '../cursor';
import { AppError } from '../errors';
import { shanghaiDay } from '../time';
import { available } from './allocate';
import { unpackLots } from './lots';
import { COLLECTIONS as C, type Account, type Entry, type EntryType } from './model';
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
  if (!account) throw await accountMissing(member);
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
    // A reminder says what is still due that day (points spent or expired since it was written are
    // gone from the lots), and disappears when nothing is: it never contradicts \`expiring\`.
    reminders: (reminders as Reminder[])
      .map((r) => ({ day: r.expiryDay, points: byDay.get(r.expiryDay) ?? 0, leadDays: r.leadDays }))
      .filter((r) => r.points > 0),
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

// The operators' figures (metrics, dailyMetrics) live in ../metrics: they read roll-ups, not accounts.
