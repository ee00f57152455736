// Expiry reminders: 30 and 7 days (configurable) before points expire, once per member per expiry
// date and lead time. A reminder is sent as a subscribe message when the member has a credit for
// the template (one accepted Taro.requestSubscribeMessage = one credit = one message); otherwise
// it stays in-app. Points are never expired without a reminder record existing first.
import { getCloud, getDb } from '../cloud';
import { isDuplicateKeyError } from '../errors';
import { shanghaiDay } from '../time';
import { inTransaction, txGet } from '../tx';
import { available } from './allocate';
import { dueAccounts, type DueCursor } from './due';

export const REMINDER_LEAD_DAYS = [30, 7];
const DAY_MS = 86_400_000;
/** Accounts per query (each with only the lots in the window). */
const PAGE = 200;

/** The subscribe-message template for expiry reminders: set in the function's environment. */
export const reminderTemplateId = () => process.env.EXPIRY_TEMPLATE_ID || 'local-expiry-reminder';

export interface Reminder {
  _id: string;
  member: string;
  /** Shanghai day on which the points are last valid. */
  expiryDay: string;
  points: number;
  leadDays: number;
  status: 'sent' | 'in_app';
  createdAt: Date;
}

/** The Shanghai day a lot is last valid on (expiresAt is the first instant it is not). */
export const lastValidDay = (expiresAt: Date) => shanghaiDay(+expiresAt - 1);

async function takeCredit(member: string, templateId: string): Promise<boolean> {
  return inTransaction(async (tx) => {
    const sub = await txGet<{ credits?: Record<string, number> }>(tx, 'subscriptions', member);
    const credits = sub?.credits?.[templateId] ?? 0;
    if (credits < 1) return false;
    await tx.collection('subscriptions').doc(member).update({ data: { [`credits.${templateId}`]: credits - 1 } });
    return true;
  });
}

/** Adds one credit per accepted subscription (idempotent by the client's key). */
export async function addSubscriptionCredit(member: string, templateId: string, key: string, now = new Date()): Promise<number> {
  const db = getDb();
  try {
    await db.collection('subscriptionEvents').add({ data: { _id: key, member, templateId, createdAt: now } });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    return creditsOf(member, templateId);
  }
  const _ = db.command;
  const res = await db.collection('subscriptions').doc(member).update({ data: { [`credits.${templateId}`]: _.inc(1) } });
  if (!res.stats.updated) {
    try {
      await db.collection('subscriptions').add({ data: { _id: member, credits: { [templateId]: 1 } } });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
      await db.collection('subscriptions').doc(member).update({ data: { [`credits.${templateId}`]: _.inc(1) } });
    }
  }
  return creditsOf(member, templateId);
}

export async function creditsOf(member: string, templateId: string): Promise<number> {
  const { data } = await getDb().collection('subscriptions').doc(member).get();
  return (data as { credits?: Record<string, number> } | null)?.credits?.[templateId] ?? 0;
}

/** Creates the reminder once and delivers it; false when it already existed. */
export async function remind(member: string, expiryDay: string, points: number, leadDays: number, now: Date): Promise<boolean> {
  const db = getDb();
  const reminder: Reminder = {
    _id: `remind:${member}:${expiryDay}:${leadDays}`,
    member,
    expiryDay,
    points,
    leadDays,
    status: 'in_app',
    createdAt: now,
  };
  try {
    await db.collection('reminders').add({ data: reminder });
  } catch (e) {
    if (isDuplicateKeyError(e)) return false;
    throw e;
  }
  const templateId = reminderTemplateId();
  if (await takeCredit(member, templateId)) {
    await getCloud().openapi.subscribeMessage.send({
      touser: member,
      templateId,
      page: 'packages/points/ledger/index',
      data: {
        number1: { value: String(points) },
        date2: { value: expiryDay },
        thing3: { value: '您的积分即将过期，请尽快使用' },
      },
    });
    await db.collection('reminders').doc(reminder._id).update({ data: { status: 'sent', sentAt: new Date() } });
  }
  return true;
}

/** Makes sure some reminder exists for (member, expiry day) before those points are expired. */
export async function ensureReminded(member: string, expiryDay: string, points: number, now: Date): Promise<void> {
  const { total } = await getDb().collection('reminders').where({ member, expiryDay }).count();
  if (!total) await remind(member, expiryDay, points, 0, now);
}

/**
 * One reminder pass: accounts with points expiring within the longest lead time (due.ts: their
 * `nextExpiry` is that close; paged, each with just those lots), grouped by member, last valid day
 * and each lead time a lot falls within.
 */
export async function runReminders(now: Date, leadDays = REMINDER_LEAD_DAYS): Promise<{ created: number }> {
  const until = new Date(+now + Math.max(...leadDays) * DAY_MS);
  const groups = new Map<string, { member: string; day: string; lead: number; points: number }>();
  let cursor: DueCursor | null = null;
  for (;;) {
    const accounts = await dueAccounts(until, cursor, PAGE);
    for (const account of accounts) {
      for (const lot of account.lots) {
        const expires = new Date(lot.expiresAt);
        if (+expires <= +now) continue; // due already: the expiry run reminds and expires it
        const day = lastValidDay(expires);
        for (const lead of leadDays) {
          if (+expires > +now + lead * DAY_MS) continue;
          const k = `${account._id}|${day}|${lead}`;
          const g = groups.get(k) ?? { member: account._id, day, lead, points: 0 };
          g.points += available(lot);
          groups.set(k, g);
        }
      }
    }
    if (accounts.length < PAGE) break;
    const last = accounts[accounts.length - 1];
    cursor = { expiresAt: last.nextExpiry, id: last._id };
  }
  let created = 0;
  for (const g of groups.values()) if (await remind(g.member, g.day, g.points, g.lead, now)) created++;
  return { created };
}
