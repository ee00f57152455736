// Rate limits and the brute-force lockout (docs/codes.md#rate-limits). Counters live in
// `rateLimits`, one document per scope (member, client IP), key and fixed window:
// `<scope>:<key>:<window start ms>` with `scans` and `fails`. They count the scans that claim
// nothing (repeats, refusals, failed verifications); a member's claims are counted on their account
// (scanstate.ts), which every claim writes anyway, so a claim writes no counter.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { COLLECTIONS as C } from './model';

export const LIMITS = {
  /** Window length (T): counters and the lockout reset when it rolls over. */
  windowMs: 10 * 60_000,
  /** Failed verifications (forged, unknown) per member in a window before the lockout (K). */
  memberFails: 5,
  /** A member's scans per window: counted scans plus claims. */
  memberScans: 60,
  ipFails: 50,
  /** Scans per client IP and window that claimed nothing (claims are bounded per member). */
  ipScans: 600,
  codeScans: 30,
};

export type Scope = 'm' | 'ip';

export interface Counter {
  _id: string;
  scope: Scope;
  scans: number;
  fails: number;
  expiresAt: Date;
}

export const windowStart = (now: Date) => Math.floor(+now / LIMITS.windowMs) * LIMITS.windowMs;
const counterId = (scope: Scope, key: string, now: Date) => `${scope}:${key}:${windowStart(now)}`;

export interface Subjects {
  member: string;
  ip: string;
}

function ids(s: Subjects, now: Date): { scope: Scope; id: string }[] {
  const out: { scope: Scope; id: string }[] = [{ scope: 'm', id: counterId('m', s.member, now) }];
  if (s.ip) out.push({ scope: 'ip', id: counterId('ip', s.ip, now) });
  return out;
}

/** The subjects' counter ids in the current window (for the scan's pre-read). */
export const counterIds = (s: Subjects, now: Date) => ids(s, now).map((w) => w.id);

/**
 * Refuses a locked-out member or IP (SCAN_LOCKED) or one over its rate (RATE_LIMITED).
 * `claims`: the member's claims in the window (their account's scan state), part of their rate.
 */
export function assertWithin(counters: Counter[], claims: number, now: Date): void {
  const m = counters.find((c) => c.scope === 'm');
  const ip = counters.find((c) => c.scope === 'ip');
  if ((m?.fails ?? 0) >= LIMITS.memberFails || (ip?.fails ?? 0) >= LIMITS.ipFails) {
    throw new AppError('SCAN_LOCKED', `too many failed verifications; try again after ${new Date(windowStart(now) + LIMITS.windowMs).toISOString()}`);
  }
  if ((m?.scans ?? 0) + claims >= LIMITS.memberScans || (ip?.scans ?? 0) >= LIMITS.ipScans) {
    throw new AppError('RATE_LIMITED', 'too many scans; slow down');
  }
}

/**
 * Counts one scan (and a failed verification when `failed`) for each subject. `known`: the
 * counters the caller read this window, bumped together in one request; the others are created
 * (a member's or IP's first counted scan in the window), or bumped when a concurrent scan created
 * them first. Each counter is either created with this scan or incremented once, never both.
 */
export async function countScan(s: Subjects, failed: boolean, now: Date, known: Counter[]): Promise<void> {
  const seen = new Set(known.map((c) => c._id));
  const wanted = ids(s, now);
  const existing = wanted.filter((w) => seen.has(w.id)).map((w) => w.id);
  const missing = wanted.filter((w) => !seen.has(w.id));
  await Promise.all([existing.length ? bump(existing, failed) : null, ...missing.map((w) => create(w.scope, w.id, failed, now))]);
}

async function bump(idList: string[], failed: boolean): Promise<void> {
  const db = getDb();
  const _ = db.command;
  const inc = { scans: _.inc(1), ...(failed ? { fails: _.inc(1) } : {}) };
  await db.collection(C.rateLimits).where({ _id: _.in(idList) }).update({ data: inc });
}

async function create(scope: Scope, id: string, failed: boolean, now: Date): Promise<void> {
  const counter: Counter = { _id: id, scope, scans: 1, fails: failed ? 1 : 0, expiresAt: new Date(windowStart(now) + LIMITS.windowMs) };
  try {
    await getDb().collection(C.rateLimits).add({ data: counter });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    await bump([id], failed); // another scan created it first
  }
}

/**
 * A scan refused before any pre-read (the code failed verification or was never issued): counted
 * FIRST, then checked against the counts that include it, so a burst of concurrent guesses cannot
 * all pass a check made against counts read before any of them was counted (issue 9 §2). A
 * request answers its own problem only while the new counts are within the limits, so at most
 * LIMITS.memberFails guesses per member and window are ever answered as such. Each counter is
 * counted exactly once ($inc, or created), then both are read back. Returns the member's fails
 * after this one (for the brute-force event) and the refusal the limits make, if any.
 */
export async function countThenCheck(s: Subjects, failed: boolean, now: Date): Promise<{ fails: number; refusal: AppError | null }> {
  const db = getDb();
  const wanted = ids(s, now);
  await Promise.all(wanted.map((w) => countOne(w.scope, w.id, failed, now)));
  const { data } = await db.collection(C.rateLimits).where({ _id: db.command.in(wanted.map((w) => w.id)) }).limit(2).get();
  const counters = data as Counter[];
  const m = counters.find((c) => c.scope === 'm');
  const ip = counters.find((c) => c.scope === 'ip');
  const mFails = m?.fails ?? 0;
  const ipFails = ip?.fails ?? 0;
  // The counts include this scan: a failed verification past the limit is refused; any other scan
  // is refused once the limit is reached (as assertWithin does for a scan counted afterwards).
  const locked = failed ? mFails > LIMITS.memberFails || ipFails > LIMITS.ipFails : mFails >= LIMITS.memberFails || ipFails >= LIMITS.ipFails;
  if (locked) return { fails: mFails, refusal: new AppError('SCAN_LOCKED', `too many failed verifications; try again after ${new Date(windowStart(now) + LIMITS.windowMs).toISOString()}`) };
  if ((m?.scans ?? 0) > LIMITS.memberScans || (ip?.scans ?? 0) > LIMITS.ipScans) return { fails: mFails, refusal: new AppError('RATE_LIMITED', 'too many scans; slow down') };
  return { fails: mFails, refusal: null };
}

/** One counter counted exactly once: $inc; if it does not exist, created; if created concurrently meanwhile, $inc. */
async function countOne(scope: Scope, id: string, failed: boolean, now: Date): Promise<void> {
  const db = getDb();
  const { stats } = await db.collection(C.rateLimits).doc(id).update({ data: incOf(failed) });
  if (stats.updated) return;
  await create(scope, id, failed, now);
}

const incOf = (failed: boolean) => {
  const _ = getDb().command;
  return { scans: _.inc(1), ...(failed ? { fails: _.inc(1) } : {}) };
};

/** Removes counters of windows that ended over an hour ago (the codes timer, every minute). */
export async function pruneCounters(now: Date): Promise<number> {
  const db = getDb();
  const { stats } = await db.collection(C.rateLimits).where({ expiresAt: db.command.lt(new Date(+now - 3600_000)) }).remove();
  return stats.removed;
}
