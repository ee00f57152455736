// Redemption (docs/mall.md · Redemption): a saga (../saga/saga.ts, docs/sagas.md) whose owner
// and journal is the order document.
//   read      one aggregate: the item, the member's available points, the item's stock shards, the
//             member's count for it, a few free codes and the order under this key, if any;
//   open      the order is added `creating` under an id derived from (member, client key) — the
//             idempotency gate: double taps, retries and lost replies find it and answer it;
//   limit     items with a limit: the member's count is raised with a conditional write;
//   stock     the units, across shards if one does not cover them (conditional decrements);
//   codes     a points-only virtual item claims `quantity` codes (points + cash: at delivery);
//   record    the journal of what limit, stock and codes took is written to the order;
//   finish    ONE ledger transaction with the order's final state (the ledger's alsoInTransaction):
//             points only, a debit and the order toShip / completed; points + cash, a hold and the
//             order unpaid (the payment callback commits the hold).
// Points are never taken for an order still `creating`. A failure gives back exactly what was
// taken (once: the order is closed first). A retry of the key resumes a recorded `creating` order
// (only `finish` is left); the jobs sweep fails a stale one (ORDER_EXPIRED) and gives back what its
// journal records. Only a process dying between a take and the record leaves a take no document
// names: undersold by that redemption's units, never oversold.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError, type ErrorCode } from '../errors';
import * as ledger from '../ledger/service';
import { accountJoin } from '../ledger/access';
import { loadScheme, tierJoin } from '../tiers/service';
import { tierAt, tierOnlyLabel } from '../tiers/rules';
import type { Account } from '../ledger/model';
import { COUNTERS, type CounterShard } from '../counter/capped';
import { compensate, giveBack, resumeSaga, runSaga, SagaDuplicate, SagaSettled, type Journal, type Saga } from '../saga/saga';
import { inTransaction, txGet, type Tx } from '../tx';
import { forTier, isVirtual, limitId, MALL, pointsKeyOf, stockCounterOf, type Address, type Item, type Order } from './model';
import { deliveredFields, HOLD_SECONDS, iso, moveOn, orderIdOf, orderNoCandidates, orderView, PAYMENT_WINDOW_SECONDS, payoutFor, readOrder, type OrderView } from './order-doc';
import { paymentAdapter, type PaymentRequest } from './payment';
import { addressProblem, listingState } from './rules';
import { codesOf, freeCodes, lowerLimit, returnStock, takeCodes, takeLimit, takeStock, type ShardTake, type TakenCode } from './units';
import { redeemReason } from './words';

export interface RedeemRequest {
  member: string;
  item: string;
  quantity: number;
  clientKey: string;
  address: Address | null;
  now?: Date;
  /** A game prize (docs/play.md): the draw that won it — a 0-point order, outside the item's listing window and limits. */
  prize?: string;
}

export interface Redeemed {
  order: OrderView;
  payment?: PaymentRequest;
  /**
   * True when the answer is the member's earlier 待付款 order of this item (points + cash), not a
   * new one: a member who abandoned or failed a payment and taps 立即兑换 again is led to it (去支付 /
   * 取消) instead of freezing points a second time. No payment request: the order's 去支付 makes one.
   */
  unpaid?: true;
}

/** What a redemption's steps took, journalled on its order (`order.journal`). */
export interface RedeemJournal {
  limit?: number | null;
  stock?: ShardTake[] | null;
  codes?: TakenCode[] | null;
}

/** What a redemption decides on, read in one request. */
interface Snapshot {
  item: Item | null;
  /** The member's balance − held (0 without an account): a guard, the ledger decides. */
  available: number;
  /** The item's stock counter's shards. */
  shards: CounterShard[];
  /** Whether the member's count for the item exists (picks the limit's first write). */
  limitExists: boolean;
  /** Up to 8 free codes of a virtual item's pool (the first candidates to claim). */
  codes: TakenCode[];
  /** The order under this key (a retry), if any. */
  order: Order | null;
  /** The member's 待付款 order of this item still inside its payment window, if any. */
  unpaid: Order | null;
  /** The first 订单号 candidate no order has (null: all taken, which at a million a day is never). */
  no: string | null;
  /** The member's tier level from their tier state (null: none yet, i.e. the scheme's first tier), for tier-only items. */
  tier: string | null;
}

interface Ctx {
  order: Order;
  item?: Item;
  snap?: Snapshot;
  now: Date;
  result?: Redeemed;
}

/** A resumption waits this long for the first call to record its journal (a double tap). */
const RECORD_WAIT_MS = 2000;

/** The same key with any other parameter is another request (IDEMPOTENCY_MISMATCH). */
export function redeemFingerprint(req: Pick<RedeemRequest, 'item' | 'quantity' | 'address'>): string {
  const a = req.address;
  const params = [req.item, req.quantity, a ? [a.name, a.phone, a.province, a.city, a.district, a.detail] : null];
  return createHash('sha256').update(JSON.stringify(params)).digest('base64url').slice(0, 22);
}

/** The redemption's steps; the order is their owner and journal, closed by failing it from `creating`. */
export const REDEMPTION: Saga<Ctx> = {
  name: 'mall.redeem',
  open: async ({ order }) => {
    try {
      await getDb().collection(MALL.orders).add({ data: order });
    } catch (e) {
      if (isDuplicateKeyError(e)) throw new SagaDuplicate(); // the same key, first
      throw e;
    }
  },
  steps: [
    {
      name: 'limit',
      run: async ({ order, item, snap }) => {
        if (!item || item.perMemberLimit <= 0 || order.prize) return null;
        if (!(await takeLimit(item._id, order.member, order.quantity, item.perMemberLimit, snap!.limitExists))) throw new AppError('LIMIT_EXCEEDED', `at most ${item.perMemberLimit} per member`);
        return order.quantity;
      },
      undo: ({ order }, n: number, tx) => lowerLimit(order.item, order.member, n, tx),
    },
    {
      name: 'stock',
      run: async ({ order, snap }) => {
        const takes = await takeStock(order.item, order.quantity, snap!.shards);
        if (!takes) throw new AppError('SOLD_OUT', `item ${order.item} is sold out`);
        return takes;
      },
      undo: (_ctx, takes: ShardTake[], tx) => returnStock(takes, tx),
    },
    {
      name: 'codes',
      run: async ({ order, snap, now }) => {
        if (!isVirtual(order.kind) || order.cashFen > 0) return null; // points + cash: the codes come with the payment
        const codes = await takeCodes(order.item, order._id, order.member, order.quantity, now, snap!.codes);
        if (!codes) throw new AppError('SOLD_OUT', 'the code pool is empty');
        return codes;
      },
      undoAfter: ({ order }, codes: TakenCode[]) => freeCodes(codes, order._id),
    },
  ],
  record: async ({ order, now }, journal) => {
    const r = await getDb().collection(MALL.orders).where({ _id: order._id, status: 'creating' }).update({ data: { journal, updatedAt: now } });
    return r.stats.updated === 1;
  },
  finish: async (ctx, journal, resumed) => {
    const { order, now } = ctx;
    ctx.result = order.cashFen > 0 ? await awaitPayment(order, now, resumed) : { order: orderView(await spend(order, journal as RedeemJournal, now, resumed)) };
  },
  close: async ({ order, now }, code, journal, settled) => {
    const r = await getDb().collection(MALL.orders).where({ _id: order._id, status: 'creating' }).update({ data: { status: 'failed', failCode: code, journal, returned: settled, updatedAt: now } });
    return r.stats.updated === 1;
  },
  claim: async ({ order, now }, tx: Tx) => {
    const o = await txGet<Order>(tx, MALL.orders, order._id);
    if (!o || o.returned) return false;
    await tx.collection(MALL.orders).doc(order._id).update({ data: { returned: true, updatedAt: now } });
    return true;
  },
};

const codeOf = (e: unknown): ErrorCode => (e instanceof AppError ? e.code : 'INTERNAL');

/**
 * What an order's steps took: its journal. An order made before journals that got its unit names
 * its shard (and counted toward a limit, if the item has one); a `creating` or `failed` one proves
 * nothing was taken, so nothing is given back for it (undersold, never oversold).
 */
export function journalOf(o: Order): Journal {
  if (o.journal) return { ...o.journal };
  return o.shard ? { limit: o.quantity, stock: [{ shard: `mall:${o.shard}`, n: o.quantity }] } : {}; // its shard, migrated to the item's counter
}

/** Gives back an order's units, count and codes exactly once (cancel, timeout, the sweep). */
export const giveBackOrder = (o: Order, now: Date) => giveBack(REDEMPTION, { order: o, now }, journalOf(o), (tx) => REDEMPTION.claim({ order: o, now }, tx));

/** The sweep: a stale `creating` order is failed (ORDER_EXPIRED) and gives back what it recorded. False when it moved on meanwhile. */
export async function abortOrder(o: Order, now: Date): Promise<boolean> {
  const journal = journalOf(o);
  // Died before its record: the codes it claimed still name it, so they go back too (1 query).
  if (!o.journal && isVirtual(o.kind)) journal.codes = await codesOf(o);
  try {
    await compensate(REDEMPTION, { order: o, now }, journal, 'ORDER_EXPIRED');
    return true;
  } catch (e) {
    if (e instanceof SagaSettled) return false;
    throw e;
  }
}

export async function redeem(req: RedeemRequest): Promise<Redeemed> {
  const now = req.now ?? new Date();
  const orderId = orderIdOf(req.member, req.clientKey);
  const snap = await readSnapshot(req.item, req.member, orderId, now, orderNoCandidates(now));
  if (snap.order) return answer(snap.order, req, now);
  // Points already frozen for this item and waiting for payment: that order, not a second hold.
  if (snap.unpaid && !req.prize) return { order: orderView(snap.unpaid), unpaid: true };
  if (!snap.item) {
    // No such item: the key may still name an order (a retry with another item is a mismatch).
    const existing = await readOrder(orderId);
    if (existing) return answer(existing, req, now);
  }
  // Refused before anything is taken: nothing recorded (the retry after a 下架 found its order above).
  // A tier-only item needs the member's level; without a tier state it is the scheme's first (cached;
  // read only for such items, so a redemption of any other item costs nothing more).
  const tier = snap.item?.tiers?.length ? (snap.tier ?? (await loadScheme()).tiers[0].level) : '';
  const order = await newOrderSaying(snap.item, req, orderId, now, tier, snap.no ?? orderNoCandidates(now)[0]);
  if (snap.available < order.points) {
    // The guard: a member who cannot pay takes no unit, so nobody else sees a false 已兑完. The
    // failure is recorded under the key (the retry answers it again, 1 request).
    try {
      await getDb().collection(MALL.orders).add({ data: { ...order, status: 'failed', failCode: 'INSUFFICIENT_POINTS', returned: true } });
    } catch (d) {
      if (isDuplicateKeyError(d)) return answer((await readOrder(orderId))!, req, now);
      throw d;
    }
    throw new AppError('INSUFFICIENT_POINTS', `not enough points for ${order.points}`);
  }
  const ctx: Ctx = { order, item: snap.item!, snap, now };
  try {
    await runSaga(REDEMPTION, ctx, codeOf);
    return ctx.result!;
  } catch (e) {
    if (e instanceof SagaDuplicate || e instanceof SagaSettled) return answer((await readOrder(orderId))!, req, now);
    throw e;
  }
}

/**
 * An order under the request's key: the same request again answers it (its failure again); a
 * `creating` one (its first call died or is still running) is resumed from its journal.
 */
async function answer(o: Order, req: RedeemRequest, now: Date): Promise<Redeemed> {
  const same = o.fingerprint ? o.fingerprint === redeemFingerprint(req) : o.item === req.item && o.quantity === req.quantity;
  if (o.member !== req.member || !same) throw new AppError('IDEMPOTENCY_MISMATCH', 'key was used for a different redemption');
  // A failure answers its code again; one closed by an internal error or the crash sweep, ORDER_EXPIRED (start over).
  if (o.status === 'failed') throw new AppError(!o.failCode || o.failCode === 'INTERNAL' ? 'ORDER_EXPIRED' : (o.failCode as ErrorCode), 'this redemption failed');
  if (o.status !== 'creating') return { order: orderView(o) };
  // Its first call died or is still running: once its journal is recorded, only `finish` is left.
  for (const t0 = Date.now(); !o.journal; ) {
    if (Date.now() - t0 >= RECORD_WAIT_MS) throw new AppError('CONFLICT', 'this redemption is still being processed; try again');
    await new Promise((r) => setTimeout(r, 50));
    o = (await readOrder(o._id))!;
    if (o.status !== 'creating') return answer(o, req, now);
  }
  const ctx: Ctx = { order: o, now };
  try {
    await resumeSaga(REDEMPTION, ctx, journalOf(o));
    return ctx.result!;
  } catch (e) {
    // Finished or failed meanwhile (by the first call or the sweep): the order as stored answers.
    const stored = (await readOrder(o._id))!;
    if (stored.status !== 'creating') return answer(stored, req, now);
    throw e;
  }
}

/**
 * The item with the member's available points, the item's shards, whether the member has a count
 * for it, a few free codes (virtual items) and the order under the key: one aggregate whose
 * $lookups are uncorrelated (each names its documents, through an index), so the guard, the
 * sold-out check and a retry's answer cost no request of their own.
 */
async function readSnapshot(itemId: string, member: string, orderId: string, now: Date, numbers: string[]): Promise<Snapshot> {
  const db = getDb();
  const $ = db.command.aggregate;
  const join = (from: string, match: Record<string, unknown>, as: string, project: Record<string, 1> | null = null, limit = 0) => {
    let p = $.pipeline().match(match);
    if (limit) p = p.limit(limit);
    return { from, as, pipeline: (project ? p.project(project) : p).done() };
  };
  const { list } = await db
    .collection(MALL.items)
    .aggregate()
    .match({ _id: itemId })
    .lookup(accountJoin(member, { balance: 1, held: 1 }, 'account'))
    .lookup(tierJoin(member, 'tier'))
    .lookup(join(COUNTERS.shards, { counter: stockCounterOf(itemId) }, 'shards', { cap: 1, left: 1 }))
    .lookup(join(MALL.limits, { _id: limitId(itemId, member) }, 'limit', { _id: 1 }))
    .lookup(join(MALL.codes, { item: itemId, status: 'free' }, 'codes', { code: 1 }, 8))
    .lookup(join(MALL.orders, { _id: orderId }, 'order'))
    // Through the member_status_createdAt index: a member has few unpaid orders.
    .lookup(join(MALL.orders, { member, item: itemId, status: 'unpaid' }, 'unpaid', null, 4))
    // The 订单号 candidates already taken (through the `no` index).
    .lookup(join(MALL.orders, { no: db.command.in(numbers) }, 'taken', { no: 1 }, numbers.length))
    .end();
  const row = list[0];
  if (!row) return { item: null, available: 0, shards: [], limitExists: false, codes: [], order: null, unpaid: null, no: null, tier: null };
  const { account, shards, limit, codes, order, unpaid, taken, tier, ...item } = row;
  const used = new Set((taken as { no: string }[]).map((t) => t.no));
  const a = (account as Partial<Account>[])[0];
  return {
    item: item as Item,
    available: (a?.balance ?? 0) - (a?.held ?? 0),
    shards: shards as CounterShard[],
    limitExists: (limit as unknown[]).length > 0,
    codes: (codes as { _id: string; code: string }[]).map((c) => ({ id: c._id, code: c.code })),
    order: ((order as Order[])[0] as Order | undefined) ?? null,
    // One past its window waits for the sweep to close it; it does not hold the member up.
    unpaid: (unpaid as Order[]).find((o) => o.payment && +new Date(o.payment.expiresAt) > +now) ?? null,
    no: numbers.find((n) => !used.has(n)) ?? null,
    tier: (tier as { level?: string }[])[0]?.level ?? null,
  };
}

/** newOrder, with a tier-only refusal saying which tier it is for and the member's ("该商品为金卡专享，你当前为普通会员"). */
async function newOrderSaying(item: Item | null, req: RedeemRequest, orderId: string, now: Date, tier: string, no: string): Promise<Order> {
  try {
    return newOrder(item, req, orderId, now, tier, no);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'TIER_ONLY_ITEM' && item)) throw e;
    const scheme = await loadScheme();
    throw new AppError('TIER_ONLY_ITEM', `该商品为${tierOnlyLabel(scheme, item.tiers)}，你当前为${tierAt(scheme, tier).name}`);
  }
}

/** The order a valid request makes (status `creating`), or the refusal. */
function newOrder(item: Item | null, req: RedeemRequest, orderId: string, now: Date, tier: string, no: string): Order {
  if (!item) throw new AppError('NOT_FOUND', `no item ${req.item}`);
  const state = listingState(item, now);
  if (!req.prize) {
    if (state === 'hidden' || state === 'delisted') throw new AppError('ITEM_UNAVAILABLE', `item ${item._id} is ${state}`);
    if (!forTier(item, tier)) throw new AppError('TIER_ONLY_ITEM', `item ${item._id} is for tiers ${item.tiers!.join(', ')} only; the member is ${tier}`);
    if (state === 'upcoming') throw new AppError('ITEM_NOT_STARTED', `item ${item._id} opens at ${iso(item.listAt)}`);
    if (req.quantity > item.perOrderMax) throw new AppError('LIMIT_EXCEEDED', `at most ${item.perOrderMax} per order`);
    if (item.perMemberLimit > 0 && req.quantity > item.perMemberLimit) throw new AppError('LIMIT_EXCEEDED', `at most ${item.perMemberLimit} per member`);
  }
  let address: Address | null = null;
  if (item.kind === 'physical') {
    if (!req.address) throw new AppError('ADDRESS_INVALID', 'address: physical goods need a delivery address');
    const problem = addressProblem(req.address);
    if (problem) throw new AppError(problem.code, problem.message);
    const t = req.address;
    address = { name: t.name.trim(), phone: t.phone, province: t.province.trim(), city: t.city.trim(), district: t.district.trim(), detail: t.detail.trim() };
  }
  return {
    _id: orderId,
    no,
    member: req.member,
    clientKey: req.clientKey,
    fingerprint: redeemFingerprint(req),
    item: item._id,
    title: item.title,
    image: item.images[0] ?? '',
    kind: item.kind,
    quantity: req.quantity,
    points: req.prize ? 0 : item.points * req.quantity,
    cashFen: req.prize ? 0 : item.cashFen,
    ...(req.prize ? { prize: req.prize } : {}),
    ...(item.kind === 'redPacket' ? { redPacketFen: item.redPacketFen * req.quantity } : {}),
    status: 'creating',
    address,
    hold: pointsKeyOf(orderId),
    shard: null,
    returned: false,
    createdAt: now,
    updatedAt: now,
  };
}

/** Points only: the debit and the order's final state (and a red packet's payout) commit together. */
async function spend(order: Order, journal: RedeemJournal, now: Date, resumed: boolean): Promise<Order> {
  const payout = payoutFor(order, now);
  const final = deliveredFields(order.kind, { codes: journal.codes?.map((c) => c.code), payout: payout?.id }, now);
  const move = mover(order._id, resumed);
  const alongside = async (tx: Tx) => {
    await move(tx, final);
    await payout?.add(tx);
  };
  // A game prize's order takes no points: its final state commits alone.
  if (order.points === 0 && order.prize) await inTransaction(alongside);
  else await takePoints('debit', order, now, alongside);
  await payout?.send();
  return { ...order, ...final };
}

/** Points + cash: the hold and the order `unpaid` commit together; the payment callback commits the hold. */
async function awaitPayment(order: Order, now: Date, resumed: boolean): Promise<Redeemed> {
  const payment = { expiresAt: new Date(+now + PAYMENT_WINDOW_SECONDS * 1000) };
  const unpaid: Order = { ...order, status: 'unpaid', payment, updatedAt: now };
  const request = await paymentAdapter().create(unpaid);
  const move = mover(order._id, resumed);
  await takePoints('hold', order, now, (tx) => move(tx, { status: 'unpaid', payment, updatedAt: now }));
  return { order: orderView(unpaid), payment: request };
}

/**
 * The order's move inside the ledger transaction. The call that opened the order writes it blindly
 * on the transaction's first run (1 request less): nobody else can have moved it — a resumption
 * does not close orders, and the sweep closes only orders older than any call lives (10 minutes) —
 * and a write made meanwhile by anyone conflicts with this one. Every later run (after a conflict)
 * and every resumption re-read it first (moveOn), so a `failed` written meanwhile is never overwritten.
 */
function mover(orderId: string, resumed: boolean) {
  let blind = !resumed;
  return async (tx: Tx, data: Record<string, unknown>) => {
    if (!blind) return moveOn(tx, orderId, 'creating', data);
    blind = false;
    await tx.collection(MALL.orders).doc(orderId).update({ data });
  };
}

async function takePoints(how: 'debit' | 'hold', order: Order, now: Date, alsoInTransaction: (tx: Tx) => Promise<void>): Promise<void> {
  const req = { member: order.member, amount: order.points, key: order.hold, source: { kind: 'mall', ref: order._id }, reason: redeemReason(order), now, alsoInTransaction };
  try {
    if (how === 'debit') await ledger.debit(req);
    else await ledger.hold({ ...req, ttlSeconds: HOLD_SECONDS });
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') throw new AppError('INSUFFICIENT_POINTS', e.message); // no account yet
    throw e;
  }
}
