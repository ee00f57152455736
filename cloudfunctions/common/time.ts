// Day boundaries are Asia/Shanghai (UTC+8, no DST) whatever zone the machine runs in.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** YYYY-MM-DD of the Shanghai calendar day containing `at`. */
export function shanghaiDay(at: Date | number = Date.now()): string {
  const t = typeof at === 'number' ? at : at.getTime();
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** "2026-11-29 18:05:03", the Shanghai wall-clock time of `at` (what operators read in exports). */
export function shanghaiDateTime(at: Date | string | number): string {
  const t = at instanceof Date ? at.getTime() : new Date(at).getTime();
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instant a Shanghai calendar day starts (00:00 UTC+8). */
export function shanghaiDayStart(day: string): Date {
  // A non-day here is a bug (inputs are validated by the schemas in common/inputs.ts): fail loudly
  // rather than compute with an Invalid Date.
  if (!isRealDay(day)) throw new Error(`not a day: ${day}`);
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS);
}

/**
 * The years a date given by an operator or a caller may name. Outside them a date is a typo (0000,
 * 9999) that would still parse; nothing in the system is dated before 2000 or after 2099.
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

/** True for a real calendar day `YYYY-MM-DD` (no 2026-13-45, no 2026-02-30) within FIRST_YEAR..LAST_YEAR. */
export function isCalendarDay(s: unknown): s is string {
  if (!isRealDay(s)) return false;
  const y = Number(s.slice(0, 4));
  return y >= FIRST_YEAR && y <= LAST_YEAR;
}

/** `YYYY-MM-DD` naming a day that exists, any year from 0001. */
function isRealDay(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  if (y < 1) return false;
  // Date.UTC rolls an impossible day over (Feb 30 → Mar 2, month 13 → next January); a real day
  // reads back unchanged. setUTCFullYear keeps years below 100 literal.
  const t = new Date(Date.UTC(2000, m - 1, d));
  t.setUTCFullYear(y, m - 1, d);
  return t.toISOString().slice(0, 10) === s;
}

/** True for an instant whose year (UTC) is within FIRST_YEAR..LAST_YEAR. */
export function isInstantInRange(at: Date | string): boolean {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(t)) return false;
  const y = new Date(t).getUTCFullYear();
  return y >= FIRST_YEAR && y <= LAST_YEAR;
}
