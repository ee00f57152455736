// The jobs timer's side of expiry reminders (the only code that sends a WeChat message, from the one
// function whose config.json holds `subscribeMessage.send`): the daily pass that records reminders
// 30 and 7 days ahead, and the delivery of pending reminders by subscribe message to members with a
// credit for the template (one accepted Taro.requestSubscribeMessage = one credit = one message);
// the rest stay pending, shown in-app.
import { getCloud, getDb } from '../cloud';
import { COLLECTIONS as C } from './model';
import { inTransaction, txGet } from '../tx';
import { available } from './allocate';
import { dueAccounts, type DueCursor } from './due';
import { shanghaiDay } from '../time';
import { lastValidDay, remind, REMINDER_LEAD_DAYS, reminderTemplateId, type Reminder } from './reminders';

const DAY_MS = 86_400_000;
/** Accounts (each with only the lots in the window) or reminders per query. */
const PAGE = 200;

/**
 * One reminder pass: accounts with points expiring within the longest lead time (due.ts: their
 * `nextExpiry` is that close; paged, each with just those lots), grouped by member, last valid day
 * and each lead time a lot falls within; then every pending reminder is delivered.
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
  await deliverReminders(now);
  return { created };
}

/**
 * Sends pending reminders to the members who have a credit for the template (few: only those who
 * accepted a subscription), each member's reminders for days still ahead while their credits last.
 * The others' reminders stay `pending`, which is what 我的积分 shows in-app: the work is
 * proportional to the subscribed members, not to the reminders (a 1,000,000-lot expiry day makes
 * one reminder per member).
 */
export async function deliverReminders(now = new Date()): Promise<{ sent: number }> {
  const db = getDb();
  const _ = db.command;
  const templateId = reminderTemplateId();
  const today = shanghaiDay(now);
  let sent = 0;
  let after = '';
  for (;;) {
    const { data } = await db
      .collection(C.subscriptions)
      .where({ _id: _.gt(after), [`credits.${templateId}`]: _.gt(0) })
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .field({ _id: true })
      .get();
    for (const { _id: member } of data as { _id: string }[]) {
      const { data: pending } = await db.collection(C.reminders).where({ member, expiryDay: _.gte(today), status: 'pending' }).limit(20).get();
      for (const r of pending as Reminder[]) {
        if (!(await sendOne(r, templateId))) break; // out of credits
        sent++;
      }
    }
    if (data.length < PAGE) return { sent };
    after = (data[data.length - 1] as { _id: string })._id;
  }
}

/** One reminder of a member with credits (checked again in the transaction): false when they ran out (it stays pending, in-app). */
async function sendOne(r: Reminder, templateId: string): Promise<boolean> {
  const send = await inTransaction(async (tx) => {
    const current = await txGet<Reminder>(tx, C.reminders, r._id);
    if (current?.status !== 'pending') return null; // delivered by a concurrent run
    const sub = await txGet<{ credits?: Record<string, number> }>(tx, C.subscriptions, r.member);
    const credits = sub?.credits?.[templateId] ?? 0;
    if (credits < 1) return false;
    await tx.collection(C.subscriptions).doc(r.member).update({ data: { [`credits.${templateId}`]: credits - 1 } });
    await tx.collection(C.reminders).doc(r._id).update({ data: { status: 'sending' } });
    return true;
  });
  if (!send) return false;
  await getCloud().openapi.subscribeMessage.send({
    touser: r.member,
    templateId,
    page: 'packages/points/ledger/index',
    data: {
      number1: { value: String(r.points) },
      date2: { value: r.expiryDay },
      thing3: { value: '您的积分即将过期，请尽快使用' },
    },
  });
  await getDb().collection(C.reminders).doc(r._id).update({ data: { status: 'sent', sentAt: new Date() } });
  return true;
}
