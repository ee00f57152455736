// Redemption and orders. A redemption is a short saga whose journal is the order document:
//   1. the order is added under an id derived from (member, client key) — the idempotency gate:
//      double taps, retries and lost replies find it and answer it;
//   2. the member's limit count is raised with a conditional update (never past the limit);
//   3. the points are held in the ledger (`mall:<order>`);
//   4. a unit is taken from a stock shard with a conditional decrement (never below zero);
//   5. points only: virtual items take a code from the pool, the hold is committed, the order is
//      toShip / completed; points+cash: the order is unpaid until the payment callback commits it.
// Every failure undoes what was done, in reverse: release the hold, return the unit, lower the count.
// Steps 2–3 are single conditional writes (no transaction), so a flash sale's buyers never conflict;
// giving back (cancel, timeout) runs in a transaction guarded by the order's `returned` flag, so it
// happens exactly once.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError, type ErrorCode } from '../errors';
import { enqueuePayout } from '../codes/redpackets';
import * as ledger from '../ledger/service';
import { inTransaction, txGet } from '../tx';
import { isVirtual, limitId, MALL, holdKeyOf, type Address, type Item, type Order, type OrderStatus, type StockShard } from './model';
import { shardsOf } from './items';
import { paymentAdapter, orderFee, type PayCallback, type PaymentRequest } from './payment';
import { addressProblem, listingState, shardOrder } from './rules';

/** How long a points+cash order waits for its payment. */
export const PAYMENT_WINDOW_SECONDS = 15 * 60;
/** The hold outlives the payment window, so the order sweep (not the ledger's) settles it. */
const HOLD_SECONDS = PAYMENT_WINDOW_SECONDS + 10 * 60;
/** A redemption still `creating` after this was interrupted; the sweep fails it and releases its hold. */
const CREATING_STALE_MS = 10 * 60_000;

export const orderIdOf = (member: string, clientKey: string) =>
  `o${createHash('sha256').update(`${member}|${clientKey}`).digest('base64url').replace(/[-_]/g, '').slice(0, 22)}`;

export interface OrderView {
  id: string;
  item: string;
  title: string;
  image: string;
  kind: string;
  quantity: number;
  points: number;
  cashFen: number;
  status: OrderStatus;
  address: Address | null;
  code: string | null;
  /** Red packets: the cash and its payout id (payouts collection; operators see its status). */
  redPacket: { amountFen: number; payout: string | null } | null;
  payment: { expiresAt: string; paidAt: string | null } | null;
  logistics: { company: string; trackingNo: string; shippedAt: string } | null;
  cancel: { reason: string; by: string; at: string } | null;
  createdAt: string;
  member?: string;
}

const iso = (d: Date | string | undefined | null) => (d ? new Date(d).toISOString() : null);

export function orderView(o: Order, withMember = false): OrderView {
  return {
    id: o._id,
    item: o.item,
    title: o.title,
    image: o.image,
    kind: o.kind,
    quantity: o.quantity,
    points: o.points,
    cashFen: o.cashFen,
    status: o.status,
    address: o.address,
    code: o.code ?? null,
    redPacket: o.redPacketFen ? { amountFen: o.redPacketFen, payout: o.payout ?? null } : null,
    payment: o.payment ? { expiresAt: iso(o.payment.expiresAt)!, paidAt: iso(o.payment.paidAt) } : null,
    logistics: o.logistics ? { company: o.logistics.company, trackingNo: o.logistics.trackingNo, shippedAt: iso(o.logistics.shippedAt)! } : null,
    cancel: o.cancel ? { reason: o.cancel.reason, by: o.cancel.by, at: iso(o.cancel.at)! } : null,
    createdAt: iso(o.createdAt)!,
    ...(withMember ? { member: o.member } : {}),
  };
}

async function readOrder(id: string): Promise<Order | null> {
  const { data } = await getDb().collection(MALL.orders).doc(id).get();
  return (data as Order) ?? null;
}

/** Answers an existing order for the same key: the same request again, or its first failure. */
function replay(o: Order, item: string, quantity: number): { order: OrderView } {
  if (o.item !== item || o.quantity !== quantity) throw new AppError('IDEMPOTENCY_MISMATCH', `key was used for a different redemption`);
  if (o.status === 'failed') throw new AppError((o.failCode as ErrorCode) ?? 'INTERNAL', 'this redemption failed');
  return { order: orderView(o) };
}

/** The order once its first call has finished with it (a retry racing the first call waits briefly for its answer). */
async function settled(orderId: string): Promise<Order> {
  for (let i = 0; ; i++) {
    const o = (await readOrder(orderId))!;
    if (o.status !== 'creating' || i >= 40) return o;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Raises the member's count for the item by `quantity`, never past `limit`. */
async function takeLimit(item: string, member: string, quantity: number, limit: number): Promise<boolean> {
  const db = getDb();
  const _ = db.command;
  const id = limitId(item, member);
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await db.collection(MALL.limits).where({ _id: id, count: _.lte(limit - quantity) }).update({ data: { count: _.inc(quantity) } });
    if (r.stats.updated === 1) return true;
    const { data } = await db.collection(MALL.limits).doc(id).get();
    if (data) return false; // exists and is at the limit
    try {
      await db.collection(MALL.limits).add({ data: { _id: id, item, member, count: quantity } });
      return true;
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e; // a concurrent first redemption made it: check again
    }
  }
  return false;
}

/** Takes `quantity` units from one shard with a conditional decrement; the shard's id, or null when sold out. */
async function takeStock(item: Item, quantity: number): Promise<string | null> {
  const db = getDb();
  const _ = db.command;
  for (const i of shardOrder(item.shards)) {
    const id = `${item._id}#${i}`;
    const r = await db.collection(MALL.stock).where({ _id: id, left: _.gte(quantity) }).update({ data: { left: _.inc(-quantity), sold: _.inc(quantity) } });
    if (r.stats.updated === 1) return id;
  }
  return null;
}

/** A free code from the pool, claimed for the order with a conditional update (a race moves to the next). */
async function takeCode(item: string, orderId: string, member: string, now: Date): Promise<string | null> {
  const db = getDb();
  for (let attempt = 0; attempt < 5; attempt++) {
    const { data } = await db.collection(MALL.codes).where({ item, status: 'free' }).limit(8).get();
    if (!data.length) return null;
    const pick = data[Math.floor(Math.random() * data.length)] as { _id: string; code: string };
    const r = await db.collection(MALL.codes).where({ _id: pick._id, status: 'free' }).update({ data: { status: 'assigned', order: orderId, member, assignedAt: now } });
    if (r.stats.updated === 1) return pick.code;
  }
  return null;
}

export interface RedeemRequest {
  member: string;
  item: string;
  quantity: number;
  clientKey: string;
  address: Address | null;
  now?: Date;
}

export async function redeem(req: RedeemRequest): Promise<{ order: OrderView; payment?: PaymentRequest }> {
  const now = req.now ?? new Date();
  const db = getDb();
  const _ = db.command;
  const orderId = orderIdOf(req.member, req.clientKey);
  const existing = await readOrder(orderId);
  if (existing) return replay(existing.status === 'creating' ? await settled(orderId) : existing, req.item, req.quantity);

  const { data } = await db.collection(MALL.items).doc(req.item).get();
  const item = data as Item | null;
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

  const order: Order = {
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
    hold: holdKeyOf(orderId),
    shard: null,
    returned: false,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.collection(MALL.orders).add({ data: order });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    return replay(await settled(orderId), req.item, req.quantity); // a concurrent retry of the same key
  }

  // Each step, once done, names its undo.
  let limitTaken = false;
  let shard: string | null = null;
  let held = false;
  let undone = false;
  const undo = async (code: ErrorCode): Promise<void> => {
    undone = true;
    if (held) await returnPoints(order, code, now);
    if (shard) await db.collection(MALL.stock).doc(shard).update({ data: { left: _.inc(req.quantity), sold: _.inc(-req.quantity) } });
    if (limitTaken) await db.collection(MALL.limits).doc(limitId(item._id, req.member)).update({ data: { count: _.inc(-req.quantity) } });
    await db.collection(MALL.orders).doc(orderId).update({ data: { status: 'failed', failCode: code, returned: true, updatedAt: now } });
  };
  const fail = async (code: ErrorCode, message: string): Promise<never> => {
    await undo(code);
    throw new AppError(code, message);
  };
  try {
    if (item.perMemberLimit > 0) {
      limitTaken = await takeLimit(item._id, req.member, req.quantity, item.perMemberLimit);
      if (!limitTaken) await fail('LIMIT_EXCEEDED', `at most ${item.perMemberLimit} per member`);
    }
    // Sold out already? Then answer without holding anything (a hint: the decrement below decides).
    if ((await shardsOf([item._id])).reduce((n, x) => n + x.left, 0) < req.quantity) await fail('SOLD_OUT', `item ${item._id} is sold out`);
    // Points before stock: a unit is only taken by someone who can pay for it, so a member who
    // cannot never makes others see a false "sold out".
    try {
      await ledger.hold({ member: req.member, amount: order.points, key: order.hold, source: { kind: 'mall', ref: orderId }, ttlSeconds: HOLD_SECONDS, now });
      held = true;
    } catch (e) {
      if (e instanceof AppError && (e.code === 'INSUFFICIENT_POINTS' || e.code === 'NOT_FOUND')) await fail('INSUFFICIENT_POINTS', e.message);
      throw e;
    }
    shard = await takeStock(item, req.quantity);
    if (!shard) await fail('SOLD_OUT', `item ${item._id} is sold out`);

    if (item.cashFen > 0) {
      const expiresAt = new Date(+now + PAYMENT_WINDOW_SECONDS * 1000);
      const unpaid: Order = { ...order, status: 'unpaid', shard, payment: { expiresAt }, updatedAt: now };
      const payment = await paymentAdapter().create(unpaid);
      await db.collection(MALL.orders).doc(orderId).update({ data: { status: 'unpaid', shard, payment: { expiresAt }, updatedAt: now } });
      return { order: orderView(unpaid), payment };
    }
    const done = await deliver({ ...order, shard }, now);
    return { order: orderView(done) };
  } catch (e) {
    // Whatever failed after a step succeeded: undo every step done, record the failure, answer it.
    if (!undone) {
      const code: ErrorCode = e instanceof AppError ? e.code : 'INTERNAL';
      await undo(code).catch((u) => console.error('[mall] undo failed; the jobs sweep finishes it', u));
    }
    throw e;
  }
}

/**
 * The points are spent: a virtual item takes its code first (none left → SOLD_OUT, undone), then
 * the hold is committed and the order moves on (virtual: completed; otherwise: toShip).
 */
async function deliver(order: Order, now: Date, extra: Record<string, unknown> = {}): Promise<Order> {
  const db = getDb();
  let code: string | undefined;
  if (isVirtual(order.kind)) {
    code = (await takeCode(order.item, order._id, order.member, now)) ?? undefined;
    if (!code) throw new AppError('SOLD_OUT', 'the code pool is empty');
  }
  await ledger.commitHold(order.hold, { now });
  // A red packet is paid through the payout outbox (retried by the codes timer until paid or failed).
  const payout =
    order.kind === 'redPacket' && order.redPacketFen
      ? (await enqueuePayout({ id: `payout:order:${order._id}`, member: order.member, amountFen: order.redPacketFen, campaign: 'mall', ref: order._id, now }))._id
      : undefined;
  const done = isVirtual(order.kind) || !!payout;
  const status: OrderStatus = done ? 'completed' : 'toShip';
  const data: Record<string, unknown> = {
    status,
    shard: order.shard,
    updatedAt: now,
    ...extra,
    ...(code ? { code } : {}),
    ...(payout ? { payout } : {}),
    ...(done ? { completedAt: now } : {}),
  };
  await db.collection(MALL.orders).doc(order._id).update({ data });
  return { ...order, ...data } as Order;
}

// ---------------------------------------------------------------------------------------------
// Payment callback

/** The payment request again for an unpaid order (the member left the payment screen and came back). */
export async function payAgain(orderId: string, member: string, now = new Date()): Promise<{ order: OrderView; payment: PaymentRequest }> {
  const o = await readOrder(orderId);
  if (!o || o.member !== member) throw new AppError('NOT_FOUND', `no order ${orderId}`);
  if (o.status !== 'unpaid') throw new AppError('ORDER_STATE', `a ${o.status} order is not waiting for payment`);
  if (+new Date(o.payment!.expiresAt) <= +now) throw new AppError('ORDER_EXPIRED', 'the payment window has closed');
  return { order: orderView(o), payment: await paymentAdapter().create(o) };
}

export type PayOutcome = { ok: true; order: OrderView } | { ok: false; code: ErrorCode };

/**
 * The payment platform (or the local simulated page) reports a payment. Unknown order → NOT_FOUND;
 * already paid or cancelled → ORDER_STATE; past its window → ORDER_EXPIRED (the money is refunded).
 * A failed payment changes nothing: the member may pay again until the window closes.
 */
export async function paymentCallback(cb: PayCallback, now = new Date(), retried = false): Promise<PayOutcome> {
  const db = getDb();
  const order = await readOrder(cb.outTradeNo);
  if (!order) return { ok: false, code: 'NOT_FOUND' };
  if (cb.returnCode !== 'SUCCESS' || cb.resultCode !== 'SUCCESS') {
    await db.collection(MALL.orders).doc(order._id).update({ data: { 'payment.outcome': 'failed', updatedAt: now } });
    return { ok: false, code: 'ORDER_STATE' };
  }
  if (cb.totalFee !== undefined && cb.totalFee !== orderFee(order)) return { ok: false, code: 'BAD_REQUEST' };
  if (!(await paymentAdapter().confirm(cb))) return { ok: false, code: 'FORBIDDEN' };
  if (order.status !== 'unpaid') {
    if (order.status === 'cancelled' && !order.payment?.paidAt) {
      // The member cancelled or the window closed before the money arrived: give it back.
      await paymentAdapter().refund(order, 'payment arrived after the order closed');
      return { ok: false, code: order.cancel?.by === 'timeout' ? 'ORDER_EXPIRED' : 'ORDER_STATE' };
    }
    return { ok: false, code: 'ORDER_STATE' }; // already paid
  }
  if (+new Date(order.payment!.expiresAt) <= +now) {
    await cancelOrder(order._id, { by: 'timeout', reason: 'payment window closed' }, now);
    await paymentAdapter().refund(order, 'payment arrived after the order closed');
    return { ok: false, code: 'ORDER_EXPIRED' };
  }
  // The gate: only one of payment, cancel and timeout moves the order out of unpaid.
  const r = await db.collection(MALL.orders).where({ _id: order._id, status: 'unpaid' }).update({ data: { status: 'paying', updatedAt: now } });
  // Lost the race to a cancel or the timeout: answer (and refund) as if it had come after them.
  if (r.stats.updated !== 1) return retried ? { ok: false, code: 'ORDER_STATE' } : paymentCallback(cb, now, true);
  const paidAt = now;
  try {
    const done = await deliver({ ...order, status: 'paying' as OrderStatus }, now, { 'payment.paidAt': paidAt, 'payment.transactionId': cb.transactionId ?? '' });
    return { ok: true, order: orderView({ ...done, payment: { ...order.payment!, paidAt } }) };
  } catch (e) {
    // Could not deliver (no code left): undo the order and give the money back.
    await db.collection(MALL.orders).doc(order._id).update({ data: { status: 'unpaid', 'payment.paidAt': paidAt } });
    await cancelOrder(order._id, { by: 'system', reason: e instanceof AppError ? e.code : 'delivery failed' }, now);
    await paymentAdapter().refund(order, 'could not deliver');
    return { ok: false, code: e instanceof AppError ? e.code : 'INTERNAL' };
  }
}

// ---------------------------------------------------------------------------------------------
// Cancel, ship, complete

const CANCELLABLE: OrderStatus[] = ['unpaid', 'toShip'];

/** Gives back the order's unit(s) and limit count, exactly once (guarded by `returned`). */
async function giveBack(orderId: string, now: Date): Promise<void> {
  await inTransaction(async (tx) => {
    const o = await txGet<Order>(tx, MALL.orders, orderId);
    if (!o || o.returned) return;
    if (o.shard) {
      const s = await txGet<StockShard>(tx, MALL.stock, o.shard);
      if (s) await tx.collection(MALL.stock).doc(o.shard).update({ data: { left: s.left + o.quantity, sold: s.sold - o.quantity } });
    }
    const l = await txGet<{ count: number }>(tx, MALL.limits, limitId(o.item, o.member));
    if (l) await tx.collection(MALL.limits).doc(limitId(o.item, o.member)).update({ data: { count: Math.max(0, l.count - o.quantity) } });
    await tx.collection(MALL.orders).doc(orderId).update({ data: { returned: true, updatedAt: now } });
  });
}

/** Puts the points back: an open hold is released; a committed one is reversed (restoring its lots). */
async function returnPoints(order: Order, reason: string, now: Date): Promise<void> {
  try {
    await ledger.releaseHold(order.hold, { now, reason });
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'HOLD_NOT_OPEN')) throw e;
    const { data } = await getDb().collection('holds').doc(order.hold).get();
    if ((data as { status?: string } | null)?.status === 'committed') {
      await ledger.reverse(`commit:${order.hold}`, { reason: `order ${order._id} cancelled: ${reason}`, now });
    }
  }
}

/**
 * Cancels an order that has not shipped: the status moves first (the gate), then the points come
 * back (release or reversal), the cash is refunded if it was paid, and the stock and limit are
 * returned. Each settling step is idempotent, so a cancel interrupted halfway is finished by
 * cancelling again (the jobs sweep does it for timeouts).
 */
export async function cancelOrder(orderId: string, by: { by: string; reason: string; member?: string }, now = new Date()): Promise<OrderView> {
  const db = getDb();
  const _ = db.command;
  const order = await readOrder(orderId);
  if (!order || (by.member && order.member !== by.member)) throw new AppError('NOT_FOUND', `no order ${orderId}`);
  if (order.status === 'cancelled') {
    await settleCancelled(order, now);
    return orderView((await readOrder(orderId))!);
  }
  if (!CANCELLABLE.includes(order.status)) throw new AppError('ORDER_STATE', `a ${order.status} order cannot be cancelled`);
  const cancel = { reason: by.reason, by: by.by, at: now };
  const r = await db.collection(MALL.orders).where({ _id: orderId, status: _.in(CANCELLABLE) }).update({ data: { status: 'cancelled', cancel, updatedAt: now } });
  if (r.stats.updated !== 1) throw new AppError('ORDER_STATE', 'the order changed meanwhile; refresh');
  const cancelled = { ...order, status: 'cancelled' as OrderStatus, cancel };
  await settleCancelled(cancelled, now);
  if (order.payment?.paidAt && order.cashFen > 0) {
    await paymentAdapter().refund(order, by.reason);
    await db.collection(MALL.orders).doc(orderId).update({ data: { 'payment.refundedAt': now } });
  }
  return orderView({ ...cancelled, returned: true });
}

async function settleCancelled(order: Order, now: Date): Promise<void> {
  await returnPoints(order, order.cancel?.reason ?? 'cancelled', now);
  await giveBack(order._id, now);
}

export async function shipOrder(orderId: string, logistics: { company: string; trackingNo: string }, operator: string, now = new Date()): Promise<OrderView> {
  const db = getDb();
  const r = await db.collection(MALL.orders).where({ _id: orderId, status: 'toShip' }).update({ data: { status: 'shipped', logistics: { ...logistics, shippedAt: now }, updatedAt: now } });
  if (r.stats.updated !== 1) {
    const o = await readOrder(orderId);
    if (!o) throw new AppError('NOT_FOUND', `no order ${orderId}`);
    throw new AppError('ORDER_STATE', `a ${o.status} order cannot be shipped`);
  }
  await db.collection(MALL.audit).add({ data: { operator, action: 'shipOrder', target: orderId, detail: logistics, createdAt: now } });
  return orderView((await readOrder(orderId))!, true);
}

export async function completeOrder(orderId: string, operator: string, now = new Date()): Promise<OrderView> {
  const db = getDb();
  const r = await db.collection(MALL.orders).where({ _id: orderId, status: 'shipped' }).update({ data: { status: 'completed', completedAt: now, updatedAt: now } });
  if (r.stats.updated !== 1) {
    const o = await readOrder(orderId);
    if (!o) throw new AppError('NOT_FOUND', `no order ${orderId}`);
    throw new AppError('ORDER_STATE', `a ${o.status} order cannot be completed`);
  }
  await db.collection(MALL.audit).add({ data: { operator, action: 'completeOrder', target: orderId, detail: {}, createdAt: now } });
  return orderView((await readOrder(orderId))!, true);
}

export async function operatorCancel(orderId: string, reason: string, operator: string, now = new Date()): Promise<OrderView> {
  const view = await cancelOrder(orderId, { by: 'operator', reason }, now);
  await getDb().collection(MALL.audit).add({ data: { operator, action: 'cancelOrder', target: orderId, detail: { reason }, createdAt: now } });
  return { ...view, member: (await readOrder(orderId))!.member };
}

// ---------------------------------------------------------------------------------------------
// Lists and export

const VISIBLE: OrderStatus[] = ['unpaid', 'toShip', 'shipped', 'completed', 'cancelled'];

const encode = (o: Order) => Buffer.from(JSON.stringify([+new Date(o.createdAt), o._id])).toString('base64url');
function decode(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') return v as [number, string];
  } catch {
    /* fall through */
  }
  throw new AppError('BAD_REQUEST', 'cursor: malformed');
}

export async function listOrders(filter: { member?: string; status?: OrderStatus; item?: string; cursor?: string; limit: number; withMember?: boolean }) {
  const db = getDb();
  const _ = db.command;
  const where: Record<string, unknown> = { status: filter.status ?? _.in(VISIBLE) };
  if (filter.member) where.member = filter.member;
  if (filter.item) where.item = filter.item;
  let query = db.collection(MALL.orders).where(where);
  if (filter.cursor) {
    const [t, id] = decode(filter.cursor);
    query = db.collection(MALL.orders).where(_.and([where, _.or([{ createdAt: _.lt(new Date(t)) }, { createdAt: new Date(t), _id: _.gt(id) }])]));
  }
  const { data } = await query.orderBy('createdAt', 'desc').orderBy('_id', 'asc').limit(filter.limit + 1).get();
  const page = (data as Order[]).slice(0, filter.limit);
  return { items: page.map((o) => orderView(o, filter.withMember)), nextCursor: data.length > filter.limit ? encode(page[page.length - 1]) : null };
}

export async function orderDetail(orderId: string, member?: string): Promise<OrderView> {
  const o = await readOrder(orderId);
  if (!o || (member && o.member !== member) || (member && (o.status === 'failed' || o.status === 'creating'))) throw new AppError('NOT_FOUND', `no order ${orderId}`);
  return orderView(o, !member);
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote everything that needs it, and defuse spreadsheet formulas.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV of the filtered orders (at most 5000 rows), oldest first, for fulfilment. */
export async function exportOrders(filter: { status?: OrderStatus; item?: string; from?: Date; to?: Date }): Promise<{ csv: string; rows: number }> {
  const db = getDb();
  const _ = db.command;
  const where: Record<string, unknown> = { status: filter.status ?? _.in(VISIBLE) };
  if (filter.item) where.item = filter.item;
  if (filter.from || filter.to) where.createdAt = _.and([...(filter.from ? [_.gte(filter.from)] : []), ...(filter.to ? [_.lt(filter.to)] : [])]);
  const rows: Order[] = [];
  while (rows.length < 5000) {
    const { data } = await db.collection(MALL.orders).where(where).orderBy('createdAt', 'asc').orderBy('_id', 'asc').skip(rows.length).limit(1000).get();
    rows.push(...(data as Order[]));
    if (data.length < 1000) break;
  }
  const header = ['order', 'createdAt', 'status', 'member', 'item', 'title', 'quantity', 'points', 'cashFen', 'name', 'phone', 'address', 'company', 'trackingNo', 'code'];
  const lines = rows.map((o) =>
    [
      o._id,
      iso(o.createdAt),
      o.status,
      o.member,
      o.item,
      o.title,
      o.quantity,
      o.points,
      orderFee(o),
      o.address?.name,
      o.address?.phone,
      o.address ? `${o.address.province}${o.address.city}${o.address.district}${o.address.detail}` : '',
      o.logistics?.company,
      o.logistics?.trackingNo,
      o.code,
    ]
      .map(csvCell)
      .join(','),
  );
  return { csv: [header.join(','), ...lines].join('\n') + '\n', rows: rows.length };
}

// ---------------------------------------------------------------------------------------------
// The jobs sweep

/** Unpaid orders past their window are cancelled (hold released, stock returned); stale `creating` ones failed. */
export async function sweepOrders(now = new Date(), limit = 200): Promise<{ ordersTimedOut: number; ordersFailed: number }> {
  const db = getDb();
  const _ = db.command;
  let ordersTimedOut = 0;
  let ordersFailed = 0;
  const { data: unpaid } = await db.collection(MALL.orders).where({ status: 'unpaid', 'payment.expiresAt': _.lte(now) }).limit(limit).get();
  for (const o of unpaid as Order[]) {
    try {
      await cancelOrder(o._id, { by: 'timeout', reason: 'not paid in time' }, now);
      ordersTimedOut++;
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'ORDER_STATE')) throw e; // paid meanwhile
    }
  }
  // Cancels interrupted before they gave everything back.
  const { data: unsettled } = await db.collection(MALL.orders).where({ status: 'cancelled', returned: false }).limit(limit).get();
  for (const o of unsettled as Order[]) await settleCancelled(o, now);
  const { data: stale } = await db
    .collection(MALL.orders)
    .where({ status: 'creating', createdAt: _.lte(new Date(+now - CREATING_STALE_MS)) })
    .limit(limit)
    .get();
  for (const o of stale as Order[]) {
    await returnPoints(o, 'interrupted', now).catch((e) => {
      if (!(e instanceof AppError && e.code === 'NOT_FOUND')) throw e; // never held
    });
    const r = await db.collection(MALL.orders).where({ _id: o._id, status: 'creating' }).update({ data: { status: 'failed', failCode: 'INTERNAL', updatedAt: now } });
    ordersFailed += r.stats.updated;
  }
  return { ordersTimedOut, ordersFailed };
}
