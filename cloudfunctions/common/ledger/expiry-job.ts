// The expiry run: expires every lot due at the run's cutoff, member by member, paging the accounts
// whose soonest expiry with available points (`nextExpiry`) is due (due.ts), 200 per query, stopping
// when its time budget is spent. Progress (a cursor over (nextExpiry, _id)) is checkpointed in
// `jobRuns` with every member's expiry, so a run killed at any point resumes where it stopped; a
// member's expiry is idempotent by run (expireMember), so redoing the member in flight changes
// nothing.
import { getDb } from '../cloud';
import { txGet } from '../tx';
import { available } from './allocate';
import { dueAccounts } from './due';
import { COLLECTIONS as C, type Lot } from './model';
import { ensureReminded, lastValidDay } from './reminders';
import { expireMember } from './service';

export interface ExpiryRun {
  _id: string;
  job: 'expiry';
  day: string;
  cutoff: Date;
  status: 'running' | 'done';
  cursor: { expiresAt: Date; id: string } | null;
  members: number;
  points: number;
  startedAt: Date;
  finishedAt?: Date;
}

/** Accounts per query (each with only its due lots: a page stays far under the cloud's 1 MB cap). */
const CHUNK = 200;

/** Runs (or resumes) the expiry run for Shanghai `day` with cutoff `cutoff`, for at most `budgetMs`. */
export async function runExpiry(day: string, cutoff: Date, budgetMs: number, now = () => Date.now()): Promise<ExpiryRun> {
  const started = now();
  const db = getDb();
  const _ = db.command;
  const runs = db.collection(C.jobRuns);
  const id = `expiry:${day}`;
  let run = (await runs.doc(id).get()).data as ExpiryRun | null;
  if (!run) {
    run = { _id: id, job: 'expiry', day, cutoff, status: 'running', cursor: null, members: 0, points: 0, startedAt: new Date(started) };
    await runs.doc(id).set({ data: stripId(run) });
  }
  if (run.status === 'done') return run;
  const runCutoff = new Date(run.cutoff);

  while (now() - started < budgetMs) {
    const accounts = await dueAccounts(runCutoff, run.cursor, CHUNK);
    for (const account of accounts) {
      if (now() - started >= budgetMs) return run;
      const member = account._id;
      for (const [expiryDay, points] of dueByDay(account.lots)) await ensureReminded(member, expiryDay, points, runCutoff);
      const cursor = { expiresAt: new Date(account.nextExpiry), id: member };
      // The member's expiry and the run's checkpoint commit together: a run killed at any point
      // neither skips a member nor counts one twice.
      let tallied: Pick<ExpiryRun, 'members' | 'points'> | null = null;
      await expireMember(member, run._id, runCutoff, async (tx, _now, _account, entry) => {
        const current = (await txGet<ExpiryRun>(tx, C.jobRuns, id))!;
        tallied = { members: current.members + 1, points: current.points + entry.amount };
        // _.set replaces the cursor whole (a plain object would be merged into a null field by dot paths).
        await tx.collection(C.jobRuns).doc(id).update({ data: { cursor: _.set(cursor), ...tallied } });
      });
      if (!tallied) await runs.doc(id).update({ data: { cursor: _.set(cursor) } });
      run = { ...run, cursor, ...(tallied ?? {}) };
    }
    if (accounts.length < CHUNK) {
      run = { ...run, status: 'done', finishedAt: new Date(now()) };
      await runs.doc(id).update({ data: { status: 'done', finishedAt: run.finishedAt } });
      return run;
    }
  }
  return run;
}

/** Points due per last valid day (held ones are reminded when their hold returns them). */
function dueByDay(lots: Lot[]): Map<string, number> {
  const days = new Map<string, number>();
  for (const lot of lots) {
    const day = lastValidDay(new Date(lot.expiresAt));
    days.set(day, (days.get(day) ?? 0) + available(lot));
  }
  return days;
}

const stripId = ({ _id, ...rest }: ExpiryRun) => rest;
