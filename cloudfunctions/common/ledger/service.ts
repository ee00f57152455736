// The points ledger: every change to a balance goes through these operations (docs/ledger.md).
//
// Each operation is idempotent by the caller's key, which becomes the _id of its entry: a retry
// finds the entry and answers it again; the same key with other parameters is
// IDEMPOTENCY_MISMATCH. Each runs in one transaction that re-reads the account — which holds the
// member's live lots — and writes it back with the entry, and is retried whole on a conflict.
// The account document is written by every operation, so one member's operations are serialised
// by the database's write locks. A credit or a debit is therefore five requests: start, account
// get, entry add, account update, commit.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { inTransaction, txGet, type Tx } from '../tx';
import { allocateFifo, available, type Take } from './allocate';
import { consumeBudget } from './budgets';
import { COLLECTIONS as C, type Account, type ClosedLots, type Entry, type EntryType, type Hold, type Lot, type Source } from './model';
import { DEFAULT_EXPIRY, expiresAt, type ExpiryPolicy } from './policy';
import { ensureReminded, lastValidDay } from './reminders';
import { currentRate } from './settings';

const DEFAULT_HOLD_SECONDS = 15 * 60;

export interface CreditRequest {
  member: string;
  amount: number;
  key: string;
  source: Source;
  campaign?: string;
  /** Budget (maximum issuable A) this credit counts against. */
  budget?: string;
  expiry?: ExpiryPolicy;
  reason?: string;
  operator?: string;
  now?: Date;
  alsoInTransaction?: AlongsideWork;
}

/**
 * The caller's own writes that must commit with a credit, debit or hold or not at all (a scan's
 * claim of its code, a mall order). Runs inside the operation's transaction, only when the
 * operation is new, after the account is read; it re-reads what it relies on through `tx` and may
 * throw to refuse the operation. It may return fields of the caller's own per-member state to set
 * on the account document in the same update (free: the account is written anyway), e.g.
 * `{ scanState: {...} }`; they must not name the ledger's own fields. Not part of the key's fingerprint.
 */
export type AlongsideWork = (tx: Tx, now: Date, account: Account) => Promise<Record<string, unknown> | void>;

export interface DebitRequest {
  member: string;
  amount: number;
  key: string;
  source: Source;
  reason?: string;
  operator?: string;
  now?: Date;
  /** See AlongsideWork. */
  alsoInTransaction?: AlongsideWork;
}

/** Thrown inside a transaction when, re-read, there is nothing left to do. */
class NothingToDo extends Error {}

const fingerprint = (op: string, params: Record<string, unknown>) =>
  createHash('sha256').update(JSON.stringify([op, params])).digest('base64url').slice(0, 22);

function assertPoints(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('BAD_REQUEST', `${what} must be a positive integer`);
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || !/^[\w:.\-|@]{1,128}$/.test(key)) {
    throw new AppError('BAD_REQUEST', 'key must be 1-128 characters of letters, digits and _ : . - | @');
  }
}

/** The first answer for `key`, or null. A different request under the same key is refused. */
function replay(entry: Entry | null, fp: string): Entry | null {
  if (!entry) return null;
  if (entry.fingerprint !== fp) throw new AppError('IDEMPOTENCY_MISMATCH', `key ${entry._id} was used for a different request`);
  return entry;
}

/** The entry under `key` (an idempotency key), or null. */
export async function readEntry(key: string): Promise<Entry | null> {
  const { data } = await getDb().collection(C.entries).doc(key).get();
  return (data as Entry) ?? null;
}

/** Entries answered from an earlier call under the same key (not made by this call). */
const replays = new WeakSet<Entry>();

/** Whether this entry answers an earlier call with the same key rather than being made just now. */
export const isReplay = (entry: Entry) => replays.has(entry);

/**
 * Runs one ledger operation in a retried transaction. Every operation adds its entry under `key`,
 * so a key that already has one fails on the duplicate _id (or, first, on a check the earlier
 * effect now makes fail: INSUFFICIENT_POINTS, HOLD_NOT_OPEN, …). Any such failure looks the key up
 * and answers the first entry instead; a first-time operation pays no lookup.
 */
async function idempotent(key: string, fp: string, work: (tx: Tx) => Promise<Entry>): Promise<Entry> {
  assertKey(key);
  try {
    return await inTransaction(work);
  } catch (e) {
    if (isDuplicateKeyError(e) || e instanceof AppError) {
      const first = replay(await readEntry(key), fp);
      if (first) {
        replays.add(first);
        return first;
      }
    }
    throw e;
  }
}

const TOTALS = ['balance', 'held', 'debt', 'earned', 'spent', 'expired', 'penalized'] as const;

/** The account as read inside a transaction, with lots the operation may change (copies). */
interface Book {
  account: Account;
  lots: Lot[];
  closed: ClosedLots[];
  /** A lot a credit added (the update then sends just it). */
  added?: Lot;
}

async function readAccount(tx: Tx, member: string): Promise<Book> {
  const account = await txGet<Account>(tx, C.accounts, member);
  if (!account) throw new AppError('NOT_FOUND', `no points account for member ${member}`);
  // Totals and lists a document may lack (written before they existed, or by login) start empty.
  const full: Account = { ...account, ...Object.fromEntries(TOTALS.map((k) => [k, account[k] ?? 0])), lots: account.lots ?? [], closed: account.closed ?? [], nextExpiry: account.nextExpiry ?? null };
  return { account: full, lots: full.lots.map((l) => ({ ...l })), closed: full.closed };
}

function lotOf(book: Book, lotId: string): Lot {
  const lot = book.lots.find((l) => l._id === lotId);
  if (!lot) throw new AppError('INTERNAL', `lot ${lotId} is not in the account of ${book.account._id}`);
  return lot;
}

function entryOf(
  base: Pick<Entry, '_id' | 'member' | 'type' | 'amount' | 'delta' | 'source' | 'lots' | 'fingerprint'> & Partial<Entry>,
  after: Account,
  now: Date,
): Entry {
  return {
    campaign: '',
    rate: 0,
    reason: '',
    operator: '',
    ...base,
    balanceAfter: after.balance,
    heldAfter: after.held,
    debtAfter: after.debt,
    createdAt: now,
  };
}

/** Soonest expiry among lots with points still available, or null (the expiry run's and reminders' index). */
function nextExpiryOf(lots: Lot[]): Date | null {
  let next: Date | null = null;
  for (const l of lots) if (available(l) > 0 && (!next || +new Date(l.expiresAt) < +next)) next = new Date(l.expiresAt);
  return next;
}

/** Lots empty and past their expiry leave the account; `closed` keeps their totals per campaign. */
function foldClosed(lots: Lot[], closed: ClosedLots[], now: Date): { lots: Lot[]; closed: ClosedLots[] } {
  const done = lots.filter((l) => l.remaining === 0 && l.held === 0 && +new Date(l.expiresAt) <= +now);
  if (!done.length) return { lots, closed };
  const out = closed.map((c) => ({ ...c }));
  for (const l of done) {
    let c = out.find((x) => x.campaign === l.campaign);
    if (!c) out.push((c = { campaign: l.campaign, amount: 0, expired: 0 }));
    c.amount += l.amount;
    c.expired += l.expired ?? 0;
  }
  return { lots: lots.filter((l) => !done.includes(l)), closed: out };
}

/** Writes the account's totals that changed, its lots when `book` is given, and the caller's fields. */
async function writeAccount(tx: Tx, before: Account, after: Account, now: Date, extra?: Record<string, unknown> | void, book?: Book): Promise<void> {
  const _ = getDb().command;
  const data: Record<string, unknown> = { ...(extra ?? {}), updatedAt: now };
  for (const k of TOTALS) {
    if (after[k] !== before[k]) data[k] = after[k];
  }
  if (book) {
    const { lots, closed } = foldClosed(book.lots, book.closed, now);
    // A credit's new lot alone when nothing was folded; otherwise _.set replaces the array whole
    // (plain values would be merged by dot paths).
    data.lots = book.added && lots === book.lots ? _.push([book.added]) : _.set(lots);
    if (closed !== before.closed) data.closed = _.set(closed);
    data.nextExpiry = nextExpiryOf(lots);
  }
  await tx.collection(C.accounts).doc(before._id).update({ data });
}

function planTakes(book: Book, amount: number, now: Date): Take[] {
  const takes = allocateFifo(book.lots, amount, now);
  if (!takes) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${amount}`);
  return takes;
}

/** What a lot the member no longer has (folded: empty and expired) was: from its credit entry. */
interface FoldedLot {
  campaign: string;
  expiresAt: Date;
}

const creditKeyOf = (lotId: string) => lotId.replace(/^lot:/, '');

function foldedLotOf(credit: Entry | null, lotId: string): FoldedLot {
  if (!credit?.expiresAt) throw new AppError('INTERNAL', `lot ${lotId} has no credit entry`);
  return { campaign: credit.campaign, expiresAt: new Date(credit.expiresAt) };
}

/**
 * Points that return to a lot already past its expiry (a released hold, a reversed spend) expire at
 * once: returning them never extends validity. Like every expiry, a reminder record comes first;
 * this runs before the transaction (it cannot be inside one) for the lots `takes` name. Returns the
 * folded ones among them (their credit entries, read once; entries never change).
 */
async function remindBeforeReturning(member: string, takes: Take[], now: Date): Promise<Map<string, FoldedLot>> {
  const folded = new Map<string, FoldedLot>();
  if (!takes.length) return folded;
  const db = getDb();
  const { data } = await db.collection(C.accounts).doc(member).field({ lots: true }).get();
  const live = new Map((((data as Account | null)?.lots ?? []) as Lot[]).map((l) => [l._id, l]));
  const gone = takes.filter((t) => !live.has(t.lotId)).map((t) => creditKeyOf(t.lotId));
  if (gone.length) {
    const { data: credits } = await db.collection(C.entries).where({ _id: db.command.in(gone) }).limit(gone.length).get();
    const byKey = new Map((credits as Entry[]).map((c) => [c._id, c]));
    for (const key of gone) folded.set(`lot:${key}`, foldedLotOf(byKey.get(key) ?? null, `lot:${key}`));
  }
  for (const t of takes) {
    const lot = live.get(t.lotId);
    const expires = lot ? new Date(lot.expiresAt) : folded.get(t.lotId)!.expiresAt;
    if (+expires <= +now) await ensureReminded(member, lastValidDay(expires), t.amount, now);
  }
  return folded;
}

// ---------------------------------------------------------------------------------------------
// Credits

/**
 * The live lot a credit joins: points with the same expiry, rate and campaign are interchangeable
 * (FIFO, expiry, liability and metrics treat them alike), so a member's credits of one day under a
 * rolling policy make one lot. That bounds the account document (about one lot per expiry day and
 * campaign) and keeps every operation's read small.
 */
function joinable(book: Book, lot: Lot): Lot | undefined {
  return book.lots.find((l) => +new Date(l.expiresAt) === +lot.expiresAt && l.rate === lot.rate && l.campaign === lot.campaign);
}

export async function credit(req: CreditRequest & { type?: 'earn' | 'adjust' }): Promise<Entry> {
  assertPoints(req.amount);
  const now = req.now ?? new Date();
  const type = req.type ?? 'earn';
  const policy = req.expiry ?? DEFAULT_EXPIRY;
  const fp = fingerprint('credit', {
    m: req.member,
    a: req.amount,
    t: type,
    s: req.source,
    c: req.campaign ?? '',
    b: req.budget ?? '',
    e: policy,
  });
  return idempotent(req.key, fp, async (tx) => {
    const rate = await currentRate(now);
    const book = await readAccount(tx, req.member);
    const { account } = book;
    const extra = req.alsoInTransaction ? await req.alsoInTransaction(tx, now, account) : undefined;
    if (req.budget) await consumeBudget(tx, req.budget, req.amount, now);
    const repaid = Math.min(account.debt, req.amount);
    const lotAmount = req.amount - repaid;
    const lotExpiry = expiresAt(policy, now);
    const lots: Take[] = [];
    if (lotAmount > 0) {
      const lot: Lot = {
        _id: `lot:${req.key}`,
        amount: lotAmount,
        remaining: lotAmount,
        held: 0,
        expired: 0,
        expiresAt: lotExpiry,
        createdAt: now,
        campaign: req.campaign ?? '',
        rate,
      };
      const into = joinable(book, lot);
      if (into) {
        into.amount += lotAmount;
        into.remaining += lotAmount;
      } else {
        book.lots.push(lot);
        book.added = lot;
      }
      lots.push({ lotId: into?._id ?? lot._id, amount: lotAmount });
    }
    const after: Account = {
      ...account,
      balance: account.balance + req.amount,
      debt: account.debt - repaid,
      earned: account.earned + req.amount,
    };
    const entry = entryOf(
      {
        _id: req.key,
        member: req.member,
        type,
        amount: req.amount,
        delta: req.amount,
        source: req.source,
        campaign: req.campaign ?? '',
        lots,
        rate,
        reason: req.reason ?? '',
        operator: req.operator ?? '',
        fingerprint: fp,
        expiresAt: lotExpiry,
        ...(repaid ? { debtRepaid: repaid } : {}),
      },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, extra, lotAmount > 0 ? book : undefined);
    return entry;
  });
}

// ---------------------------------------------------------------------------------------------
// Debits

export async function debit(req: DebitRequest & { type?: 'spend' | 'adjust' }): Promise<Entry> {
  assertPoints(req.amount);
  const now = req.now ?? new Date();
  const type = req.type ?? 'spend';
  const fp = fingerprint('debit', { m: req.member, a: req.amount, t: type, s: req.source });
  return idempotent(req.key, fp, async (tx) => {
    const book = await readAccount(tx, req.member);
    const { account } = book;
    if (account.balance - account.held < req.amount) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${req.amount}`);
    const takes = planTakes(book, req.amount, now);
    const extra = req.alsoInTransaction ? await req.alsoInTransaction(tx, now, account) : undefined;
    for (const t of takes) lotOf(book, t.lotId).remaining -= t.amount;
    const after: Account = { ...account, balance: account.balance - req.amount, spent: account.spent + req.amount };
    const entry = entryOf(
      {
        _id: req.key,
        member: req.member,
        type,
        amount: req.amount,
        delta: -req.amount,
        source: req.source,
        lots: takes,
        reason: req.reason ?? '',
        operator: req.operator ?? '',
        fingerprint: fp,
      },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, extra, book);
    return entry;
  });
}

// ---------------------------------------------------------------------------------------------
// Two-phase: hold → commit | release (or timeout)

export async function hold(req: DebitRequest & { ttlSeconds?: number }): Promise<{ entry: Entry; hold: Hold }> {
  assertPoints(req.amount);
  const now = req.now ?? new Date();
  const ttl = req.ttlSeconds ?? DEFAULT_HOLD_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 10 || ttl > 7 * 86400) throw new AppError('BAD_REQUEST', 'ttlSeconds must be 10..604800');
  const fp = fingerprint('hold', { m: req.member, a: req.amount, s: req.source, ttl });
  let fresh: { entry: Entry; hold: Hold } | null = null;
  const entry = await idempotent(req.key, fp, async (tx) => {
    const book = await readAccount(tx, req.member);
    const { account } = book;
    if (account.balance - account.held < req.amount) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${req.amount}`);
    const takes = planTakes(book, req.amount, now);
    const extra = req.alsoInTransaction ? await req.alsoInTransaction(tx, now, account) : undefined;
    for (const t of takes) lotOf(book, t.lotId).held += t.amount;
    const holdDoc: Hold = {
      _id: req.key,
      member: req.member,
      amount: req.amount,
      takes,
      status: 'open',
      source: req.source,
      expiresAt: new Date(now.getTime() + ttl * 1000),
      createdAt: now,
    };
    await tx.collection(C.holds).add({ data: holdDoc });
    const after: Account = { ...account, held: account.held + req.amount };
    const e = entryOf(
      { _id: req.key, member: req.member, type: 'hold', amount: req.amount, delta: 0, source: req.source, lots: takes, fingerprint: fp, reason: req.reason ?? '' },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: e });
    await writeAccount(tx, account, after, now, extra, book);
    fresh = { entry: e, hold: holdDoc };
    return e;
  });
  const made = fresh as { entry: Entry; hold: Hold } | null;
  if (made?.entry === entry) return made;
  const { data } = await getDb().collection(C.holds).doc(entry._id).get(); // a replay: the hold as it is now
  return { entry, hold: data as Hold };
}

async function readOpenHold(tx: Tx, holdKey: string): Promise<Hold> {
  const h = await txGet<Hold>(tx, C.holds, holdKey);
  if (!h) throw new AppError('NOT_FOUND', `no hold ${holdKey}`);
  if (h.status !== 'open') throw new AppError('HOLD_NOT_OPEN', `hold ${holdKey} is already ${h.status}`);
  return h;
}

/** Turns an open hold into a spend. Its entry's key is `commit:<hold>`. */
export async function commitHold(holdKey: string, opts: { now?: Date; reason?: string; alsoInTransaction?: AlongsideWork } = {}): Promise<Entry> {
  const now = opts.now ?? new Date();
  const key = `commit:${holdKey}`;
  const fp = fingerprint('commit', { h: holdKey });
  return idempotent(key, fp, async (tx) => {
    const h = await readOpenHold(tx, holdKey);
    if (+h.expiresAt <= +now) throw new AppError('HOLD_EXPIRED', `hold ${holdKey} timed out`);
    const book = await readAccount(tx, h.member);
    const { account } = book;
    const extra = opts.alsoInTransaction ? await opts.alsoInTransaction(tx, now, account) : undefined;
    for (const t of h.takes) {
      const lot = lotOf(book, t.lotId);
      lot.remaining -= t.amount;
      lot.held -= t.amount;
    }
    await tx.collection(C.holds).doc(holdKey).update({ data: { status: 'committed', settledAt: now, settledBy: key } });
    const after: Account = { ...account, balance: account.balance - h.amount, held: account.held - h.amount, spent: account.spent + h.amount };
    const entry = entryOf(
      { _id: key, member: h.member, type: 'spend', amount: h.amount, delta: -h.amount, source: h.source, lots: h.takes, ref: holdKey, fingerprint: fp, reason: opts.reason ?? '' },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, extra, book);
    return entry;
  });
}

/**
 * Returns an open hold's points. Its entry's key is `release:<hold>`. Timeouts use the same path.
 * Points returning to a lot that expired while they were held expire at once (`expiredLots`).
 */
export async function releaseHold(holdKey: string, opts: { now?: Date; reason?: string } = {}): Promise<Entry> {
  const now = opts.now ?? new Date();
  const key = `release:${holdKey}`;
  const fp = fingerprint('release', { h: holdKey });
  const { data: pending } = await getDb().collection(C.holds).doc(holdKey).get();
  if (pending && (pending as Hold).status === 'open') await remindBeforeReturning((pending as Hold).member, (pending as Hold).takes, now);
  return idempotent(key, fp, async (tx) => {
    const h = await readOpenHold(tx, holdKey);
    const book = await readAccount(tx, h.member);
    const { account } = book;
    const expiredLots: Take[] = [];
    for (const t of h.takes) {
      const lot = lotOf(book, t.lotId); // a lot with held points is never folded
      lot.held -= t.amount;
      if (+new Date(lot.expiresAt) <= +now) {
        expiredLots.push(t);
        lot.remaining -= t.amount;
        lot.expired = (lot.expired ?? 0) + t.amount;
      }
    }
    const expired = expiredLots.reduce((sum, t) => sum + t.amount, 0);
    await tx.collection(C.holds).doc(holdKey).update({ data: { status: 'released', settledAt: now, settledBy: key } });
    const after: Account = {
      ...account,
      held: account.held - h.amount,
      balance: account.balance - expired,
      expired: account.expired + expired,
    };
    const entry = entryOf(
      {
        _id: key,
        member: h.member,
        type: 'release',
        amount: h.amount,
        delta: 0 - expired, // never -0: it would not survive the trip through EJSON
        source: h.source,
        lots: h.takes,
        ref: holdKey,
        fingerprint: fp,
        reason: opts.reason ?? '',
        ...(expired ? { expiredLots } : {}),
      },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, undefined, book);
    return entry;
  });
}

/** Releases holds whose time is up (the jobs function's sweep). Returns how many it released. */
export async function releaseExpiredHolds(now = new Date(), limit = 200): Promise<number> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db.collection(C.holds).where({ status: 'open', expiresAt: _.lte(now) }).orderBy('expiresAt', 'asc').limit(limit).get();
  let released = 0;
  for (const h of data as Hold[]) {
    try {
      await releaseHold(h._id, { now, reason: 'timeout' });
      released++;
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'HOLD_NOT_OPEN')) throw e; // committed meanwhile
    }
  }
  return released;
}

// ---------------------------------------------------------------------------------------------
// Reversal, penalty, adjust

/**
 * Undoes an entry, once. Its key is `reverse:<entry>`.
 * - A spend (or negative adjust) is undone by restoring exactly the lots it took. Points going back
 *   to a lot that has expired meanwhile expire at once (`expiredLots`, after a reminder record):
 *   a refund does not extend validity. (A lot folded out of the account is empty and expired, so
 *   points returning to it expire at once; its campaign's totals record it.)
 * - An earn (or positive adjust) is undone by taking back what is left of its lot (up to its amount;
 *   credits that joined one lot are not kept apart); whatever was
 *   already spent (or repaid debt) becomes debt, repaid by the member's next credits.
 * Holds are released, not reversed; penalties are undone with a positive adjust.
 */
export async function reverse(entryKey: string, opts: { reason: string; operator?: string; now?: Date }): Promise<Entry> {
  const now = opts.now ?? new Date();
  if (!opts.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const key = `reverse:${entryKey}`;
  const fp = fingerprint('reverse', { e: entryKey });
  const { data: target } = await getDb().collection(C.entries).doc(entryKey).get();
  const folded = target && (target as Entry).delta < 0 ? await remindBeforeReturning((target as Entry).member, (target as Entry).lots, now) : new Map<string, FoldedLot>();
  return idempotent(key, fp, async (tx) => {
    const original = await txGet<Entry>(tx, C.entries, entryKey);
    if (!original) throw new AppError('NOT_FOUND', `no entry ${entryKey}`);
    const book = await readAccount(tx, original.member);
    const { account } = book;
    const base = {
      _id: key,
      member: original.member,
      type: 'reverse' as EntryType,
      amount: original.amount,
      source: original.source,
      campaign: original.campaign,
      ref: entryKey,
      fingerprint: fp,
      reason: opts.reason,
      operator: opts.operator ?? '',
    };
    if (original.delta < 0 && (original.type === 'spend' || original.type === 'adjust')) {
      const expiredLots: Take[] = [];
      for (const t of original.lots) {
        const lot = book.lots.find((l) => l._id === t.lotId);
        if (!lot) {
          // Folded: empty and past its expiry. The points expire at once, counted in its campaign's totals.
          // (Folded since the read before the transaction, rarely: its credit entry then.)
          const { campaign } = folded.get(t.lotId) ?? foldedLotOf(await txGet<Entry>(tx, C.entries, creditKeyOf(t.lotId)), t.lotId);
          book.closed = book.closed.map((c) => (c.campaign === campaign ? { ...c, expired: c.expired + t.amount } : c));
          expiredLots.push(t);
        } else if (+new Date(lot.expiresAt) <= +now) {
          lot.expired = (lot.expired ?? 0) + t.amount;
          expiredLots.push(t);
        } else {
          lot.remaining += t.amount;
        }
      }
      const expired = expiredLots.reduce((sum, t) => sum + t.amount, 0);
      const after: Account = {
        ...account,
        balance: account.balance + original.amount - expired,
        spent: account.spent - original.amount,
        expired: account.expired + expired,
      };
      const entry = entryOf({ ...base, delta: original.amount - expired, lots: original.lots, ...(expired ? { expiredLots } : {}) }, after, now);
      await tx.collection(C.entries).add({ data: entry });
      await writeAccount(tx, account, after, now, undefined, book);
      return entry;
    }
    if (original.delta > 0 && (original.type === 'earn' || original.type === 'adjust')) {
      const taken: Take[] = [];
      let takenBack = 0;
      const own = original.lots[0];
      const lot = own ? book.lots.find((l) => l._id === own.lotId) : undefined; // folded → nothing left in it
      if (own && lot) {
        takenBack = Math.min(available(lot), own.amount);
        if (takenBack > 0) {
          lot.remaining -= takenBack;
          taken.push({ lotId: own.lotId, amount: takenBack });
        }
      }
      const debtCreated = original.amount - takenBack;
      const after: Account = {
        ...account,
        balance: account.balance - original.amount,
        debt: account.debt + debtCreated,
        earned: account.earned - original.amount,
      };
      const entry = entryOf({ ...base, delta: -original.amount, lots: taken, ...(debtCreated ? { debtCreated } : {}) }, after, now);
      await tx.collection(C.entries).add({ data: entry });
      await writeAccount(tx, account, after, now, undefined, book);
      return entry;
    }
    throw new AppError('NOT_REVERSIBLE', `a ${original.type} entry cannot be reversed`);
  });
}

/**
 * Takes back PART of an earn, once per key (a partial refund of the order that earned it): `amount`
 * (≤ the earn's amount; the owning module keeps the sum of its parts within it) from what is left of
 * the earn's lot, the rest as debt — the same rule as a whole reversal, for part of it.
 */
export async function reversePart(
  entryKey: string,
  opts: { key: string; amount: number; reason: string; operator?: string; now?: Date; alsoInTransaction?: AlongsideWork },
): Promise<Entry> {
  assertPoints(opts.amount);
  const now = opts.now ?? new Date();
  if (!opts.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const fp = fingerprint('reversePart', { e: entryKey, a: opts.amount });
  return idempotent(opts.key, fp, async (tx) => {
    const original = await txGet<Entry>(tx, C.entries, entryKey);
    if (!original) throw new AppError('NOT_FOUND', `no entry ${entryKey}`);
    if (!(original.delta > 0 && original.type === 'earn')) throw new AppError('NOT_REVERSIBLE', `a ${original.type} entry cannot be partly reversed`);
    if (opts.amount > original.amount) throw new AppError('BAD_REQUEST', `cannot reverse ${opts.amount} of ${original.amount}`);
    const book = await readAccount(tx, original.member);
    const { account } = book;
    const extra = opts.alsoInTransaction ? await opts.alsoInTransaction(tx, now, account) : undefined;
    const taken: Take[] = [];
    const own = original.lots[0];
    const lot = own ? book.lots.find((l) => l._id === own.lotId) : undefined;
    const takenBack = lot ? Math.min(available(lot), opts.amount) : 0;
    if (lot && takenBack > 0) {
      lot.remaining -= takenBack;
      taken.push({ lotId: own.lotId, amount: takenBack });
    }
    const debtCreated = opts.amount - takenBack;
    const after: Account = { ...account, balance: account.balance - opts.amount, debt: account.debt + debtCreated, earned: account.earned - opts.amount };
    const entry = entryOf(
      {
        _id: opts.key,
        member: original.member,
        type: 'reverse',
        amount: opts.amount,
        delta: -opts.amount,
        source: original.source,
        campaign: original.campaign,
        ref: entryKey,
        lots: taken,
        fingerprint: fp,
        reason: opts.reason,
        operator: opts.operator ?? '',
        ...(debtCreated ? { debtCreated } : {}),
      },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, extra, book);
    return entry;
  });
}

/** For defaults and fake orders: takes what the member has (FIFO, not held points) and owes the rest as debt. */
export async function penalty(req: { member: string; amount: number; key: string; reason: string; operator: string; now?: Date }): Promise<Entry> {
  assertPoints(req.amount);
  if (!req.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const now = req.now ?? new Date();
  const fp = fingerprint('penalty', { m: req.member, a: req.amount, r: req.reason, o: req.operator });
  return idempotent(req.key, fp, async (tx) => {
    const book = await readAccount(tx, req.member);
    const { account } = book;
    const canTake = book.lots.filter((l) => +new Date(l.expiresAt) > +now).reduce((s, l) => s + available(l), 0);
    const fromLots = Math.min(canTake, req.amount);
    const takes = fromLots > 0 ? planTakes(book, fromLots, now) : [];
    for (const t of takes) lotOf(book, t.lotId).remaining -= t.amount;
    const debtCreated = req.amount - fromLots;
    const after: Account = {
      ...account,
      balance: account.balance - req.amount,
      debt: account.debt + debtCreated,
      penalized: account.penalized + req.amount,
    };
    const entry = entryOf(
      {
        _id: req.key,
        member: req.member,
        type: 'penalty',
        amount: req.amount,
        delta: -req.amount,
        source: { kind: 'ops', ref: req.operator },
        lots: takes,
        reason: req.reason,
        operator: req.operator,
        fingerprint: fp,
        ...(debtCreated ? { debtCreated } : {}),
      },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, undefined, book);
    return entry;
  });
}

/** An operator's manual correction, with a reason. Negative adjustments never create debt (use a penalty). */
export async function adjust(req: { member: string; delta: number; key: string; reason: string; operator: string; now?: Date }): Promise<Entry> {
  if (!Number.isSafeInteger(req.delta) || req.delta === 0) throw new AppError('BAD_REQUEST', 'delta must be a non-zero integer');
  if (!req.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const source = { kind: 'ops', ref: req.operator };
  const common = { member: req.member, key: req.key, source, reason: req.reason, operator: req.operator, now: req.now };
  return req.delta > 0 ? credit({ ...common, amount: req.delta, type: 'adjust' }) : debit({ ...common, amount: -req.delta, type: 'adjust' });
}

// ---------------------------------------------------------------------------------------------
// Expiry

/**
 * Expires a member's lots that are due at `now`: what is neither spent nor held. One `expire`
 * entry per member per run (key `expire:<run>:<member>`); running it again changes nothing.
 * Held points in a due lot stay until their hold commits (spent) or is released (then they expire
 * at once).
 */
export async function expireMember(
  member: string,
  runId: string,
  now: Date,
  /** Runs inside the expiry's own transaction (the expiry run commits its checkpoint with it). */
  alongside?: (tx: Tx, entry: Entry) => Promise<void>,
): Promise<Entry | null> {
  const key = `expire:${runId}:${member}`;
  const fp = fingerprint('expire', { m: member, r: runId });
  try {
    return await idempotent(key, fp, async (tx) => {
      const book = await readAccount(tx, member);
      const { account } = book;
      const takes: Take[] = [];
      for (const lot of book.lots) {
        const x = available(lot);
        if (x <= 0 || +new Date(lot.expiresAt) > +now) continue;
        lot.remaining -= x;
        lot.expired = (lot.expired ?? 0) + x;
        takes.push({ lotId: lot._id, amount: x });
      }
      const total = takes.reduce((s, t) => s + t.amount, 0);
      if (!total) throw new NothingToDo();
      const after: Account = { ...account, balance: account.balance - total, expired: account.expired + total };
      const entry = entryOf(
        { _id: key, member, type: 'expire', amount: total, delta: -total, source: { kind: 'expiry', ref: runId }, lots: takes, fingerprint: fp },
        after,
        now,
      );
      await tx.collection(C.entries).add({ data: entry });
      await writeAccount(tx, account, after, now, undefined, book);
      if (alongside) await alongside(tx, entry);
      return entry;
    });
  } catch (e) {
    if (e instanceof NothingToDo) return replay(await readEntry(key), fp); // done already, or nothing was left
    throw e;
  }
}
