// The brand's orders earning points (docs/orders.md). Server to server: `paid` records the order
// with its points pending (冻结: not in the ledger, so they cannot be spent), `delivered` sets when
// they post, the jobs tick posts them (one ledger credit), `refunded` takes points back — from the
// pending amount before posting, or as a partial reversal of the posted credit after it (what the
// member already spent becomes debt). Each step is ONE transaction over the order document (and,
// for the ledger steps, the member's account through the ledger's hook), so there is no multi-step
// flow to compensate. Idempotent by the brand's order id and refund id; other content under the
// same id is IDEMPOTENCY_MISMATCH.
import { getDb } from '../cloud';
import { pruneCounters, type Counters } from '../campaigns/counters';
import { countEarn, decide, expiryPolicy, isLive } from '../campaigns/earn';
import { COLLECTIONS as CAMPAIGNS, type Campaign } from '../campaigns/model';
import { orderPoints, split, type OrderRule } from '../campaigns/rules/order';
import { AppError, isDuplicateKeyError } from '../errors';
import { availablePoints } from '../ledger/access';
import { accountMissing } from '../ledger/pseudonymise';
import { credit, reversePart } from '../ledger/service';
import { shanghaiDay } from '../time';
import { benefitsOf, growInTx, loadScheme, readTierState } from '../tiers/service';
import { orderGrowth } from '../tiers/rules';
import { inTransaction, txGet, type Tx } from '../tx';
import { ORDERS, growthKey, growthRefundKey, postingKey, refundKey, type OrderDoc, type OrderItem, type RefundRecord } from './model';
import { fingerprintOf, planRefund, postAtOf, refundFingerprint, type RefundIn } from './plan';

/** The member's per-member state for order campaigns' caps, kept on `memberTiers/<member>`. */
const ORDER_COUNTERS = 'orderCounters';
/** A payment time further ahead of the server's clock than this is refused (clock skew allowance). */
const FUTURE_SKEW_MS = 5 * 60_000;

export interface PaidRequest {
  orderId: string;
  member: string;
  paidFen: number;
  shippingFen: number;
  items: { sku: string; category: string; paidFen: number; deductionFen?: number }[];
  paidAt: string;
}

export interface RefundRequest extends RefundIn {
  orderId: string;
  refundId: string;
}

/** What the brand's server and the member are answered. */
export function viewOf(o: OrderDoc, replayed = false) {
  return {
    orderId: o._id,
    member: o.member,
    status: o.status,
    points: o.points,
    pending: o.pending,
    posted: o.posted,
    reversed: o.reversed,
    growth: o.growth,
    tier: o.tier,
    multiplier: o.multiplier,
    why: o.why,
    availableOn: o.postAt ? shanghaiDay(o.postAt) : null,
    refunds: Object.fromEntries(Object.entries(o.refunds ?? {}).map(([id, r]) => [id, { points: r.points, growth: r.growth, stage: r.stage }])),
    replayed,
  };
}

const readOrder = async (orderId: string) => ((await getDb().collection(ORDERS.orders).doc(orderId).get()).data as OrderDoc | null) ?? null;

function mustOrder(o: OrderDoc | null, orderId: string): OrderDoc {
  if (!o) throw new AppError('NOT_FOUND', `no paid order ${orderId}`);
  return o;
}

let campaignCache: { at: number; list: Campaign[] } | null = null;
const cacheMs = () => Number(process.env.CODES_CACHE_MS ?? 5_000);

/**
 * The order campaign in force at `now`: the live published campaign of kind `order` (with several,
 * the one with the smallest id — a fixed rule, never "the last edited"). Cached for a few seconds.
 */
export async function liveOrderCampaign(now: Date): Promise<Campaign | null> {
  if (!campaignCache || Date.now() - campaignCache.at >= cacheMs()) {
    const { data } = await getDb().collection(CAMPAIGNS.campaigns).where({ kind: 'order', status: 'published' }).limit(20).get();
    campaignCache = { at: Date.now(), list: (data as Campaign[]).sort((a, b) => (a._id < b._id ? -1 : 1)) };
  }
  return campaignCache.list.find((c) => isLive(c, now)) ?? null;
}

function checkPaid(req: PaidRequest, now: Date): void {
  const skus = new Set(req.items.map((i) => i.sku));
  if (skus.size !== req.items.length) throw new AppError('BAD_REQUEST', 'items: each sku once (add quantities into one line)');
  const sum = req.items.reduce((s, i) => s + i.paidFen, 0) + req.shippingFen;
  if (sum !== req.paidFen) throw new AppError('BAD_REQUEST', `paidFen ${req.paidFen} must equal the items' paidFen plus shippingFen (${sum})`);
  if (Date.parse(req.paidAt) > +now + FUTURE_SKEW_MS) throw new AppError('BAD_REQUEST', 'paidAt is in the future');
}

const paidFingerprint = (r: PaidRequest) =>
  fingerprintOf([r.member, r.paidFen, r.shippingFen, r.items.map((i) => [i.sku, i.category, i.paidFen, i.deductionFen ?? 0]), Date.parse(r.paidAt)]);

function answerRepeat(o: OrderDoc, fp: string): ReturnType<typeof viewOf> {
  if (o.fingerprint !== fp) throw new AppError('IDEMPOTENCY_MISMATCH', `order ${o._id} was reported paid with other content`);
  return viewOf(o, true);
}

/** `paid`: the order, its points pending, its growth; one transaction. */
export async function paid(req: PaidRequest, now = new Date()) {
  checkPaid(req, now);
  const fp = paidFingerprint(req);
  const before = await readOrder(req.orderId);
  if (before) return answerRepeat(before, fp);
  const [account, campaign, scheme] = await Promise.all([availablePoints(req.member), liveOrderCampaign(now), loadScheme()]);
  if (!account) throw await accountMissing(req.member); // NOT_FOUND, or ACCOUNT_CLOSED after a closure
  const paidAt = new Date(req.paidAt);
  try {
    return await inTransaction(async (tx) => {
      const state = await readTierState(tx, req.member);
      const tier = benefitsOf(scheme, state?.level ?? scheme.tiers[0].level);
      const rule = campaign?.rule as OrderRule | undefined;
      const event = { orderId: req.orderId, items: req.items, tierName: tier.name, tierMultiplier: tier.earnMultiplier, paidAt };
      const counters = ((state as Record<string, unknown> | null)?.[ORDER_COUNTERS] ?? {}) as Counters;
      // A campaign for some tiers only (its audience) gives the other members nothing.
      const audience = campaign?.audience?.tiers ?? [];
      const inAudience = !audience.length || audience.includes(tier.tier);
      const b = rule && inAudience ? orderPoints(rule, event) : null;
      // The campaign's caps (per day, …) on what the formula gave; each item keeps its share.
      const points = campaign && b ? decide(campaign, { event, counters, tier: tier.tier, now }).points : 0;
      const shares = b ? split(b.items.map((i) => i.points), points) : req.items.map(() => 0);
      const items: OrderItem[] = req.items.map((it, k) => ({
        sku: it.sku,
        category: it.category,
        paidFen: it.paidFen,
        deductionFen: it.deductionFen ?? 0,
        eligibleFen: b?.items[k].eligibleFen ?? 0,
        points: shares[k],
        refundedFen: 0,
      }));
      const growth = orderGrowth(scheme, req.paidFen - req.shippingFen);
      const why = !inAudience ? `订单 ${req.orderId} · ${tier.name}不在活动范围` : !b ? `订单 ${req.orderId} · 无进行中的订单积分活动` : points < b.points ? `${b.why} · 每日上限 ${points}` : b.why;
      const policy = campaign ? expiryPolicy(campaign) : undefined;
      const doc: OrderDoc & { rev: number } = {
        _id: req.orderId,
        member: req.member,
        status: points > 0 ? 'pending' : 'closed',
        fingerprint: fp,
        paidFen: req.paidFen,
        shippingFen: req.shippingFen,
        refundedShippingFen: 0,
        items,
        paidAt,
        campaign: campaign?._id ?? '',
        version: campaign?.version ?? 0,
        ...(campaign?.budget ? { budget: campaign.budget } : {}),
        ...(policy ? { expiry: policy } : {}),
        pointsPerYuan: rule?.pointsPerYuan ?? 0,
        tier: tier.tier,
        tierName: tier.name,
        tierMultiplier: tier.earnMultiplier,
        campaignFactor: b?.campaignFactor ?? 1,
        multiplier: b?.multiplier ?? 1,
        stacking: rule?.stacking ?? '',
        uncapped: b?.uncapped ?? 0,
        points,
        pending: points,
        posted: 0,
        reversed: 0,
        why,
        growth,
        growthCycleStart: '',
        returnDays: rule?.returnDays ?? 7,
        refunds: {},
        createdAt: now,
        updatedAt: now,
        rev: 1,
      };
      const nextCounters = campaign && points > 0 ? pruneCounters(countEarn(campaign, counters, points, now), now, 0) : counters;
      const g = await growInTx(
        tx,
        scheme,
        state,
        { member: req.member, key: growthKey(req.orderId), delta: growth, source: { kind: 'order', ref: req.orderId }, now },
        { [ORDER_COUNTERS]: nextCounters },
      );
      doc.growthCycleStart = g.state.cycleStart;
      await tx.collection(ORDERS.orders).add({ data: doc });
      return viewOf(doc);
    });
  } catch (e) {
    // A concurrent first report of the same order committed first: answer it (or refuse other content).
    if (isDuplicateKeyError(e)) {
      const first = await readOrder(req.orderId);
      if (first) return answerRepeat(first, fp);
    }
    throw e;
  }
}

/** The order changed since it was read (another report or the posting committed): plan again. */
class Moved extends Error {}

async function rereadSame(tx: Tx, o: OrderDoc & { rev?: number }): Promise<void> {
  const now = await txGet<OrderDoc & { rev?: number }>(tx, ORDERS.orders, o._id);
  if (!now || now.rev !== o.rev) throw new Moved('order moved');
}

const MAX_MOVES = 8;

/** `delivered`: the pending points post after the return window. */
export async function delivered(req: { orderId: string; deliveredAt: string }, now = new Date()) {
  const at = new Date(req.deliveredAt);
  if (+at > +now + FUTURE_SKEW_MS) throw new AppError('BAD_REQUEST', 'deliveredAt is in the future');
  for (let attempt = 0; ; attempt++) {
    const o = mustOrder(await readOrder(req.orderId), req.orderId) as OrderDoc & { rev: number };
    if (o.deliveredAt) {
      if (+new Date(o.deliveredAt) !== +at) throw new AppError('IDEMPOTENCY_MISMATCH', `order ${o._id} was reported delivered at another time`);
      return viewOf(o, true);
    }
    if (+at < +new Date(o.paidAt)) throw new AppError('BAD_REQUEST', 'deliveredAt is before the payment');
    const next = { ...o, deliveredAt: at, postAt: postAtOf(at, o.returnDays), rev: o.rev + 1, updatedAt: now };
    try {
      await inTransaction(async (tx) => {
        await rereadSame(tx, o);
        await tx.collection(ORDERS.orders).doc(o._id).update({ data: { deliveredAt: next.deliveredAt, postAt: next.postAt, rev: next.rev, updatedAt: now } });
      });
      return viewOf(next);
    } catch (e) {
      if (!(e instanceof Moved) || attempt >= MAX_MOVES) throw e instanceof Moved ? new AppError('CONFLICT', 'order busy; try again') : e;
    }
  }
}

/**
 * `refunded`: takes back the refunded items' share of the points — from the pending amount, or, once
 * posted, as a partial reversal of the posting (spent points become debt) — and of the growth.
 */
export async function refunded(req: RefundRequest, now = new Date()) {
  const fp = refundFingerprint(req);
  for (let attempt = 0; ; attempt++) {
    const o = mustOrder(await readOrder(req.orderId), req.orderId) as OrderDoc & { rev: number };
    const seen = o.refunds?.[req.refundId];
    if (seen) {
      if (seen.fingerprint !== fp) throw new AppError('IDEMPOTENCY_MISMATCH', `refund ${req.refundId} of order ${o._id} was reported with other content`);
      return viewOf(o, true);
    }
    const plan = planRefund(o, req);
    const scheme = await loadScheme();
    const stage: RefundRecord['stage'] = o.status === 'posted' ? 'posted' : 'pending';
    const record: RefundRecord = { fingerprint: fp, items: req.items, shippingFen: req.shippingFen, points: plan.points, growth: plan.growth, stage, at: now };
    const next: OrderDoc & { rev: number } = {
      ...o,
      items: plan.items,
      refundedShippingFen: plan.refundedShippingFen,
      refunds: { ...o.refunds, [req.refundId]: record },
      rev: o.rev + 1,
      updatedAt: now,
    };
    if (stage === 'pending') {
      next.pending = o.pending - plan.points;
      if (o.status === 'pending' && next.pending === 0) next.status = 'closed';
    } else {
      next.reversed = o.reversed + plan.points;
      if (plan.points > 0) record.entry = refundKey(o._id, req.refundId);
    }
    const writes = async (tx: Tx) => {
      await rereadSame(tx, o);
      const { _id, ...data } = next;
      await tx.collection(ORDERS.orders).doc(o._id).set({ data });
      if (plan.growth > 0) {
        await growInTx(tx, scheme, await readTierState(tx, o.member), {
          member: o.member,
          key: growthRefundKey(o._id, req.refundId),
          delta: -plan.growth,
          source: { kind: 'refund', ref: `${o._id}:${req.refundId}` },
          now,
          originCycleStart: o.growthCycleStart,
        });
      }
    };
    try {
      if (stage === 'posted' && plan.points > 0) {
        await reversePart(postingKey(o._id), {
          key: refundKey(o._id, req.refundId),
          amount: plan.points,
          reason: `订单 ${o._id} 退款 ${req.refundId}`,
          owner: 'order',
          now,
          alsoInTransaction: async (tx) => {
            await writes(tx);
          },
        });
      } else {
        await inTransaction(writes);
      }
      return viewOf(next);
    } catch (e) {
      if (!(e instanceof Moved)) throw e;
      if (attempt >= MAX_MOVES) throw new AppError('CONFLICT', 'order busy; try again');
    }
  }
}

/** Posts one order whose return window has passed: one ledger credit committing with the order's new state. */
export async function postOrder(orderId: string, now = new Date()): Promise<'posted' | 'closed' | 'not-due'> {
  for (let attempt = 0; ; attempt++) {
    const o = (await readOrder(orderId)) as (OrderDoc & { rev: number }) | null;
    if (!o || o.status !== 'pending' || !o.postAt || +new Date(o.postAt) > +now) return 'not-due';
    try {
      if (o.pending <= 0) {
        await inTransaction(async (tx) => {
          await rereadSame(tx, o);
          await tx.collection(ORDERS.orders).doc(o._id).update({ data: { status: 'closed', rev: o.rev + 1, updatedAt: now } });
        });
        return 'closed';
      }
      const refunded = o.pending < o.points;
      await credit({
        member: o.member,
        amount: o.pending,
        key: postingKey(o._id),
        source: { kind: 'order', ref: o._id, version: o.version, tier: o.tier, multiplier: o.multiplier } as never,
        campaign: o.campaign,
        ...(o.budget ? { budget: o.budget } : {}),
        ...(o.expiry ? { expiry: o.expiry } : {}),
        reason: refunded ? `${o.why} · 扣除退款后 ${o.pending}` : o.why,
        now,
        alsoInTransaction: async (tx) => {
          await rereadSame(tx, o);
          await tx.collection(ORDERS.orders).doc(o._id).update({ data: { status: 'posted', posted: o.pending, pending: 0, entry: postingKey(o._id), rev: o.rev + 1, updatedAt: now } });
        },
      }).then(({ replayed }) => {
        if (replayed) throw new Moved('posted by another call'); // re-read: the order says posted
      });
      return 'posted';
    } catch (e) {
      if (!(e instanceof Moved)) throw e;
      if (attempt >= MAX_MOVES) throw new AppError('CONFLICT', 'order busy; try again');
    }
  }
}

/** The jobs tick: posts the orders whose return window has passed. */
export async function postDueOrders(now = new Date(), limit = 200): Promise<{ posted: number; failed: number }> {
  const db = getDb();
  const { data } = await db.collection(ORDERS.orders).where({ status: 'pending', postAt: db.command.lte(now) }).limit(limit).get();
  let posted = 0;
  let failed = 0;
  for (const o of data as OrderDoc[]) {
    try {
      if ((await postOrder(o._id, now)) === 'posted') posted++;
    } catch (e) {
      failed++; // e.g. the campaign's budget is exhausted: stays pending, retried next tick
      console.error(`[orders] posting ${o._id} failed`, e);
    }
  }
  return { posted, failed };
}

/** 我的积分: the member's pending (冻结) points by order, with the day each becomes available. */
export async function myPending(member: string) {
  const db = getDb();
  const { data } = await db.collection(ORDERS.orders).where({ member, status: 'pending' }).orderBy('paidAt', 'desc').limit(50).get();
  const orders = (data as OrderDoc[]).map((o) => ({
    orderId: o._id,
    points: o.pending,
    paidAt: o.paidAt,
    delivered: !!o.deliveredAt,
    availableOn: o.postAt ? shanghaiDay(o.postAt) : null,
    returnDays: o.returnDays,
  }));
  return { total: orders.reduce((s, o) => s + o.points, 0), orders };
}

