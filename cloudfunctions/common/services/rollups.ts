// Daily roll-ups written by the jobs function. Each day's figures are a document whose _id names
// the day, written with set(): running a day twice rewrites the same figures.
import { getDb } from '../cloud';
import { shanghaiDayStart } from '../time';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface MembersRollup {
  day: string;
  newMembers: number;
  totalMembers: number;
}

export async function rollupMembers(day: string, now = new Date()): Promise<MembersRollup> {
  const db = getDb();
  const _ = db.command;
  const start = shanghaiDayStart(day);
  const end = new Date(start.getTime() + DAY_MS);
  const members = db.collection('members');
  const [{ total: newMembers }, { total: totalMembers }] = await Promise.all([
    members.where({ createdAt: _.gte(start).and(_.lt(end)) }).count(),
    members.where({ createdAt: _.lt(end) }).count(),
  ]);
  const rollup = { day, newMembers, totalMembers };
  await db.collection('metricsDaily').doc(`members:${day}`).set({ data: { metric: 'members', ...rollup, computedAt: now } });
  return rollup;
}

/** The ledger's figures per campaign and day (docs/metrics.md), run by the jobs timer after its tick. */
export { runLedgerRollup } from '../metrics/rollup';
/** Time the timer gives the ledger roll-up after the tick's own 8 s (the function's timeout is 20 s). */
export const LEDGER_ROLLUP_BUDGET_MS = 5_000;
/** Today's live roll-up (docs/metrics.md#today-so-far), last: 8 + 5 + 2 s and a page in flight stay inside 20 s. */
export { runTodayRollup } from '../metrics/today';
export const TODAY_ROLLUP_BUDGET_MS = 2_000;
