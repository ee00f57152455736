// Per-member counters (docs/campaigns.md#per-member-counters): ONE generic map on the member's
// points account, `accounts.counters[<key>]`, keyed by campaign id (or `@<kind>` for a kind-wide
// counter such as the scan rate). Every credit writes the account anyway, so an earn's hook re-reads
// the counters from the account its transaction read and returns the new map for the same update:
// a cap holds under any concurrency (a member's credits serialise on their account) at no extra
// request. Pure functions; periods are Asia/Shanghai days, ISO weeks and months.
//
// Compact on purpose (the account document is read and written whole by every operation): a bucket
// keeps only the periods some cap of its campaign counts, as [period key, points, times] tuples,
// and the map drops buckets whose periods have all passed (pruneCounters).
import { shanghaiDay } from '../time';

export type Period = 'day' | 'week' | 'month' | 'total';
export type Unit = 'points' | 'times';

export interface Cap {
  period: Period;
  unit: Unit;
  limit: number;
}

/** [period key, points, times]; `t` has no key (lifetime); `r` is a rolling window [start ms, times]. */
export interface Bucket {
  d?: [string, number, number];
  w?: [string, number, number];
  m?: [string, number, number];
  t?: [number, number];
  r?: [number, number];
}

export type Counters = Record<string, Bucket>;

/** ISO 8601 week of a Shanghai day: `YYYY-Www` (weeks start Monday; week 1 holds the year's first Thursday). */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(+d + (3 - dow) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((+thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The period keys `now` falls in (Shanghai). */
export function periodKeys(now: Date): { d: string; w: string; m: string } {
  const d = shanghaiDay(now);
  return { d, w: isoWeek(d), m: d.slice(0, 7) };
}

const SLOT = { day: 'd', week: 'w', month: 'm' } as const;

/** What the member counted in `period` as of `now` (0 when the bucket's period has passed). */
export function used(bucket: Bucket | undefined, period: Period, unit: Unit, now: Date): number {
  const i = unit === 'points' ? 0 : 1;
  if (period === 'total') return bucket?.t?.[i] ?? 0;
  const slot = bucket?.[SLOT[period]];
  return slot && slot[0] === periodKeys(now)[SLOT[period]] ? slot[unit === 'points' ? 1 : 2] : 0;
}

/**
 * Of `want` points, what the caps leave (0 = capped): a points cap cuts the amount to what is left
 * of it, a times cap refuses once its count is reached.
 */
export function allowance(caps: Cap[], bucket: Bucket | undefined, want: number, now: Date): number {
  let allowed = Math.max(0, want);
  for (const c of caps) {
    const u = used(bucket, c.period, c.unit, now);
    allowed = c.unit === 'points' ? Math.min(allowed, Math.max(0, c.limit - u)) : u >= c.limit ? 0 : allowed;
  }
  return allowed;
}

/** The bucket after one more earn of `points`: only the periods the caps count are kept. */
export function counted(caps: Cap[], bucket: Bucket | undefined, points: number, now: Date): Bucket {
  const keys = periodKeys(now);
  const out: Bucket = {};
  const periods = new Set(caps.map((c) => c.period));
  for (const p of ['day', 'week', 'month'] as const) {
    if (!periods.has(p)) continue;
    const s = SLOT[p];
    out[s] = [keys[s], used(bucket, p, 'points', now) + points, used(bucket, p, 'times', now) + 1];
  }
  if (periods.has('total')) out.t = [used(bucket, 'total', 'points', now) + points, used(bucket, 'total', 'times', now) + 1];
  if (bucket?.r) out.r = bucket.r;
  return out;
}

/** A rolling window's count as of `windowStart` (0 when the bucket is of an older window). */
export const inWindow = (bucket: Bucket | undefined, windowStart: number): number => (bucket?.r?.[0] === windowStart ? bucket.r[1] : 0);

/** The bucket with one more in the rolling window starting `windowStart`. */
export const countedInWindow = (bucket: Bucket | undefined, windowStart: number): Bucket => ({ ...(bucket ?? {}), r: [windowStart, inWindow(bucket, windowStart) + 1] });

/**
 * Drops what no cap can read any more: period slots of past periods, rolling windows older than
 * `windowStart`, and buckets left empty. Lifetime (`t`) counts stay.
 */
export function pruneCounters(counters: Counters | undefined, now: Date, windowStart: number): Counters {
  const keys = periodKeys(now);
  const out: Counters = {};
  for (const [k, b] of Object.entries(counters ?? {})) {
    const kept: Bucket = {};
    if (b.d?.[0] === keys.d) kept.d = b.d;
    if (b.w?.[0] === keys.w) kept.w = b.w;
    if (b.m?.[0] === keys.m) kept.m = b.m;
    if (b.t) kept.t = b.t;
    if (b.r && b.r[0] >= windowStart) kept.r = b.r;
    if (Object.keys(kept).length) out[k] = kept;
  }
  return out;
}

/** The account field holding the map (set by earn hooks through the ledger's alsoInTransaction). */
export const COUNTERS_FIELD = 'counters';
