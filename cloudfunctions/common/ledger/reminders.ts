// Expiry reminders: 30 and 7 days (configurable) before points expire, once per member per expiry
// date and lead time. A reminder is sent as a subscribe message when the member has a credit for
// the template (one accepted Taro.requestSubscribeMessage = one credit = one message); otherwise
// it stays in-app. Points are never expired without a reminder record existing first.
import { getCloud, getDb } from '../cloud';
import { isDuplicateKeyError } from '../errors';
import { shanghaiDay } from '../time';
import { inTransaction, txGet } from '../tx';
import { available } from './allocate';
import { COLLECTIONS as C, type Lot } from './model';

export const REMINDER_LEAD_DAYS = [30, 7];
const DAY_MS = 86_400_000;

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
 * One reminder pass: lots expiring within the longest lead time, read once (paged by
 * (expiresAt, _id) so any number fits in 1000-doc queries), grouped by member, last valid day and
 * each lead time the lot falls within.
 */
export async function runReminders(now: Date, leadDays = REMINDER_LEAD_DAYS): Promise<{ created: number }> {
  const db = getDb();
  const _ = db.command;
  const until = new Date(+now + Math.max(...leadDays) * DAY_MS);
  const groups = new Map<string, { member: string; day: string; lead: number; points: number }>();
  let after: Lot | undefined;
  for (;;) {
    const range = after
      ? _.or([{ expiresAt: _.gt(after.expiresAt).and(_.lte(until)) }, { expiresAt: after.expiresAt, _id: _.gt(after._id) }])
      : { expiresAt: _.gt(now).and(_.lte(until)) };
    const { data } = await db
      .collection(C.lots)
      .where(_.and([range as object, { remaining: _.gt(0) }]))
      .orderBy('expiresAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(1000)
      .get();
    const lots = data as Lot[];
    for (const lot of lots) {
      const points = available(lot);
      if (points <= 0) continue;
      const expires = new Date(lot.expiresAt);
      const day = lastValidDay(expires);
      for (const lead of leadDays) {
        if (+expires > +now + lead * DAY_MS) continue;
        const k = `${lot.member}|${day}|${lead}`;
        const g = groups.get(k) ?? { member: lot.member, day, lead, points: 0 };
        g.points += points;
        groups.set(k, g);
      }
    }
    if (lots.length < 1000) break;
    after = lots[lots.length - 1];
  }
  let created = 0;
  for (const g of groups.values()) if (await remind(g.member, g.day, g.points, g.lead, now)) created++;
  return { created };
}
