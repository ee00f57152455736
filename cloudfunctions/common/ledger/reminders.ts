// Expiry reminders: records, once per member per expiry date and lead time (30 and 7 days ahead,
// and 0 for points about to expire). Points are never expired without a reminder record existing
// first. The ledger only records them (`pending`); delivery — a subscribe message when the member has
// a credit for the template, otherwise in-app — is the jobs timer's (reminder-jobs.ts), the one
// function with the openapi permission.
import { getDb } from '../cloud';
import { COLLECTIONS as C } from './model';
import { isDuplicateKeyError } from '../errors';
import { shanghaiDay } from '../time';

export const REMINDER_LEAD_DAYS = [30, 7];

/** The subscribe-message template for expiry reminders: set in the function's environment. */
export const reminderTemplateId = () => process.env.EXPIRY_TEMPLATE_ID || 'local-expiry-reminder';

export interface Reminder {
  _id: string;
  member: string;
  /** Shanghai day on which the points are last valid. */
  expiryDay: string;
  points: number;
  leadDays: number;
  /**
   * pending: recorded and shown on 我的积分; sending: a subscription credit was taken for it (the
   * jobs timer is sending it); sent. `in_app` is the former name of a pending reminder whose member
   * had no credit (still shown).
   */
  status: 'pending' | 'sending' | 'sent' | 'in_app';
  createdAt: Date;
}

/** The Shanghai day a lot is last valid on (expiresAt is the first instant it is not). */
export const lastValidDay = (expiresAt: Date) => shanghaiDay(+expiresAt - 1);

/**
 * Until when a credit's points are valid, as the member is told at the moment of earning (积分有效期至
 * 2027-11-29: the brief's 强告知): the last valid day of the lot the credit created; null without one.
 */
export const validUntilOf = (entry: { expiresAt?: Date | string | null } | null | undefined) => (entry?.expiresAt ? lastValidDay(new Date(entry.expiresAt)) : null);

/** Adds one credit per accepted subscription (idempotent by the client's key). */
export async function addSubscriptionCredit(member: string, templateId: string, key: string, now = new Date()): Promise<number> {
  const db = getDb();
  try {
    await db.collection(C.subscriptionEvents).add({ data: { _id: key, member, templateId, createdAt: now } });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    return creditsOf(member, templateId);
  }
  const _ = db.command;
  const res = await db.collection(C.subscriptions).doc(member).update({ data: { [`credits.${templateId}`]: _.inc(1) } });
  if (!res.stats.updated) {
    try {
      await db.collection(C.subscriptions).add({ data: { _id: member, credits: { [templateId]: 1 } } });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
      await db.collection(C.subscriptions).doc(member).update({ data: { [`credits.${templateId}`]: _.inc(1) } });
    }
  }
  return creditsOf(member, templateId);
}

export async function creditsOf(member: string, templateId: string): Promise<number> {
  const { data } = await getDb().collection(C.subscriptions).doc(member).get();
  return (data as { credits?: Record<string, number> } | null)?.credits?.[templateId] ?? 0;
}

/** Records the reminder once (`pending`, delivered by the jobs timer); false when it already existed. */
export async function remind(member: string, expiryDay: string, points: number, leadDays: number, now: Date): Promise<boolean> {
  const reminder: Reminder = {
    _id: `remind:${member}:${expiryDay}:${leadDays}`,
    member,
    expiryDay,
    points,
    leadDays,
    status: 'pending',
    createdAt: now,
  };
  try {
    await getDb().collection(C.reminders).add({ data: reminder });
    return true;
  } catch (e) {
    if (isDuplicateKeyError(e)) return false;
    throw e;
  }
}

/** Makes sure some reminder exists for (member, expiry day) before those points are expired. */
export async function ensureReminded(member: string, expiryDay: string, points: number, now: Date): Promise<void> {
  const { total } = await getDb().collection(C.reminders).where({ member, expiryDay }).count();
  if (!total) await remind(member, expiryDay, points, 0, now);
}
