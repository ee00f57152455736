// The points ledger: every change to a balance goes through these operations (docs/ledger.md).
//
// Each operation is idempotent by the caller's key, which becomes the _id of its entry: a retry
// finds the entry and answers it again (`{entry, replayed: true}`); the same key with other parameters is
// IDEMPOTENCY_MISMATCH. Each runs in one transaction that re-reads the account — which holds the
// member's live lots — plans the operation (plans.ts, pure) and applies the plan in one step
// (`applyPlan`: the hold, the entry, the account), and is retried whole on a conflict. The account
// document is written by every operation, so one member's operations are serialised by the
// database's write locks. A credit or a debit is five requests: start, account get, entry add,
// account update, commit; a hold six (plus the hold), a commit seven (plus the hold's get and update).
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { inTransaction, txGet, type Tx } from '../tx';
import { accountMissing } from './pseudonymise';
import { consumeBudget } from './budgets';
import { packLot, unpackLots } from './lots';
import { COLLECTIONS as C, type Account, type Entry, type Hold, type Source } from './model';
import {
  assertOpen,
  normalise,
  planCommit,
  planCredit,
  planDebit,
  planExpire,
  planHold,
  planPenalty,
  planRelease,
  planReverse,
  TOTALS,
  type FoldedLot,
  type Plan,
  type StoredAccount,
} from './plans';
import { DEFAULT_EXPIRY, type ExpiryPolicy } from './policy';
import { ensureReminded, lastValidDay } from './reminders';
import { currentRate } from './settings';
import { isOwned, isSourceKind, MAX_POINTS, type SourceKind } from './sources';

const DEFAULT_HOLD_SECONDS = 15 * 60;

/**
 * The caller's own writes that must commit with the points or not at all (a scan's claim of its
 * code, a mall order, the expiry run's checkpoint): the one hook type of every operation. Runs
 * inside the operation's transaction, only when the operation is new, after the account is read and
 * the operation planned (`entry` is what will be written); it re-reads what it relies on through
 * `tx` and may throw to refuse the operation. It may return fields of the caller's own per-member
 * state to set on the account document in the same update (free: the account is written anyway),
 * e.g. `{ scanState: {...} }`; they must not name the ledger's own fields. Not part of the key's
 * fingerprint.
 */
export type WithPoints = (tx: Tx, now: Date, account: Account, entry: Entry) => Promise<Record<string, unknown> | void>;
/** The former name of WithPoints. */
export type AlongsideWork = WithPoints;

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
  alsoInTransaction?: WithPoints;
}

export interface DebitRequest {
  member: string;
  amount: number;
  key: string;
  source: Source;
  reason?: string;
  operator?: string;
  now?: Date;
  /** See WithPoints. */
  alsoInTransaction?: WithPoints;
}

/** An operation's answer: its entry, and whether an earlier call with the same key made it. */
export interface Outcome {
  entry: Entry;
  replayed: boolean;
}

/** Thrown inside a transaction when, re-read, there is nothing left to do. */
class NothingToDo extends Error {}

const fingerprint = (op: string, params: Record<string, unknown>) =>
  createHash('sha256').update(JSON.stringify([op, params])).digest('base64url').slice(0, 22);

/** Optional parameters join the fingerprint only when given, so fingerprints of requests without them keep their value. */
const optional = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));

function assertPoints(amount: number, op: keyof typeof MAX_POINTS, what = 'amount'): void {
  const max = MAX_POINTS[op];
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > max) throw new AppError('BAD_REQUEST', `${what} must be an integer 1..${max}`);
}

function assertSource(source: Source): void {
  if (!isSourceKind(source?.kind)) throw new AppError('BAD_REQUEST', `unknown source kind ${String(source?.kind)}`);
}

function assertKey(key: string, max = 128): void {
  if (typeof key !== 'string' || key.length > max || !/^[\w:.\-|@]+$/.test(key)) {
    throw new AppError('BAD_REQUEST', `key must be 1-${max} characters of letters, digits and _ : . - | @`);
  }
}

/** An operator's key before its `op:` prefix. */
export const OPERATOR_KEY_MAX = 120;

/** Keys chosen by an operator live in their own namespace: no such key can equal one the system derives (`expire:…`, `scan:…`, `mall:…`). */
export const operatorKey = (key: string) => `op:${key}`;

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

/**
 * Runs one ledger operation in a retried transaction. Every operation adds its entry under `key`,
 * so a key that already has one fails on the duplicate _id (or, first, on a check the earlier
 * effect now makes fail: INSUFFICIENT_POINTS, HOLD_NOT_OPEN, …). Any such failure looks the key up
 * and answers the first entry instead; a first-time operation pays no lookup.
 */
async function idempotent(key: string, fp: string, work: (tx: Tx) => Promise<Entry>): Promise<Outcome> {
  assertKey(key);
  try {
    return { entry: await inTransaction(work), replayed: false };
  } catch (e) {
    if (isDuplicateKeyError(e) || e instanceof AppError) {
      const first = replay(await readEntry(key), fp);
      if (first) return { entry: first, replayed: true };
    }
    throw e;
  }
}

async function readAccount(tx: Tx, member: string): Promise<Account> {
  const account = await txGet<StoredAccount>(tx, C.accounts, member);
  // A closed account says so (privacy: its OPENID is looked up only to say it is closed).
  if (!account) throw await accountMissing(member);
  return normalise(account);
}

/**
 * The one step every operation ends with: runs the caller's hook and the budget, then writes the
 * plan — the hold it opens or settles, its entry, and the account's changed totals, lots and the
 * caller's fields in one update.
 */
async function applyPlan(tx: Tx, before: Account, plan: Plan, now: Date, opts: { withPoints?: WithPoints; budget?: string } = {}): Promise<Entry> {
  const extra = opts.withPoints ? await opts.withPoints(tx, now, before, plan.entry) : undefined;
  if (opts.budget) await consumeBudget(tx, opts.budget, plan.entry.amount, now);
  if (plan.hold && 'add' in plan.hold) await tx.collection(C.holds).add({ data: plan.hold.add });
  if (plan.hold && 'settle' in plan.hold) {
    const { id, ...settled } = plan.hold.settle;
    await tx.collection(C.holds).doc(id).update({ data: settled });
  }
  await tx.collection(C.entries).add({ data: plan.entry });
  const _ = getDb().command;
  const data: Record<string, unknown> = { ...(extra ?? {}), updatedAt: now };
  for (const k of TOTALS) if (plan.after[k] !== before[k]) data[k] = plan.after[k];
  if (plan.lots) {
    // _.set replaces the array whole (plain values would be merged by dot paths).
    data.lots = 'push' in plan.lots ? _.push([packLot(plan.lots.push)]) : _.set(plan.lots.set.map(packLot));
    data.nextExpiry = plan.nextExpiry ?? null;
  }
  if (plan.closed) data.closed = _.set(plan.closed);
  await tx.collection(C.accounts).doc(before._id).update({ data });
  return plan.entry;
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
async function remindBeforeReturning(member: string, takes: { lotId: string; amount: number }[], now: Date): Promise<Map<string, FoldedLot>> {
  const folded = new Map<string, FoldedLot>();
  if (!takes.length) return folded;
  const db = getDb();
  const { data } = await db.collection(C.accounts).doc(member).field({ lots: true }).get();
  const live = new Map(unpackLots((data as StoredAccount | null)?.lots).map((l) => [l._id, l]));
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
// Operations: check the request, then read → plan → apply in one transaction.

async function creditOutcome(req: CreditRequest & { type?: 'earn' | 'adjust' }): Promise<Outcome> {
  assertPoints(req.amount, 'credit');
  assertSource(req.source);
  const now = req.now ?? new Date();
  const type = req.type ?? 'earn';
  const policy = req.expiry ?? DEFAULT_EXPIRY;
  const campaign = req.campaign ?? '';
  if (campaign.length > 64 || campaign.includes('|')) throw new AppError('BAD_REQUEST', 'campaign: at most 64 characters, no |');
  const fp = fingerprint('credit', { m: req.member, a: req.amount, t: type, s: req.source, c: campaign, b: req.budget ?? '', e: policy, ...optional({ r: req.reason, o: req.operator }) });
  return idempotent(req.key, fp, async (tx) => {
    const rate = await currentRate(now);
    const account = await readAccount(tx, req.member);
    const plan = planCredit(account, { key: req.key, fingerprint: fp, member: req.member, amount: req.amount, type, source: req.source, campaign, policy, rate, reason: req.reason ?? '', operator: req.operator ?? '' }, now);
    return applyPlan(tx, account, plan, now, { withPoints: req.alsoInTransaction, budget: req.budget });
  });
}

async function debitOutcome(req: DebitRequest & { type?: 'spend' | 'adjust' }): Promise<Outcome> {
  assertPoints(req.amount, 'debit');
  assertSource(req.source);
  const now = req.now ?? new Date();
  const type = req.type ?? 'spend';
  const fp = fingerprint('debit', { m: req.member, a: req.amount, t: type, s: req.source, ...optional({ r: req.reason, o: req.operator }) });
  return idempotent(req.key, fp, async (tx) => {
    const account = await readAccount(tx, req.member);
    const plan = planDebit(account, { key: req.key, fingerprint: fp, member: req.member, amount: req.amount, type, source: req.source, reason: req.reason ?? '', operator: req.operator ?? '' }, now);
    return applyPlan(tx, account, plan, now, { withPoints: req.alsoInTransaction });
  });
}

async function holdOutcome(req: DebitRequest & { ttlSeconds?: number }): Promise<Outcome & { hold: Hold }> {
  assertPoints(req.amount, 'hold');
  assertSource(req.source);
  const now = req.now ?? new Date();
  const ttl = req.ttlSeconds ?? DEFAULT_HOLD_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 10 || ttl > 7 * 86400) throw new AppError('BAD_REQUEST', 'ttlSeconds must be 10..604800');
  const fp = fingerprint('hold', { m: req.member, a: req.amount, s: req.source, ttl, ...optional({ r: req.reason }) });
  let made: Hold | null = null;
  const outcome = await idempotent(req.key, fp, async (tx) => {
    const account = await readAccount(tx, req.member);
    const plan = planHold(account, { key: req.key, fingerprint: fp, member: req.member, amount: req.amount, source: req.source, ttlSeconds: ttl, reason: req.reason ?? '' }, now);
    const entry = await applyPlan(tx, account, plan, now, { withPoints: req.alsoInTransaction });
    made = (plan.hold as { add: Hold }).add;
    return entry;
  });
  if (!outcome.replayed) return { ...outcome, hold: made! };
  const { data } = await getDb().collection(C.holds).doc(outcome.entry._id).get(); // a replay: the hold as it is now
  return { ...outcome, hold: data as Hold };
}

async function commitOutcome(holdKey: string, opts: { now?: Date; reason?: string; alsoInTransaction?: WithPoints } = {}): Promise<Outcome> {
  const now = opts.now ?? new Date();
  const key = `commit:${holdKey}`;
  const fp = fingerprint('commit', { h: holdKey });
  return idempotent(key, fp, async (tx) => {
    const h = await txGet<Hold>(tx, C.holds, holdKey);
    assertOpen(h, holdKey, now);
    const account = await readAccount(tx, h.member);
    const plan = planCommit(account, h, { key, fingerprint: fp, reason: opts.reason ?? '' }, now);
    return applyPlan(tx, account, plan, now, { withPoints: opts.alsoInTransaction });
  });
}

async function releaseOutcome(holdKey: string, opts: { now?: Date; reason?: string } = {}): Promise<Outcome> {
  const now = opts.now ?? new Date();
  const key = `release:${holdKey}`;
  const fp = fingerprint('release', { h: holdKey });
  const { data: pending } = await getDb().collection(C.holds).doc(holdKey).get();
  if (pending && (pending as Hold).status === 'open') await remindBeforeReturning((pending as Hold).member, (pending as Hold).takes, now);
  return idempotent(key, fp, async (tx) => {
    const h = await txGet<Hold>(tx, C.holds, holdKey);
    assertOpen(h, holdKey);
    const account = await readAccount(tx, h.member);
    const plan = planRelease(account, h, { key, fingerprint: fp, reason: opts.reason ?? '' }, now);
    return applyPlan(tx, account, plan, now);
  });
}

async function reverseOutcome(entryKey: string, opts: { reason: string; operator?: string; now?: Date; owner?: SourceKind }): Promise<Outcome> {
  const now = opts.now ?? new Date();
  if (!opts.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const key = `reverse:${entryKey}`;
  const fp = fingerprint('reverse', { e: entryKey });
  const { data: target } = await getDb().collection(C.entries).doc(entryKey).get();
  const folded = target && (target as Entry).delta < 0 ? await remindBeforeReturning((target as Entry).member, (target as Entry).lots, now) : new Map<string, FoldedLot>();
  return idempotent(key, fp, async (tx) => {
    const original = await txGet<Entry>(tx, C.entries, entryKey);
    if (!original) throw new AppError('NOT_FOUND', `no entry ${entryKey}`);
    if (isOwned(original.source.kind) && opts.owner !== original.source.kind) {
      throw new AppError('NOT_REVERSIBLE', `a ${original.source.kind} entry is reversed through its ${original.source.kind} (cancel or refund)`);
    }
    const account = await readAccount(tx, original.member);
    if (original.delta < 0 && (original.type === 'spend' || original.type === 'adjust')) {
      // A lot folded since the read before the transaction (rarely): its credit entry now.
      for (const t of original.lots) {
        if (folded.has(t.lotId) || account.lots.some((l) => l._id === t.lotId)) continue;
        folded.set(t.lotId, foldedLotOf(await txGet<Entry>(tx, C.entries, creditKeyOf(t.lotId)), t.lotId));
      }
    }
    const plan = planReverse(account, original, folded, { key, fingerprint: fp, reason: opts.reason, operator: opts.operator ?? '' }, now);
    return applyPlan(tx, account, plan, now);
  });
}

/**
 * Takes back PART of an earn under the caller's key, once (a partial refund of the order that
 * earned it): planReverse with `amount` — what is left of the earn's lot first, the rest as debt.
 * Only the owning module calls it (owned kinds, like reverse), keeping the parts' sum within the earn.
 */
async function reversePartOutcome(
  entryKey: string,
  opts: { key: string; amount: number; reason: string; owner: SourceKind; now?: Date; alsoInTransaction?: WithPoints },
): Promise<Outcome> {
  assertPoints(opts.amount, 'credit');
  const now = opts.now ?? new Date();
  if (!opts.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  const fp = fingerprint('reversePart', { e: entryKey, a: opts.amount });
  return idempotent(opts.key, fp, async (tx) => {
    const original = await txGet<Entry>(tx, C.entries, entryKey);
    if (!original) throw new AppError('NOT_FOUND', `no entry ${entryKey}`);
    if (original.source.kind !== opts.owner || !isOwned(original.source.kind)) throw new AppError('NOT_REVERSIBLE', `a ${original.source.kind} entry is not reversed in part by ${opts.owner}`);
    if (original.type !== 'earn') throw new AppError('NOT_REVERSIBLE', `a ${original.type} entry is not reversed in part`);
    const account = await readAccount(tx, original.member);
    const plan = planReverse(account, original, new Map(), { key: opts.key, fingerprint: fp, reason: opts.reason, operator: '', amount: opts.amount }, now);
    return applyPlan(tx, account, plan, now, { withPoints: opts.alsoInTransaction });
  });
}

async function penaltyOutcome(req: { member: string; amount: number; key: string; reason: string; operator: string; now?: Date }): Promise<Outcome> {
  assertPoints(req.amount, 'penalty');
  if (!req.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  assertKey(req.key, OPERATOR_KEY_MAX);
  const now = req.now ?? new Date();
  const key = operatorKey(req.key);
  const fp = fingerprint('penalty', { m: req.member, a: req.amount, r: req.reason, o: req.operator });
  return idempotent(key, fp, async (tx) => {
    const account = await readAccount(tx, req.member);
    const plan = planPenalty(account, { key, fingerprint: fp, member: req.member, amount: req.amount, reason: req.reason, operator: req.operator }, now);
    return applyPlan(tx, account, plan, now);
  });
}

async function adjustOutcome(req: { member: string; delta: number; key: string; reason: string; operator: string; now?: Date }): Promise<Outcome> {
  if (!Number.isSafeInteger(req.delta) || req.delta === 0 || Math.abs(req.delta) > MAX_POINTS.adjust) {
    throw new AppError('BAD_REQUEST', `delta must be a non-zero integer within ±${MAX_POINTS.adjust}`);
  }
  if (!req.reason?.trim()) throw new AppError('BAD_REQUEST', 'reason is required');
  assertKey(req.key, OPERATOR_KEY_MAX);
  const source = { kind: 'ops', ref: req.operator };
  const common = { member: req.member, key: operatorKey(req.key), source, reason: req.reason, operator: req.operator, now: req.now };
  return req.delta > 0 ? creditOutcome({ ...common, amount: req.delta, type: 'adjust' }) : debitOutcome({ ...common, amount: -req.delta, type: 'adjust' });
}

async function expireOutcome(member: string, runId: string, now: Date, alongside?: WithPoints): Promise<Outcome | null> {
  const key = `expire:${runId}:${member}`;
  const fp = fingerprint('expire', { m: member, r: runId });
  try {
    return await idempotent(key, fp, async (tx) => {
      const account = await readAccount(tx, member);
      const plan = planExpire(account, { key, fingerprint: fp, member, runId }, now);
      if (!plan) throw new NothingToDo();
      return applyPlan(tx, account, plan, now, { withPoints: alongside });
    });
  } catch (e) {
    if (!(e instanceof NothingToDo)) throw e;
    const done = replay(await readEntry(key), fp); // done already, or nothing was left
    return done && { entry: done, replayed: true };
  }
}

// ---------------------------------------------------------------------------------------------
// The public operations (docs/ledger.md "Operations").

/** New points in a lot with the expiry policy and today's rate; repays debt first. Counts against a budget when it names one. */
export const credit = (req: CreditRequest & { type?: 'earn' | 'adjust' }): Promise<Outcome> => creditOutcome(req);

/** Takes available points FIFO; INSUFFICIENT_POINTS changes nothing. */
export const debit = (req: DebitRequest & { type?: 'spend' | 'adjust' }): Promise<Outcome> => debitOutcome(req);

/** Reserves points with a timeout (default 15 min, 10 s – 7 days); answers the hold as it is now. */
export const hold = (req: DebitRequest & { ttlSeconds?: number }): Promise<Outcome & { hold: Hold }> => holdOutcome(req);

/** Turns an open hold into a spend. Its entry's key is `commit:<hold>`. */
export const commitHold = (holdKey: string, opts: { now?: Date; reason?: string; alsoInTransaction?: WithPoints } = {}): Promise<Outcome> => commitOutcome(holdKey, opts);

/**
 * Returns an open hold's points. Its entry's key is `release:<hold>`. Timeouts use the same path.
 * Points returning to a lot that expired while they were held expire at once (`expiredLots`).
 */
export const releaseHold = (holdKey: string, opts: { now?: Date; reason?: string } = {}): Promise<Outcome> => releaseOutcome(holdKey, opts);

/** Releases holds whose time is up (the jobs function's sweep). Returns how many it released. */
export async function releaseExpiredHolds(now = new Date(), limit = 200): Promise<number> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db.collection(C.holds).where({ status: 'open', expiresAt: _.lte(now) }).orderBy('expiresAt', 'asc').limit(limit).get();
  let released = 0;
  for (const h of data as Hold[]) {
    try {
      await releaseOutcome(h._id, { now, reason: '冻结超时，积分解冻' });
      released++;
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'HOLD_NOT_OPEN')) throw e; // committed meanwhile
    }
  }
  return released;
}

/**
 * Undoes an entry, once. Its key is `reverse:<entry>` (plans.ts planReverse says how). Holds are
 * released, not reversed; penalties are undone with a positive adjust.
 *
 * An entry whose source kind is owned by a module (sources.ts: mall orders, checkouts, scan claims)
 * is reversed only by that module, which passes itself as `owner` and updates its own record in
 * step (cancel, refund): anyone else gets NOT_REVERSIBLE. The key is derived from the entry, so a
 * second reversal of it answers the first (its reason is not part of the fingerprint).
 */
export const reverse = (entryKey: string, opts: { reason: string; operator?: string; now?: Date; owner?: SourceKind }): Promise<Outcome> => reverseOutcome(entryKey, opts);

/** Part of an earn back, under the owner's key (see reversePartOutcome). */
export const reversePart = (
  entryKey: string,
  opts: { key: string; amount: number; reason: string; owner: SourceKind; now?: Date; alsoInTransaction?: WithPoints },
): Promise<Outcome> => reversePartOutcome(entryKey, opts);

/** For defaults and fake orders: takes what the member has (FIFO, not held points) and owes the rest as debt. The key is stored as `op:<key>`. */
export const penalty = (req: { member: string; amount: number; key: string; reason: string; operator: string; now?: Date }): Promise<Outcome> => penaltyOutcome(req);

/**
 * An operator's manual correction, with a reason. Negative adjustments never create debt (use a
 * penalty). The operator's key is stored as `op:<key>`; the fingerprint covers member, delta,
 * reason and operator.
 */
export const adjust = (req: { member: string; delta: number; key: string; reason: string; operator: string; now?: Date }): Promise<Outcome> => adjustOutcome(req);

/**
 * Expires a member's lots that are due at `now`: what is neither spent nor held. One `expire`
 * entry per member per run (key `expire:<run>:<member>`); running it again changes nothing (null
 * when nothing was due). Held points in a due lot stay until their hold commits (spent) or is
 * released (then they expire at once). `alongside` commits with it (the expiry run's tallies).
 */
export const expireMember = (member: string, runId: string, now: Date, alongside?: WithPoints): Promise<Outcome | null> => expireOutcome(member, runId, now, alongside);

// ---------------------------------------------------------------------------------------------
// A debit with a credit decided in its transaction (a game's entry and the points prize its draw gave)

/** The credit a `debitThenCredit` hook decides: to the same member, under its own key. */
export interface ThenCredit {
  key: string;
  amount: number;
  source: Source;
  campaign?: string;
  expiry?: ExpiryPolicy;
  reason?: string;
}

/**
 * A debit whose hook runs after it is planned and may decide a credit to the same member in the
 * same transaction: two entries (the debit under `key`, the credit under its own), ONE account
 * update — a draw that charges its entry and pays its points prize in 9 requests, not 14. The
 * hook's `fields` are set on the account like any hook's. The debit's fingerprint is a plain
 * debit's; a replay of `key` answers the debit's entry (its credit committed with it) and `credit`
 * null. Budgets are not consumed here (the caller bounds its credits, e.g. by prize stock).
 */
export async function debitThenCredit(
  req: DebitRequest & {
    thenCredit: (tx: Tx, now: Date, account: Account, debit: Entry) => Promise<{ fields?: Record<string, unknown>; credit?: ThenCredit | null }>;
  },
): Promise<Outcome & { credit: Entry | null }> {
  assertPoints(req.amount, 'debit');
  assertSource(req.source);
  const now = req.now ?? new Date();
  const fp = fingerprint('debit', { m: req.member, a: req.amount, t: 'spend', s: req.source, ...optional({ r: req.reason, o: req.operator }) });
  let credited: Entry | null = null;
  const out = await idempotent(req.key, fp, async (tx) => {
    credited = null;
    const account = await readAccount(tx, req.member);
    const debitPlan = planDebit(account, { key: req.key, fingerprint: fp, member: req.member, amount: req.amount, type: 'spend', source: req.source, reason: req.reason ?? '', operator: req.operator ?? '' }, now);
    const hooked = await req.thenCredit(tx, now, account, debitPlan.entry);
    const fields = async () => hooked.fields;
    const c = hooked.credit;
    if (!c) return applyPlan(tx, account, debitPlan, now, { withPoints: fields });
    assertPoints(c.amount, 'credit');
    assertSource(c.source);
    assertKey(c.key);
    const policy = c.expiry ?? DEFAULT_EXPIRY;
    const campaign = c.campaign ?? '';
    const cfp = fingerprint('credit', { m: req.member, a: c.amount, t: 'earn', s: c.source, c: campaign, b: '', e: policy, ...optional({ r: c.reason }) });
    const debitedLots = debitPlan.lots && 'set' in debitPlan.lots ? debitPlan.lots.set : account.lots;
    const mid: Account = { ...debitPlan.after, lots: debitedLots, closed: debitPlan.closed ?? account.closed };
    const rate = await currentRate(now);
    const creditPlan = planCredit(mid, { key: c.key, fingerprint: cfp, member: req.member, amount: c.amount, type: 'earn', source: c.source, campaign, policy, rate, reason: c.reason ?? '', operator: '' }, now);
    await tx.collection(C.entries).add({ data: debitPlan.entry });
    const lots = !creditPlan.lots ? mid.lots : 'push' in creditPlan.lots ? [...mid.lots, creditPlan.lots.push] : creditPlan.lots.set;
    const closed = creditPlan.closed ?? debitPlan.closed;
    const both: Plan = { after: creditPlan.after, entry: creditPlan.entry, lots: { set: lots }, nextExpiry: creditPlan.lots ? creditPlan.nextExpiry : debitPlan.nextExpiry, ...(closed ? { closed } : {}) };
    credited = await applyPlan(tx, account, both, now, { withPoints: fields });
    return debitPlan.entry;
  });
  return { ...out, credit: out.replayed ? null : credited };
}
