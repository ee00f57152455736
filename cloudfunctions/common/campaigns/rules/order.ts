// Order campaigns (the brand's orders, docs/orders.md): points = floor(eligible fen × ratio ×
// multiplier) per item. Pure: the event carries the items and the member's tier multiplier; the
// caller applies the campaign's caps (per day, …) and keeps the per-item split for refunds.
// Exact arithmetic (BigInt over integer hundredths / ten-thousandths): no float rounding ever moves
// a point, so a retry or a replay computes the same number.
import { z } from 'zod';
import type { RuleModule } from './index';

const id = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');
/** A decimal with at most `places` places (kept exact by scaling to integers). */
const decimal = (places: number, min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((v) => Math.abs(v * 10 ** places - Math.round(v * 10 ** places)) < 1e-6, `at most ${places} decimal places`);

export const orderRuleSchema = z
  .object({
    /** Points per ¥1 of eligible paid amount (1 = 1 point per yuan; 0.1 = JD's 京豆 style). */
    pointsPerYuan: decimal(4, 0.0001, 100),
    excludedSkus: z.array(id).max(500).default([]),
    excludedCategories: z.array(id).max(100).default([]),
    /** Whether the member's tier earn multiplier applies (会员等级). */
    tierMultiplier: z.boolean().default(true),
    /** Campaign multiplier windows; the largest in force at the payment time applies. */
    multipliers: z.array(z.object({ from: z.iso.datetime(), to: z.iso.datetime(), factor: decimal(2, 1, 10) }).strict()).max(20).default([]),
    /** How the tier and campaign multipliers combine: the operator's explicit choice, never "whichever was edited last". */
    stacking: z.enum(['multiply', 'max', 'add']).default('multiply'),
    /** Most points one order earns (after multipliers); per-day caps are the campaign's caps. */
    maxPerOrder: z.number().int().min(1).max(100_000_000).optional(),
    /** Days after delivery during which the member may return goods: the points stay pending (冻结) until they pass. */
    returnDays: z.number().int().min(0).max(90).default(7),
  })
  .strict();

export type OrderRule = z.infer<typeof orderRuleSchema>;

export interface OrderItemIn {
  sku: string;
  category: string;
  /** Cash paid for the item (after discounts and after any points deduction). */
  paidFen: number;
}

export interface OrderEvent {
  orderId: string;
  items: OrderItemIn[];
  /** The member's tier when paid: its name and earn multiplier (1 without tiers). */
  tierName: string;
  tierMultiplier: number;
  /** The payment time (campaign multiplier windows are matched against it). */
  paidAt: Date;
}

export interface OrderBreakdown {
  /** Per item, in the event's order: eligible fen and points before the order cap. */
  items: { eligibleFen: number; points: number }[];
  /** Σ items' points, then the per-order cap. */
  points: number;
  uncapped: number;
  campaignFactor: number;
  /** The combined multiplier in hundredths ÷ 100 (display). */
  multiplier: number;
  why: string;
}

const hundredths = (v: number) => Math.round(v * 100);
const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** The combined multiplier as an exact fraction [numerator, denominator]. */
export function combined(rule: Pick<OrderRule, 'stacking' | 'tierMultiplier'>, tier: number, campaign: number): [bigint, bigint] {
  const t = BigInt(rule.tierMultiplier ? hundredths(tier) : 100);
  const c = BigInt(hundredths(campaign));
  if (rule.stacking === 'max') return [t > c ? t : c, 100n];
  if (rule.stacking === 'add') return [t + c - 100n, 100n];
  return [t * c, 10_000n];
}

export function campaignFactor(rule: Pick<OrderRule, 'multipliers'>, at: Date): number {
  let f = 1;
  for (const m of rule.multipliers) if (+new Date(m.from) <= +at && +at < +new Date(m.to)) f = Math.max(f, m.factor);
  return f;
}

export const isExcluded = (rule: Pick<OrderRule, 'excludedSkus' | 'excludedCategories'>, item: Pick<OrderItemIn, 'sku' | 'category'>) =>
  rule.excludedSkus.includes(item.sku) || rule.excludedCategories.includes(item.category);

/** The formula, per item, floored per item; then the per-order cap. */
export function orderPoints(rule: OrderRule, e: OrderEvent): OrderBreakdown {
  const cf = campaignFactor(rule, e.paidAt);
  const [mN, mD] = combined(rule, e.tierMultiplier, cf);
  const rN = BigInt(Math.round(rule.pointsPerYuan * 10_000));
  const items = e.items.map((it) => {
    const eligibleFen = isExcluded(rule, it) ? 0 : it.paidFen;
    const points = Number((BigInt(eligibleFen) * rN * mN) / (100n * 10_000n * mD));
    return { eligibleFen, points };
  });
  const uncapped = items.reduce((s, i) => s + i.points, 0);
  const points = rule.maxPerOrder === undefined ? uncapped : Math.min(uncapped, rule.maxPerOrder);
  const eligible = items.reduce((s, i) => s + i.eligibleFen, 0);
  const multiplier = Number(mN * 100n / mD) / 100;
  const parts = [`订单 ${e.orderId}`, `实付 ${yuan(eligible)} × ${rule.pointsPerYuan}`];
  // The multipliers as they were applied (the operator's stacking), so the member's "why" is the formula.
  const tierPart = rule.tierMultiplier && e.tierMultiplier !== 1 ? `${e.tierName} ${e.tierMultiplier} 倍` : '';
  const campaignPart = cf !== 1 ? `活动 ${cf} 倍` : '';
  if (tierPart && campaignPart && rule.stacking === 'max') parts.push(e.tierMultiplier >= cf ? tierPart : campaignPart);
  else if (tierPart && campaignPart && rule.stacking === 'add') parts.push(`${tierPart}、${campaignPart}叠加为 ${multiplier} 倍`);
  else parts.push(...[tierPart, campaignPart].filter(Boolean));
  if (points < uncapped) parts.push(`单笔上限 ${points}`);
  return { items, points, uncapped, campaignFactor: cf, multiplier, why: parts.join(' · ') };
}

/**
 * Splits `total` (≤ Σ weights) over items in proportion to their weights, floored, the remainder to
 * the largest fractional parts (ties to the earlier item): after a cap, each item keeps its share,
 * so a refund of one item takes back that item's share.
 */
export function split(weights: number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0 || total >= sum) return weights.map((w) => (sum === 0 ? 0 : w));
  const exact = weights.map((w) => (BigInt(w) * BigInt(total)));
  const base = exact.map((x) => Number(x / BigInt(sum)));
  let left = total - base.reduce((s, b) => s + b, 0);
  const order = exact.map((x, i) => ({ i, r: Number(x % BigInt(sum)) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    base[i]++;
    left--;
  }
  return base;
}

/**
 * What an item still earns after `refundedFen` of its `paidFen` came back: its points in proportion
 * to what is still paid, floored. Depends only on the total refunded, so refunds in any order, or
 * split in any way, end in the same number, and a full refund leaves exactly 0.
 */
export const remainingOf = (points: number, paidFen: number, refundedFen: number): number =>
  paidFen <= 0 ? 0 : Number((BigInt(points) * BigInt(paidFen - refundedFen)) / BigInt(paidFen));

export const orderRule: RuleModule<OrderRule, OrderEvent> = {
  kind: 'order',
  schema: orderRuleSchema as unknown as z.ZodType<OrderRule>,
  evaluate(rule, { event }) {
    const b = orderPoints(rule, event);
    return { points: b.points, why: b.why };
  },
};
