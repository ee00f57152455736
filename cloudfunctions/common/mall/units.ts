// What a redemption takes besides points, each with a conditional write that never oversteps under
// any concurrency, and each with its give-back (the saga's compensations, redeem.ts): the member's
// limit count, units of stock across the item's shards, card codes of a virtual item's pool.
import { getDb } from '../cloud';
import { isDuplicateKeyError } from '../errors';
import { txGet, type Tx } from '../tx';
import { limitId, MALL, type StockShard } from './model';
import { shardOrder } from './rules';

/**
 * Raises the member's count for the item by `quantity`, never past `limit`. `exists` (from the
 * redemption's read) picks the first write: a new count is added, an existing one raised with a
 * conditional update — one request either way unless a concurrent first redemption races the add.
 */
export async function takeLimit(item: string, member: string, quantity: number, limit: number, exists: boolean): Promise<boolean> {
  const db = getDb();
  const id = limitId(item, member);
  if (!exists) {
    try {
      await db.collection(MALL.limits).add({ data: { _id: id, item, member, count: quantity } });
      return true;
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e; // made meanwhile: raise it like any other
    }
  }
  const r = await db.collection(MALL.limits).where({ _id: id, count: db.command.lte(limit - quantity) }).update({ data: { count: db.command.inc(quantity) } });
  return r.stats.updated === 1;
}

/** Lowers the member's count (in the give-back transaction, or with an atomic increment). */
export async function lowerLimit(item: string, member: string, quantity: number, tx: Tx | null = null): Promise<void> {
  const id = limitId(item, member);
  if (!tx) return void (await getDb().collection(MALL.limits).doc(id).update({ data: { count: getDb().command.inc(-quantity) } }));
  const l = await txGet<{ count: number }>(tx, MALL.limits, id);
  if (l) await tx.collection(MALL.limits).doc(id).update({ data: { count: Math.max(0, l.count - quantity) } });
}

/** Units taken from one shard (the shape of the shared counter's takes). */
export interface ShardTake {
  shard: string;
  n: number;
}

/**
 * Takes `quantity` units across the shards the redemption's read saw, from a random start: on each
 * shard a conditional decrement of what it showed (never below zero). All or nothing: if the shards
 * together cannot cover it, what this call took goes back and the answer is null (sold out).
 */
export async function takeStock(shards: StockShard[], quantity: number): Promise<ShardTake[] | null> {
  const db = getDb();
  const _ = db.command;
  const takes: ShardTake[] = [];
  let need = quantity;
  // Prefer one shard that covers it all (one request), then spill over the rest.
  const whole = shards.filter((s) => s.left >= quantity);
  const order = [...shardOrder(whole.length).map((i) => whole[i]), ...shardOrder(shards.length).map((i) => shards[i]).filter((s) => s.left > 0 && s.left < quantity)];
  for (const s of order) {
    if (need === 0) break;
    const n = Math.min(need, s.left);
    const r = await db.collection(MALL.stock).where({ _id: s._id, left: _.gte(n) }).update({ data: { left: _.inc(-n), sold: _.inc(n) } });
    if (r.stats.updated === 1) {
      takes.push({ shard: s._id, n });
      need -= n;
    }
  }
  if (need === 0) return takes;
  await returnStock(takes);
  return null;
}

/** Puts units back on the shards they came from (in the give-back transaction, or with atomic increments). */
export async function returnStock(takes: ShardTake[], tx: Tx | null = null): Promise<void> {
  const _ = getDb().command;
  for (const t of takes) {
    if (!tx) {
      await getDb().collection(MALL.stock).doc(t.shard).update({ data: { left: _.inc(t.n), sold: _.inc(-t.n) } });
      continue;
    }
    const s = await txGet<StockShard>(tx, MALL.stock, t.shard);
    if (s) await tx.collection(MALL.stock).doc(t.shard).update({ data: { left: s.left + t.n, sold: s.sold - t.n } });
  }
}

export interface TakenCode {
  /** `mallCodes` id, `<item>:<code>`. */
  id: string;
  code: string;
}

/**
 * `n` free codes from the pool, each claimed for the order with a conditional update; a race moves
 * to another. `seen`: free codes the caller read already (the first picks come from them). All or
 * nothing: short of `n`, the codes claimed go back and the answer is null.
 */
export async function takeCodes(item: string, orderId: string, member: string, n: number, now: Date, seen: TakenCode[] | null = null): Promise<TakenCode[] | null> {
  const db = getDb();
  const got: TakenCode[] = [];
  let free = seen ? [...seen] : [];
  for (let misses = 0; got.length < n && misses < 5 + n; ) {
    if (!free.length) {
      free = ((await db.collection(MALL.codes).where({ item, status: 'free' }).limit(Math.max(8, 2 * n)).get()).data as { _id: string; code: string }[]).map((c) => ({ id: c._id, code: c.code }));
      if (!free.length) break;
    }
    const pick = free.splice(Math.floor(Math.random() * free.length), 1)[0];
    if (got.some((c) => c.id === pick.id)) continue;
    const r = await db.collection(MALL.codes).where({ _id: pick.id, status: 'free' }).update({ data: { status: 'assigned', order: orderId, member, assignedAt: now } });
    if (r.stats.updated === 1) got.push(pick);
    else misses++;
  }
  if (got.length === n) return got;
  await freeCodes(got, orderId);
  return null;
}

/** Puts codes claimed for `orderId` back in the pool (only those that order still has). */
export async function freeCodes(codes: TakenCode[], orderId: string): Promise<void> {
  const db = getDb();
  const _ = db.command;
  for (const code of codes) {
    await db.collection(MALL.codes).where({ _id: code.id, order: orderId, status: 'assigned' }).update({ data: { status: 'free', order: _.remove(), member: _.remove(), assignedAt: _.remove() } });
  }
}

/** The codes claimed for an order (the code names it): by an interrupted delivery or redemption. */
export async function codesOf(order: { _id: string; item: string }): Promise<TakenCode[]> {
  const { data } = await getDb().collection(MALL.codes).where({ item: order.item, order: order._id, status: 'assigned' }).limit(100).get();
  return (data as { _id: string; code: string }[]).map((c) => ({ id: c._id, code: c.code }));
}
