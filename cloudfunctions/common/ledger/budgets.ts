// Budgets: a campaign's maximum issuable points (A), on the shared capped counter
// (counter/capped.ts, docs/counters.md): `budgets/<id>` names the campaign and who made it, the
// counter `budget:<id>` holds A over its shards, and a credit takes its points from the shards
// inside its own transaction, so Σ issued ≤ A holds under any concurrency — a credit that the
// shards together cannot cover is refused (BUDGET_EXHAUSTED) and its transaction takes nothing.
// Budgets made before the counter (`budgetShards/<id>#<i>`: cap, issued) move onto it the first
// time a credit or a status read meets them, carrying each shard's figures over exactly.
import { getDb } from '../cloud';
import { COUNTERS, createCounter, shardCap as counterShardCap, shardIdOf, takeInTx, totals, type Counter } from '../counter/capped';
import { AppError } from '../errors';
import { inTransaction, txGet, type Tx } from '../tx';
import { COLLECTIONS as C } from './model';

export interface Budget {
  _id: string;
  campaign: string;
  /** Maximum issuable points (A). */
  cap: number;
  shards: number;
  createdAt: Date;
  createdBy: string;
}

/** A budget's shard as kept before the counter (read only to move it onto the counter). */
interface LegacyBudgetShard {
  _id: string;
  budget: string;
  cap: number;
  issued: number;
}

/** The budget's counter (its shards are `budget:<id>#<i>`). */
export const budgetCounterOf = (budget: string) => `budget:${budget}`;

/** Shard i's share of the cap: as even as integers allow. */
export const shardCap = counterShardCap;

export async function createBudget(b: { id: string; campaign: string; cap: number; shards?: number; operator: string; now?: Date }): Promise<Budget> {
  const shards = b.shards ?? 8;
  if (!Number.isSafeInteger(b.cap) || b.cap <= 0) throw new AppError('BAD_REQUEST', 'cap must be a positive integer');
  if (!Number.isInteger(shards) || shards < 1 || shards > 64) throw new AppError('BAD_REQUEST', 'shards must be 1..64');
  const now = b.now ?? new Date();
  const budget: Budget = { _id: b.id, campaign: b.campaign, cap: b.cap, shards, createdAt: now, createdBy: b.operator };
  await inTransaction(async (tx) => {
    if (await txGet(tx, C.budgets, b.id)) throw new AppError('BAD_REQUEST', `budget ${b.id} exists`);
    await tx.collection(C.budgets).add({ data: budget });
    await createCounter({ id: budgetCounterOf(b.id), cap: b.cap, shards, now }, tx);
  });
  return budget;
}

/**
 * Inside a credit's transaction: takes `amount` from the budget's counter (re-reading its shards
 * from a random start, spilling over to the next). BUDGET_EXHAUSTED (the transaction rolls back)
 * when the shards together cannot cover it. Requests: the counter, then one get per shard visited
 * and one update per shard taken from — as many as before the counter.
 */
export async function consumeBudget(tx: Tx, budgetId: string, amount: number, now: Date): Promise<void> {
  const id = budgetCounterOf(budgetId);
  const counter = (await txGet<Counter>(tx, COUNTERS.counters, id)) ?? (await moveOntoCounter(tx, budgetId, now));
  await takeInTx(tx, id, amount, { code: 'BUDGET_EXHAUSTED', shards: counter.shards });
}

/** In `tx`: a budget made before the counter gets one, each shard's cap and issued carried over. */
async function moveOntoCounter(tx: Tx, budgetId: string, now: Date): Promise<Counter> {
  const budget = await txGet<Budget>(tx, C.budgets, budgetId);
  if (!budget) throw new AppError('NOT_FOUND', `no budget ${budgetId}`);
  const id = budgetCounterOf(budgetId);
  const counter: Counter = { _id: id, cap: budget.cap, shards: budget.shards, createdAt: now };
  await tx.collection(COUNTERS.counters).add({ data: counter });
  for (let i = 0; i < budget.shards; i++) {
    const old = await txGet<LegacyBudgetShard>(tx, C.budgetShards, `${budgetId}#${i}`);
    const cap = old?.cap ?? shardCap(budget.cap, budget.shards, i);
    await tx.collection(COUNTERS.shards).add({ data: { _id: shardIdOf(id, i), counter: id, cap, left: cap - (old?.issued ?? 0) } });
  }
  return counter;
}

/** A and B for a budget: its cap and what its counter has given out. */
export async function budgetStatus(budgetId: string): Promise<{ budget: Budget; issued: number }> {
  const db = getDb();
  const { data } = await db.collection(C.budgets).doc(budgetId).get();
  if (!data) throw new AppError('NOT_FOUND', `no budget ${budgetId}`);
  const t = await totals(budgetCounterOf(budgetId));
  if (t.cap > 0) return { budget: data as Budget, issued: t.taken };
  // Not moved onto the counter yet (no credit since): its old shards.
  const { data: shards } = await db.collection(C.budgetShards).where({ budget: budgetId }).limit(64).get();
  return { budget: data as Budget, issued: (shards as LegacyBudgetShard[]).reduce((s, x) => s + x.issued, 0) };
}

/** Inside a transaction: whether budget `id` exists (a campaign naming it re-reads it). */
export async function budgetExists(tx: Tx, id: string): Promise<boolean> {
  return !!(await txGet(tx, C.budgets, id));
}
