// Budgets: a campaign's maximum issuable points (A). The counter is split into shards so concurrent
// credits do not all fight over one document; each shard has its own cap and the caps sum to A, so
// Σ issued ≤ A holds even under any concurrency — a credit that no shard set can cover is refused.
import { getDb } from '../cloud';
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

export interface BudgetShard {
  _id: string;
  budget: string;
  cap: number;
  issued: number;
}

export const shardId = (budget: string, i: number) => `${budget}#${i}`;

/** Shard i's share of the cap: as even as integers allow. */
export const shardCap = (cap: number, shards: number, i: number) => Math.floor(cap / shards) + (i < cap % shards ? 1 : 0);

export async function createBudget(b: { id: string; campaign: string; cap: number; shards?: number; operator: string; now?: Date }): Promise<Budget> {
  const shards = b.shards ?? 8;
  if (!Number.isSafeInteger(b.cap) || b.cap <= 0) throw new AppError('BAD_REQUEST', 'cap must be a positive integer');
  if (!Number.isInteger(shards) || shards < 1 || shards > 64) throw new AppError('BAD_REQUEST', 'shards must be 1..64');
  const budget: Budget = { _id: b.id, campaign: b.campaign, cap: b.cap, shards, createdAt: b.now ?? new Date(), createdBy: b.operator };
  await inTransaction(async (tx) => {
    if (await txGet(tx, C.budgets, b.id)) throw new AppError('BAD_REQUEST', `budget ${b.id} exists`);
    await tx.collection(C.budgets).add({ data: budget });
    for (let i = 0; i < shards; i++) {
      await tx.collection(C.budgetShards).add({ data: { _id: shardId(b.id, i), budget: b.id, cap: shardCap(b.cap, shards, i), issued: 0 } });
    }
  });
  return budget;
}

/**
 * Inside a credit's transaction: takes `amount` from the budget's shards, starting at a random one
 * and spilling over to the next, re-reading each. BUDGET_EXHAUSTED (the transaction rolls back)
 * when the shards together cannot cover it.
 */
export async function consumeBudget(tx: Tx, budgetId: string, amount: number, _now: Date): Promise<void> {
  const budget = await txGet<Budget>(tx, C.budgets, budgetId);
  if (!budget) throw new AppError('NOT_FOUND', `no budget ${budgetId}`);
  const start = Math.floor(Math.random() * budget.shards);
  let left = amount;
  const writes: { id: string; issued: number }[] = [];
  for (let k = 0; k < budget.shards && left > 0; k++) {
    const id = shardId(budgetId, (start + k) % budget.shards);
    const shard = await txGet<BudgetShard>(tx, C.budgetShards, id);
    if (!shard) continue;
    const take = Math.min(shard.cap - shard.issued, left);
    if (take > 0) {
      writes.push({ id, issued: shard.issued + take });
      left -= take;
    }
  }
  if (left > 0) throw new AppError('BUDGET_EXHAUSTED', `budget ${budgetId} cannot cover ${amount}`);
  for (const w of writes) await tx.collection(C.budgetShards).doc(w.id).update({ data: { issued: w.issued } });
}

/** A and B for a budget: its cap and Σ issued over the shards. */
export async function budgetStatus(budgetId: string): Promise<{ budget: Budget; issued: number }> {
  const db = getDb();
  const { data } = await db.collection(C.budgets).doc(budgetId).get();
  if (!data) throw new AppError('NOT_FOUND', `no budget ${budgetId}`);
  const { data: shards } = await db.collection(C.budgetShards).where({ budget: budgetId }).limit(64).get();
  return { budget: data as Budget, issued: (shards as BudgetShard[]).reduce((s, x) => s + x.issued, 0) };
}
