// orders: the brand's orders earn points (docs/orders.md). Server to server for the order events:
// the brand's order system calls through the cloud's HTTP API with the shared secret from this
// function's environment (ORDERS_SECRET); member calls are refused. Idempotent by the brand's order
// id and refund id. Members read their pending (冻结) points; operators post due orders on demand.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { instantInput } from '../common/inputs';
import { delivered, myPending, paid, postDueOrders, refunded } from '../common/orders/service';

// ≤ 48 characters each, so the ledger keys `order-refund:<order>:<refund>` stay within 128.
const orderId = z.string().regex(/^[\w\-]{1,48}$/, 'orderId: 1-48 letters, digits, _ or -');
const refundId = z.string().regex(/^[\w\-]{1,48}$/, 'refundId: 1-48 letters, digits, _ or -');
const code = z.string().regex(/^[\w\-]{1,64}$/, '1-64 letters, digits, _ or -');
const fen = (what: string) => z.number().int(`${what} must be whole fen`).min(0, `${what} must not be negative`).max(100_000_000);
const server = { auth: 'server' as const, secretEnv: 'ORDERS_SECRET' };

const item = z.object({ sku: code, category: code, paidFen: fen('paidFen'), deductionFen: fen('deductionFen').optional() }).strict();
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
    pending: action({ auth: 'member', input: z.object({}).strict(), run: (_i, { caller }) => myPending(caller.openid) }),
    postDue: action({ auth: 'operator', input: z.object({}).strict(), run: () => postDueOrders(new Date()) }),
  },
});
