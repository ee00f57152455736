// Ledger settings kept in the `settings` collection: the exchange rate's dated history.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { COLLECTIONS as C } from './model';
import { rateAt, type RateChange } from './rates';

export const RATE_DOC = 'exchangeRate';
/** Used until an operator records a rate: 100 points = ¥1. */
export const DEFAULT_POINTS_PER_YUAN = 100;

interface RateDoc {
  _id: string;
  history: RateChange[];
}

/**
 * Rate changes are recorded at least this long before they take effect, so a history read less
 * than CACHE_MS ago already holds every change in force now: credits can use a cached copy.
 */
export const RATE_NOTICE_MS = 5 * 60_000;
const CACHE_MS = 60_000;
let cached: { history: RateChange[]; readAt: number } | null = null;

export async function rateHistory(): Promise<RateChange[]> {
  const { data } = await getDb().collection(C.settings).doc(RATE_DOC).get();
  const history = (data as RateDoc | null)?.history ?? [];
  const parsed = history.map((h) => ({ pointsPerYuan: h.pointsPerYuan, effectiveFrom: new Date(h.effectiveFrom) }));
  cached = { history: parsed, readAt: Date.now() };
  return parsed;
}

/** The rate in force at `at` (per function instance, the history is read at most once a minute). */
export async function currentRate(at: Date): Promise<number> {
  const history = cached && Date.now() - cached.readAt < CACHE_MS ? cached.history : await rateHistory();
  if (!history.length) return DEFAULT_POINTS_PER_YUAN; // the common case: no throw on the hot path
  try {
    return rateAt(history, at);
  } catch {
    return DEFAULT_POINTS_PER_YUAN;
  }
}

/** Records a new rate from `effectiveFrom` on: at least 5 minutes ahead, never rewriting the past. */
export async function setRate(pointsPerYuan: number, effectiveFrom: Date, now = new Date()): Promise<RateChange[]> {
  if (!Number.isSafeInteger(pointsPerYuan) || pointsPerYuan < 1 || pointsPerYuan > 100_000) {
    throw new AppError('BAD_REQUEST', 'pointsPerYuan must be an integer 1..100000');
  }
  if (+effectiveFrom < +now + RATE_NOTICE_MS) throw new AppError('BAD_REQUEST', 'effectiveFrom must be at least 5 minutes from now');
  const db = getDb();
  const _ = db.command;
  const change = { pointsPerYuan, effectiveFrom };
  const res = await db.collection(C.settings).doc(RATE_DOC).update({ data: { history: _.push([change]) } });
  if (!res.stats.updated) {
    try {
      await db.collection(C.settings).add({ data: { _id: RATE_DOC, history: [change] } });
    } catch (e) {
      if (!isDuplicateKeyError(e)) throw e; // a concurrent first change made the document: append
      await db.collection(C.settings).doc(RATE_DOC).update({ data: { history: _.push([change]) } });
    }
  }
  return rateHistory();
}
