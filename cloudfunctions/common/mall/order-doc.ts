// An order document's own vocabulary, shared by the redemption (redeem.ts) and the order's later
// life (orders.ts): its id under a client key, how it reads and is shown, the fields of a delivered
// order, its move inside a ledger transaction, and a red packet's payout.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { attemptPayout, PAYOUTS, type Payout } from '../codes/redpackets';
import { shanghaiDay } from '../time';
import { txGet, type Tx } from '../tx';
import { isVirtual, MALL, type Address, type ItemKind, type Order, type OrderStatus } from './model';

/** How long a points+cash order waits for its payment. */
export const PAYMENT_WINDOW_SECONDS = 15 * 60;
/** The hold outlives the payment window, so the order sweep (not the ledger's) settles it. */
export const HOLD_SECONDS = PAYMENT_WINDOW_SECONDS + 10 * 60;

export const orderIdOf = (member: string, clientKey: string) =>
  `o${createHash('sha256').update(`${member}|${clientKey}`).digest('base64url').replace(/[-_]/g, '').slice(0, 22)}`;

/**
 * 订单号: what a member reads out on the phone and an operator types — the Shanghai day and six
 * digits, `20261129-483920`. Chosen at random from the day's 999,999 (not a running count: a counter
 * would be a hot document every redemption writes, and its read and write would take the redemption
 * past its 10 requests); the redemption's one read looks the candidates up and takes the first
 * that no order of the day has, so two orders share a number only if they picked the same one of a
 * million within the same few milliseconds. Orders made before numbers show one derived from their
 * id (`orderNoOf`).
 */
export const ORDER_NO_CANDIDATES = 3;
export function orderNoCandidates(now: Date, random: () => number = Math.random): string[] {
  const day = shanghaiDay(now).replace(/-/g, '');
  return Array.from({ length: ORDER_NO_CANDIDATES }, () => `${day}-${String(1 + Math.floor(random() * 999_999)).padStart(6, '0')}`);
}

/** The order's number; for an order made before numbers, one derived from its day and id. */
export function orderNoOf(o: Pick<Order, '_id' | 'createdAt'> & { no?: string }): string {
  if (o.no) return o.no;
  const n = (parseInt(createHash('sha256').update(o._id).digest('hex').slice(0, 12), 16) % 999_999) + 1;
  return `${shanghaiDay(new Date(o.createdAt)).replace(/-/g, '')}-${String(n).padStart(6, '0')}`;
}

export interface OrderView {
  id: string;
  /** 订单号 (`20261129-483920`): what people read; `id` stays the key every action takes. */
  no: string;
  item: string;
  title: string;
  image: string;
  kind: string;
  quantity: number;
  points: number;
  cashFen: number;
  status: OrderStatus;
  address: Address | null;
  /** Virtual items: the card codes, joined with 、 (one per unit). */
  code: string | null;
  codes: string[];
  /** Red packets: the cash and its payout id (payouts collection; operators see its status). */
  redPacket: { amountFen: number; payout: string | null } | null;
  payment: { expiresAt: string; paidAt: string | null } | null;
  logistics: { company: string; trackingNo: string; shippedAt: string } | null;
  cancel: { reason: string; by: string; at: string } | null;
  createdAt: string;
  member?: string;
}

export const iso = (d: Date | string | undefined | null) => (d ? new Date(d).toISOString() : null);

export function orderView(o: Order, withMember = false): OrderView {
  return {
    id: o._id,
    no: orderNoOf(o),
    item: o.item,
    title: o.title,
    image: o.image,
    kind: o.kind,
    quantity: o.quantity,
    points: o.points,
    cashFen: o.cashFen,
    status: o.status,
    address: o.address,
    code: codesOfOrder(o).join('、') || null,
    codes: codesOfOrder(o),
    redPacket: o.redPacketFen ? { amountFen: o.redPacketFen, payout: o.payout ?? null } : null,
    payment: o.payment ? { expiresAt: iso(o.payment.expiresAt)!, paidAt: iso(o.payment.paidAt) } : null,
    logistics: o.logistics ? { company: o.logistics.company, trackingNo: o.logistics.trackingNo, shippedAt: iso(o.logistics.shippedAt)! } : null,
    cancel: o.cancel ? { reason: o.cancel.reason, by: o.cancel.by, at: iso(o.cancel.at)! } : null,
    createdAt: iso(o.createdAt)!,
    ...(withMember ? { member: o.member } : {}),
  };
}

/** An order's card codes (orders before `codes` had only `code`). */
export const codesOfOrder = (o: Order) => o.codes ?? (o.code ? [o.code] : []);

export async function readOrder(id: string): Promise<Order | null> {
  const { data } = await getDb().collection(MALL.orders).doc(id).get();
  return (data as Order) ?? null;
}

/** The fields of an order whose points are spent: virtual items and red packets are completed, goods wait to ship. */
export function deliveredFields(kind: ItemKind, got: { codes?: string[]; payout?: string }, now: Date): Partial<Order> & { status: OrderStatus } {
  const done = isVirtual(kind) || !!got.payout;
  return {
    status: done ? 'completed' : 'toShip',
    updatedAt: now,
    ...(got.codes?.length ? { codes: got.codes, code: got.codes[0] } : {}),
    ...(got.payout ? { payout: got.payout } : {}),
    ...(done ? { completedAt: now } : {}),
  };
}

/** Thrown by moveOn: the order is no longer in the status its caller moves it from. */
class OrderMoved extends AppError {
  constructor(orderId: string, status: OrderStatus | undefined) {
    super('ORDER_STATE', `order ${orderId} is ${status} now`);
  }
}

/**
 * Inside a ledger transaction: the order moves on from `from` with the points, or the points stay.
 * The re-read (1 request) is what keeps a move made meanwhile (the sweep's `failed`, a concurrent
 * delivery): under snapshot isolation that move makes this transaction's write conflict, and a
 * blind write would succeed on the ledger's retry.
 */
export async function moveOn(tx: Tx, orderId: string, from: OrderStatus, data: Record<string, unknown>): Promise<void> {
  const o = await txGet<Order>(tx, MALL.orders, orderId);
  if (o?.status !== from) throw new OrderMoved(orderId, o?.status);
  await tx.collection(MALL.orders).doc(orderId).update({ data });
}

/**
 * A red packet's payout (the outbox of docs/codes.md), null for other kinds: `add` it in the
 * transaction that spends the points, then `send` it once; the codes timer retries one still pending.
 */
export function payoutFor(order: Order, now: Date) {
  if (order.kind !== 'redPacket' || !order.redPacketFen) return null;
  const payout = payoutOf(order, now);
  return {
    id: payout._id,
    add: async (tx: Tx) => {
      await tx.collection(PAYOUTS).add({ data: payout });
    },
    send: async () => {
      await attemptPayout(payout._id, now).catch((e) => console.error('[mall] payout attempt failed; the codes timer retries', e));
    },
  };
}

/** A red packet's payout document. */
function payoutOf(order: Order, now: Date): Payout {
  return {
    _id: `payout:order:${order._id}`,
    member: order.member,
    amountFen: order.redPacketFen!,
    campaign: 'mall',
    code: order._id,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: new Date(0),
    lastError: '',
    providerRef: '',
    createdAt: now,
  };
}

