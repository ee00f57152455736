// Pay with points at the brand's own checkout (server to server). The brand's server quotes the
// most a member may deduct from an order, holds that many points while the member pays, then
// commits (paid) or cancels (abandoned); a later refund restores the lots the points came from.
// Every call is idempotent by the brand's order id: `checkoutOrders/<brandOrderId>` records the
// request, and the ledger keys derive from it (`checkout:<id>`, `commit:checkout:<id>`).
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { availablePoints, holdStatus } from '../ledger/access';
import * as ledger from '../ledger/service';
import { currentRate } from '../ledger/settings';
import { MALL } from './model';
import { quoteDeduction, pointsToFenExact, type CheckoutRules } from './rules';

export const CHECKOUT_SETTINGS = 'checkout';
const DEFAULTS = { stepPoints: 100, maxSharePercent: 50 };
const HOLD_SECONDS = 30 * 60;

export interface CheckoutOrder {
  _id: string;
  member: string;
  amountFen: number;
  points: number;
  deductFen: number;
  hold: string;
  status: 'held' | 'committed' | 'cancelled' | 'refunded';
  createdAt: Date;
  updatedAt: Date;
  refundReason?: string;
}

export async function checkoutRules(now = new Date()): Promise<CheckoutRules> {
  const { data } = await getDb().collection('settings').doc(CHECKOUT_SETTINGS).get();
  const s = (data ?? {}) as Partial<CheckoutRules>;
  return { pointsPerYuan: await currentRate(now), stepPoints: s.stepPoints ?? DEFAULTS.stepPoints, maxSharePercent: s.maxSharePercent ?? DEFAULTS.maxSharePercent };
}

export async function setCheckoutRules(r: { stepPoints: number; maxSharePercent: number }, operator: string, now = new Date()) {
  await getDb().collection('settings').doc(CHECKOUT_SETTINGS).set({ data: { ...r, updatedAt: now, updatedBy: operator } });
  await getDb().collection(MALL.audit).add({ data: { operator, action: 'setCheckoutRules', target: CHECKOUT_SETTINGS, detail: r, createdAt: now } });
  return checkoutRules(now);
}

async function availableOf(member: string): Promise<number> {
  const points = await availablePoints(member);
  if (!points) throw new AppError('NOT_FOUND', `no member ${member}`);
  return points.available;
}

export async function quote(member: string, amountFen: number, now = new Date()) {
  const rules = await checkoutRules(now);
  const available = await availableOf(member);
  return { ...quoteDeduction(amountFen, available, rules), available, ...rules };
}

const view = (c: CheckoutOrder) => ({
  brandOrderId: c._id,
  member: c.member,
  amountFen: c.amountFen,
  points: c.points,
  deductFen: c.deductFen,
  status: c.status,
});

async function read(id: string): Promise<CheckoutOrder | null> {
  const { data } = await getDb().collection(MALL.checkouts).doc(id).get();
  return (data as CheckoutOrder) ?? null;
}

async function mustRead(id: string): Promise<CheckoutOrder> {
  const c = await read(id);
  if (!c) throw new AppError('NOT_FOUND', `no checkout order ${id}`);
  return c;
}

type HoldRequest = { brandOrderId: string; member: string; amountFen: number; points: number };

/** The brand order's record answers a repeat of the same hold; any other figure is IDEMPOTENCY_MISMATCH. */
function sameHold(c: CheckoutOrder, req: HoldRequest) {
  if (c.member !== req.member || c.amountFen !== req.amountFen || c.points !== req.points) {
    throw new AppError('IDEMPOTENCY_MISMATCH', `brand order ${req.brandOrderId} was held with other figures`);
  }
  return view(c);
}

export async function holdPoints(req: HoldRequest, now = new Date()) {
  const existing = await read(req.brandOrderId);
  if (existing) return sameHold(existing, req);
  const rules = await checkoutRules(now);
  if (req.points % rules.stepPoints !== 0) throw new AppError('STEP_MISMATCH', `points must be a multiple of ${rules.stepPoints}`);
  const { maxPoints } = quoteDeduction(req.amountFen, Number.MAX_SAFE_INTEGER, rules);
  if (req.points > maxPoints) throw new AppError('DEDUCTION_TOO_LARGE', `at most ${maxPoints} points for this order`);
  const hold = `checkout:${req.brandOrderId}`;
  const doc: CheckoutOrder = {
    _id: req.brandOrderId,
    member: req.member,
    amountFen: req.amountFen,
    points: req.points,
    deductFen: pointsToFenExact(req.points, rules.pointsPerYuan),
    hold,
    status: 'held',
    createdAt: now,
    updatedAt: now,
  };
  // The checkout record commits with the hold: a process dying in between leaves neither.
  const { replayed } = await ledger.hold({
    member: req.member,
    amount: req.points,
    key: hold,
    source: { kind: 'checkout', ref: req.brandOrderId },
    ttlSeconds: HOLD_SECONDS,
    now,
    alsoInTransaction: async (tx) => {
      await tx.collection(MALL.checkouts).add({ data: doc });
    },
  });
  // A concurrent first hold of the same brand order committed first and the ledger answered its
  // entry (the ledger key carries only member and points): the record it wrote decides.
  return replayed ? sameHold(await mustRead(req.brandOrderId), req) : view(doc);
}

/** The member paid the rest: the held points are spent. Repeats answer the same. */
export async function commit(brandOrderId: string, now = new Date()) {
  const c = await mustRead(brandOrderId);
  if (c.status === 'committed' || c.status === 'refunded') return view(c);
  if (c.status === 'cancelled') throw new AppError('ORDER_STATE', 'the hold was cancelled');
  // The checkout record moves with the spend, in its transaction.
  const committed = { status: 'committed', updatedAt: now };
  const { replayed } = await ledger
    .commitHold(c.hold, {
      now,
      alsoInTransaction: async (tx) => {
        await tx.collection(MALL.checkouts).doc(brandOrderId).update({ data: committed });
      },
    })
    .catch((e: unknown) => {
      // A committed hold is answered by the ledger's replay, so either means no points were spent
      // (timed out, or released by the timeout sweep): the deduction is void.
      if (e instanceof AppError && (e.code === 'HOLD_EXPIRED' || e.code === 'HOLD_NOT_OPEN')) throw new AppError('ORDER_EXPIRED', 'the hold timed out; hold again');
      throw e;
    });
  // A repeat whose spend committed earlier (the ledger answered its entry): the record moved with
  // it, unless that was before this record existed in the transaction; then it is written now.
  if (replayed) await getDb().collection(MALL.checkouts).doc(brandOrderId).update({ data: committed });
  return view({ ...c, status: 'committed' });
}

/** The checkout was abandoned: the hold is released. A committed order is refunded instead. */
export async function cancel(brandOrderId: string, now = new Date()) {
  const c = await mustRead(brandOrderId);
  if (c.status === 'cancelled') return view(c);
  if (c.status !== 'held') throw new AppError('ORDER_STATE', `a ${c.status} checkout cannot be cancelled; refund it`);
  try {
    await ledger.releaseHold(c.hold, { now, reason: '门店订单取消，积分解冻' });
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'HOLD_NOT_OPEN')) throw e; // timed out and released by the jobs tick
    if ((await holdStatus(c.hold)) === 'committed') throw new AppError('ORDER_STATE', 'already committed; refund it');
  }
  await getDb().collection(MALL.checkouts).doc(brandOrderId).update({ data: { status: 'cancelled', updatedAt: now } });
  return view({ ...c, status: 'cancelled' });
}

/** The brand refunded its order: the spent points go back to the lots they came from. */
export async function refund(brandOrderId: string, reason: string, now = new Date()) {
  const c = await mustRead(brandOrderId);
  if (c.status === 'refunded') {
    if (c.refundReason !== reason) throw new AppError('IDEMPOTENCY_MISMATCH', `brand order ${brandOrderId} was refunded for another reason`);
    return view(c);
  }
  if (c.status !== 'committed') throw new AppError('ORDER_STATE', `a ${c.status} checkout cannot be refunded`);
  await ledger.reverse(`commit:${c.hold}`, { reason: `门店订单退款：${reason}`, now, owner: 'checkout' });
  await getDb().collection(MALL.checkouts).doc(brandOrderId).update({ data: { status: 'refunded', refundReason: reason, updatedAt: now } });
  return view({ ...c, status: 'refunded' });
}
