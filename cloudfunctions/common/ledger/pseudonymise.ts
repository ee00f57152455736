// The ledger's side of personal information (docs/privacy.md): what the privacy module needs of the
// ledger's documents — a member's book and entries for the export, open holds, notices to erase, old
// reminders to remove, the closed-account tombstone — so it never names the ledger's collections.
//
// A closed account's books under a pseudonym (docs/privacy.md#closing-an-account). The entries stay
// — budgets, roll-ups and replay still add up — but nothing in the ledger names the OPENID any more:
// the account moves to `accounts/<pseudonym>`, every entry and hold of the member is rewritten with
// the pseudonym in place of the OPENID wherever it appears (member, the entry's own key when it
// embeds the member, lot ids, refs). The rewrite is a pure function of (document, openid, pseudonym),
// so a run that dies half-way is finished by running it again.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { inTransaction, txGet } from '../tx';
import { available } from './allocate';
import { unpackLots, type StoredLot } from './lots';
import { COLLECTIONS as C, type Account, type Entry, type Hold, type Lot } from './model';

const PAGE = 100;

/** `closedAccounts/<sha256('closed:' + OPENID)>` `{closedAt}`: that the OPENID's account was closed (the OPENID itself is not kept). */
export const CLOSED_ACCOUNTS = 'closedAccounts';
export const tombstoneId = (openid: string) => createHash('sha256').update(`closed:${openid}`).digest('hex');

/** What to answer for a member without an account: ACCOUNT_CLOSED after a closure, NOT_FOUND otherwise. */
export async function accountMissing(member: string): Promise<AppError> {
  const { data } = await getDb().collection(CLOSED_ACCOUNTS).doc(tombstoneId(member)).get().catch(() => ({ data: null }));
  return data ? new AppError('ACCOUNT_CLOSED', 'this account has been closed') : new AppError('NOT_FOUND', `no points account for member ${member}; call user.login first`);
}

/** `s` with every occurrence of `from` replaced by `to`. */
const swap = (s: string, from: string, to: string) => (s.includes(from) ? s.split(from).join(to) : s);

/** Any JSON-like value with `from` replaced by `to` in every string (dates and numbers kept). */
export function swapDeep<T>(v: T, from: string, to: string): T {
  if (typeof v === 'string') return swap(v, from, to) as T;
  if (Array.isArray(v)) return v.map((x) => swapDeep(x, from, to)) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, swapDeep(x, from, to)])) as T;
  }
  return v;
}

/** Only the fields a rewrite changed (an unchanged entry costs one small update). */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(after)) if (k !== '_id' && JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = after[k];
  return out;
}

/** Rewrites one document of `collection`; a key that embeds the OPENID moves to its swapped key. */
async function rewrite(collection: string, doc: Record<string, unknown> & { _id: string }, openid: string, pseudonym: string): Promise<void> {
  const next = swapDeep(doc, openid, pseudonym);
  const db = getDb();
  if (next._id === doc._id) {
    const data = changedFields(doc, next);
    // _.set: arrays and objects replaced whole (plain objects would be merged by dot paths).
    for (const k of Object.keys(data)) if (data[k] && typeof data[k] === 'object' && !(data[k] instanceof Date)) data[k] = db.command.set(data[k]);
    if (Object.keys(data).length) await db.collection(collection).doc(doc._id).update({ data });
    return;
  }
  await inTransaction(async (tx) => {
    const current = await txGet<Record<string, unknown> & { _id: string }>(tx, collection, doc._id);
    if (!current) return; // moved already
    const { _id, ...body } = swapDeep(current, openid, pseudonym);
    await tx.collection(collection).doc(_id).set({ data: body });
    await tx.collection(collection).doc(doc._id).remove();
  });
}

/**
 * Every document of `collection` whose `member` is the OPENID, rewritten; returns how many. Also for
 * other modules' per-member records keyed by the member (the metrics roll-up's markers).
 */
export async function rewriteMemberDocs(collection: string, openid: string, pseudonym: string): Promise<number> {
  const db = getDb();
  let n = 0;
  // Each rewrite takes its document out of the query, so the first page is always the next one.
  for (;;) {
    const { data } = await db.collection(collection).where({ member: openid }).orderBy('_id', 'asc').limit(PAGE).get();
    if (!data.length) return n;
    for (const doc of data as (Record<string, unknown> & { _id: string })[]) await rewrite(collection, doc, openid, pseudonym);
    n += data.length;
  }
}

export interface PseudonymiseResult {
  account: boolean;
  entries: number;
  holds: number;
}

/**
 * Puts the member's books under `pseudonym`. Refuses while a hold is open (its settlement would look
 * for the OPENID's account). Safe to run again. Callers forfeit or check the balance first: the
 * moved account keeps whatever it holds (lots past their expiry still expire by the expiry run, which
 * finds the account under its new id).
 */
export async function pseudonymiseMember(openid: string, pseudonym: string, now = new Date()): Promise<PseudonymiseResult> {
  if (!openid || !pseudonym || openid === pseudonym || pseudonym.includes(openid)) throw new AppError('BAD_REQUEST', 'pseudonym must differ from the member');
  const db = getDb();
  const { data: open } = await db.collection(C.holds).where({ member: openid, status: 'open' }).limit(1).get();
  if (open.length) throw new AppError('CONFLICT', 'settle the member’s open holds first');
  // The account first, with the tombstone: once it is gone no operation can add an entry under the
  // OPENID, and those that try are told the account is closed.
  const account = await inTransaction(async (tx) => {
    await tx.collection(CLOSED_ACCOUNTS).doc(tombstoneId(openid)).set({ data: { closedAt: now } });
    const current = await txGet<Account>(tx, C.accounts, openid);
    if (!current) return false;
    const { _id, ...body } = swapDeep(current, openid, pseudonym);
    await tx.collection(C.accounts).doc(pseudonym).set({ data: { ...body, closedAt: now, updatedAt: now } });
    await tx.collection(C.accounts).doc(openid).remove();
    return true;
  });
  const entries = await rewriteMemberDocs(C.entries, openid, pseudonym);
  const holds = await rewriteMemberDocs(C.holds, openid, pseudonym);
  return { account, entries, holds };
}

/** A member's account with its lots unpacked (closure's preview, the member's export); null without one. */
export async function memberBook(member: string): Promise<(Omit<Account, 'lots'> & { lots: Lot[] }) | null> {
  const { data } = await getDb().collection(C.accounts).doc(member).get();
  if (!data) return null;
  const a = data as Omit<Account, 'lots'> & { lots?: StoredLot[] };
  return { ...a, lots: unpackLots(a.lots) };
}

/** A closed member's expiry reminders and subscription credits: nothing to remind any more. */
export async function eraseMemberNotices(member: string): Promise<void> {
  const db = getDb();
  await Promise.all([
    db.collection(C.reminders).where({ member }).remove(),
    db.collection(C.subscriptionEvents).where({ member }).remove(),
    db.collection(C.subscriptions).doc(member).remove().catch(() => undefined),
  ]);
}

/** Retention: reminders about an expiry day before `day` (YYYY-MM-DD); returns how many went. */
export async function removeRemindersBefore(day: string): Promise<number> {
  const db = getDb();
  return (await db.collection(C.reminders).where({ expiryDay: db.command.lt(day) }).remove()).stats.removed;
}

/** The member's holds still open (a closure waits for them). */
export async function openHolds(member: string): Promise<number> {
  return (await getDb().collection(C.holds).where({ member, status: 'open' }).count()).total;
}

/** The member's newest entries (at most `limit`; `truncated` when there are more): the export's points history. */
export async function memberEntries(member: string, limit: number): Promise<{ items: Entry[]; truncated: boolean }> {
  const out: Entry[] = [];
  for (let skip = 0; skip <= limit; skip += PAGE) {
    const { data } = await getDb()
      .collection(C.entries)
      .where({ member })
      .orderBy('createdAt', 'desc')
      .orderBy('_id', 'asc')
      .field({ _id: true, type: true, delta: true, balanceAfter: true, source: true, reason: true, createdAt: true })
      .skip(skip)
      .limit(PAGE)
      .get();
    out.push(...(data as Entry[]));
    if (data.length < PAGE) break;
  }
  return { items: out.slice(0, limit), truncated: out.length > limit };
}

/** Points a debit can take now: available in lots not past their expiry (what a closure forfeits). */
export const livePoints = (lots: Lot[], now: Date) => lots.filter((l) => +new Date(l.expiresAt) > +now).reduce((s, l) => s + available(l), 0);

export type { Entry, Hold };
