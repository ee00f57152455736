// What a redemption takes besides points, each with a conditional write that never oversteps under
// any concurrency, and each with its give-back (the saga's compensations, redeem.ts): the member's
// limit count, units of the item's stock counter, card codes of a virtual item's pool.
import { getDb } from '../cloud';
import * as counter from '../counter/capped';
import { isDuplicateKeyError } from '../errors';
import { txGet, type Tx } from '../tx';
import { limitId, MALL, stockCounterOf } from './model';

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

export type ShardTake = counter.ShardTake;

/**
 * Takes `quantity` units of the item's stock counter, across shards when no one shard covers them
 * (all or nothing); `seen`: the shards the redemption's read saw. Null: sold out.
 */
export const takeStock = (item: string, quantity: number, seen: counter.CounterShard[]) => counter.take(stockCounterOf(item), quantity, seen);

/** Puts units back on the shards they came from (inside the give-back transaction when given). */
export const returnStock = (takes: ShardTake[], tx?: Tx) => counter.giveBack(takes, tx);

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
