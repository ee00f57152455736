// Pure decisions on an order document: what a refund takes back, when pending points post.
// No I/O: the service reads the order in its transaction, plans, and writes the plan.
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import { remainingOf } from '../campaigns/rules/order';
import { shanghaiDay, shanghaiDayStart } from '../time';
import type { OrderDoc, OrderItem } from './model';

export const fingerprintOf = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url').slice(0, 22);

export interface RefundIn {
  items: { sku: string; fen: number }[];
  shippingFen: number;
}

/** A refund's content in a canonical order (so a retry listing the items differently is the same refund). */
export const refundFingerprint = (r: RefundIn) =>
  fingerprintOf([[...r.items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.fen - b.fen)).map((i) => [i.sku, i.fen]), r.shippingFen]);

const itemsFen = (items: Pick<OrderItem, 'paidFen'>[]) => items.reduce((s, i) => s + i.paidFen, 0);
const refundedItemsFen = (items: Pick<OrderItem, 'refundedFen'>[]) => items.reduce((s, i) => s + i.refundedFen, 0);

/** Points the order still earns: Σ items' points in proportion to what is still paid for them. */
export const remainingPoints = (items: OrderItem[]) => items.reduce((s, i) => s + remainingOf(i.points, i.paidFen, i.refundedFen), 0);

/** Growth the order still gives, in proportion to its items' fen still paid. */
export const remainingGrowth = (growth: number, items: OrderItem[]) => remainingOf(growth, itemsFen(items), refundedItemsFen(items));

export interface RefundPlan {
  items: OrderItem[];
  refundedShippingFen: number;
  /** Points this refund takes back, and growth. */
  points: number;
  growth: number;
}

/**
 * What a refund takes back. Refused: an sku the order does not have (ORDER_ITEM_UNKNOWN), more fen
 * for an item or for shipping than is left unrefunded (REFUND_TOO_LARGE).
 */
export function planRefund(order: Pick<OrderDoc, 'items' | 'shippingFen' | 'refundedShippingFen' | 'growth'>, r: RefundIn): RefundPlan {
  const items = order.items.map((i) => ({ ...i }));
  for (const ri of r.items) {
    const it = items.find((i) => i.sku === ri.sku);
    if (!it) throw new AppError('ORDER_ITEM_UNKNOWN', `sku ${ri.sku} is not in this order`);
    if (it.refundedFen + ri.fen > it.paidFen) throw new AppError('REFUND_TOO_LARGE', `sku ${ri.sku}: refunds would exceed the ${it.paidFen} fen paid (already refunded ${it.refundedFen})`);
    it.refundedFen += ri.fen;
  }
  const refundedShippingFen = order.refundedShippingFen + r.shippingFen;
  if (refundedShippingFen > order.shippingFen) throw new AppError('REFUND_TOO_LARGE', `shipping: refunds would exceed the ${order.shippingFen} fen paid`);
  return {
    items,
    refundedShippingFen,
    points: remainingPoints(order.items) - remainingPoints(items),
    growth: remainingGrowth(order.growth, order.items) - remainingGrowth(order.growth, items),
  };
}

/** Pending points become available at 00:00 Shanghai the day after the return window's last day. */
export function postAtOf(deliveredAt: Date, returnDays: number): Date {
  const day = shanghaiDay(deliveredAt);
  return shanghaiDayStart(shanghaiDay(+shanghaiDayStart(day) + (returnDays + 1) * 86_400_000 + 3_600_000));
}
