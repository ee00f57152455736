// A code's scan history, kept on the code's own document: the count, first and last time, distinct
// scanners, members already warned of counterfeits, the per-code rate window and the latest
// RECENT_SCANS scans with their time, place and region verdict (an operator's code lookup reads
// them; they ride on the scan's existing write, so they cost no request). The update is
// built from the scan's pre-read of the code but made of operators ($inc, $min, $addToSet) where a
// concurrent scan may have moved the value, so it can be written blind: by a plain update for a
// scan that claims nothing, inside the claim's transaction for a claim.
import { getDb } from '../cloud';
import { LIMITS } from './limits';
import { COLLECTIONS as C, MAX_SCANNERS, RECENT_SCANS, type Code, type ScanPlace, type ScanRecord } from './model';

/** Whether the code's own rate window, opened by its first scan in it, is still open at `now`. */
const windowOpen = (code: Code, now: Date): boolean => !!code.winStart && +now - +new Date(code.winStart) < LIMITS.windowMs;

/** Whether the code has had its LIMITS.codeScans scans in its open window (the per-code rate). */
export const codeRateExceeded = (code: Code, now: Date): boolean => windowOpen(code, now) && (code.winScans ?? 0) >= LIMITS.codeScans;

/** The code's per-code rate window after one more scan. */
function scanWindow(code: Code, now: Date): { winStart: Date; winScans: number } {
  return windowOpen(code, now) ? { winStart: new Date(code.winStart!), winScans: (code.winScans ?? 0) + 1 } : { winStart: now, winScans: 1 };
}

/** `list` with `openid` added, up to MAX_SCANNERS. */
function withMember(list: string[] | undefined, openid: string): string[] {
  const l = list ?? [];
  return l.includes(openid) || l.length >= MAX_SCANNERS ? l : [...l, openid];
}

/**
 * One more scan by `openid`: the update data and the code as it then is (as far as the pre-read
 * knows). `warn`: the scan is answered with a counterfeit warning, so `openid` joins `warned`.
 * `place`: where it was scanned and whether that is outside the code's sales region; `claim`: this
 * scan claims the code.
 */
export function scanUpdate(
  code: Code, openid: string, now: Date, warn = false, place: ScanPlace = NOWHERE, claim = false,
): { data: Record<string, unknown>; after: Code } {
  const _ = getDb().command;
  const win = scanWindow(code, now);
  const record: ScanRecord = { at: now, member: openid, province: place.province, diverted: place.diverted, claim };
  const scanners = withMember(code.scanners, openid);
  const warned = warn ? withMember(code.warned, openid) : code.warned;
  const data: Record<string, unknown> = {
    scans: _.inc(1),
    firstScanAt: _.min(now),
    lastScanAt: now,
    winStart: win.winStart,
    winScans: win.winScans === 1 ? 1 : _.inc(1),
    // Appended, never read back: the newest RECENT_SCANS stay (concurrent scans each add theirs).
    recent: _.push({ each: [record], slice: -RECENT_SCANS }),
  };
  if (scanners.length !== (code.scanners?.length ?? 0)) data.scanners = _.addToSet(openid);
  if (warned && warned.length !== (code.warned?.length ?? 0)) data.warned = _.addToSet(openid);
  const after: Code = { ...code, scans: code.scans + 1, firstScanAt: code.firstScanAt ?? now, lastScanAt: now, scanners, ...win, ...(warned ? { warned } : {}),
    recent: [...(code.recent ?? []), record].slice(-RECENT_SCANS) };
  return { data, after };
}

const NOWHERE: ScanPlace = { province: '', diverted: false };

/** Whether `openid` was warned about this code before (the risk event exists then). */
export function warnedBefore(code: Code, openid: string): boolean {
  return !!code.warned?.includes(openid);
}

/** Records a scan that claims nothing (one plain update) and returns the code as it then is. */
export async function recordScan(code: Code, openid: string, now: Date, warn: boolean, place: ScanPlace): Promise<Code> {
  const { data, after } = scanUpdate(code, openid, now, warn, place);
  await getDb().collection(C.codes).doc(code._id).update({ data });
  return after;
}
