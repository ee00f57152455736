// Redemption (docs/mall.md · Redemption): a short saga whose journal is the order document.
//   1. one read: the item, the member's available points, the item's stock shards, the member's
//      count for it and a few free codes (an aggregate with uncorrelated $lookups);
//   2. the order is added `creating` under an id derived from (member, client key) — the
//      idempotency gate: double taps, retries and lost replies find it and answer it;
//   3. items with a limit: the member's count is raised with a conditional write;
//   4. a unit is taken from a stock shard with a conditional decrement; a virtual item claims a code;
//   5. the points leave in ONE ledger transaction together with the order's final state (the
//      ledger's alsoInTransaction): points only, a debit and the order toShip / completed; points +
//      cash, a hold and the order unpaid (the payment callback commits the hold).
// So points are never taken for an order still `creating`. A failure fails the order, then gives
// back what this call took. A process that dies between 2 and 5 leaves a `creating` order that the
// jobs sweep fails; it gives back a virtual item's code (the code names its order) but not a unit
// or count (nothing proves they were taken): undersold, never oversold, and no points taken.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError, type ErrorCode } from '../errors';
import * as ledger from '../ledger/service';
import { COLLECTIONS as LEDGER, type Account } from '../ledger/model';
import type { Tx } from '../tx';
import { isVirtual, limitId, MALL, pointsKeyOf, type Address, type Item, type Order, type StockShard } from './model';
import { deliveredFields, HOLD_SECONDS, iso, moveOn, OrderMoved, orderIdOf, orderView, PAYMENT_WINDOW_SECONDS, payoutFor, readOrder, replay, settled, type OrderView } from './orders';
import { paymentAdapter, type PaymentRequest } from './payment';
import { addressProblem, listingState } from './rules';
import { freeCode, lowerLimit, returnStock, takeCode, takeLimit, takeStock, type TakenCode } from './units';

export interface RedeemRequest {
  member: string;
  item: string;
  quantity: number;
  clientKey: string;
  address: Address | null;
  now?: Date;
}

export interface Redeemed {
  order: OrderView;
  payment?: PaymentRequest;
}

/** What a redemption decides on, read in one request. */
interface Snapshot {
  item: Item | null;
  /** The member's balance − held (0 without an account): a guard, the ledger decides. */
  available: number;
  shards: StockShard[];
  /** Whether the member's count for the item exists (picks the limit's first write). */
  limitExists: boolean;
  /** Up to 8 free codes of a virtual item's pool (the first candidates to claim). */
  codes: TakenCode[];
}

/** What this call has taken so far, which a failure gives back. */
interface Taken {
  limit: boolean;
  shard: string | null;
  code: TakenCode | null;
}

export async function redeem(req: RedeemRequest): Promise<Redeemed> {
  const now = req.now ?? new Date();
  const orderId = orderIdOf(req.member, req.clientKey);
  const snap = await readSnapshot(req.item, req.member);
  let order: Order;
  try {
    order = newOrder(snap.item, req, orderId, now);
  } catch (e) {
    // Refused before the gate, nothing recorded — unless the key was used already (its retry after
    // the item was delisted, say): that answers its order.
    const existing = e instanceof AppError ? await readOrder(orderId) : null;
    if (existing) return replay(existing.status === 'creating' ? await settled(orderId) : existing, req.item, req.quantity);
    throw e;
  }
  try {
    await getDb().collection(MALL.orders).add({ data: order });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    return replay(await settled(orderId), req.item, req.quantity); // the same key again
  }
  return run(order, snap, now);
}

/**
 * The item with the member's available points, the item's shards, whether the member has a count
 * for it and a few free codes (virtual items): one aggregate whose $lookups are uncorrelated (each
 * names its documents, through an index), so the guard and the sold-out check cost no request of
 * their own and a virtual item's code one instead of two.
 */
async function readSnapshot(itemId: string, member: string): Promise<Snapshot> {
  const db = getDb();
  const $ = db.command.aggregate;
  const join = (from: string, match: Record<string, unknown>, as: string, project: Record<string, 1> | null = null, limit = 0) => {
    let p = $.pipeline().match(match);
    if (limit) p = p.limit(limit);
    return { from, as, pipeline: (project ? p.project(project) : p).done() };
  };
  const { list } = await db
    .collection(MALL.items)
    .aggregate()
    .match({ _id: itemId })
    .lookup(join(LEDGER.accounts, { _id: member }, 'account', { balance: 1, held: 1 }))
    .lookup(join(MALL.stock, { item: itemId }, 'shards'))
    .lookup(join(MALL.limits, { _id: limitId(itemId, member) }, 'limit', { _id: 1 }))
    .lookup(join(MALL.codes, { item: itemId, status: 'free' }, 'codes', { code: 1 }, 8))
    .end();
  const row = list[0];
  if (!row) return { item: null, available: 0, shards: [], limitExists: false, codes: [] };
  const { account, shards, limit, codes, ...item } = row;
  const a = (account as Partial<Account>[])[0];
  return {
    item: item as Item,
    available: (a?.balance ?? 0) - (a?.held ?? 0),
    shards: shards as StockShard[],
    limitExists: (limit as unknown[]).length > 0,
    codes: (codes as { _id: string; code: string }[]).map((c) => ({ id: c._id, code: c.code })),
  };
}

/** The order a valid request makes (status `creating`), or the refusal. */
function newOrder(item: Item | null, req: RedeemRequest, orderId: string, now: Date): Order {
  if (!item) throw new AppError('NOT_FOUND', `no item ${req.item}`);
  const state = listingState(item, now);
  if (state === 'hidden' || state === 'delisted') throw new AppError('ITEM_UNAVAILABLE', `item ${item._id} is ${state}`);
  if (state === 'upcoming') throw new AppError('ITEM_NOT_STARTED', `item ${item._id} opens at ${iso(item.listAt)}`);
  if (req.quantity > item.perOrderMax) throw new AppError('LIMIT_EXCEEDED', `at most ${item.perOrderMax} per order`);
  if (item.perMemberLimit > 0 && req.quantity > item.perMemberLimit) throw new AppError('LIMIT_EXCEEDED', `at most ${item.perMemberLimit} per member`);
  let address: Address | null = null;
  if (item.kind === 'physical') {
    if (!req.address) throw new AppError('ADDRESS_INVALID', 'address: physical goods need a delivery address');
    const problem = addressProblem(req.address);
    if (problem) throw new AppError('ADDRESS_INVALID', `address: ${problem}`);
    address = { ...req.address, name: req.address.name.trim(), detail: req.address.detail.trim() };
  }
  return {
    _id: orderId,
    member: req.member,
    clientKey: req.clientKey,
    item: item._id,
    title: item.title,
    image: item.images[0] ?? '',
    kind: item.kind,
    quantity: req.quantity,
    points: item.points * req.quantity,
    cashFen: item.cashFen,
    ...(item.kind === 'redPacket' ? { redPacketFen: item.redPacketFen * req.quantity } : {}),
    status: 'creating',
    address,
    hold: pointsKeyOf(orderId),
    shard: null,
    returned: false,
    createdAt: now,
    updatedAt: now,
  };
}

/** Steps 3–5 for an order just added; any failure unwinds what was taken. */
async function run(order: Order, snap: Snapshot, now: Date): Promise<Redeemed> {
  const item = snap.item!;
  const taken: Taken = { limit: false, shard: null, code: null };
  try {
    // The guard: a member who cannot pay takes no unit, so nobody else sees a false 已兑完.
    if (snap.available < order.points) throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${order.points}`);
    if (item.perMemberLimit > 0) {
      taken.limit = await takeLimit(item._id, order.member, order.quantity, item.perMemberLimit, snap.limitExists);
      if (!taken.limit) throw new AppError('LIMIT_EXCEEDED', `at most ${item.perMemberLimit} per member`);
    }
    taken.shard = await takeStock(snap.shards, order.quantity);
    if (!taken.shard) throw new AppError('SOLD_OUT', `item ${item._id} is sold out`);
    if (order.cashFen > 0) return await awaitPayment(order, taken.shard, now); // a virtual item's code comes with the payment
    if (isVirtual(order.kind)) {
      taken.code = await takeCode(item._id, order._id, order.member, now, snap.codes);
      if (!taken.code) throw new AppError('SOLD_OUT', 'the code pool is empty');
    }
    return { order: orderView(await spend(order, taken, now)) };
  } catch (e) {
    return unwind(order, taken, e, now);
  }
}

/** Points only: the debit and the order's final state (and a red packet's payout) commit together. */
async function spend(order: Order, taken: Taken, now: Date): Promise<Order> {
  const payout = payoutFor(order, now);
  const final = deliveredFields(order.kind, { shard: taken.shard, code: taken.code?.code, payout: payout?.id }, now);
  await takePoints('debit', order, now, async (tx) => {
    await moveOn(tx, order._id, 'creating', final);
    await payout?.add(tx);
  });
  await payout?.send();
  return { ...order, ...final };
}

/** Points + cash: the hold and the order `unpaid` commit together; the payment callback commits the hold. */
async function awaitPayment(order: Order, shard: string, now: Date): Promise<Redeemed> {
  const payment = { expiresAt: new Date(+now + PAYMENT_WINDOW_SECONDS * 1000) };
  const unpaid: Order = { ...order, status: 'unpaid', shard, payment, updatedAt: now };
  const request = await paymentAdapter().create(unpaid);
  await takePoints('hold', order, now, (tx) => moveOn(tx, order._id, 'creating', { status: 'unpaid', shard, payment, updatedAt: now }));
  return { order: orderView(unpaid), payment: request };
}

async function takePoints(how: 'debit' | 'hold', order: Order, now: Date, alsoInTransaction: (tx: Tx) => Promise<void>): Promise<void> {
  const req = { member: order.member, amount: order.points, key: order.hold, source: { kind: 'mall', ref: order._id }, now, alsoInTransaction };
  try {
    if (how === 'debit') await ledger.debit(req);
    else await ledger.hold({ ...req, ttlSeconds: HOLD_SECONDS });
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') throw new AppError('INSUFFICIENT_POINTS', e.message); // no account yet
    throw e;
  }
}

/**
 * A failure: the order is failed first, with a conditional write from `creating` — if the ledger
 * transaction committed although its reply was lost, the order has moved on and is answered as the
 * success it is, and nothing is given back (a unit given back then would be sold twice). Then what
 * this call took goes back; if that is cut short the units are undersold, never oversold.
 */
async function unwind(order: Order, taken: Taken, e: unknown, now: Date): Promise<Redeemed> {
  const db = getDb();
  const code: ErrorCode = e instanceof AppError ? e.code : 'INTERNAL';
  try {
    const r = await db.collection(MALL.orders).where({ _id: order._id, status: 'creating' }).update({ data: { status: 'failed', failCode: code, returned: true, updatedAt: now } });
    if (r.stats.updated !== 1) {
      const o = await readOrder(order._id);
      if (o && o.status !== 'failed') return { order: orderView(o) };
      // Failed by the sweep, which gives back only a code (it cannot know of the unit or count): this call gives back what it took.
      await db.collection(MALL.orders).doc(order._id).update({ data: { returned: true } });
    }
    if (taken.code) await freeCode(taken.code, order._id);
    if (taken.shard) await returnStock(taken.shard, order.quantity);
    if (taken.limit) await lowerLimit(order.item, order.member, order.quantity);
  } catch (u) {
    console.error(`[mall] order ${order._id}: could not undo everything (units are undersold, never oversold)`, u);
  }
  throw e instanceof OrderMoved ? new AppError('INTERNAL', e.message) : e; // failed by the sweep: its answer for the order
}
