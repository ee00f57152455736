// play: 积分玩法 — one prize-pool engine behind 刮刮卡, 大转盘, 九宫格 and 集字有礼 (docs/play.md).
// Operators create and publish pools as campaigns of kind `game` through `admin`; members read
// pools, draw, see their prizes and verify draws here.
import { z } from 'zod';
import { instantInput } from '../common/inputs';
import { action, defineFunction } from '../common/handler';
import { claimGift, combine, giveCard } from '../common/play/cards';
import { draw, deliverStale, givePrizeAddress } from '../common/play/draw';
import { grantPlays } from '../common/play/grants';
import { drawView, exportDraws, listPools, myItems, myPrizes, poolView, verifyDraw, winners } from '../common/play/views';

const poolId = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only (1-64)');
const clientKey = z.string().regex(/^[\w.\-]{8,40}$/, 'clientKey must be 8-40 characters of letters, digits and _ . -');
const drawKey = z.string().regex(/^draw:[\w\-]{1,64}:[\w\-]{1,64}:[\w.\-]{8,40}$/, 'not a draw key');

export const main = defineFunction({
  name: 'play',
  // Every 5 minutes: draws a crash left `drawn` (paid, result recorded, prize not yet delivered) are delivered.
  onTimer: async (event) => ({ delivered: await deliverStale(new Date(event.Time)) }),
  actions: {
    pools: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: async () => ({ pools: await listPools() }),
    }),
    pool: action({
      auth: 'member',
      input: z.object({ pool: poolId }).strict(),
      run: (i, { caller }) => poolView(i.pool, caller.openid),
    }),
    draw: action({
      auth: 'member',
      input: z.object({ pool: poolId, clientKey, pay: z.enum(['points', 'free', 'granted']) }).strict(),
      run: async (i, { caller }) => ({ draw: drawView(await draw({ pool: i.pool, member: caller.openid, clientKey: i.clientKey, pay: i.pay })) }),
    }),
    winners: action({
      auth: 'member',
      input: z.object({ pool: poolId }).strict(),
      run: async (i) => ({ winners: await winners(i.pool) }),
    }),
    myPrizes: action({
      auth: 'member',
      input: z.object({ pool: poolId.optional(), cursor: instantInput().optional(), limit: z.number().int().min(1).max(50).default(20) }).strict(),
      run: (i, { caller }) => myPrizes(caller.openid, i),
    }),
    prizeAddress: action({
      // A physical prize (待填写地址): where to ship it; the 0-point mall order is made with it.
      auth: 'member',
      input: z
        .object({
          key: z.string().regex(/^(draw|combine):[\w\-:.]{1,200}$/, 'not a prize key'),
          address: z.object({ name: z.string().max(40), phone: z.string().max(20), province: z.string().max(40), city: z.string().max(40), district: z.string().max(40), detail: z.string().max(200) }).strict(),
        })
        .strict(),
      run: async (i, { caller }) => ({ draw: drawView(await givePrizeAddress(caller.openid, i.key, i.address)) }),
    }),
    myItems: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: (_i, { caller }) => myItems(caller.openid),
    }),
    verify: action({
      auth: 'member',
      input: z.object({ key: drawKey }).strict(),
      run: (i, { caller }) => verifyDraw(caller.openid, i.key),
    }),
    combine: action({
      auth: 'member',
      input: z.object({ pool: poolId, clientKey }).strict(),
      run: async (i, { caller }) => ({ draw: drawView(await combine({ pool: i.pool, member: caller.openid, clientKey: i.clientKey })) }),
    }),
    giveCard: action({
      auth: 'member',
      input: z.object({ pool: poolId, char: z.string().regex(/^\p{Script=Han}$/u, 'one Chinese character'), clientKey }).strict(),
      run: async (i, { caller }) => {
        const g = await giveCard({ pool: i.pool, member: caller.openid, char: i.char, clientKey: i.clientKey });
        return { gift: { id: g._id, pool: g.pool, char: g.char, status: g.status } };
      },
    }),
    claimGift: action({
      auth: 'member',
      input: z.object({ gift: z.string().regex(/^gift-[\w\-.]{1,60}$/, 'not a gift id') }).strict(),
      run: async (i, { caller }) => {
        const g = await claimGift({ gift: i.gift, member: caller.openid });
        return { gift: { id: g._id, pool: g.pool, char: g.char, status: g.status } };
      },
    }),
    grantPlays: action({
      auth: 'operator',
      // For other campaigns' modules and operators' compensations; scans and tasks call grantPlays() directly.
      input: z.object({ pool: poolId, member: z.string().regex(/^[\w\-]{1,64}$/), plays: z.number().int().min(1).max(10), source: z.enum(['scan', 'task']), key: z.string().regex(/^[\w:.\-]{1,64}$/) }).strict(),
      run: (i) => grantPlays(i),
    }),
    exportDraws: action({
      auth: 'operator',
      input: z.object({ pool: poolId, after: z.string().regex(/^draw:[\w\-:.]{1,200}$/).optional(), limit: z.number().int().min(1).max(1000).default(1000) }).strict(),
      run: (i) => exportDraws(i.pool, i),
    }),
    deliverStale: action({
      auth: 'operator',
      input: z.object({ olderThanSeconds: z.number().int().min(0).max(86_400).default(60) }).strict(),
      run: async (i) => ({ delivered: await deliverStale(new Date(), i.olderThanSeconds * 1000) }),
    }),
  },
});
