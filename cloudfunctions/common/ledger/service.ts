// The points ledger: every change to a balance goes through these operations (docs/ledger.md).
//
// Each operation is idempotent by the caller's key, which becomes the _id of its entry: a retry
// finds the entry and answers it again; the same key with other parameters is
// IDEMPOTENCY_MISMATCH. Each runs in one transaction that re-reads the account and every lot it
// relies on (candidates are found by a query outside, because transactions have no `where`), and
// is retried whole on a conflict. The account document is written by every operation, so one
// member's operations are serialised by the database's write locks.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { inTransaction, txGet, type Tx } from '../tx';
import { allocateFifo, available, fifoOrder, type Take } from './allocate';
import { consumeBudget } from './budgets';
import { COLLECTIONS as C, type Account, type Entry, type EntryType, type Hold, type Lot, type Source } from './model';
import { DEFAULT_EXPIRY, expiresAt, type ExpiryPolicy } from './policy';
import { ensureReminded, lastValidDay } from './reminders';
import { currentRate } from './settings';

const MAX_LOTS_PER_OPERATION = 200; // a debit touching more lots than this is refused (transaction size)
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
 * `{ scanDay: {...} }`; they must not name the ledger's own fields. Not part of the key's fingerprint.
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

/** Thrown inside a transaction when what was read outside no longer holds: rerun from the query. */
class StaleRead extends Error {}
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

async function readEntry(key: string): Promise<Entry | null> {
  const { data } = await getDb().collection(C.entries).doc(key).get();
  return (data as Entry) ?? null;
}

/**
 * Runs one ledger operation in a retried transaction. Every operation adds its entry under `key`,
 * so a key that already has one fails on the duplicate _id (or, first, on a check the earlier
 * effect now makes fail: INSUFFICIENT_POINTS, HOLD_NOT_OPEN, …). Any such failure looks the key up
 * and answers the first entry instead; a first-time operation pays no lookup.
 */
async function idempotent(key: string, fp: string, work: (tx: Tx) => Promise<Entry>): Promise<Entry> {
  assertKey(key);
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(work);
    } catch (e) {
      if (e instanceof StaleRead && attempt < 20) continue;
      if (isDuplicateKeyError(e) || e instanceof AppError) {
        const first = replay(await readEntry(key), fp);
        if (first) return first;
      }
      throw e;
    }
  }
}

const TOTALS = ['balance', 'held', 'debt', 'earned', 'spent', 'expired', 'penalized'] as const;

async function readAccount(tx: Tx, member: string): Promise<Account> {
  const account = await txGet<Account>(tx, C.accounts, member);
  if (!account) throw new AppError('NOT_FOUND', `no points account for member ${member}`);
  // Totals a document may lack (written before they existed) count from zero.
  return { ...account, ...Object.fromEntries(TOTALS.map((k) => [k, account[k] ?? 0])) };
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

async function writeAccount(tx: Tx, before: Account, after: Account, now: Date, extra?: Record<string, unknown> | void): Promise<void> {
  const data: Record<string, unknown> = { ...(extra ?? {}), updatedAt: now };
  for (const k of TOTALS) {
    if (after[k] !== before[k]) data[k] = after[k];
  }
  await tx.collection(C.accounts).doc(before._id).update({ data });
}

/** Lots of a member that may still be spent, soonest-expiring first (query outside transactions). */
async function spendableLots(member: string, now: Date): Promise<Lot[]> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db
    .collection(C.lots)
    .where({ member, expiresAt: _.gt(now), remaining: _.gt(0) })
    .orderBy('expiresAt', 'asc')
    .orderBy('createdAt', 'asc')
    .limit(1000)
    .get();
  return (data as Lot[]).sort(fifoOrder);
}

/** Re-reads the lots of `takes` inside the transaction and checks each still has what we take. */
async function rereadForTakes(tx: Tx, takes: Take[], field: 'available' | 'held' | 'remaining'): Promise<Map<string, Lot>> {
  const lots = new Map<string, Lot>();
  for (const t of takes) {
    const lot = await txGet<Lot>(tx, C.lots, t.lotId);
    if (!lot) throw new StaleRead();
    const has = field === 'available' ? available(lot) : lot[field];
    if (has < t.amount) throw new StaleRead();
    lots.set(t.lotId, lot);
  }
  return lots;
}

async function planTakes(member: string, amount: number, now: Date): Promise<Take[]> {
  const takes = allocateFifo(await spendableLots(member, now), amount, now);
  if (!takes) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${amount}`);
  if (takes.length > MAX_LOTS_PER_OPERATION) throw new AppError('BAD_REQUEST', 'amount spans too many lots; split it');
  return takes;
}

/**
 * Points that return to a lot already past its expiry (a released hold, a reversed spend) expire at
 * once: returning them never extends validity. Like every expiry, a reminder record comes first;
 * this runs before the transaction (it cannot be inside one) for the lots `takes` name.
 */
async function remindBeforeReturning(member: string, takes: Take[], now: Date): Promise<void> {
  if (!takes.length) return;
  const db = getDb();
  const { data } = await db.collection(C.lots).where({ _id: db.command.in(takes.map((t) => t.lotId)) }).limit(takes.length).get();
  const amounts = new Map(takes.map((t) => [t.lotId, t.amount]));
  for (const lot of data as Lot[]) {
    if (+new Date(lot.expiresAt) <= +now) await ensureReminded(member, lastValidDay(new Date(lot.expiresAt)), amounts.get(lot._id) ?? 0, now);
  }
}

// ---------------------------------------------------------------------------------------------
// Credits

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
    const account = await readAccount(tx, req.member);
    const extra = req.alsoInTransaction ? await req.alsoInTransaction(tx, now, account) : undefined;
    if (req.budget) await consumeBudget(tx, req.budget, req.amount, now);
    const repaid = Math.min(account.debt, req.amount);
    const lotAmount = req.amount - repaid;
    const lots: Take[] = [];
    if (lotAmount > 0) {
      const lot: Lot = {
        _id: `lot:${req.key}`,
        member: req.member,
        amount: lotAmount,
        remaining: lotAmount,
        held: 0,
        expired: 0,
        expiresAt: expiresAt(policy, now),
        createdAt: now,
        source: req.source,
        campaign: req.campaign ?? '',
        rate,
        entry: req.key,
      };
      await tx.collection(C.lots).add({ data: lot });
      lots.push({ lotId: lot._id, amount: lotAmount });
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
        ...(repaid ? { debtRepaid: repaid } : {}),
      },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now, extra);
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
    const account = await readAccount(tx, req.member);
    if (account.balance - account.held < req.amount) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${req.amount}`);
    const extra = req.alsoInTransaction ? await req.alsoInTransaction(tx, now, account) : undefined;
    const takes = await planTakes(req.member, req.amount, now);
    const lots = await rereadForTakes(tx, takes, 'available');
    for (const t of takes) {
      await tx.collection(C.lots).doc(t.lotId).update({ data: { remaining: lots.get(t.lotId)!.remaining - t.amount } });
    }
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
    await writeAccount(tx, account, after, now, extra);
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
    const account = await readAccount(tx, req.member);
    if (account.balance - account.held < req.amount) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${req.amount}`);
    const extra = req.alsoInTransaction ? await req.alsoInTransaction(tx, now, account) : undefined;
    const takes = await planTakes(req.member, req.amount, now);
    const lots = await rereadForTakes(tx, takes, 'available');
    for (const t of takes) {
      await tx.collection(C.lots).doc(t.lotId).update({ data: { held: lots.get(t.lotId)!.held + t.amount } });
    }
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
    await writeAccount(tx, account, after, now, extra);
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
export async function commitHold(holdKey: string, opts: { now?: Date; reason?: string } = {}): Promise<Entry> {
  const now = opts.now ?? new Date();
  const key = `commit:${holdKey}`;
  const fp = fingerprint('commit', { h: holdKey });
  return idempotent(key, fp, async (tx) => {
    const h = await readOpenHold(tx, holdKey);
    if (+h.expiresAt <= +now) throw new AppError('HOLD_EXPIRED', `hold ${holdKey} timed out`);
    const account = await readAccount(tx, h.member);
    const lots = await rereadForTakes(tx, h.takes, 'held');
    for (const t of h.takes) {
      const lot = lots.get(t.lotId)!;
      await tx.collection(C.lots).doc(t.lotId).update({ data: { remaining: lot.remaining - t.amount, held: lot.held - t.amount } });
    }
    await tx.collection(C.holds).doc(holdKey).update({ data: { status: 'committed', settledAt: now, settledBy: key } });
    const after: Account = { ...account, balance: account.balance - h.amount, held: account.held - h.amount, spent: account.spent + h.amount };
    const entry = entryOf(
      { _id: key, member: h.member, type: 'spend', amount: h.amount, delta: -h.amount, source: h.source, lots: h.takes, ref: holdKey, fingerprint: fp, reason: opts.reason ?? '' },
      after,
      now,
    );
    await tx.collection(C.entries).add({ data: entry });
    await writeAccount(tx, account, after, now);
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
    const account = await readAccount(tx, h.member);
    const lots = await rereadForTakes(tx, h.takes, 'held');
    const expiredLots: Take[] = [];
    for (const t of h.takes) {
      const lot = lots.get(t.lotId)!;
      if (+new Date(lot.expiresAt) <= +now) {
        expiredLots.push(t);
        await tx.collection(C.lots).doc(t.lotId).update({
          data: { held: lot.held - t.amount, remaining: lot.remaining - t.amount, expired: (lot.expired ?? 0) + t.amount },
        });
      } else {
        await tx.collection(C.lots).doc(t.lotId).update({ data: { held: lot.held - t.amount } });
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
    await writeAccount(tx, account, after, now);
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
 *   a refund does not extend validity.
 * - An earn (or positive adjust) is undone by taking back what is left of its lot; whatever was
 *   already spent (or repaid debt) becomes debt, repaid by the member's next credits.
 * Holds are released, not reversed; penalties are undone with a positive adjust.
 */
export async function reverse(entryKey: string, opts: { reason: string; operator?: string; now?: Date }): Promise<Entry> {
  const now = opts.now ?? new Date();
  if (!opts.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const key = `reverse:${entryKey}`;
  const fp = fingerprint('reverse', { e: entryKey });
  const { data: target } = await getDb().collection(C.entries).doc(entryKey).get();
  if (target && (target as Entry).delta < 0) await remindBeforeReturning((target as Entry).member, (target as Entry).lots, now);
  return idempotent(key, fp, async (tx) => {
    const original = await txGet<Entry>(tx, C.entries, entryKey);
    if (!original) throw new AppError('NOT_FOUND', `no entry ${entryKey}`);
    const account = await readAccount(tx, original.member);
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
        const lot = await txGet<Lot>(tx, C.lots, t.lotId);
        if (!lot) throw new AppError('INTERNAL', `lot ${t.lotId} of ${entryKey} is missing`);
        if (+new Date(lot.expiresAt) <= +now) {
          expiredLots.push(t);
          await tx.collection(C.lots).doc(t.lotId).update({ data: { expired: (lot.expired ?? 0) + t.amount } });
        } else {
          await tx.collection(C.lots).doc(t.lotId).update({ data: { remaining: lot.remaining + t.amount } });
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
      await writeAccount(tx, account, after, now);
      return entry;
    }
    if (original.delta > 0 && (original.type === 'earn' || original.type === 'adjust')) {
      const taken: Take[] = [];
      let takenBack = 0;
      const own = original.lots[0];
      if (own) {
        const lot = await txGet<Lot>(tx, C.lots, own.lotId);
        if (!lot) throw new AppError('INTERNAL', `lot ${own.lotId} of ${entryKey} is missing`);
        takenBack = Math.min(available(lot), own.amount);
        if (takenBack > 0) {
          await tx.collection(C.lots).doc(own.lotId).update({ data: { remaining: lot.remaining - takenBack } });
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
      await writeAccount(tx, account, after, now);
      return entry;
    }
    throw new AppError('NOT_REVERSIBLE', `a ${original.type} entry cannot be reversed`);
  });
}

/** For defaults and fake orders: takes what the member has (FIFO, not held points) and owes the rest as debt. */
export async function penalty(req: { member: string; amount: number; key: string; reason: string; operator: string; now?: Date }): Promise<Entry> {
  assertPoints(req.amount);
  if (!req.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const now = req.now ?? new Date();
  const fp = fingerprint('penalty', { m: req.member, a: req.amount, r: req.reason, o: req.operator });
  return idempotent(req.key, fp, async (tx) => {
    const account = await readAccount(tx, req.member);
    const lots = await spendableLots(req.member, now);
    const canTake = lots.reduce((s, l) => s + available(l), 0);
    const fromLots = Math.min(canTake, req.amount);
    const takes = fromLots > 0 ? allocateFifo(lots, fromLots, now)! : [];
    const reread = await rereadForTakes(tx, takes, 'available');
    for (const t of takes) {
      await tx.collection(C.lots).doc(t.lotId).update({ data: { remaining: reread.get(t.lotId)!.remaining - t.amount } });
    }
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
    await writeAccount(tx, account, after, now);
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
 * Held points in a due lot stay until their hold commits (spent) or is released (then expired by
 * the next run).
 */
export async function expireMember(
  member: string,
  runId: string,
  now: Date,
  /** Runs inside the expiry's own transaction (the expiry run commits its checkpoint with it). */
  alongside?: (tx: Tx, entry: Entry) => Promise<void>,
): Promise<Entry | null> {
  const db = getDb();
  const _ = db.command;
  const key = `expire:${runId}:${member}`;
  const fp = fingerprint('expire', { m: member, r: runId });
  const { data } = await db
    .collection(C.lots)
    .where({ member, expiresAt: _.lte(now), remaining: _.gt(0) })
    .orderBy('expiresAt', 'asc')
    .limit(MAX_LOTS_PER_OPERATION)
    .get();
  const due = (data as Lot[]).filter((l) => available(l) > 0);
  if (!due.length) return replay(await readEntry(key), fp);
  try {
    return await idempotent(key, fp, async (tx) => {
      const account = await readAccount(tx, member);
      const takes: Take[] = [];
      for (const candidate of due) {
        const lot = await txGet<Lot>(tx, C.lots, candidate._id);
        if (!lot || +lot.expiresAt > +now) continue;
        const x = available(lot);
        if (x <= 0) continue;
        await tx.collection(C.lots).doc(lot._id).update({ data: { remaining: lot.remaining - x, expired: (lot.expired ?? 0) + x } });
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
      await writeAccount(tx, account, after, now);
      if (alongside) await alongside(tx, entry);
      return entry;
    });
  } catch (e) {
    if (e instanceof NothingToDo) return replay(await readEntry(key), fp); // done already, or nothing was left
    throw e;
  }
}
