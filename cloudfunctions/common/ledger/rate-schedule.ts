// The exchange rate as the console shows and schedules it (docs/ledger.md#exchange-rate): the rate
// in force, the dated history, and changes scheduled for a future instant. A change is a dated
// entry in the same history `setRate` appends to (settings.ts), so scheduling needs nothing new on
// the earn path: each credit reads the rate in force at its own time and its lot keeps it — a
// scheduled change never touches a lot issued before it.
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { fieldError, isIntIn } from '../forms';
import { inTransaction, txGet } from '../tx';
import { COLLECTIONS as C } from './model';
import type { RateChange } from './rates';
import { DEFAULT_POINTS_PER_YUAN, RATE_DOC, RATE_NOTICE_MS } from './settings';

export interface RateRow {
  pointsPerYuan: number;
  effectiveFrom: Date;
  /** past: superseded; current: in force at `now`; scheduled: takes effect later. */
  state: 'past' | 'current' | 'scheduled';
}

export interface RateView {
  /** In force now (the default when no change has taken effect yet). */
  current: { pointsPerYuan: number; effectiveFrom: Date | null };
  /** Newest first. */
  rows: RateRow[];
}

/** Pure: the history at `now`. */
export function rateView(history: RateChange[], now: Date): RateView {
  const sorted = [...history].sort((a, b) => +b.effectiveFrom - +a.effectiveFrom);
  const currentIdx = sorted.findIndex((h) => +h.effectiveFrom <= +now);
  const rows = sorted.map((h, i) => ({ ...h, state: (i === currentIdx ? 'current' : +h.effectiveFrom > +now ? 'scheduled' : 'past') as RateRow['state'] }));
  const cur = currentIdx >= 0 ? sorted[currentIdx] : null;
  return { current: cur ? { pointsPerYuan: cur.pointsPerYuan, effectiveFrom: cur.effectiveFrom } : { pointsPerYuan: DEFAULT_POINTS_PER_YUAN, effectiveFrom: null }, rows };
}

/** Why a change cannot be scheduled, as [field, label, reason], or null. */
export function scheduleProblem(history: RateChange[], pointsPerYuan: unknown, effectiveFrom: unknown, now: Date): [string, string, string] | null {
  if (!isIntIn(pointsPerYuan, 1, 100_000)) {
    return ['pointsPerYuan', '兑换比例', '须为 1 到 100000 之间的整数（每 1 元对应的积分）'];
  }
  const at = typeof effectiveFrom === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(effectiveFrom) ? new Date(effectiveFrom) : null;
  if (!at || Number.isNaN(+at) || at.getUTCFullYear() > 2099) return ['effectiveFrom', '生效时间', '须为有效的日期时间'];
  if (+at < +now + RATE_NOTICE_MS) return ['effectiveFrom', '生效时间', '须至少在 5 分钟之后（已发放的积分按发放时的比例计算，不能改动过去）'];
  if (history.some((h) => +h.effectiveFrom === +at)) return ['effectiveFrom', '生效时间', '这个时间已有一次调整'];
  return null;
}

/** Removes a scheduled change that is still at least the notice away (instances may cache the history for less). */
export async function cancelScheduled(effectiveFrom: Date, now = new Date()): Promise<RateChange[]> {
  return inTransaction(async (tx) => {
    const doc = await txGet<{ _id: string; history: RateChange[] }>(tx, C.settings, RATE_DOC);
    const history = (doc?.history ?? []).map((h) => ({ pointsPerYuan: h.pointsPerYuan, effectiveFrom: new Date(h.effectiveFrom) }));
    const found = history.find((h) => +h.effectiveFrom === +effectiveFrom);
    if (!found) throw new AppError('NOT_FOUND', '没有这次兑换比例调整');
    if (+found.effectiveFrom < +now + RATE_NOTICE_MS) throw fieldError('effectiveFrom', '生效时间', '已生效或 5 分钟内生效的调整不能取消');
    const left = history.filter((h) => h !== found);
    await tx.collection(C.settings).doc(RATE_DOC).update({ data: { history: getDb().command.set(left) } });
    return left;
  });
}
