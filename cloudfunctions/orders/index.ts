// orders: the brand's orders earn points (docs/orders.md). Server to server for the order events:
// the brand's order system calls through the cloud's HTTP API with the shared secret from this
// function's environment (ORDERS_SECRET); member calls are refused. Idempotent by the brand's order
// id and refund id. Members read their pending (冻结) points; operators post due orders on demand.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { instantInput } from '../common/inputs';
import { delivered, myPending, paid, postDueOrders, refunded } from '../common/orders/service';
import { reviewed } from '../common/orders/reviews';

// ≤ 48 characters each, so the ledger keys `order-refund:<order>:<refund>` stay within 128.
const orderId = z.string().regex(/^[\w\-]{1,48}$/, 'orderId: 1-48 letters, digits, _ or -');
const refundId = z.string().regex(/^[\w\-]{1,48}$/, 'refundId: 1-48 letters, digits, _ or -');
const code = z.string().regex(/^[\w\-]{1,64}$/, '1-64 letters, digits, _ or -');
const fen = (what: string) => z.number().int(`${what} must be whole fen`).min(0, `${what} must not be negative`).max(100_000_000);
const server = { auth: 'server' as const, secretEnv: 'ORDERS_SECRET' };

const item = z.object({ sku: code, category: code, paidFen: fen('paidFen'), deductionFen: fen('deductionFen').optional() }).strict();
const reviewId = z.string().regex(/^[\w\-]{1,48}$/, 'reviewId: 1-48 letters, digits, _ or -');
// A review's rating or content must never reach us (a review task rewards any genuine review, so
// they must not matter): refused by name with the reason, not silently dropped, so the brand's
// integration learns it at once and nothing of what the member wrote is stored.
const REVIEW_CONTENT = /rating|star|score|content|text|comment|image|photo|positive|评分|评价内容|好评|星/i;
const reviewedInput = z
  .record(z.string(), z.unknown())
  .superRefine((raw, ctx) => {
    for (const k of Object.keys(raw))
      if (REVIEW_CONTENT.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `${k}: do not send a review's rating or content — review rewards must not depend on them (评价奖励不得以评分或内容为条件)` });
  })
  .pipe(z.object({ orderId, member: z.string().min(1).max(128), reviewId, reviewedAt: instantInput() }).strict());
const refundItem = z.object({ sku: code, fen: fen('fen').min(1, 'fen must be at least 1') }).strict();

export const main = defineFunction({
  name: 'orders',
  actions: {
    paid: action({
      ...server,
      input: z
        .object({
          orderId,
          member: z.string().min(1).max(128),
          paidFen: fen('paidFen').min(1, 'paidFen must be at least 1'),
          shippingFen: fen('shippingFen').default(0),
          items: z.array(item).min(1).max(100),
          paidAt: instantInput(),
        })
        .strict(),
      run: (i) => paid(i),
    }),
    delivered: action({ ...server, input: z.object({ orderId, deliveredAt: instantInput() }).strict(), run: (i) => delivered(i) }),
    refunded: action({
      ...server,
      input: z
        .object({ orderId, refundId, items: z.array(refundItem).max(100).default([]), shippingFen: fen('shippingFen').default(0) })
        .strict()
        .refine((r) => r.items.length > 0 || r.shippingFen > 0, 'a refund names items or shipping')
        .refine((r) => new Set(r.items.map((i) => i.sku)).size === r.items.length, 'items: each sku once'),
      run: (i) => refunded(i),
    }),
    reviewed: action({ ...server, input: reviewedInput, run: (i) => reviewed(i) }),
    pending: action({ auth: 'member', input: z.object({}).strict(), run: (_i, { caller }) => myPending(caller.openid) }),
    postDue: action({ auth: 'operator', input: z.object({}).strict(), run: () => postDueOrders(new Date()) }),
  },
});
