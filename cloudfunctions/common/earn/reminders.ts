// The daily sign-in reminder (docs/earn.md#reminder), sent by the jobs timer — the one function with
// the openapi permission — from 20:00 Asia/Shanghai to members who accepted a subscription for the
// sign-in template and have not signed in today. One accepted requestSubscribeMessage = one credit =
// one message: a member is sent at most one reminder a day (`signinReminders/<member>:<day>`, added
// in the transaction that takes the credit), and none once their credits are spent.
import { getCloud, getDb } from '../cloud';
import { isSigned, STATE_FIELD, type SigninState } from '../campaigns/rules/signin';
import { COLLECTIONS as LEDGER } from '../ledger/model';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { inTransaction, txGet } from '../tx';

/** The subscribe-message template of the sign-in reminder. */
export const signinTemplateId = () => process.env.SIGNIN_TEMPLATE_ID || 'local-signin-reminder';

export const REMINDERS = 'signinReminders';
/** Reminders go out from this Shanghai time of day. */
export const REMIND_AT_MS = 20 * 3600_000;
const PAGE = 200;

export async function sendSigninReminders(now = new Date()): Promise<{ sent: number } | 'not-due'> {
  const today = shanghaiDay(now);
  if (+now < +shanghaiDayStart(today) + REMIND_AT_MS) return 'not-due';
  const db = getDb();
  const _ = db.command;
  // One pass a day (the timer ticks every 5 minutes): later ticks read just this.
  const runId = `signin-remind:${today}`;
  const { data: run } = await db.collection('jobRuns').doc(runId).get();
  if (run) return { sent: 0 };
  const templateId = signinTemplateId();
  let sent = 0;
  let after = '';
  for (;;) {
    // The subscribed (few: only who accepted), each with their sign-in bits.
    const { data } = await db
      .collection(LEDGER.subscriptions)
      .where({ _id: _.gt(after), [`credits.${templateId}`]: _.gt(0) })
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .field({ _id: true })
      .get();
    const ids = (data as { _id: string }[]).map((d) => d._id);
    const { data: accounts } = ids.length
      ? await db.collection(LEDGER.accounts).where({ _id: _.in(ids) }).field({ [STATE_FIELD]: true }).limit(ids.length).get()
      : { data: [] };
    const signedToday = new Set((accounts as { _id: string; signin?: SigninState }[]).filter((a) => a.signin && isSigned(a.signin, today)).map((a) => a._id));
    for (const member of ids) if (!signedToday.has(member) && (await sendOne(member, today, templateId, now))) sent++;
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  await db.collection('jobRuns').doc(runId).set({ data: { job: 'signin-remind', day: today, sent, finishedAt: new Date() } });
  return { sent };
}
async function sendOne(member: string, day: string, templateId: string, now: Date): Promise<boolean> {
  const id = `${member}:${day}`;
  const take = await inTransaction(async (tx) => {
    if (await txGet(tx, REMINDERS, id)) return false; // today's already went out
    const sub = await txGet<{ credits?: Record<string, number> }>(tx, LEDGER.subscriptions, member);
    const credits = sub?.credits?.[templateId] ?? 0;
    if (credits < 1) return false;
    await tx.collection(LEDGER.subscriptions).doc(member).update({ data: { [`credits.${templateId}`]: credits - 1 } });
    await tx.collection(REMINDERS).add({ data: { _id: id, member, day, status: 'sending', createdAt: now } });
    return true;
  });
  if (!take) return false;
  await getCloud().openapi.subscribeMessage.send({
    touser: member,
    templateId,
    page: 'packages/earn/signin/index',
    data: { thing1: { value: '每日签到' }, thing2: { value: '今天还没有签到，记得来领积分' } },
  });
  await getDb().collection(REMINDERS).doc(id).update({ data: { status: 'sent', sentAt: new Date() } });
  return true;
}
