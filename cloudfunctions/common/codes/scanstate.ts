// A member's scan state, kept on their points account (`accounts.scanState`). Every claim's credit
// writes the account anyway, so the claim's hook sets this in the same update for free: the daily
// cap needs no document of its own, and the member's claims count towards their scan rate without
// a counter write (limits.ts). Pure functions; the scan's pre-read supplies the state.
import { shanghaiDay } from '../time';
import { windowStart } from './limits';

export interface ScanState {
  /** Shanghai day `points` belong to. */
  day: string;
  /** Scan points earned that day, across campaigns (the daily cap). */
  points: number;
  /** Start (ms) of the rate window `claims` belong to. */
  window: number;
  /** Codes claimed in that window. */
  claims: number;
}

export const ACCOUNT_FIELD = 'scanState';

/** Scan points the member earned on `now`'s Shanghai day. */
export const pointsToday = (s: ScanState | undefined, now: Date): number => (s?.day === shanghaiDay(now) ? s.points : 0);

/** Claims the member made in `now`'s rate window. */
export const claimsInWindow = (s: ScanState | undefined, now: Date): number => (s?.window === windowStart(now) ? s.claims : 0);

/** The state after one more claim worth `points`. */
export function afterClaim(s: ScanState | undefined, points: number, now: Date): ScanState {
  return { day: shanghaiDay(now), points: pointsToday(s, now) + points, window: windowStart(now), claims: claimsInWindow(s, now) + 1 };
}
