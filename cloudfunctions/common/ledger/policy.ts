// Expiry policies: when a credit's lot stops being spendable. `expiresAt` is the first instant the
// points are no longer valid; all day arithmetic is on Shanghai calendar days.
import { shanghaiDay, shanghaiDayStart } from '../time';

export type ExpiryPolicy =
  /** Valid through the end of the Nth Shanghai day after the day of issue. */
  | { kind: 'rolling'; days: number }
  /** 自然年清零: valid through 31 December of the year of issue (+ yearsAfter, e.g. 1 = end of next year). */
  | { kind: 'yearEnd'; yearsAfter?: number }
  /** A fixed instant, e.g. a campaign's end + 3 months. */
  | { kind: 'fixed'; at: string };

/** The documented default for credits that name no policy. */
export const DEFAULT_EXPIRY: ExpiryPolicy = { kind: 'rolling', days: 365 };

const addDays = (day: string, days: number) => shanghaiDay(shanghaiDayStart(day).getTime() + days * 86_400_000 + 3_600_000);

export function expiresAt(policy: ExpiryPolicy, issuedAt: Date): Date {
  switch (policy.kind) {
    case 'rolling': {
      if (!Number.isInteger(policy.days) || policy.days < 1) throw new RangeError('rolling expiry needs a whole number of days ≥ 1');
      return shanghaiDayStart(addDays(shanghaiDay(issuedAt), policy.days + 1));
    }
    case 'yearEnd': {
      const year = Number(shanghaiDay(issuedAt).slice(0, 4)) + (policy.yearsAfter ?? 0);
      return shanghaiDayStart(`${year + 1}-01-01`);
    }
    case 'fixed': {
      const at = new Date(policy.at);
      if (Number.isNaN(at.getTime())) throw new RangeError(`fixed expiry is not a date: ${policy.at}`);
      return at;
    }
  }
}

/** A campaign ending at `end` whose points stay valid `months` calendar months longer (Shanghai). */
export function campaignEndPlusMonths(end: Date, months: number): ExpiryPolicy {
  const [y, m, d] = shanghaiDay(end).split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
  return { kind: 'fixed', at: shanghaiDayStart(addDays(day, 1)).toISOString() };
}
