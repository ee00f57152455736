// Scan statistics per batch and Shanghai day. Claims and their points come from the codes
// themselves (claimedAt, points; index `batch, claimedAt`), so a claim writes no statistics; the
// scans that claimed nothing (repeats, daily cap, diverted) are counted in `scanStats/<batch>:<day>`.
import { getDb } from '../cloud';
import { isDuplicateKeyError } from '../errors';
import { shanghaiDay } from '../time';
import { getBatch } from './batches';
import { COLLECTIONS as C } from './model';

/**
 * Counts a scan of an active code that claimed nothing: one update (plus an insert once a day).
 * `prov.<code>` counts them by the scan's province ('none' when unknown), for the dashboard.
 */
export async function countQuery(batch: string, now: Date, province = ''): Promise<void> {
  const db = getDb();
  const id = `${batch}:${shanghaiDay(now)}`;
  const prov = province || 'none';
  const inc = { queries: db.command.inc(1), [`prov.${prov}`]: db.command.inc(1) };
  const { stats } = await db.collection(C.scanStats).doc(id).update({ data: inc });
  if (stats.updated) return;
  try {
    await db.collection(C.scanStats).add({ data: { _id: id, batch, day: shanghaiDay(now), queries: 1, prov: { [prov]: 1 } } });
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    await db.collection(C.scanStats).doc(id).update({ data: inc });
  }
}

interface DayStats {
  day: string;
  /** Every counted scan: claims plus the others. */
  scans: number;
  claims: number;
  points: number;
}

/** Days `stats` answers: the latest year's. */
const DAYS = 366;

/** Scans, claims and points per day for a batch (operators' `stats`). */
export async function scanStats(batchId: string): Promise<{ batch: string; days: DayStats[] }> {
  await getBatch(batchId);
  const db = getDb();
  const $ = db.command.aggregate;
  const [{ data: counted }, { list: claimed }] = await Promise.all([
    db.collection(C.scanStats).where({ batch: batchId }).orderBy('day', 'desc').limit(DAYS).get(),
    db
      .collection(C.codes)
      .aggregate()
      .match({ batch: batchId, claimedAt: db.command.gt(new Date(0)) })
      .group({ _id: $.dateToString({ date: '$claimedAt', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' }), claims: $.sum(1), points: $.sum('$points') })
      // The cloud's aggregate answers 20 rows unless told otherwise: the latest DAYS days.
      .sort({ _id: -1 })
      .limit(DAYS)
      .end(),
  ]);
  const days = new Map<string, DayStats>();
  const at = (day: string) => days.get(day) ?? days.set(day, { day, scans: 0, claims: 0, points: 0 }).get(day)!;
  for (const d of counted) at(d.day).scans += d.queries ?? 0;
  for (const c of claimed) {
    const d = at(c._id);
    d.claims = c.claims;
    d.points = c.points;
    d.scans += c.claims;
  }
  return { batch: batchId, days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)).slice(-DAYS) };
}
