// Ledger settings kept in the `settings` collection: the exchange rate's dated history.
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { COLLECTIONS as C } from './model';
import { rateAt, type RateChange } from './rates';

export const RATE_DOC = 'exchangeRate';
/** Used until an operator records a rate: 100 points = ¥1. */
export const DEFAULT_POINTS_PER_YUAN = 100;

interface RateDoc {
  _id: string;
  history: RateChange[];
}

export async function rateHistory(): Promise<RateChange[]> {
  const { data } = await getDb().collection(C.settings).doc(RATE_DOC).get();
  const history = (data as RateDoc | null)?.history ?? [];
  return history.map((h) => ({ pointsPerYuan: h.pointsPerYuan, effectiveFrom: new Date(h.effectiveFrom) }));
}

export async function currentRate(at: Date): Promise<number> {
  const history = await rateHistory();
  try {
    return rateAt(history, at);
  } catch {
    return DEFAULT_POINTS_PER_YUAN;
  }
}

/** Records a new rate from `effectiveFrom` on (never rewrites the past: earlier dates are refused). */
export async function setRate(pointsPerYuan: number, effectiveFrom: Date, now = new Date()): Promise<RateChange[]> {
  if (!Number.isSafeInteger(pointsPerYuan) || pointsPerYuan < 1 || pointsPerYuan > 100_000) {
    throw new AppError('BAD_REQUEST', 'pointsPerYuan must be an integer 1..100000');
  }
  if (+effectiveFrom < +now - 60_000) throw new AppError('BAD_REQUEST', 'effectiveFrom must not be in the past');
  const db = getDb();
  const _ = db.command;
  const change = { pointsPerYuan, effectiveFrom };
  const res = await db.collection(C.settings).doc(RATE_DOC).update({ data: { history: _.push([change]) } });
  if (!res.stats.updated) {
    await db.collection(C.settings).doc(RATE_DOC).set({ data: { history: [change] } });
  }
  return rateHistory();
}
