// Accounts with points due by a time, for the expiry run and the reminder pass: paged by
// (nextExpiry, _id) over the `nextExpiry` index, each carrying only its lots that expire by then
// with points still available. An account keeps up to a year of daily lots; the page ships only
// the ones that matter, so a full page stays small.
import { getDb } from '../cloud';
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
  const dueLots = $.filter({
    input: '$lots',
    as: 'l',
    cond: $.and([$.lte(['$$l.expiresAt', until]), $.gt([$.subtract(['$$l.remaining', '$$l.held']), 0])]),
  });
  const { list } = await db
    .collection(C.accounts)
    .aggregate()
    .match(range)
    .sort({ nextExpiry: 1, _id: 1 })
    .limit(limit)
    .project({ nextExpiry: 1, lots: dueLots })
    .end();
  return list as DueAccount[];
}
