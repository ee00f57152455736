// Cash red packets (docs/codes.md#red-packets): a scan campaign may award cash (fen) on a first
// scan with a probability, within daily and total budgets kept on the shared capped counter
// (docs/counters.md). The draw is made before the claim; a win is recorded INSIDE the claim's
// transaction — the budgets taken and the payout document `payouts/payout:<code>` (so at most one
// per code) added — so a won packet commits with the points or not at all, and a crash after the
// commit leaves a pending payout the timer pays (the payout document is the outbox). A payout
// adapter sends it: WeChat Pay through cloud.cloudPay in production, a simulated provider locally
// that can be told to fail. Failed sends are retried with backoff by the `codes` timer; after
// MAX_ATTEMPTS the payout is `failed`, for operators to see.
import { getCloud, getDb } from '../cloud';
import { RED_PACKET_SHARDS, redPacketCounter, redPacketDayCounter } from '../campaigns/service';
import type { RedPacketRule } from '../campaigns/rules/scan';
import { createCounter, giveBack, takeInTx, type ShardTake } from '../counter/capped';
import { AppError, isDuplicateKeyError } from '../errors';
import { shanghaiDay } from '../time';
import type { Tx } from '../tx';

export const PAYOUTS = 'payouts';
export type { RedPacketRule };
export const SIMULATED_PROVIDER = 'payoutSimulator';
export const MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;

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
  /** What a scan's packet took of its total and day budgets (counter shard takes). */
  takes?: ShardTake[];
}

/** Pure: whether a draw wins. */
export function drawWins(rule: RedPacketRule, draw: number): boolean {
  return rule.probability > 0 && rule.amountFen > 0 && draw < rule.probability;
}
/** Backoff after the nth failed attempt: 30 s, 2 min, 8 min, 32 min. */
export const retryDelayMs = (attempts: number) => 30_000 * 4 ** Math.max(0, attempts - 1);

/** A won draw, to be recorded with the claim. */
export interface RedPacketWin {
  campaign: string;
  code: string;
  member: string;
  amountFen: number;
  day: string;
  dailyBudgetFen: number;
}

/** Day counters this instance knows exist (created on a day's first win). */
const dayCounters = new Set<string>();

/** Thrown inside the claim's transaction: the day's budget counter is not there (create it, then retry). */
export class DayCounterMissing extends Error {
  constructor(readonly win: RedPacketWin) {
    super('red packet day counter missing');
  }
}

/** Creates the day's budget counter unless it exists (outside any transaction). */
export async function ensureDayCounter(win: RedPacketWin, now: Date): Promise<void> {
  const dayId = redPacketDayCounter(win.campaign, win.day);
  try {
    await createCounter({ id: dayId, cap: win.dailyBudgetFen, shards: 1, now });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e; // another scan created it first
  }
  dayCounters.add(dayId);
}

/**
 * Before a first scan's claim: draws, and for a win makes sure the day's budget counter exists (it
 * cannot be created inside the claim's transaction without two first winners conflicting on it;
 * this instance remembers it, and a claim that finds it gone creates it and retries).
 */
export async function drawRedPacket(o: { campaign: string; rule?: RedPacketRule; code: string; member: string; now: Date; draw?: number }): Promise<RedPacketWin | null> {
  const { rule } = o;
  if (!rule || !drawWins(rule, o.draw ?? Math.random())) return null;
  const day = shanghaiDay(o.now);
  const win = { campaign: o.campaign, code: o.code, member: o.member, amountFen: rule.amountFen, day, dailyBudgetFen: rule.dailyBudgetFen };
  if (!dayCounters.has(redPacketDayCounter(o.campaign, day))) await ensureDayCounter(win, o.now);
  return win;
}

const exhausted = (e: unknown) => e instanceof AppError && (e.code === 'BUDGET_EXHAUSTED' || e.code === 'NOT_FOUND');

/**
 * Inside the claim's transaction: takes the packet from the total and the day budgets and adds
 * its payout. Null (and nothing taken) when either budget cannot cover it: the claim goes on.
 */
export async function recordWin(tx: Tx, win: RedPacketWin, now: Date): Promise<Payout | null> {
  let total: ShardTake[];
  try {
    total = await takeInTx(tx, redPacketCounter(win.campaign), win.amountFen, { shards: RED_PACKET_SHARDS });
  } catch (e) {
    if (exhausted(e)) return null; // takeInTx only read: the transaction is untouched
    throw e;
  }
  let day: ShardTake[];
  try {
    // No `shards`: the counter's own read tells a missing day counter (NOT_FOUND) from a spent one.
    day = await takeInTx(tx, redPacketDayCounter(win.campaign, win.day), win.amountFen);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') throw new DayCounterMissing(win); // the claim creates it and retries
    if (!exhausted(e)) throw e;
    await giveBack(total, tx);
    return null;
  }
  const p: Payout = {
    _id: `payout:${win.code}`, member: win.member, amountFen: win.amountFen, campaign: win.campaign, code: win.code, status: 'pending', attempts: 0,
    nextAttemptAt: now, leaseUntil: new Date(0), lastError: '', providerRef: '', createdAt: now, takes: [...total, ...day],
  };
  await tx.collection(PAYOUTS).add({ data: p });
  return p;
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
