// The brand's orders earning points (docs/orders.md): one document per brand order id, holding the
// formula's inputs and result per item, the pending (冻结) points, and every refund by its id.
import type { ExpiryPolicy } from '../ledger/policy';

export const ORDERS = {
  orders: 'orderEarnings',
  /** Reviews of those orders (reviews.ts): the fact a review task counts; never a rating or content. */
  reviews: 'orderReviews',
} as const;

export interface OrderItem {
  sku: string;
  category: string;
  /** Cash paid for the item (after discounts and points deduction). */
  paidFen: number;
  /** Part of the item's price paid with points: recorded, never earns. */
  deductionFen: number;
  /** paidFen unless the sku / category is excluded. */
  eligibleFen: number;
  /** The item's share of the order's points (after the caps). */
  points: number;
  refundedFen: number;
}

export interface RefundRecord {
  fingerprint: string;
  items: { sku: string; fen: number }[];
  shippingFen: number;
  /** Points it took back (from the pending credit, or from the posted one). */
  points: number;
  growth: number;
  /** Whether it shrank the pending credit or reversed part of the posted one. */
  stage: 'pending' | 'posted';
  /** The ledger entry of a reversal after posting. */
  entry?: string;
  at: Date;
}

/**
 * pending: paid, points 冻结 (not spendable) until delivery + the return window; posted: credited
 * to the ledger; closed: nothing left to post (refunded in full before posting).
 */
export type OrderStatus = 'pending' | 'posted' | 'closed';

export interface OrderDoc {
  _id: string;
  member: string;
  status: OrderStatus;
  /** Hash of the `paid` report: the same order id with other content is IDEMPOTENCY_MISMATCH. */
  fingerprint: string;
  paidFen: number;
  shippingFen: number;
  refundedShippingFen: number;
  items: OrderItem[];
  paidAt: Date;
  /** The campaign (kind `order`) and version the formula came from ('' = none live). */
  campaign: string;
  version: number;
  budget?: string;
  expiry?: ExpiryPolicy;
  pointsPerYuan: number;
  tier: string;
  tierName: string;
  tierMultiplier: number;
  campaignFactor: number;
  multiplier: number;
  stacking: string;
  /** What the formula gave (after the per-order cap) and what the caps left. */
  uncapped: number;
  points: number;
  /** Points still to post (points − refunds before posting). */
  pending: number;
  /** Points credited at posting, and reversed by refunds after it. */
  posted: number;
  reversed: number;
  why: string;
  growth: number;
  growthCycleStart: string;
  returnDays: number;
  deliveredAt?: Date;
  /** When the pending points become available (delivery + the return window, 00:00 Shanghai). */
  postAt?: Date;
  /** The posting's ledger entry key (`order:<id>`). */
  entry?: string;
  refunds: Record<string, RefundRecord>;
  createdAt: Date;
  updatedAt: Date;
}

export const postingKey = (orderId: string) => `order:${orderId}`;
export const refundKey = (orderId: string, refundId: string) => `order-refund:${orderId}:${refundId}`;
export const growthKey = (orderId: string) => `growth:order:${orderId}`;
export const growthRefundKey = (orderId: string, refundId: string) => `growth:refund:${orderId}:${refundId}`;
