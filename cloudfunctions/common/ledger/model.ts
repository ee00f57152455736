// The ledger's documents. Rules (docs/ledger.md): entries are immutable and their _id is the
// caller's idempotency key; lots carry the points with their expiry and live inside the member's
// account, the running total every transaction re-reads and writes (which also serialises a
// member's operations), so an operation touches one document besides its entry.
import type { Take } from './allocate';

export type EntryType = 'earn' | 'spend' | 'hold' | 'release' | 'expire' | 'penalty' | 'reverse' | 'adjust';

export interface Source {
  /** What caused it: scan, signin, order, checkout, game, ops, … */
  kind: string;
  /** The thing's id in its own collection (code, order id, …). */
  ref: string;
}

export interface Account {
  _id: string;
  /** Σ remaining of live lots − debt. */
  balance: number;
  /** Points reserved by open holds (part of balance). */
  held: number;
  /** Points owed after penalties and reversed credits; repaid first by the next credits. */
  debt: number;
  earned: number;
  spent: number;
  expired: number;
  penalized: number;
  /**
   * Live lots: every lot not yet both empty (remaining 0, held 0) and past its expiry. Empty lots
   * past their expiry are folded into `closed` by the next write of the account.
   */
  lots: Lot[];
  /** Per campaign, what the folded lots issued and what of it expired (metrics). */
  closed: ClosedLots[];
  /** Soonest expiresAt of a lot with available points (remaining − held), or null: what the expiry run and reminders query. */
  nextExpiry: Date | null;
  createdAt: Date;
  updatedAt?: Date;
}

export interface ClosedLots {
  campaign: string;
  amount: number;
  expired: number;
}

/** A lot as the ledger works with it; stored packed in one string (lots.ts). */
export interface Lot {
  /** `lot:<credit key>` (its first credit). */
  _id: string;
  amount: number;
  /** Not yet spent or expired (includes the held part). */
  remaining: number;
  /** Reserved by open holds. */
  held: number;
  /** Taken by expiry runs. */
  expired: number;
  expiresAt: Date;
  /** Only on lots stored before the packed form (FIFO breaks ties by expiry, then id). */
  createdAt?: Date;
  campaign: string;
  /** Points per yuan in force when issued. */
  rate: number;
  // Its source and the rest of its story are on the credit entry `_id` minus `lot:` (kept out of
  // the account, which every operation reads and writes whole).
}

export interface Entry {
  _id: string;
  member: string;
  type: EntryType;
  /** Points moved, always positive; `delta` is the signed effect on balance. */
  amount: number;
  delta: number;
  balanceAfter: number;
  heldAfter: number;
  debtAfter: number;
  source: Source;
  campaign: string;
  /** Lots taken (debits, holds, expiry) or restored (reversals); a credit's own lot. */
  lots: Take[];
  /** Of `lots`, what went straight to expiry because the lot had expired (releases, reversals). */
  expiredLots?: Take[];
  /** Debt repaid (credits) or created (penalties, reversed credits). */
  debtRepaid?: number;
  debtCreated?: number;
  rate: number;
  reason: string;
  operator: string;
  /** The entry this one reverses, commits or releases. */
  ref?: string;
  /** Credits: when their lot expires (the lot's details outlive the lot in the account). */
  expiresAt?: Date;
  /** Hash of the request; the same key with other parameters is IDEMPOTENCY_MISMATCH. */
  fingerprint: string;
  createdAt: Date;
}

export interface Hold {
  _id: string;
  member: string;
  amount: number;
  takes: Take[];
  status: 'open' | 'committed' | 'released';
  source: Source;
  expiresAt: Date;
  createdAt: Date;
  settledAt?: Date;
  /** The commit (spend) or release entry. */
  settledBy?: string;
}

/**
 * Every collection the ledger reads or writes, named once. Other modules use access.ts instead of
 * these names (a module that joins an account into its own aggregate takes the stage from there).
 */
export const COLLECTIONS = {
  accounts: 'accounts',
  entries: 'ledger',
  holds: 'holds',
  budgets: 'budgets',
  budgetShards: 'budgetShards',
  settings: 'settings',
  reminders: 'reminders',
  subscriptions: 'subscriptions',
  subscriptionEvents: 'subscriptionEvents',
  /** The jobs' checkpoints (the expiry run's `expiry:<day>`). */
  jobRuns: 'jobRuns',
} as const;
