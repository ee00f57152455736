// The ledger's decisions, pure: `plan<Op>(account, request, now)` says what an operation does to the
// member's lots and totals and which entry records it, from plain inputs (the account as read inside
// the transaction, the hold or entry it settles) with no I/O. service.ts reads, plans and applies a
// plan in one transaction step; test/unit/ledger-plans.test.ts checks the plans without a database.
// A plan that cannot be carried out throws the AppError the caller answers with.
import { AppError } from '../errors';
import { allocateFifo, available, type Take } from './allocate';
import { unpackLots, type StoredLot } from './lots';
import type { Account, ClosedLots, Entry, Hold, Lot, Source } from './model';
import { expiresAt, type ExpiryPolicy } from './policy';

export const TOTALS = ['balance', 'held', 'debt', 'earned', 'spent', 'expired', 'penalized'] as const;

export interface Plan {
  /** The account's totals after the operation (the entry's balanceAfter, heldAfter, debtAfter). */
  after: Account;
  /** How the lots change: a credit's new lot pushed alone, or the whole list (already folded). Absent: untouched. */
  lots?: { push: Lot } | { set: Lot[] };
  /** The soonest expiry with available points after the operation (with `lots`). */
  nextExpiry?: Date | null;
  /** The folded lots' totals per campaign, when they change. */
  closed?: ClosedLots[];
  entry: Entry;
  /** A hold the operation opens, or settles. */
  hold?: { add: Hold } | { settle: { id: string; status: 'committed' | 'released'; settledAt: Date; settledBy: string } };
}

/** What every keyed request carries once the service has checked it. */
export interface Keyed {
  key: string;
  fingerprint: string;
}

/** The account as stored: its lots packed (lots.ts). */
export type StoredAccount = Omit<Account, 'lots'> & { lots?: StoredLot[] };

/** The account to plan with: lots unpacked; totals and lists a document may lack (written before they existed, or by login) start empty. */
export function normalise(account: StoredAccount): Account {
  return {
    ...account,
    ...Object.fromEntries(TOTALS.map((k) => [k, account[k] ?? 0])),
    lots: unpackLots(account.lots),
    closed: account.closed ?? [],
    nextExpiry: account.nextExpiry ?? null,
  };
}

const sum = (takes: Take[]) => takes.reduce((s, t) => s + t.amount, 0);
const copyLots = (account: Account) => account.lots.map((l) => ({ ...l }));
const isPast = (at: Date | string, now: Date) => +new Date(at) <= +now;

function lotOf(lots: Lot[], lotId: string, member: string): Lot {
  const lot = lots.find((l) => l._id === lotId);
  if (!lot) throw new AppError('INTERNAL', `lot ${lotId} is not in the account of ${member}`);
  return lot;
}

function takesFor(lots: Lot[], amount: number, now: Date): Take[] {
  const takes = allocateFifo(lots, amount, now);
  if (!takes) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${amount}`);
  return takes;
}

function assertAvailable(account: Account, amount: number): void {
  if (account.balance - account.held < amount) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${amount}`);
}

/** Soonest expiry among lots with points still available, or null (the expiry run's and reminders' index). */
export function nextExpiryOf(lots: Lot[]): Date | null {
  let next: Date | null = null;
  for (const l of lots) if (available(l) > 0 && (!next || +new Date(l.expiresAt) < +next)) next = new Date(l.expiresAt);
  return next;
}

/** Lots empty and past their expiry leave the account; `closed` keeps their totals per campaign. */
export function foldClosed(lots: Lot[], closed: ClosedLots[], now: Date): { lots: Lot[]; closed: ClosedLots[] } {
  const done = lots.filter((l) => l.remaining === 0 && l.held === 0 && isPast(l.expiresAt, now));
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

/**
 * Every total and lot figure an operation writes stays a safe integer: an operation that would take
 * balance, earned (or debt, penalized, …) past Number.MAX_SAFE_INTEGER is refused, not rounded.
 */
function assertSafe(after: Account, lots: Lot[]): void {
  const figures = [...TOTALS.map((k) => after[k]), ...lots.flatMap((l) => [l.amount, l.remaining])];
  if (!figures.every(Number.isSafeInteger)) throw new AppError('BAD_REQUEST', 'the amount would take a total past the largest safe integer');
}

type EntryBase = Pick<Entry, '_id' | 'member' | 'type' | 'amount' | 'delta' | 'source' | 'lots' | 'fingerprint'> & Partial<Entry>;

/**
 * The plan of an operation that leaves `after` and, when `lots` is given, those lots (`added`: a
 * credit's new lot, sent alone when nothing folds). Folds what is done and checks every figure.
 */
function outcome(account: Account, after: Account, base: EntryBase, now: Date, lots?: Lot[], extra: { added?: Lot; closed?: ClosedLots[]; hold?: Plan['hold'] } = {}): Plan {
  const entry: Entry = {
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
  const plan: Plan = { after, entry, ...(extra.hold ? { hold: extra.hold } : {}) };
  if (!lots) {
    assertSafe(after, []);
    return plan;
  }
  const closedBefore = extra.closed ?? account.closed;
  const folded = foldClosed(lots, closedBefore, now);
  assertSafe(after, folded.lots);
  plan.lots = extra.added && folded.lots === lots ? { push: extra.added } : { set: folded.lots };
  plan.nextExpiry = nextExpiryOf(folded.lots);
  if (folded.closed !== account.closed) plan.closed = folded.closed;
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Credits and debits

export interface CreditPlanRequest extends Keyed {
  member: string;
  amount: number;
  type: 'earn' | 'adjust';
  source: Source;
  campaign: string;
  policy: ExpiryPolicy;
  /** Points per yuan in force now. */
  rate: number;
  reason: string;
  operator: string;
}

/**
 * Repays debt first; the rest joins the live lot with the same expiry, rate and campaign (such points
 * are interchangeable: FIFO, expiry, liability and metrics treat them alike, so a member's credits
 * of one day under a rolling policy make one lot, which bounds the account) or makes a new lot.
 */
export function planCredit(account: Account, req: CreditPlanRequest, now: Date): Plan {
  const lots = copyLots(account);
  const repaid = Math.min(account.debt, req.amount);
  const lotAmount = req.amount - repaid;
  const lotExpiry = expiresAt(req.policy, now);
  const takes: Take[] = [];
  let added: Lot | undefined;
  if (lotAmount > 0) {
    const into = lots.find((l) => +new Date(l.expiresAt) === +lotExpiry && l.rate === req.rate && l.campaign === req.campaign);
    if (into) {
      into.amount += lotAmount;
      into.remaining += lotAmount;
    } else {
      added = { _id: `lot:${req.key}`, amount: lotAmount, remaining: lotAmount, held: 0, expired: 0, expiresAt: lotExpiry, campaign: req.campaign, rate: req.rate };
      lots.push(added);
    }
    takes.push({ lotId: into?._id ?? added!._id, amount: lotAmount });
  }
  const after: Account = { ...account, balance: account.balance + req.amount, debt: account.debt - repaid, earned: account.earned + req.amount };
  const base: EntryBase = {
    _id: req.key,
    member: req.member,
    type: req.type,
    amount: req.amount,
    delta: req.amount,
    source: req.source,
    campaign: req.campaign,
    lots: takes,
    rate: req.rate,
    reason: req.reason,
    operator: req.operator,
    fingerprint: req.fingerprint,
    expiresAt: lotExpiry,
    ...(repaid ? { debtRepaid: repaid } : {}),
  };
  return outcome(account, after, base, now, lotAmount > 0 ? lots : undefined, { added });
}

export interface DebitPlanRequest extends Keyed {
  member: string;
  amount: number;
  type: 'spend' | 'adjust';
  source: Source;
  reason: string;
  operator: string;
}

/** Takes available points from live lots, soonest-expiring first (allocate.ts). */
export function planDebit(account: Account, req: DebitPlanRequest, now: Date): Plan {
  assertAvailable(account, req.amount);
  const lots = copyLots(account);
  const takes = takesFor(lots, req.amount, now);
  for (const t of takes) lotOf(lots, t.lotId, req.member).remaining -= t.amount;
  const after: Account = { ...account, balance: account.balance - req.amount, spent: account.spent + req.amount };
  const base: EntryBase = {
    _id: req.key,
    member: req.member,
    type: req.type,
    amount: req.amount,
    delta: -req.amount,
    source: req.source,
    lots: takes,
    reason: req.reason,
    operator: req.operator,
    fingerprint: req.fingerprint,
  };
  return outcome(account, after, base, now, lots);
}

// ---------------------------------------------------------------------------------------------
// Two-phase: hold → commit | release

export interface HoldPlanRequest extends Keyed {
  member: string;
  amount: number;
  source: Source;
  ttlSeconds: number;
  reason: string;
}

/** Reserves points in lots FIFO; the balance is unchanged. The hold document is the plan's too. */
export function planHold(account: Account, req: HoldPlanRequest, now: Date): Plan {
  assertAvailable(account, req.amount);
  const lots = copyLots(account);
  const takes = takesFor(lots, req.amount, now);
  for (const t of takes) lotOf(lots, t.lotId, req.member).held += t.amount;
  const hold: Hold = {
    _id: req.key,
    member: req.member,
    amount: req.amount,
    takes,
    status: 'open',
    source: req.source,
    expiresAt: new Date(now.getTime() + req.ttlSeconds * 1000),
    createdAt: now,
  };
  const after: Account = { ...account, held: account.held + req.amount };
  const base: EntryBase = { _id: req.key, member: req.member, type: 'hold', amount: req.amount, delta: 0, source: req.source, lots: takes, fingerprint: req.fingerprint, reason: req.reason };
  return outcome(account, after, base, now, lots, { hold: { add: hold } });
}

/**
 * The hold can still be settled — and committed, when `commitAt` is given (its time not up). The
 * service checks it before reading the account, so a settled hold costs no more requests.
 */
export function assertOpen(hold: Hold | null, holdKey: string, commitAt?: Date): asserts hold is Hold {
  if (!hold) throw new AppError('NOT_FOUND', `no hold ${holdKey}`);
  if (hold.status !== 'open') throw new AppError('HOLD_NOT_OPEN', `hold ${holdKey} is already ${hold.status}`);
  if (commitAt && isPast(hold.expiresAt, commitAt)) throw new AppError('HOLD_EXPIRED', `hold ${holdKey} timed out`);
}

export interface SettlePlanRequest extends Keyed {
  reason: string;
}

/** The reserved points leave their lots: a spend. Refused once the hold's time is up. */
export function planCommit(account: Account, hold: Hold, req: SettlePlanRequest, now: Date): Plan {
  assertOpen(hold, hold._id, now);
  const lots = copyLots(account);
  for (const t of hold.takes) {
    const lot = lotOf(lots, t.lotId, hold.member);
    lot.remaining -= t.amount;
    lot.held -= t.amount;
  }
  const after: Account = { ...account, balance: account.balance - hold.amount, held: account.held - hold.amount, spent: account.spent + hold.amount };
  const base: EntryBase = {
    _id: req.key,
    member: hold.member,
    type: 'spend',
    amount: hold.amount,
    delta: -hold.amount,
    source: hold.source,
    lots: hold.takes,
    ref: hold._id,
    fingerprint: req.fingerprint,
    reason: req.reason,
  };
  return outcome(account, after, base, now, lots, { hold: { settle: { id: hold._id, status: 'committed', settledAt: now, settledBy: req.key } } });
}

/** The reservation ends; points returning to a lot that expired meanwhile expire at once (`expiredLots`). */
export function planRelease(account: Account, hold: Hold, req: SettlePlanRequest, now: Date): Plan {
  const lots = copyLots(account);
  const expiredLots: Take[] = [];
  for (const t of hold.takes) {
    const lot = lotOf(lots, t.lotId, hold.member); // a lot with held points is never folded
    lot.held -= t.amount;
    if (isPast(lot.expiresAt, now)) {
      expiredLots.push(t);
      lot.remaining -= t.amount;
      lot.expired = (lot.expired ?? 0) + t.amount;
    }
  }
  const expired = sum(expiredLots);
  const after: Account = { ...account, held: account.held - hold.amount, balance: account.balance - expired, expired: account.expired + expired };
  const base: EntryBase = {
    _id: req.key,
    member: hold.member,
    type: 'release',
    amount: hold.amount,
    delta: 0 - expired, // never -0: it would not survive the trip through EJSON
    source: hold.source,
    lots: hold.takes,
    ref: hold._id,
    fingerprint: req.fingerprint,
    reason: req.reason,
    ...(expired ? { expiredLots } : {}),
  };
  return outcome(account, after, base, now, lots, { hold: { settle: { id: hold._id, status: 'released', settledAt: now, settledBy: req.key } } });
}

// ---------------------------------------------------------------------------------------------
// Reversal, penalty, expiry

/** What a lot the member no longer has (folded: empty and expired) was: from its credit entry. */
export interface FoldedLot {
  campaign: string;
  expiresAt: Date;
}

export interface ReversePlanRequest extends Keyed {
  reason: string;
  operator: string;
}

/**
 * Undoes an entry. A spend (or negative adjust) restores exactly the lots it took; points going back
 * to a lot past its expiry expire at once (a folded lot's, counted in its campaign's closed totals).
 * An earn (or positive adjust) takes back what is left of its lot, up to its amount; the rest
 * becomes debt. `folded` has every lot of `original` that is not in the account.
 */
export function planReverse(account: Account, original: Entry, folded: Map<string, FoldedLot>, req: ReversePlanRequest, now: Date): Plan {
  const lots = copyLots(account);
  const base = {
    _id: req.key,
    member: original.member,
    type: 'reverse' as const,
    amount: original.amount,
    source: original.source,
    campaign: original.campaign,
    ref: original._id,
    fingerprint: req.fingerprint,
    reason: req.reason,
    operator: req.operator,
  };
  if (original.delta < 0 && (original.type === 'spend' || original.type === 'adjust')) {
    const expiredLots: Take[] = [];
    let closed = account.closed;
    for (const t of original.lots) {
      const lot = lots.find((l) => l._id === t.lotId);
      if (!lot) {
        const gone = folded.get(t.lotId);
        if (!gone) throw new AppError('INTERNAL', `lot ${t.lotId} has no credit entry`);
        closed = closed.map((c) => (c.campaign === gone.campaign ? { ...c, expired: c.expired + t.amount } : c));
        expiredLots.push(t);
      } else if (isPast(lot.expiresAt, now)) {
        lot.expired = (lot.expired ?? 0) + t.amount;
        expiredLots.push(t);
      } else {
        lot.remaining += t.amount;
      }
    }
    const expired = sum(expiredLots);
    const after: Account = { ...account, balance: account.balance + original.amount - expired, spent: account.spent - original.amount, expired: account.expired + expired };
    return outcome(account, after, { ...base, delta: original.amount - expired, lots: original.lots, ...(expired ? { expiredLots } : {}) }, now, lots, { closed });
  }
  if (original.delta > 0 && (original.type === 'earn' || original.type === 'adjust')) {
    const taken: Take[] = [];
    let takenBack = 0;
    const own = original.lots[0];
    const lot = own ? lots.find((l) => l._id === own.lotId) : undefined; // folded → nothing left in it
    if (own && lot) {
      takenBack = Math.min(available(lot), own.amount);
      if (takenBack > 0) {
        lot.remaining -= takenBack;
        taken.push({ lotId: own.lotId, amount: takenBack });
      }
    }
    const debtCreated = original.amount - takenBack;
    const after: Account = { ...account, balance: account.balance - original.amount, debt: account.debt + debtCreated, earned: account.earned - original.amount };
    return outcome(account, after, { ...base, delta: -original.amount, lots: taken, ...(debtCreated ? { debtCreated } : {}) }, now, lots);
  }
  throw new AppError('NOT_REVERSIBLE', `a ${original.type} entry cannot be reversed`);
}

export interface PenaltyPlanRequest extends Keyed {
  member: string;
  amount: number;
  reason: string;
  operator: string;
}

/** Takes what the member has available (FIFO, not held points); the rest becomes debt. */
export function planPenalty(account: Account, req: PenaltyPlanRequest, now: Date): Plan {
  const lots = copyLots(account);
  const canTake = lots.filter((l) => !isPast(l.expiresAt, now)).reduce((s, l) => s + available(l), 0);
  const fromLots = Math.min(canTake, req.amount);
  const takes = fromLots > 0 ? takesFor(lots, fromLots, now) : [];
  for (const t of takes) lotOf(lots, t.lotId, req.member).remaining -= t.amount;
  const debtCreated = req.amount - fromLots;
  const after: Account = { ...account, balance: account.balance - req.amount, debt: account.debt + debtCreated, penalized: account.penalized + req.amount };
  const base: EntryBase = {
    _id: req.key,
    member: req.member,
    type: 'penalty',
    amount: req.amount,
    delta: -req.amount,
    source: { kind: 'ops', ref: req.operator },
    lots: takes,
    reason: req.reason,
    operator: req.operator,
    fingerprint: req.fingerprint,
    ...(debtCreated ? { debtCreated } : {}),
  };
  return outcome(account, after, base, now, lots);
}

export interface ExpirePlanRequest extends Keyed {
  member: string;
  runId: string;
}

/** Expires what is neither spent nor held in every lot due at `now`; null when nothing is due. */
export function planExpire(account: Account, req: ExpirePlanRequest, now: Date): Plan | null {
  const lots = copyLots(account);
  const takes: Take[] = [];
  for (const lot of lots) {
    const x = available(lot);
    if (x <= 0 || !isPast(lot.expiresAt, now)) continue;
    lot.remaining -= x;
    lot.expired = (lot.expired ?? 0) + x;
    takes.push({ lotId: lot._id, amount: x });
  }
  const total = sum(takes);
  if (!total) return null;
  const after: Account = { ...account, balance: account.balance - total, expired: account.expired + total };
  const base: EntryBase = { _id: req.key, member: req.member, type: 'expire', amount: total, delta: -total, source: { kind: 'expiry', ref: req.runId }, lots: takes, fingerprint: req.fingerprint };
  return outcome(account, after, base, now, lots);
}
