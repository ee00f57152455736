// Accounts with points due by a time, for the expiry run and the reminder pass: paged by
// (nextExpiry, _id) over the `nextExpiry` index, each carrying only its lots that expire by then.
// An account keeps up to a year of daily lots; the page ships only the ones that matter (packed
// lots compare as strings in expiry order, lots.ts), so a full page stays small. What is available
// in them is decided here, after unpacking.
import { getDb } from '../cloud';
import { available } from './allocate';
import { dueBound, LEGACY_ABOVE, unpackLots, type StoredLot } from './lots';
import { COLLECTIONS as C, type Lot } from './model';

export interface DueAccount {
  _id: string;
  nextExpiry: Date;
  /** Only the lots expiring by `until` with available points (remaining − held). */
  lots: Lot[];
}

export interface DueCursor {
  expiresAt: Date;
  id: string;
}

/** The next `limit` accounts with nextExpiry ≤ `until`, after `cursor`. */
export async function dueAccounts(until: Date, cursor: DueCursor | null, limit: number): Promise<DueAccount[]> {
  const db = getDb();
  const _ = db.command;
  const $ = _.aggregate;
  const range = cursor
    ? _.or([{ nextExpiry: _.gt(new Date(cursor.expiresAt)).and(_.lte(until)) }, { nextExpiry: new Date(cursor.expiresAt), _id: _.gt(cursor.id) }])
    : { nextExpiry: _.lte(until) };
  // Packed lots due by `until`, and any lot still stored as an object (decided after unpacking).
  const dueLots = $.filter({ input: '$lots', as: 'l', cond: $.or([$.lte(['$$l', dueBound(until)]), $.gt(['$$l', LEGACY_ABOVE])]) });
  const { list } = await db
    .collection(C.accounts)
    .aggregate()
    .match(range)
    .sort({ nextExpiry: 1, _id: 1 })
    .limit(limit)
    .project({ nextExpiry: 1, lots: dueLots })
    .end();
  return (list as { _id: string; nextExpiry: Date; lots: StoredLot[] }[]).map((a) => ({
    ...a,
    lots: unpackLots(a.lots).filter((l) => +l.expiresAt <= +until && available(l) > 0),
  }));
}

/**
 * For the expiry run: up to `limit` accounts still due by `until`, in no order, but those in
 * `skip`. No cursor is needed: expiring a member moves its `nextExpiry` past `until`, so the same
 * query finds the next ones, and a run resumed after a kill starts over on what is left. A plain
 * query (no sort, no aggregate) stays cheap however many accounts are due; it ships whole lots, so
 * the page is small (packed lots: ~15 kB for a year of daily lots, 50 accounts well under 1 MB).
 */
export async function stillDue(until: Date, limit: number, skip: string[]): Promise<DueAccount[]> {
  const db = getDb();
  const _ = db.command;
  const { data } = await db
    .collection(C.accounts)
    .where({ nextExpiry: _.lte(until), ...(skip.length ? { _id: _.nin(skip) } : {}) })
    .limit(limit)
    .field({ nextExpiry: true, lots: true })
    .get();
  return (data as { _id: string; nextExpiry: Date; lots: StoredLot[] }[]).map((a) => ({
    ...a,
    lots: unpackLots(a.lots).filter((l) => +l.expiresAt <= +until && available(l) > 0),
  }));
}
