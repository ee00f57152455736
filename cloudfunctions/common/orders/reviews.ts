// Reviews of the brand's orders (docs/orders.md#reviews): the brand's order system reports that a
// member reviewed an order it reported paid — the order id, the member, the brand's review id and
// the time; NEVER the rating or the content. A review task (docs/earn.md#tasks) rewards any genuine
// review, so nothing that could make the reward depend on what was written is ever stored.
//
// One review per order counts (a follow-up review, 追评, is recorded but does not count again), so a
// member cannot farm a "review 3 times" task on one order. Idempotent by the review id: the same id
// answers the first result, with other content IDEMPOTENCY_MISMATCH. One transaction: the order, the
// review, the order's marker — concurrent reports of one order or one review settle on one.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { inTransaction, txGet } from '../tx';
import { ORDERS, type OrderDoc } from './model';
import { fingerprintOf } from './plan';

export interface ReviewDoc {
  _id: string;
  orderId: string;
  member: string;
  reviewedAt: Date;
  /** The first review of its order: what the review task counts. */
  counts: boolean;
  fingerprint: string;
  /** When the server recorded it: the task period it counts in. */
  at: Date;
}

/** The order's marker: which review of it counts (its id cannot clash: review ids have no ':'). */
export const reviewMarkerId = (orderId: string) => `order:${orderId}`;

export interface ReviewRequest {
  orderId: string;
  member: string;
  reviewId: string;
  reviewedAt: string;
}

const FUTURE_SKEW_MS = 5 * 60_000;
const fingerprint = (r: ReviewRequest) => fingerprintOf([r.orderId, r.member, Date.parse(r.reviewedAt)]);

const viewOf = (d: ReviewDoc, replayed: boolean) => ({ reviewId: d._id, orderId: d.orderId, member: d.member, counts: d.counts, replayed });

function answerRepeat(d: ReviewDoc, fp: string) {
  if (d.fingerprint !== fp) throw new AppError('IDEMPOTENCY_MISMATCH', `review ${d._id} was reported with other content`);
  return viewOf(d, true);
}

/** `reviewed`: records the review fact (and whether it is its order's first). */
export async function reviewed(req: ReviewRequest, now = new Date()) {
  const at = new Date(req.reviewedAt);
  if (+at > +now + FUTURE_SKEW_MS) throw new AppError('BAD_REQUEST', 'reviewedAt is in the future');
  const fp = fingerprint(req);
  try {
    return await inTransaction(async (tx) => {
      const seen = await txGet<ReviewDoc>(tx, ORDERS.reviews, req.reviewId);
      if (seen) return answerRepeat(seen, fp);
      const order = await txGet<OrderDoc>(tx, ORDERS.orders, req.orderId);
      // A genuine review is of an order the brand reported paid, by the member who paid it.
      if (!order) throw new AppError('NOT_FOUND', `no paid order ${req.orderId}`);
      if (order.member !== req.member) throw new AppError('BAD_REQUEST', `order ${req.orderId} was paid by another member`);
      if (+at < +new Date(order.paidAt)) throw new AppError('BAD_REQUEST', 'reviewedAt is before the payment');
      const marker = await txGet(tx, ORDERS.reviews, reviewMarkerId(req.orderId));
      const doc: ReviewDoc = { _id: req.reviewId, orderId: req.orderId, member: req.member, reviewedAt: at, counts: !marker, fingerprint: fp, at: now };
      await tx.collection(ORDERS.reviews).add({ data: doc });
      if (!marker) await tx.collection(ORDERS.reviews).doc(reviewMarkerId(req.orderId)).set({ data: { member: req.member, orderId: req.orderId, review: req.reviewId, at: now } });
      return viewOf(doc, false);
    });
  } catch (e) {
    if (isDuplicateKeyError(e)) {
      const first = (await getDb().collection(ORDERS.reviews).doc(req.reviewId).get().catch(() => ({ data: null }))).data as ReviewDoc | null;
      if (first) return answerRepeat(first, fp);
    }
    throw e;
  }
}

/** The member's reviews that count (their orders' first), recorded since `start` (null = ever). */
export async function countReviews(member: string, start: Date | null): Promise<number> {
  const db = getDb();
  const where: Record<string, unknown> = { member, counts: true, ...(start ? { at: db.command.gte(start) } : {}) };
  return (await db.collection(ORDERS.reviews).where(where).count()).total;
}
