// 注销账号 (docs/privacy.md#closing-an-account). A closure spans many documents, so it is a list of
// steps each safe to run again, journalled on the member document (`closing`): a call that dies
// half-way is finished by the member's next call. Order matters: forfeit the points (an entry like
// any other), move the books under a pseudonym (after which nothing can earn or spend under the
// OPENID), erase or pseudonymise the rest, and only then drop the member and leave a tombstone.
import { forgetInRisk } from '../risk/closure';
import { randomBytes } from 'node:crypto';
import { getDb } from '../cloud';
import { eraseSigninNotices } from '../earn/reminders';
import { eraseKeepNotices } from '../tiers/reminders';
import { AppError } from '../errors';
import { forgetPlayer } from '../play/closure';
import { CLOSED_ACCOUNTS, eraseMemberNotices, livePoints, memberBook, openHolds, pseudonymiseMember, rewriteMemberDocs, tombstoneId } from '../ledger/pseudonymise';
import { debit } from '../ledger/service';
import { MALL } from '../mall/model';
import { ORDERS } from '../orders/model';
import { COLLECTIONS as TIERS } from '../tiers/service';
import { CLOSURE_POLICIES, OPEN_ORDER_STATUSES, previewClosure, type ClosurePolicy, type ClosurePreview } from './rules';

export const PRIVACY = {
  /** The ledger's tombstones (written with the account's move): only that the OPENID's account was closed, and when. */
  closed: CLOSED_ACCOUNTS,
  audit: 'privacyAudit',
} as const;

export { tombstoneId };

interface MemberDoc {
  _id: string;
  closing?: { pseudonym: string; startedAt: Date };
}

export async function closurePolicy(): Promise<ClosurePolicy> {
  const { data } = await getDb().collection('settings').doc('privacy').get().catch(() => ({ data: null }));
  const p = (data as { closurePolicy?: ClosurePolicy } | null)?.closurePolicy;
  return p && CLOSURE_POLICIES.includes(p) ? p : 'forfeit';
}

/** NOT_FOUND for a member never seen, ACCOUNT_CLOSED for one whose account was closed. */
export async function missingMember(openid: string): Promise<never> {
  const { data } = await getDb().collection(PRIVACY.closed).doc(tombstoneId(openid)).get().catch(() => ({ data: null }));
  if (data) throw new AppError('ACCOUNT_CLOSED', 'this account has been closed');
  throw new AppError('NOT_FOUND', 'member not found; call login first');
}

async function readMember(openid: string): Promise<MemberDoc> {
  const { data } = await getDb().collection('members').doc(openid).get().catch(() => ({ data: null }));
  return (data as MemberDoc | null) ?? missingMember(openid);
}

async function countWhere(collection: string, where: Record<string, unknown>): Promise<number> {
  return (await getDb().collection(collection).where(where).count()).total;
}

/** What closing the caller's account now would do, or why it is refused. */
export async function preview(openid: string): Promise<ClosurePreview> {
  await readMember(openid);
  const db = getDb();
  const _ = db.command;
  const now = new Date();
  const [policy, a, openOrders, holds, checkouts, payouts, pendingEarnings] = await Promise.all([
    closurePolicy(),
    memberBook(openid),
    countWhere(MALL.orders, { member: openid, status: _.in([...OPEN_ORDER_STATUSES]) }),
    openHolds(openid),
    countWhere(MALL.checkouts, { member: openid, status: 'held' }),
    countWhere('payouts', { member: openid, status: _.in(['pending', 'retry']) }),
    // Brand orders whose points are still 冻结中 (docs/orders.md): they would post to a closed account.
    countWhere(ORDERS.orders, { member: openid, status: 'pending' }),
  ]);
  return previewClosure({ policy, balance: a?.balance ?? 0, held: a?.held ?? 0, live: livePoints(a?.lots ?? [], now), openOrders, openHolds: holds, openOther: checkouts + payouts + pendingEarnings });
}

/** Points a debit can take now (not held, lots not past their expiry). */
const forfeitable = async (openid: string, now: Date) => livePoints((await memberBook(openid))?.lots ?? [], now);

export interface ClosureResult {
  closed: true;
  forfeited: number;
}

/**
 * Closes the caller's account. `confirmForfeit` must equal what the preview showed would be
 * forfeited: a balance that changed since the warning is CONFLICT, never a silent forfeiture.
 */
export async function closeAccount(openid: string, confirmForfeit: number, now = new Date()): Promise<ClosureResult> {
  const db = getDb();
  const _ = db.command;
  const member = await readMember(openid);
  let pseudonym = member.closing?.pseudonym;
  if (!pseudonym) {
    const p = await preview(openid);
    if (p.blocked) throw new AppError(p.blocked, p.blocked === 'ORDERS_OPEN' ? 'settle open orders and held points first' : 'the balance must be zero to close the account');
    if (confirmForfeit !== p.forfeit) throw new AppError('CONFLICT', `the points to forfeit are ${p.forfeit}, not ${confirmForfeit}; look again`);
    // One pseudonym per closure even when two calls race: the first to mark the member wins.
    await db.collection('members').where({ _id: openid, closing: _.exists(false) }).update({ data: { closing: { pseudonym: `x${randomBytes(12).toString('hex')}`, startedAt: now } } });
    pseudonym = (await readMember(openid)).closing?.pseudonym;
    if (!pseudonym) throw new AppError('INTERNAL', 'closure mark missing');
  }

  // 1. Forfeit what is left (an adjustment entry under a key that names the pseudonym, not the member).
  let forfeited = 0;
  for (let round = 0; round < 3; round++) {
    const amount = await forfeitable(openid, now);
    if (amount <= 0) break;
    try {
      const { entry } = await debit({ member: openid, amount, key: `close:${pseudonym}:${+now}:${round}`, type: 'adjust', source: { kind: 'closure', ref: pseudonym }, reason: '注销账号，积分作废', now });
      forfeited += entry.amount;
    } catch (e) {
      // A concurrent call of the same closure took them first: look again.
      if (!(e instanceof AppError && e.code === 'INSUFFICIENT_POINTS')) throw e;
    }
  }

  // 2. The books under the pseudonym: from here nothing earns or spends under the OPENID.
  await pseudonymiseMember(openid, pseudonym, now);

  // 3. Personal data: erased where nothing needs it, the member replaced where records must stay.
  const byMember = { member: openid };
  await Promise.all([
    db.collection(MALL.orders).where(byMember).update({ data: { member: pseudonym, address: null, updatedAt: now } }),
    db.collection(MALL.checkouts).where(byMember).update({ data: { member: pseudonym } }),
    db.collection('payouts').where(byMember).update({ data: { member: pseudonym } }),
    db.collection('codes').where({ claimedBy: openid }).update({ data: { claimedBy: pseudonym } }),
    db.collection('riskEvents').where(byMember).update({ data: { ip: '' } }),
    db.collection(MALL.limits).where(byMember).remove(),
    db.collection(MALL.addresses).doc(openid).remove().catch(() => undefined),
    eraseMemberNotices(openid),
    eraseSigninNotices(openid),
    eraseKeepNotices(openid),
    // Brand orders and growth stay (refunds, budgets and replay still add up) under the pseudonym; the tier state goes.
    db.collection(ORDERS.orders).where(byMember).update({ data: { member: pseudonym } }),
    db.collection(ORDERS.reviews).where(byMember).update({ data: { member: pseudonym } }),
    db.collection(TIERS.growth).where(byMember).update({ data: { member: pseudonym } }),
    db.collection(TIERS.members).doc(openid).remove().catch(() => undefined),
  ]);
  // Records keyed by the member (`<scope>|<member>`, `<kind>:<code>:<member>`) move to the pseudonym:
  // the roll-up's markers (distinct receivers and spenders stay right) and risk events (IP dropped above).
  await rewriteMemberDocs('metricsMembers', openid, pseudonym);
  await rewriteMemberDocs('metricsActive', openid, pseudonym); // today's active members (the live roll-up)
  await rewriteMemberDocs('riskEvents', openid, pseudonym);
  await rewriteMemberDocs(TIERS.changes, openid, pseudonym); // `<member>:<seq>`
  await forgetPlayer(openid, pseudonym); // games: draws and grants under the pseudonym, held cards gone (play/closure.ts)
  await forgetInRisk(openid, pseudonym); // risk review: cases name the pseudonym (risk/closure.ts)
  // Scanner lists: the pseudonym takes the OPENID's place (distinct counts stay right). A warned
  // member is always among the scanners, so every query leads with the `scanners` index.
  const codes = db.collection('codes');
  await codes.where({ scanners: openid, warned: openid }).update({ data: { warned: _.addToSet(pseudonym) } });
  await codes.where({ scanners: openid, warned: openid }).update({ data: { warned: _.pull(openid) } });
  await codes.where({ scanners: openid }).update({ data: { scanners: _.addToSet(pseudonym) } });
  await codes.where({ scanners: openid }).update({ data: { scanners: _.pull(openid) } });

  // 4. The member (the tombstone came with the account's move): a new login with this OPENID starts a new member.
  await db.collection(PRIVACY.audit).add({ data: { actor: 'member', role: 'member', action: 'close', what: 'account', count: 1, createdAt: now } });
  await db.collection('members').doc(openid).remove();
  return { closed: true, forfeited };
}
