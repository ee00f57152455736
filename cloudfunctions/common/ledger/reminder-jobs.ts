// The jobs timer's side of expiry reminders (the only code that sends a WeChat message, from the one
// function whose config.json holds `subscribeMessage.send`): the daily pass that records reminders
// 30 and 7 days ahead, and the delivery of every pending reminder — by subscribe message when the
// member has a credit for the template (one accepted Taro.requestSubscribeMessage = one credit = one
// message), otherwise in-app.
import { getCloud, getDb } from '../cloud';
import { COLLECTIONS as C } from './model';
import { inTransaction, txGet } from '../tx';
import { available } from './allocate';
import { dueAccounts, type DueCursor } from './due';
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
  await deliverReminders();
  return { created };
}

/**
 * Delivers pending reminders, oldest first. Taking the member's credit and marking the reminder
 * `sending` are one transaction, so a credit pays for exactly one reminder and a run killed after
 * it never sends that reminder twice (at most once); the message goes out after.
 */
export async function deliverReminders(): Promise<{ sent: number; inApp: number }> {
  const db = getDb();
  const templateId = reminderTemplateId();
  let sent = 0;
  let inApp = 0;
  for (;;) {
    const { data } = await db.collection(C.reminders).where({ status: 'pending' }).orderBy('createdAt', 'asc').limit(PAGE).get();
    for (const r of data as Reminder[]) {
      const send = await inTransaction(async (tx) => {
        const current = await txGet<Reminder>(tx, C.reminders, r._id);
        if (current?.status !== 'pending') return null; // delivered by a concurrent run
        const sub = await txGet<{ credits?: Record<string, number> }>(tx, C.subscriptions, r.member);
        const credits = sub?.credits?.[templateId] ?? 0;
        if (credits >= 1) await tx.collection(C.subscriptions).doc(r.member).update({ data: { [`credits.${templateId}`]: credits - 1 } });
        await tx.collection(C.reminders).doc(r._id).update({ data: { status: credits >= 1 ? 'sending' : 'in_app' } });
        return credits >= 1;
      });
      if (send === null) continue;
      if (!send) {
        inApp++;
        continue;
      }
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
      await db.collection(C.reminders).doc(r._id).update({ data: { status: 'sent', sentAt: new Date() } });
      sent++;
    }
    if (data.length < PAGE) return { sent, inApp };
  }
}
