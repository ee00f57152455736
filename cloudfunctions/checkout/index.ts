// checkout: pay with points at the brand's own checkout. Server to server only: the brand's server
// calls through the cloud's HTTP API with the shared secret from this function's environment
// (CHECKOUT_SECRET); member calls are refused. Idempotent by the brand's order id (docs/mall.md).
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { cancel, commit, holdPoints, quote, refund } from '../common/mall/checkout';

const brandOrderId = z.string().regex(/^[\w\-]{1,64}$/, 'brandOrderId: 1-64 letters, digits, _ or -');
const member = z.string().min(1).max(128);
const amountFen = z.number().int('amountFen must be whole fen').min(1).max(100_000_000);
const server = { auth: 'server' as const, secretEnv: 'CHECKOUT_SECRET' };

export const main = defineFunction({
  name: 'checkout',
  actions: {
    quote: action({ ...server, input: z.object({ member, amountFen }).strict(), run: (i) => quote(i.member, i.amountFen) }),
    hold: action({
      ...server,
      input: z.object({ brandOrderId, member, amountFen, points: z.number().int('points must be whole').min(1).max(100_000_000) }).strict(),
      run: (i) => holdPoints(i),
    }),
    commit: action({ ...server, input: z.object({ brandOrderId }).strict(), run: (i) => commit(i.brandOrderId) }),
    cancel: action({ ...server, input: z.object({ brandOrderId }).strict(), run: (i) => cancel(i.brandOrderId) }),
    refund: action({
      ...server,
      input: z.object({ brandOrderId, reason: z.string().trim().min(1).max(200) }).strict(),
      run: (i) => refund(i.brandOrderId, i.reason),
    }),
  },
});
