// The tier's keep reminder as a subscribe message (docs/tiers.md#keep-reminder): "还差 X 成长值保级".
// The member accepts a requestSubscribeMessage on 会员等级 (one acceptance = one credit = one
// message, the shared credits of earn/reminders.ts); the jobs' daily work — the one function with the
// openapi permission — sends it once per cycle to each member with a credit whose cycle ends within
// the scheme's `remindDays` and whose growth is short of keeping the tier (`keepReminder`, pure).
// Once per cycle: `tierReminders/<member>:<cycleEnd>` is added in the transaction that takes the credit.
import { getCloud, getDb } from '../cloud';
import { addCredit, takeCredit, type CreditStore } from '../earn/reminders';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { keepReminder, tierAt } from './rules';
import { COLLECTIONS, loadScheme, type StoredState } from './service';

export const KEEP_STORE: CreditStore = { subs: 'tierSubscriptions', events: 'tierSubscriptionEvents' };
export const KEEP_REMINDERS = 'tierReminders';
const PAGE = 100;

/** The subscribe-message template of the keep reminder (TIER_TEMPLATE_ID in `tiers` and `jobs`). */
export const tierTemplateId = () => process.env.TIER_TEMPLATE_ID || 'local-tier-reminder';

/** A member accepted the keep reminder's prompt (`key` makes a retried report count once). */
export const addKeepCredit = (member: string, key: string, now = new Date()) => addCredit(KEEP_STORE, member, key, now);

/** The daily step: one message per member per cycle, to those with a credit and a reminder due. */
export async function sendKeepReminders(now = new Date(), budgetMs = 2_000): Promise<{ sent: number }> {
  const db = getDb();
  const _ = db.command;
  const started = Date.now();
  const today = shanghaiDay(now);
  const scheme = await loadScheme();
  if (scheme.tiers.length < 2 || !scheme.remindDays) return { sent: 0 };
  const templateId = tierTemplateId();
  let sent = 0;
  let after = '';
  for (;;) {
    // The subscribed (few: only who accepted), then their tier states in one query.
    const { data } = await db.collection(KEEP_STORE.subs).where({ _id: _.gt(after), credits: _.gt(0) }).orderBy('_id', 'asc').limit(PAGE).field({ _id: true }).get();
    const ids = (data as { _id: string }[]).map((d) => d._id);
    const { data: states } = ids.length ? await db.collection(COLLECTIONS.members).where({ _id: _.in(ids) }).limit(ids.length).get() : { data: [] };
    for (const s of states as StoredState[]) {
      const r = keepReminder(scheme, s, today);
      if (!r) continue;
      if (!(await takeCredit(KEEP_STORE, KEEP_REMINDERS, `${s._id}:${r.cycleEnd}`, s._id, { cycleEnd: r.cycleEnd, short: r.short }, now))) continue;
      await getCloud().openapi.subscribeMessage.send({
        touser: s._id,
        templateId,
        page: 'packages/tiers/index',
        // thing1 会员等级, thing2 提示 (≤ 20 characters each), date3 到期日
        data: { thing1: { value: tierAt(scheme, s.level).name }, thing2: { value: `还差 ${r.short} 成长值保级` }, date3: { value: lastDay(r.cycleEnd) } },
      });
      await db.collection(KEEP_REMINDERS).doc(`${s._id}:${r.cycleEnd}`).update({ data: { status: 'sent', sentAt: new Date() } });
      sent++;
    }
    if (ids.length < PAGE || Date.now() - started > budgetMs) return { sent };
    after = ids[ids.length - 1];
  }
}

/** The cycle's last day (cycleEnd is the next cycle's first). */
const lastDay = (cycleEnd: string) => shanghaiDay(+shanghaiDayStart(cycleEnd) - 86_400_000);

/** Closing an account: the member's keep-reminder credits and records go. */
export async function eraseKeepNotices(member: string): Promise<void> {
  const db = getDb();
  await Promise.all([
    db.collection(KEEP_STORE.events).where({ member }).remove(),
    db.collection(KEEP_REMINDERS).where({ member }).remove(),
    db.collection(KEEP_STORE.subs).doc(member).remove().catch(() => undefined),
  ]);
}
