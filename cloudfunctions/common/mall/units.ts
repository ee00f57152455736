// What a redemption takes besides points, each with a single conditional write that never
// oversteps under any concurrency, and each with its undo: the member's limit count, a unit of a
// stock shard, a card code of a virtual item's pool.
import { getDb } from '../cloud';
import { isDuplicateKeyError } from '../errors';
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

export async function lowerLimit(item: string, member: string, quantity: number): Promise<void> {
  await getDb().collection(MALL.limits).doc(limitId(item, member)).update({ data: { count: getDb().command.inc(-quantity) } });
}

/**
 * Takes `quantity` units from one shard with a conditional decrement (never below zero), trying the
 * shards the redemption's read saw with enough left, from a random start. The shard's id, or null:
 * sold out (a unit returned to another shard meanwhile is missed, as by any read).
 */
export async function takeStock(shards: StockShard[], quantity: number): Promise<string | null> {
  const db = getDb();
  const _ = db.command;
  const candidates = shards.filter((s) => s.left >= quantity);
  for (const i of shardOrder(candidates.length)) {
    const id = candidates[i]._id;
    const r = await db.collection(MALL.stock).where({ _id: id, left: _.gte(quantity) }).update({ data: { left: _.inc(-quantity), sold: _.inc(quantity) } });
    if (r.stats.updated === 1) return id;
  }
  return null;
}

export async function returnStock(shard: string, quantity: number): Promise<void> {
  const _ = getDb().command;
  await getDb().collection(MALL.stock).doc(shard).update({ data: { left: _.inc(quantity), sold: _.inc(-quantity) } });
}

export interface TakenCode {
  /** `mallCodes` id, `<item>:<code>`. */
  id: string;
  code: string;
}

/**
 * A free code from the pool, claimed for the order with a conditional update; a race moves to
 * another. `seen`: free codes the caller read already (the first pick comes from them).
 */
export async function takeCode(item: string, orderId: string, member: string, now: Date, seen: TakenCode[] | null = null): Promise<TakenCode | null> {
  const db = getDb();
  for (let attempt = 0; attempt < 5; attempt++) {
    let free = attempt === 0 ? seen : null;
    if (!free) free = ((await db.collection(MALL.codes).where({ item, status: 'free' }).limit(8).get()).data as { _id: string; code: string }[]).map((c) => ({ id: c._id, code: c.code }));
    if (!free.length) return null;
    const pick = free[Math.floor(Math.random() * free.length)];
    const r = await db.collection(MALL.codes).where({ _id: pick.id, status: 'free' }).update({ data: { status: 'assigned', order: orderId, member, assignedAt: now } });
    if (r.stats.updated === 1) return pick;
  }
  return null;
}

/** Puts a code claimed for `orderId` back in the pool (only if that order still has it). */
export async function freeCode(code: TakenCode, orderId: string): Promise<void> {
  const db = getDb();
  const _ = db.command;
  await db.collection(MALL.codes).where({ _id: code.id, order: orderId, status: 'assigned' }).update({ data: { status: 'free', order: _.remove(), member: _.remove(), assignedAt: _.remove() } });
}
