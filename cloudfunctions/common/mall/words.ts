// What people read about mall orders, in Chinese at the source (issue 14 §1): the cancel reasons
// the system writes, the ledger rows' reasons (naming the item), the order states of the
// operators' CSV. Old orders keep the English reasons they were written with; `cancelReasonText`
// reads those too, so every reader shows Chinese.
import type { OrderStatus } from './model';

export const CANCEL_REASON = {
  member: '会员取消',
  timeout: '超时未支付',
  /** A paid order that could not be delivered (no card code left, the hold timed out): refunded. */
  undeliverable: '无法发货，已退款',
} as const;

const LEGACY: Record<string, string> = {
  'member cancelled': CANCEL_REASON.member,
  'not paid in time': CANCEL_REASON.timeout,
  'payment window closed': CANCEL_REASON.timeout,
  cancelled: '已取消',
};

/** A stored cancel reason as a person reads it: legacy English and bare error codes in Chinese. */
export function cancelReasonText(reason: string | null | undefined): string {
  if (!reason) return '已取消';
  if (Object.prototype.hasOwnProperty.call(LEGACY, reason)) return LEGACY[reason];
  return /^[A-Z_]+$/.test(reason) ? CANCEL_REASON.undeliverable : reason;
}

export const ORDER_STATUS_TEXT: Record<OrderStatus, string> = {
  creating: '创建中',
  unpaid: '待付款',
  paying: '支付确认中',
  toShip: '待发货',
  shipped: '已发货',
  completed: '已完成',
  cancelled: '已取消',
  failed: '未成功',
};

/**
 * The ledger row of a redemption: "兑换 山野青瓷茶杯 × 1 · 订单 20261129-483920" (the number, when
 * the order has one: an order made before numbers keeps the words its first attempt was keyed with).
 */
export const redeemReason = (o: { title: string; quantity: number; no?: string }) => `兑换 ${o.title} × ${o.quantity}${o.no ? ` · 订单 ${o.no}` : ''}`;

/** The ledger row giving the points back: "退回 山野青瓷茶杯 × 1（会员取消）· 订单 20261129-483920". */
export const returnReason = (o: { title: string; quantity: number; no?: string }, reason: string) =>
  `退回 ${o.title} × ${o.quantity}（${cancelReasonText(reason)}）${o.no ? `· 订单 ${o.no}` : ''}`;
