// What other modules need from the ledger's collections, so none of them names `accounts`, `holds` or
// `ledger`: open an account, a member's available points and totals, a hold's status, and the
// per-member projections a module joins into its own one-request aggregate (a scan's pre-read, a
// redemption's snapshot, a member's login). Only what is named here is read; the lots stay inside.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { inTransaction, txGet, type Tx } from '../tx';
import { accountMissing } from './pseudonymise';
import { COLLECTIONS as C, type Account, type Entry, type Hold } from './model';

/** An account's totals, without its lots (every operation writes those; nobody else needs them). */
export type AccountTotals = Pick<Account, '_id' | 'balance' | 'held' | 'debt'>;

/** Opens the member's points account (empty); false when it existed already. Safe to repeat. */
export async function openAccount(member: string, now = new Date()): Promise<boolean> {
  const account: Account = { _id: member, balance: 0, held: 0, debt: 0, earned: 0, spent: 0, expired: 0, penalized: 0, lots: [], closed: [], nextExpiry: null, createdAt: now };
  try {
    await getDb().collection(C.accounts).add({ data: account });
    return true;
  } catch (e) {
    if (isDuplicateKeyError(e)) return false;
    throw e;
  }
}

/** Balance, held and what is available to spend now (balance − held, never below 0); null without an account. */
export async function availablePoints(member: string): Promise<{ balance: number; held: number; available: number } | null> {
  const { data } = await getDb().collection(C.accounts).doc(member).field({ balance: true, held: true }).get();
  if (!data) return null;
  const { balance = 0, held = 0 } = data as Partial<Account>;
  return { balance, held, available: Math.max(0, balance - held) };
}

/** Totals of up to 100 members (a page of a list), by member. */
export async function accountTotals(members: string[]): Promise<Map<string, AccountTotals>> {
  if (!members.length) return new Map();
  const db = getDb();
  const { data } = await db.collection(C.accounts).where({ _id: db.command.in(members) }).field({ balance: true, held: true, debt: true }).limit(members.length).get();
  return new Map((data as AccountTotals[]).map((a) => [a._id, a]));
}

/** Where a hold stands (open, committed, released), or null when there is none. */
export async function holdStatus(holdKey: string): Promise<Hold['status'] | null> {
  const { data } = await getDb().collection(C.holds).doc(holdKey).field({ status: true }).get();
  return (data as Pick<Hold, 'status'> | null)?.status ?? null;
}

/**
 * A `$lookup` stage joining the member's account, projected to `fields` (totals, or the module's
 * own per-member state such as `scanState`) — never the lots — into a module's own aggregate.
 */
export function accountJoin(member: string, fields: Record<string, 1>, as: string) {
  const pipeline = getDb().command.aggregate.pipeline().match({ _id: member }).project(fields).done();
  return { from: C.accounts, pipeline, as };
}

/** A `$lookup` stage joining the entry under an idempotency key (e.g. a scan's `scan:<code>` claim). */
export function entryJoin(key: string, as: string) {
  const pipeline = getDb().command.aggregate.pipeline().match({ _id: key }).done();
  return { from: C.entries, pipeline, as };
}

export type { Entry };

/**
 * An entry older than this has committed (or never will): its createdAt is set before its
 * transaction commits, and the ledger's transactions are far shorter. Readers that page the
 * entries by time up to a cursor stop this far before now.
 */
export const SETTLE_MS = 2 * 60_000;

/** An entry as a reader of the ledger's published record sees it (no lots). */
export type EntryFact = Pick<Entry, '_id' | 'member' | 'type' | 'amount' | 'source' | 'ref' | 'createdAt'>;

/**
 * The entries created before `until`, after the cursor, in (createdAt, _id) order over the
 * `createdAt` index: the immutable record a module derives its own facts from after the fact
 * (tiers/activity.ts: growth from scans and sign-ins).
 */
export async function entriesAfter(cursor: { at: Date; id: string } | null, until: Date, limit: number): Promise<EntryFact[]> {
  const db = getDb();
  const _ = db.command;
  const before = { createdAt: _.lt(until) };
  const after = cursor ? _.or([{ createdAt: _.gt(cursor.at) }, { createdAt: cursor.at, _id: _.gt(cursor.id) }]) : null;
  const { data } = await db
    .collection(C.entries)
    .where(after ? _.and([before, after]) : before)
    .orderBy('createdAt', 'asc')
    .orderBy('_id', 'asc')
    .limit(limit)
    .field({ member: true, type: true, amount: true, source: true, ref: true, createdAt: true })
    .get();
  return data as EntryFact[];
}

/**
 * A member's own per-module fields kept on the account (e.g. the campaigns' `counters`), by name;
 * null without an account. The ledger's fields are not for this: use the functions above.
 */
export async function accountFields<T extends Record<string, unknown>>(member: string, fields: (keyof T & string)[]): Promise<Partial<T> | null> {
  const { data } = await getDb().collection(C.accounts).doc(member).field(Object.fromEntries(fields.map((f) => [f, true]))).get();
  return (data as Partial<T> | null) ?? null;
}

/** The ledger's own fields of an account: never set through `withOwnFields`. */
const LEDGER_FIELDS = new Set(['balance', 'held', 'debt', 'earned', 'spent', 'expired', 'penalized', 'lots', 'closed', 'nextExpiry', 'createdAt']);

/**
 * A transaction on the member's account for a module's own per-member fields (never the ledger's):
 * `work` sees the account as read inside the transaction, does its own writes through `tx`, and
 * returns the fields to set (dot paths allowed) with its answer; all of it commits together. For
 * state that must commit with the caller's writes when no points move (a game's free play: its
 * counters and its draw record). NOT_FOUND (or ACCOUNT_CLOSED) without an account.
 */
export async function withOwnFields<R>(member: string, work: (tx: Tx, account: Account) => Promise<{ fields: Record<string, unknown>; result: R }>, now = new Date()): Promise<R> {
  return inTransaction(async (tx) => {
    const account = await txGet<Account>(tx, C.accounts, member);
    if (!account) throw await accountMissing(member);
    const { fields, result } = await work(tx, account);
    for (const k of Object.keys(fields)) if (LEDGER_FIELDS.has(k.split('.')[0])) throw new AppError('INTERNAL', `withOwnFields may not set the ledger's ${k}`);
    await tx.collection(C.accounts).doc(member).update({ data: { ...fields, updatedAt: now } });
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// The console's reads (operators look at one member whole; tools read the published record)

/**
 * One account as stored, for a page that shows it whole (the console's member page, a correction's
 * preview); its lots are packed — read them with `unpackLots` (ledger/lots.ts). Null without one.
 */
export async function readAccount(member: string): Promise<Record<string, unknown> | null> {
  const { data } = await getDb().collection(C.accounts).doc(member).get().catch(() => ({ data: null }));
  return (data as Record<string, unknown> | null) ?? null;
}

/** One entry by its id, or null. */
export async function readEntry(id: string): Promise<Entry | null> {
  const { data } = await getDb().collection(C.entries).doc(id).get().catch(() => ({ data: null }));
  return (data as Entry | null) ?? null;
}

/** Entries by id (at most 100), in no particular order. */
export async function readEntries(ids: string[]): Promise<Entry[]> {
  if (!ids.length) return [];
  const db = getDb();
  const { data } = await db.collection(C.entries).where({ _id: db.command.in(ids.slice(0, 100)) }).limit(Math.min(ids.length, 100)).get();
  return data as Entry[];
}

/** A member's open holds, newest first. */
export async function openHoldsOf(member: string, limit: number): Promise<Hold[]> {
  const { data } = await getDb().collection(C.holds).where({ member, status: 'open' }).orderBy('createdAt', 'desc').limit(limit).get();
  return data as Hold[];
}

/**
 * The entries, for bounded, indexed reads of the ledger's published record (immutable: a foreign
 * read cannot go stale): the console's history section, the simulator's sign-in facts, risk's
 * velocity aggregate. Read only; every write goes through the ledger's operations.
 */
export const entriesForReading = () => getDb().collection(C.entries);
