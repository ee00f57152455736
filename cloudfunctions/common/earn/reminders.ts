// The daily sign-in reminder (docs/earn.md#reminder), sent by the jobs timer — the one function with
// the openapi permission — from 20:00 Asia/Shanghai to members who accepted a subscription for the
// sign-in template and have not signed in today. One accepted requestSubscribeMessage = one credit =
// one message: a member is sent at most one reminder a day (`signinReminders/<member>:<day>`, added
// in the transaction that takes the credit), and none once their credits are spent. The credits are
// the sign-in's own (`signinSubscriptions`), apart from the ledger's expiry-reminder credits.
import { getCloud, getDb } from '../cloud';
import { isSigned, STATE_FIELD, type SigninState } from '../campaigns/rules/signin';
import { isDuplicateKeyError } from '../errors';
import { accountFields } from '../ledger/access';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { inTransaction, txGet } from '../tx';

export const SUBSCRIPTIONS = 'signinSubscriptions';
/** Each accepted prompt once: `<member>:<client key>`. */
export const SUBSCRIPTION_EVENTS = 'signinSubscriptionEvents';

/** Where one kind of reminder keeps its subscription credits: `<subs>/<member>.credits`, each accepted prompt once in `<events>/<member>:<key>`. */
export interface CreditStore {
  subs: string;
  events: string;
}
const SIGNIN_STORE: CreditStore = { subs: SUBSCRIPTIONS, events: SUBSCRIPTION_EVENTS };

/**
 * One credit per accepted prompt (a retried report with the same key adds nothing); the member's
 * credits. Shared by every reminder with its own credits (sign-in here, the tier's keep reminder).
 */
export async function addCredit(store: CreditStore, member: string, key: string, now = new Date()): Promise<number> {
  const db = getDb();
  try {
    await db.collection(store.events).add({ data: { _id: `${member}:${key}`, member, createdAt: now } });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    return creditsOf(store, member);
  }
  const res = await db.collection(store.subs).doc(member).update({ data: { credits: db.command.inc(1) } });
  if (!res.stats.updated) {
    try {
      await db.collection(store.subs).add({ data: { _id: member, credits: 1 } });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e;
      await db.collection(store.subs).doc(member).update({ data: { credits: db.command.inc(1) } });
    }
  }
  return creditsOf(store, member);
}

export async function creditsOf(store: CreditStore, member: string): Promise<number> {
  const { data } = await getDb().collection(store.subs).doc(member).get();
  return (data as { credits?: number } | null)?.credits ?? 0;
}

export const addSigninCredit = (member: string, key: string, now = new Date()) => addCredit(SIGNIN_STORE, member, key, now);
export const signinCredits = (member: string) => creditsOf(SIGNIN_STORE, member);

/**
 * In one transaction: takes one of the member's credits and adds the record `<records>/<id>` (the
 * once-only mark of this message); false when the record exists or no credit is left.
 */
export async function takeCredit(store: CreditStore, records: string, id: string, member: string, record: Record<string, unknown>, now: Date): Promise<boolean> {
  return inTransaction(async (tx) => {
    if (await txGet(tx, records, id)) return false;
    const sub = await txGet<{ credits?: number }>(tx, store.subs, member);
    const credits = sub?.credits ?? 0;
    if (credits < 1) return false;
    await tx.collection(store.subs).doc(member).update({ data: { credits: credits - 1 } });
    await tx.collection(records).add({ data: { _id: id, member, ...record, status: 'sending', createdAt: now } });
    return true;
  });
}

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
      .collection(SUBSCRIPTIONS)
      .where({ _id: _.gt(after), credits: _.gt(0) })
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .field({ _id: true })
      .get();
    const ids = (data as { _id: string }[]).map((d) => d._id);
    for (const member of ids) {
      const state = (await accountFields<{ signin: SigninState }>(member, [STATE_FIELD]))?.signin;
      if (!(state && isSigned(state, today)) && (await sendOne(member, today, templateId, now))) sent++;
    }
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1];
  }
  await db.collection('jobRuns').doc(runId).set({ data: { job: 'signin-remind', day: today, sent, finishedAt: new Date() } });
  return { sent };
}
async function sendOne(member: string, day: string, templateId: string, now: Date): Promise<boolean> {
  const id = `${member}:${day}`;
  // Today's already went out, or no credit: nothing.
  if (!(await takeCredit(SIGNIN_STORE, REMINDERS, id, member, { day }, now))) return false;
  await getCloud().openapi.subscribeMessage.send({
    touser: member,
    templateId,
    page: 'packages/earn/signin/index',
    data: { thing1: { value: '每日签到' }, thing2: { value: '今天还没有签到，记得来领积分' } },
  });
  await getDb().collection(REMINDERS).doc(id).update({ data: { status: 'sent', sentAt: new Date() } });
  return true;
}

/** Closing an account (privacy/closure.ts): the member's sign-in reminder credits and records go. */
export async function eraseSigninNotices(member: string): Promise<void> {
  const db = getDb();
  await Promise.all([
    db.collection(SUBSCRIPTION_EVENTS).where({ member }).remove(),
    db.collection(REMINDERS).where({ member }).remove(),
    db.collection(SUBSCRIPTIONS).doc(member).remove().catch(() => undefined),
  ]);
}
