// Cash red packets (docs/codes.md): a campaign may award cash (fen) on a first scan with a
// probability, within daily and total budgets. An award is a payout document `payouts/payout:<code>`
// (so at most one per code) that a payout adapter sends: WeChat Pay through cloud.cloudPay in
// production, a simulated provider locally that can be told to fail. Failed sends are retried with
// backoff by the `codes` timer; after MAX_ATTEMPTS the payout is `failed`, for operators to see.
import { getCloud, getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { shanghaiDay } from '../time';
import { inTransaction, txGet } from '../tx';

export const PAYOUTS = 'payouts';
export const RED_PACKET_BUDGETS = 'redPacketBudgets';
export const SIMULATED_PROVIDER = 'payoutSimulator';
export const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;

export interface RedPacketRule {
  /** Chance a first scan wins, 0..1. */
  probability: number;
  amountFen: number;
  dailyBudgetFen: number;
  totalBudgetFen: number;
}

export type PayoutStatus = 'pending' | 'retry' | 'paid' | 'failed';

export interface Payout {
  _id: string;
  member: string;
  amountFen: number;
  campaign: string;
  code: string;
  status: PayoutStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date;
  lastError: string;
  providerRef: string;
  createdAt: Date;
  paidAt?: Date;
}

/** Pure: whether a draw wins, and whether the budgets still cover the amount. */
export function drawWins(rule: RedPacketRule, draw: number): boolean {
  return rule.probability > 0 && rule.amountFen > 0 && draw < rule.probability;
}
export function budgetCovers(rule: RedPacketRule, spent: { totalFen: number; dayFen: number }): boolean {
  return spent.totalFen + rule.amountFen <= rule.totalBudgetFen && spent.dayFen + rule.amountFen <= rule.dailyBudgetFen;
}
/** Backoff after the nth failed attempt: 30 s, 2 min, 8 min, 32 min. */
export const retryDelayMs = (attempts: number) => 30_000 * 4 ** Math.max(0, attempts - 1);

/**
 * After a code's first claim: draw, and if it wins within budget, create its payout and try to send
 * it once. Returns the payout (or null when nothing was won).
 */
export async function maybeAward(o: { campaign: string; rule?: RedPacketRule; code: string; member: string; now: Date; draw?: number }): Promise<Payout | null> {
  const { rule } = o;
  if (!rule || !drawWins(rule, o.draw ?? Math.random())) return null;
  const id = `payout:${o.code}`;
  const day = shanghaiDay(o.now);
  let payout: Payout | null;
  try {
    payout = await inTransaction(async (tx) => {
      const budget = await txGet<{ totalFen: number; day: string; dayFen: number }>(tx, RED_PACKET_BUDGETS, o.campaign);
      const spent = { totalFen: budget?.totalFen ?? 0, dayFen: budget?.day === day ? budget.dayFen : 0 };
      if (!budgetCovers(rule, spent)) return null;
      const next = { totalFen: spent.totalFen + rule.amountFen, day, dayFen: spent.dayFen + rule.amountFen, updatedAt: o.now };
      if (budget) await tx.collection(RED_PACKET_BUDGETS).doc(o.campaign).update({ data: next });
      else await tx.collection(RED_PACKET_BUDGETS).add({ data: { _id: o.campaign, ...next } });
      const p: Payout = {
        _id: id, member: o.member, amountFen: rule.amountFen, campaign: o.campaign, code: o.code, status: 'pending', attempts: 0,
        nextAttemptAt: o.now, leaseUntil: new Date(0), lastError: '', providerRef: '', createdAt: o.now,
      };
      await tx.collection(PAYOUTS).add({ data: p });
      return p;
    });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    return ((await getDb().collection(PAYOUTS).doc(id).get()).data as Payout) ?? null; // awarded already
  }
  if (!payout) return null;
  return attemptPayout(id, o.now);
}

/**
 * A payout owed for something other than a scan — a red packet redeemed in the mall — through the
 * same outbox, adapter and retries. One per `id` (a repeat answers the first); `code` holds the
 * reference it pays for. Tries once now; the `codes` timer retries.
 */
export async function enqueuePayout(o: { id: string; member: string; amountFen: number; campaign: string; ref: string; now: Date }): Promise<Payout> {
  if (!Number.isSafeInteger(o.amountFen) || o.amountFen <= 0) throw new AppError('BAD_REQUEST', 'amountFen must be a positive integer');
  const p: Payout = {
    _id: o.id, member: o.member, amountFen: o.amountFen, campaign: o.campaign, code: o.ref, status: 'pending', attempts: 0,
    nextAttemptAt: o.now, leaseUntil: new Date(0), lastError: '', providerRef: '', createdAt: o.now,
  };
  try {
    await getDb().collection(PAYOUTS).add({ data: p });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e; // enqueued before: report it as it is now
  }
  return (await attemptPayout(o.id, o.now)) ?? ((await getDb().collection(PAYOUTS).doc(o.id).get()).data as Payout);
}

// ---------------------------------------------------------------------------------------------
// Adapters

export interface PayoutAdapter {
  /** Idempotent by payout id at the provider. Resolves with the provider's reference or throws. */
  send(p: Payout): Promise<string>;
}

/** Local: records the transfer in `payoutSimulator`; `settings/payoutSimulator.failNext` makes the next n sends fail. */
const simulated: PayoutAdapter = {
  async send(p) {
    const db = getDb();
    const { stats } = await db.collection('settings').where({ _id: 'payoutSimulator', failNext: db.command.gt(0) }).update({ data: { failNext: db.command.inc(-1) } });
    if (stats.updated) throw new Error('simulated provider failure');
    try {
      await db.collection(SIMULATED_PROVIDER).add({ data: { _id: p._id, member: p.member, amountFen: p.amountFen, at: new Date() } });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e; // sent before: the provider answers the same transfer
    }
    return `sim-${p._id}`;
  },
};

/**
 * Production: WeChat Pay through cloud.cloudPay (no merchant secrets in code). The API name and
 * merchant id come from the function environment (PAYOUT_CLOUDPAY_API, PAYOUT_SUB_MCH_ID);
 * out_trade_no is the payout id, which makes the provider side idempotent.
 */
const wechatPay: PayoutAdapter = {
  async send(p) {
    const api = process.env.PAYOUT_CLOUDPAY_API;
    const mch = process.env.PAYOUT_SUB_MCH_ID;
    if (!api || !mch) throw new Error('WeChat Pay payouts are not configured (PAYOUT_CLOUDPAY_API, PAYOUT_SUB_MCH_ID)');
    const cloudPay = (getCloud() as unknown as { cloudPay: Record<string, (d: unknown) => Promise<any>> }).cloudPay;
    const r = await cloudPay[api]({ subMchId: mch, outTradeNo: p._id.replace(/[^\w]/g, '_').slice(0, 32), openid: p.member, amount: p.amountFen, desc: '扫码红包' });
    if (r?.returnCode !== 'SUCCESS' || (r.resultCode && r.resultCode !== 'SUCCESS')) throw new Error(`cloudPay ${api}: ${r?.errCodeDes ?? r?.returnMsg ?? 'failed'}`);
    return String(r.paymentNo ?? r.transactionId ?? p._id);
  },
};

/** No provider configured: every send fails, so awards end `failed` where operators see them. */
const unconfigured: PayoutAdapter = {
  async send() {
    throw new Error('no payout provider configured (PAYOUT_PROVIDER=wechatpay, or simulated locally)');
  },
};

/** PAYOUT_PROVIDER from the function environment; the local cloud sets `simulated`. */
export const payoutProvider = (): 'wechatpay' | 'simulated' | 'none' => {
  const p = process.env.PAYOUT_PROVIDER;
  return p === 'wechatpay' || p === 'simulated' ? p : 'none';
};
const adapter = (): PayoutAdapter => ({ wechatpay: wechatPay, simulated, none: unconfigured })[payoutProvider()];

/** One send attempt under a lease (two processors never send one payout at once). */
export async function attemptPayout(id: string, now: Date): Promise<Payout | null> {
  const db = getDb();
  const _ = db.command;
  const { stats } = await db
    .collection(PAYOUTS)
    .where({ _id: id, status: _.in(['pending', 'retry']), leaseUntil: _.lt(now) })
    .update({ data: { leaseUntil: new Date(+now + LEASE_MS) } });
  const read = async () => ((await db.collection(PAYOUTS).doc(id).get()).data as Payout) ?? null;
  if (!stats.updated) return read();
  const p = (await read())!;
  let update: Partial<Payout>;
  try {
    const ref = await adapter().send(p);
    update = { status: 'paid', attempts: p.attempts + 1, providerRef: ref, paidAt: now, lastError: '' };
  } catch (e) {
    const attempts = p.attempts + 1;
    const lastError = String((e as Error)?.message ?? e).slice(0, 200);
    update = attempts >= MAX_ATTEMPTS ? { status: 'failed', attempts, lastError } : { status: 'retry', attempts, lastError, nextAttemptAt: new Date(+now + retryDelayMs(attempts)) };
  }
  await db.collection(PAYOUTS).doc(id).update({ data: { ...update, leaseUntil: new Date(0) } });
  return { ...p, ...update, leaseUntil: new Date(0) } as Payout;
}

/** The timer's work: payouts due for a (re)try, oldest first. */
export async function processDuePayouts(now: Date, limit = 50): Promise<{ attempted: number; paid: number; failed: number; retry: number }> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db.collection(PAYOUTS).where({ status: _.in(['pending', 'retry']), nextAttemptAt: _.lte(now) }).orderBy('nextAttemptAt', 'asc').limit(limit).get();
  const out = { attempted: 0, paid: 0, failed: 0, retry: 0 };
  for (const d of data as Payout[]) {
    const p = await attemptPayout(d._id, now);
    out.attempted++;
    if (p?.status === 'paid') out.paid++;
    else if (p?.status === 'failed') out.failed++;
    else out.retry++;
  }
  return out;
}

/** Operators: payouts by status, newest first, with totals. */
export async function listPayouts(status?: PayoutStatus) {
  const db = getDb();
  const $ = db.command.aggregate;
  const totals = (await db.collection(PAYOUTS).aggregate().group({ _id: '$status', count: $.sum(1), fen: $.sum('$amountFen') }).end()).list;
  const { data } = await db.collection(PAYOUTS).where(status ? { status } : {}).orderBy('createdAt', 'desc').limit(50).get();
  return { provider: payoutProvider(), totals: totals.map((t: any) => ({ status: t._id, count: t.count, fen: t.fen })), items: data };
}

/** Local only: make the simulated provider fail its next n sends. */
export async function simulateFailures(n: number) {
  if (payoutProvider() !== 'simulated') throw new AppError('BAD_REQUEST', 'only the simulated provider can be told to fail');
  await getDb().collection('settings').doc('payoutSimulator').set({ data: { failNext: n } });
  return { failNext: n };
}
