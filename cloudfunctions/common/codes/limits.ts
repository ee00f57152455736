// Rate limits and the brute-force lockout. Counters live in `rateLimits`, one document per scope
// (member, client IP), key and fixed window: `<scope>:<key>:<window start ms>` with `scans` and
// `fails`. They are the only thing a refused scan writes. The per-code limit is kept on the code's
// own document (scan.ts), which every scan of a real code updates anyway.
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { COLLECTIONS as C } from './model';

export const LIMITS = {
  /** Window length (T): counters and the lockout reset when it rolls over. */
  windowMs: 10 * 60_000,
  /** Failed verifications (forged, unknown) per member in a window before the lockout (K). */
  memberFails: 5,
  memberScans: 60,
  ipFails: 50,
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

const windowStart = (now: Date) => Math.floor(+now / LIMITS.windowMs) * LIMITS.windowMs;
export const counterId = (scope: Scope, key: string, now: Date) => `${scope}:${key}:${windowStart(now)}`;

export interface Subjects {
  member: string;
  ip: string;
}

function ids(s: Subjects, now: Date): { scope: Scope; id: string }[] {
  const out: { scope: Scope; id: string }[] = [{ scope: 'm', id: counterId('m', s.member, now) }];
  if (s.ip) out.push({ scope: 'ip', id: counterId('ip', s.ip, now) });
  return out;
}

/** One read: refuses a locked-out member or IP (SCAN_LOCKED) or one over its rate (RATE_LIMITED). */
export async function checkLimits(s: Subjects, now: Date): Promise<void> {
  const db = getDb();
  const wanted = ids(s, now);
  const { data } = await db.collection(C.rateLimits).where({ _id: db.command.in(wanted.map((w) => w.id)) }).limit(2).get();
  const byScope = new Map((data as Counter[]).map((d) => [d.scope, d]));
  const m = byScope.get('m');
  const ip = byScope.get('ip');
  if ((m?.fails ?? 0) >= LIMITS.memberFails || (ip?.fails ?? 0) >= LIMITS.ipFails) {
    throw new AppError('SCAN_LOCKED', `too many failed verifications; try again after ${new Date(windowStart(now) + LIMITS.windowMs).toISOString()}`);
  }
  if ((m?.scans ?? 0) >= LIMITS.memberScans || (ip?.scans ?? 0) >= LIMITS.ipScans) {
    throw new AppError('RATE_LIMITED', 'too many scans; slow down');
  }
}

async function bump(id: string, scope: Scope, failed: boolean, now: Date): Promise<void> {
  const db = getDb();
  const _ = db.command;
  const inc = { scans: _.inc(1), ...(failed ? { fails: _.inc(1) } : {}) };
  const ref = db.collection(C.rateLimits).doc(id);
  const { stats } = await ref.update({ data: inc });
  if (stats.updated) return;
  try {
    await db.collection(C.rateLimits).add({
      data: { _id: id, scope, scans: 1, fails: failed ? 1 : 0, expiresAt: new Date(windowStart(now) + LIMITS.windowMs) },
    });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    await ref.update({ data: inc }); // another scan created it first
  }
}

/** Counts one scan (and a failed verification when `failed`) for each subject, in parallel. */
export async function countScan(s: Subjects, failed: boolean, now: Date): Promise<void> {
  await Promise.all(ids(s, now).map(({ scope, id }) => bump(id, scope, failed, now)));
}

/** Fails recorded for a member in the current window, after counting one (for the brute-force event). */
export async function memberFails(member: string, now: Date): Promise<number> {
  const { data } = await getDb().collection(C.rateLimits).doc(counterId('m', member, now)).get();
  return (data as Counter | null)?.fails ?? 0;
}

/** Removes counters of windows that ended over an hour ago (the codes timer, every minute). */
export async function pruneCounters(now: Date): Promise<number> {
  const db = getDb();
  const { stats } = await db.collection(C.rateLimits).where({ expiresAt: db.command.lt(new Date(+now - 3600_000)) }).remove();
  return stats.removed;
}
