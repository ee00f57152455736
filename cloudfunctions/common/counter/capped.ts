// The capped counter: one sharded primitive for anything finite — a campaign's points budget (A),
// a red-packet budget in fen, a mall item's stock, a game's prize stock (docs/counters.md).
//
// A counter's cap is split over shards whose caps sum to it, and each shard keeps what is `left`
// of its own cap. Every take lowers one or more shards' `left` and never below zero — with a
// conditional update outside a transaction, or by re-reading inside one — so Σ taken ≤ cap holds
// under any concurrency, and spreading takers over shards keeps them from queueing on one document.
// A take answers exactly what it took of which shard, so giving back (a compensation, a refund, a
// crash sweep) returns exactly that: the caller stores the takes in the document that owns its flow.
import { getDb } from '../cloud';
import { AppError, type ErrorCode } from '../errors';
import { inTransaction, txGet, type Tx } from '../tx';

export const COUNTERS = { counters: 'counters', shards: 'counterShards' } as const;

export interface Counter {
  _id: string;
  /** Σ of the shards' caps. */
  cap: number;
  shards: number;
  createdAt: Date;
}

export interface CounterShard {
  _id: string;
  counter: string;
  /** This shard's part of the counter's cap. */
  cap: number;
  /** What is not taken of `cap`; never below zero. */
  left: number;
}

/** What one take took of one shard. */
export interface ShardTake {
  shard: string;
  n: number;
}

export const MAX_SHARDS = 64;

export const shardIdOf = (counter: string, i: number) => `${counter}#${i}`;
export const shardIdsOf = (counter: string, shards: number) => Array.from({ length: shards }, (_, i) => shardIdOf(counter, i));

/** Shard i's part of `cap`: as even as integers allow. */
export const shardCap = (cap: number, shards: number, i: number) => Math.floor(cap / shards) + (i < cap % shards ? 1 : 0);

function assertAmount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n <= 0) throw new AppError('BAD_REQUEST', `${what} must be a positive integer`);
}

/** Shard indexes from a random start, so concurrent takers begin at different shards. */
function rotation(count: number): number[] {
  const start = Math.floor(Math.random() * count);
  return Array.from({ length: count }, (_, k) => (start + k) % count);
}

/**
 * Pure: how to take `n` from shards with these `left`s, visiting them in `order` — one shard that
 * can cover it all when there is one (a single write), otherwise spilling over in order. Null when
 * together they cannot cover `n`.
 */
export function planTake(shards: Pick<CounterShard, '_id' | 'left'>[], n: number, order: number[] = rotation(shards.length)): ShardTake[] | null {
  const visit = order.map((i) => shards[i]).filter((s) => s && s.left > 0);
  const whole = visit.find((s) => s.left >= n);
  if (whole) return [{ shard: whole._id, n }];
  const takes: ShardTake[] = [];
  let rest = n;
  for (const s of visit) {
    const k = Math.min(s.left, rest);
    takes.push({ shard: s._id, n: k });
    rest -= k;
    if (!rest) return takes;
  }
  return null;
}

/**
 * Creates the counter and its shards, all or nothing: inside `tx` when given (the caller's own
 * documents commit with it), else in a transaction of its own. An existing id fails on its duplicate _id.
 */
export async function createCounter(c: { id: string; cap: number; shards?: number; now?: Date }, tx?: Tx): Promise<Counter> {
  const shards = c.shards ?? 8;
  if (!Number.isSafeInteger(c.cap) || c.cap < 0) throw new AppError('BAD_REQUEST', 'cap must be a non-negative integer');
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new AppError('BAD_REQUEST', `shards must be 1..${MAX_SHARDS}`);
  if (!tx) return inTransaction((t) => createCounter(c, t));
  const counter: Counter = { _id: c.id, cap: c.cap, shards, createdAt: c.now ?? new Date() };
  const db = tx;
  await db.collection(COUNTERS.counters).add({ data: counter });
  for (let i = 0; i < shards; i++) {
    const cap = shardCap(c.cap, shards, i);
    const shard: CounterShard = { _id: shardIdOf(c.id, i), counter: c.id, cap, left: cap };
    await db.collection(COUNTERS.shards).add({ data: shard });
  }
  return counter;
}

/**
 * Inside a transaction: re-reads the shards (one get each, from a random start, stopping once they
 * cover `n`) and takes `n` across them, or throws `code` and the transaction takes nothing.
 * `shards`: the counter's shard count when the caller knows it (saves reading the counter).
 */
export async function takeInTx(tx: Tx, id: string, n: number, opts: { code?: ErrorCode; shards?: number } = {}): Promise<ShardTake[]> {
  assertAmount(n, 'amount');
  const code = opts.code ?? 'BUDGET_EXHAUSTED';
  let count = opts.shards;
  if (!count) {
    const counter = await txGet<Counter>(tx, COUNTERS.counters, id);
    if (!counter) throw new AppError('NOT_FOUND', `no counter ${id}`);
    count = counter.shards;
  }
  const seen: CounterShard[] = [];
  let covered = 0;
  for (const i of rotation(count)) {
    const shard = await txGet<CounterShard>(tx, COUNTERS.shards, shardIdOf(id, i));
    if (!shard || shard.left <= 0) continue;
    seen.push(shard);
    covered += shard.left;
    if (covered >= n) break;
  }
  const takes = planTake(seen, n, seen.map((_, k) => k));
  if (!takes) throw new AppError(code, `counter ${id} cannot cover ${n}`);
  const _ = getDb().command;
  for (const t of takes) await tx.collection(COUNTERS.shards).doc(t.shard).update({ data: { left: _.inc(-t.n) } });
  return takes;
}

/** Reads a counter's shards (at most MAX_SHARDS: one request). */
export async function readShards(id: string): Promise<CounterShard[]> {
  const { data } = await getDb().collection(COUNTERS.shards).where({ counter: id }).limit(MAX_SHARDS).get();
  return data as CounterShard[];
}

const MAX_TAKE_ROUNDS = 4;

/**
 * Outside a transaction: takes `n` with conditional decrements (`left >= k`), across shards when no
 * one shard can cover it, all or nothing — when a shard moved under a multi-shard take, what was
 * already taken is given back and the take is planned again from fresh reads. `seen`: the shards as
 * the caller already read them (the first plan uses them: no read). Returns the takes, or null when
 * the counter cannot cover `n`.
 *
 * A process that dies between the decrements of a multi-shard take leaves those units taken: the
 * counter undercounts what is available (never over its cap). Callers record their takes before
 * acting on them where a sweep must be able to return them.
 */
export async function take(id: string, n: number, seen?: Pick<CounterShard, '_id' | 'left'>[]): Promise<ShardTake[] | null> {
  assertAmount(n, 'amount');
  const db = getDb();
  const _ = db.command;
  let shards = seen;
  for (let round = 0; round < MAX_TAKE_ROUNDS; round++) {
    if (!shards) shards = await readShards(id);
    const plan = planTake(shards, n);
    if (!plan) return null;
    const done: ShardTake[] = [];
    for (const t of plan) {
      const r = await db.collection(COUNTERS.shards).where({ _id: t.shard, left: _.gte(t.n) }).update({ data: { left: _.inc(-t.n) } });
      if (r.stats.updated !== 1) break;
      done.push(t);
    }
    if (done.length === plan.length) return done;
    if (done.length) await giveBack(done);
    shards = undefined; // someone took meanwhile: plan again from what is left now
  }
  return null;
}

/** Returns exactly what `takes` took (inside `tx` when given). */
export async function giveBack(takes: ShardTake[], tx?: Tx): Promise<void> {
  const db = tx ?? getDb();
  const _ = getDb().command;
  for (const t of takes) {
    if (t.n > 0) await db.collection(COUNTERS.shards).doc(t.shard).update({ data: { left: _.inc(t.n) } });
  }
}

/** Adds `extra` to the cap (a restock, a budget raised), on one shard chosen at random. */
export async function raise(id: string, extra: number): Promise<void> {
  assertAmount(extra, 'extra');
  const _ = getDb().command;
  await inTransaction(async (tx) => {
    const counter = await txGet<Counter>(tx, COUNTERS.counters, id);
    if (!counter) throw new AppError('NOT_FOUND', `no counter ${id}`);
    if (!Number.isSafeInteger(counter.cap + extra)) throw new AppError('BAD_REQUEST', 'cap would pass the largest safe integer');
    const shard = shardIdOf(id, Math.floor(Math.random() * counter.shards));
    await tx.collection(COUNTERS.shards).doc(shard).update({ data: { cap: _.inc(extra), left: _.inc(extra) } });
    await tx.collection(COUNTERS.counters).doc(id).update({ data: { cap: _.inc(extra) } });
  });
}

/** Cap, taken and left, summed over the shards (one read). */
export async function totals(id: string): Promise<{ cap: number; taken: number; left: number }> {
  return totalsOf(await readShards(id));
}

export function totalsOf(shards: Pick<CounterShard, 'cap' | 'left'>[]): { cap: number; taken: number; left: number } {
  const cap = shards.reduce((s, x) => s + x.cap, 0);
  const left = shards.reduce((s, x) => s + x.left, 0);
  return { cap, taken: cap - left, left };
}
