// Orders after redemption (redeem.ts makes them): the payment callback and paid delivery, cancel,
// ship, complete, lists, export and the jobs sweep. Giving back (cancel, timeout, the sweep) is the
// redemption saga's (redeem.ts · giveBackOrder / abortOrder): exactly once, from the order's journal.
import { getDb } from '../cloud';
import { AppError, type ErrorCode } from '../errors';
import { holdStatus } from '../ledger/access';
import type { Entry } from '../ledger/model';
import * as ledger from '../ledger/service';
import { isVirtual, MALL, type Order, type OrderStatus } from './model';
import { codesOfOrder, deliveredFields, moveOn, orderNoOf, orderView, payoutFor, readOrder, type OrderView } from './order-doc';
import { paymentAdapter, orderFee, type PayCallback, type PaymentRequest } from './payment';
import { abortOrder, giveBackOrder } from './redeem';
import { codesOf, freeCodes, takeCodes, type TakenCode } from './units';
import { CANCEL_REASON, ORDER_STATUS_TEXT, returnReason } from './words';
import { shanghaiDateTime } from '../time';

/** A redemption still `creating` after this was interrupted; the sweep fails it. */
const CREATING_STALE_MS = 10 * 60_000;
/** A paid order still `paying` after this had its delivery interrupted; the sweep finishes it. */
const PAYING_STALE_MS = 2 * 60_000;

/**
 * A paid points+cash order (status `paying`): a virtual item takes its code first (none left →
 * SOLD_OUT, undone by the caller), then the hold is committed in ONE transaction with the order's
 * final state (and a red packet's payout document), so a process dying anywhere leaves the order
 * `paying` with its hold open — resumed by a retried callback or the jobs sweep — or finished.
 * `resumed`: an earlier delivery was interrupted, so a code it claimed is reused, not a second one.
 */
async function deliver(order: Order, now: Date, resumed: boolean): Promise<Order> {
  let codes: TakenCode[] = [];
  if (isVirtual(order.kind)) {
    if (resumed) codes = (await codesOf(order)).slice(0, order.quantity);
    const more = order.quantity - codes.length;
    const taken = more > 0 ? await takeCodes(order.item, order._id, order.member, more, now) : [];
    if (!taken) {
      await freeCodes(codes, order._id);
      throw new AppError('SOLD_OUT', 'the code pool is empty');
    }
    codes = [...codes, ...taken];
  }
  const payout = payoutFor(order, now);
  const data: Record<string, unknown> = deliveredFields(order.kind, { codes: codes.map((c) => c.code), payout: payout?.id }, now);
  let entry: Entry | null = null;
  let replayed = false;
  let failure: unknown = null;
  try {
    ({ entry, replayed } = await ledger.commitHold(order.hold, {
      now,
      alsoInTransaction: async (tx) => {
        await moveOn(tx, order._id, 'paying', data);
        await payout?.add(tx);
      },
    }));
  } catch (e) {
    failure = e;
  }
  if (entry && !replayed) {
    await payout?.send();
    return { ...order, ...data } as Order;
  }
  // The commit failed (perhaps after reaching the database, its reply lost), or it answered a
  // concurrent resumption's entry. The order as stored decides: a code it does not carry goes back
  // to the pool; one it carries was sold, and freeing it would sell it twice.
  const stored = (await readOrder(order._id))!;
  const carried = new Set(codesOfOrder(stored));
  await freeCodes(codes.filter((c) => !carried.has(c.code)), order._id);
  if (failure && (stored.status === 'paying' || stored.status === 'cancelled')) throw failure;
  return stored; // delivered, by this call's lost commit or another's
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
  // A failed payment is only news (the member may pay again until the window closes): nothing changes.
  if (cb.returnCode !== 'SUCCESS' || cb.resultCode !== 'SUCCESS') return { ok: false, code: 'ORDER_STATE' };
  // The fee is part of what is confirmed: missing or not a whole number of fen is refused, never skipped.
  if (!Number.isSafeInteger(cb.totalFee) || cb.totalFee !== orderFee(order)) return { ok: false, code: 'BAD_REQUEST' };
  if (!(await paymentAdapter().confirm(cb))) return { ok: false, code: 'FORBIDDEN' };
  // Paid before, and its delivery interrupted (the platform retries a callback it got no answer to).
  if (order.status === 'paying') return finishPaid(order, now, true);
  if (order.status !== 'unpaid') {
    if (order.status === 'cancelled' && !order.payment?.paidAt) {
      // The member cancelled or the window closed before the money arrived: give it back, once.
      await refundOnce(order, '订单已关闭，款项原路退回', now);
      return { ok: false, code: order.cancel?.by === 'timeout' ? 'ORDER_EXPIRED' : 'ORDER_STATE' };
    }
    return { ok: false, code: 'ORDER_STATE' }; // already paid
  }
  if (+new Date(order.payment!.expiresAt) <= +now) {
    await cancelOrder(order._id, { by: 'timeout', reason: CANCEL_REASON.timeout }, now).catch((e) => {
      if (!(e instanceof AppError && e.code === 'ORDER_STATE')) throw e; // cancelled by a concurrent callback or the tick
    });
    await refundOnce(order, '订单已关闭，款项原路退回', now);
    return { ok: false, code: 'ORDER_EXPIRED' };
  }
  // The gate: only one of payment, cancel and timeout moves the order out of unpaid. It records the
  // payment, so a delivery cut short can be finished without the callback.
  const payment = { 'payment.paidAt': now, 'payment.transactionId': cb.transactionId ?? '' };
  const r = await db.collection(MALL.orders).where({ _id: order._id, status: 'unpaid' }).update({ data: { status: 'paying', ...payment, updatedAt: now } });
  // Lost the race to a cancel or the timeout: answer (and refund) as if it had come after them.
  if (r.stats.updated !== 1) return retried ? { ok: false, code: 'ORDER_STATE' } : paymentCallback(cb, now, true);
  return finishPaid({ ...order, status: 'paying', payment: { ...order.payment!, paidAt: now } }, now, false);
}

/** Delivers a `paying` order; if it cannot be delivered, the order is cancelled and the money refunded. */
async function finishPaid(order: Order, now: Date, resumed: boolean): Promise<PayOutcome> {
  try {
    const done = await deliver(order, now, resumed);
    return { ok: true, order: orderView(done) };
  } catch (e) {
    // Cancelled meanwhile (deliver answers an order delivered by anyone as delivered).
    if (e instanceof AppError && e.code === 'ORDER_STATE') return { ok: false, code: 'ORDER_STATE' };
    // The database unreachable, or contention (CONFLICT): still `paying`, resumed later.
    if (!(e instanceof AppError) || e.code === 'CONFLICT') throw e;
    // Could not deliver (no code left, the hold timed out): cancelled straight from `paying`; the
    // cancel refunds the money, which the order records as paid.
    await cancelOrder(order._id, { by: 'system', reason: CANCEL_REASON.undeliverable }, now, ['paying']);
    return { ok: false, code: e.code };
  }
}

/**
 * Refunds an order's cash at most once, whatever arrives (late callbacks racing each other, a
 * cancel): `payment.refundedAt` is set with a conditional write first, and only its winner refunds.
 * A refund the platform refuses clears the mark again, so the callback's retry refunds.
 */
async function refundOnce(order: Order, reason: string, now: Date): Promise<void> {
  const db = getDb();
  const _ = db.command;
  const r = await db.collection(MALL.orders).where({ _id: order._id, 'payment.refundedAt': _.exists(false) }).update({ data: { 'payment.refundedAt': now } });
  if (r.stats.updated !== 1) return;
  try {
    await paymentAdapter().refund(order, reason);
  } catch (e) {
    await db.collection(MALL.orders).doc(order._id).update({ data: { 'payment.refundedAt': _.remove() } });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Cancel, ship, complete

const CANCELLABLE: OrderStatus[] = ['unpaid', 'toShip'];

/**
 * Puts the points back, restoring exactly the lots they came from. Points only: the debit is
 * reversed. Points + cash: an open hold is released, a committed one reversed. (A points-only order
 * made before redemptions debited directly has a hold: reversing it is NOT_REVERSIBLE, so it takes
 * the hold's way.)
 */
async function returnPoints(order: Order, reason: string, now: Date): Promise<void> {
  const why = returnReason(order, reason);
  if (order.cashFen === 0) {
    try {
      await ledger.reverse(order.hold, { reason: why, now, owner: 'mall' });
      return;
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'NOT_REVERSIBLE')) throw e;
    }
  }
  try {
    await ledger.releaseHold(order.hold, { now, reason: why });
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'HOLD_NOT_OPEN')) throw e;
    if ((await holdStatus(order.hold)) === 'committed') await ledger.reverse(`commit:${order.hold}`, { reason: why, now, owner: 'mall' });
  }
}

/**
 * Cancels an order that has not shipped: the status moves first (the gate), then the points come
 * back (release or reversal), the cash is refunded if it was paid, and the stock and limit are
 * returned. Each settling step is idempotent, so a cancel interrupted halfway is finished by
 * cancelling again (the jobs sweep does it for timeouts). `from`: the statuses it may cancel
 * (a paid order that cannot be delivered is cancelled from `paying`).
 */
export async function cancelOrder(
  orderId: string,
  by: { by: string; reason: string; member?: string },
  now = new Date(),
  from: OrderStatus[] = CANCELLABLE,
): Promise<OrderView> {
  const db = getDb();
  const _ = db.command;
  const order = await readOrder(orderId);
  if (!order || (by.member && order.member !== by.member)) throw new AppError('NOT_FOUND', `no order ${orderId}`);
  if (order.status === 'cancelled') {
    await settleCancelled(order, now);
    return orderView((await readOrder(orderId))!);
  }
  if (!from.includes(order.status)) throw new AppError('ORDER_STATE', `a ${order.status} order cannot be cancelled`);
  const cancel = { reason: by.reason, by: by.by, at: now };
  const r = await db.collection(MALL.orders).where({ _id: orderId, status: _.in(from) }).update({ data: { status: 'cancelled', cancel, updatedAt: now } });
  if (r.stats.updated !== 1) throw new AppError('ORDER_STATE', 'the order changed meanwhile; refresh');
  const cancelled = { ...order, status: 'cancelled' as OrderStatus, cancel };
  await settleCancelled(cancelled, now);
  if (order.payment?.paidAt && order.cashFen > 0) await refundOnce(order, by.reason, now);
  return orderView({ ...cancelled, returned: true });
}

async function settleCancelled(order: Order, now: Date): Promise<void> {
  await returnPoints(order, order.cancel?.reason ?? '', now);
  await giveBackOrder(order, now);
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

/** What lists show: `paying` (支付确认中) too, so a paid order does not vanish while it is delivered. */
const LISTED: OrderStatus[] = ['unpaid', 'paying', 'toShip', 'shipped', 'completed', 'cancelled'];
/** What the export (for fulfilment) holds. */
const EXPORTED: OrderStatus[] = ['unpaid', 'toShip', 'shipped', 'completed', 'cancelled'];

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
  const where: Record<string, unknown> = { status: filter.status ?? _.in(LISTED) };
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
/** `present`: what the caller may see of the rows (privacy: masked addresses by operator role). */
export async function exportOrders(
  filter: { status?: OrderStatus; item?: string; from?: Date; to?: Date },
  present: (rows: Order[]) => Promise<Order[]> = async (rows) => rows,
): Promise<{ csv: string; rows: number }> {
  const db = getDb();
  const _ = db.command;
  const where: Record<string, unknown> = { status: filter.status ?? _.in(EXPORTED) };
  if (filter.item) where.item = filter.item;
  if (filter.from || filter.to) where.createdAt = _.and([...(filter.from ? [_.gte(filter.from)] : []), ...(filter.to ? [_.lt(filter.to)] : [])]);
  const rows: Order[] = [];
  while (rows.length < 5000) {
    const { data } = await db.collection(MALL.orders).where(where).orderBy('createdAt', 'asc').orderBy('_id', 'asc').skip(rows.length).limit(1000).get();
    rows.push(...(data as Order[]));
    if (data.length < 1000) break;
  }
  // Chinese headers and states, Shanghai times, money in yuan: the CSV is read by people (fulfilment).
  const header = ['订单号', '下单时间', '状态', '会员', '商品编号', '商品', '数量', '积分', '现金(元)', '收货人', '电话', '地址', '快递公司', '运单号', '卡码'];
  const lines = (await present(rows)).map((o) =>
    [
      orderNoOf(o),
      shanghaiDateTime(o.createdAt),
      ORDER_STATUS_TEXT[o.status] ?? o.status,
      o.member,
      o.item,
      o.title,
      o.quantity,
      o.points,
      (orderFee(o) / 100).toFixed(2),
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

/** One order's step of the sweep: its failure is logged (the order is found again next tick), never ends the sweep. */
async function each(orders: Order[], what: string, step: (o: Order) => Promise<void>): Promise<void> {
  for (const o of orders) {
    try {
      await step(o);
    } catch (e) {
      console.error(`[mall] sweep: ${what} order ${o._id} failed; the next tick tries again`, e);
    }
  }
}

/**
 * Unpaid orders past their window are cancelled (hold released, stock returned); paid ones whose
 * delivery was cut short are finished; interrupted cancels are settled; stale `creating` ones (their
 * function died mid-redemption) are failed.
 */
export async function sweepOrders(now = new Date(), limit = 200): Promise<{ ordersTimedOut: number; ordersFailed: number; ordersResumed: number }> {
  const db = getDb();
  const _ = db.command;
  const out = { ordersTimedOut: 0, ordersFailed: 0, ordersResumed: 0 };
  const find = async (where: Record<string, unknown>) => (await db.collection(MALL.orders).where(where).limit(limit).get()).data as Order[];
  await each(await find({ status: 'unpaid', 'payment.expiresAt': _.lte(now) }), 'timing out', async (o) => {
    try {
      await cancelOrder(o._id, { by: 'timeout', reason: CANCEL_REASON.timeout }, now);
      out.ordersTimedOut++;
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'ORDER_STATE')) throw e; // paid meanwhile
    }
  });
  // Paid orders whose delivery was cut short (the payment is recorded on them): finish them.
  await each(await find({ status: 'paying', updatedAt: _.lte(new Date(+now - PAYING_STALE_MS)) }), 'resuming', async (o) => {
    if ((await finishPaid(o, now, true)).ok) out.ordersResumed++;
  });
  // Cancels interrupted before they gave everything back.
  await each(await find({ status: 'cancelled', returned: false }), 'settling', (o) => settleCancelled(o, now));
  // Redemptions whose function died after the order's add (a retry of the key would have resumed
  // them): failed (ORDER_EXPIRED) and what their journal records given back — by the saga's close,
  // a conditional write that is safe against a redemption finishing right now: it waits for that
  // ledger transaction's lock and then finds the order moved on; or it goes first, and the
  // transaction's write conflicts and its re-read finds `failed`.
  await each(await find({ status: 'creating', createdAt: _.lte(new Date(+now - CREATING_STALE_MS)) }), 'failing', async (o) => {
    if (await abortOrder(o, now)) out.ordersFailed++;
  });
  // Failures whose give-back was cut short.
  await each(await find({ status: 'failed', returned: false }), 'giving back', (o) => giveBackOrder(o, now));
  return out;
}
