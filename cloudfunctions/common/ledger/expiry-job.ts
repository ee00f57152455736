// The expiry run: expires every lot due at the run's cutoff, member by member, asking for accounts
// whose soonest expiry with available points (`nextExpiry`) is still due (due.ts stillDue), 50 per
// query, stopping when its time budget is spent. An expired member is no longer due, so the run
// needs no cursor: a run killed at any point resumes on what is left; its tallies are counted in
// `jobRuns` with every member's expiry; a member's expiry is idempotent by run (expireMember), so
// redoing the member in flight changes nothing.
import { getDb } from '../cloud';
import { available } from './allocate';
import { stillDue } from './due';
import { COLLECTIONS as C, type Lot } from './model';
import { ensureReminded, lastValidDay, remind, type Reminder } from './reminders';
import { expireMember } from './service';

export interface ExpiryRun {
  _id: string;
  job: 'expiry';
  day: string;
  cutoff: Date;
  status: 'running' | 'done';
  /** Unused since the run needs no cursor (kept null for older documents' shape). */
  cursor: { expiresAt: Date; id: string } | null;
  members: number;
  points: number;
  startedAt: Date;
  finishedAt?: Date;
}

/** Accounts per query (whole lots, packed: a page stays well under the cloud's 1 MB cap). */
const CHUNK = 50;
/** Reminders read per page check (the cloud answers at most 1,000 documents a query). */
const REMINDED_PAGE = 1000;

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

  // Members whose expiry changed nothing (their `nextExpiry` was stale): not asked for again.
  const skip: string[] = [];
  while (now() - started < budgetMs) {
    const accounts = await stillDue(runCutoff, CHUNK, skip);
    const due = new Map(accounts.map((a) => [a._id, dueByDay(a.lots)]));
    const reminded = await remindedDays(due);
    for (const account of accounts) {
      if (now() - started >= budgetMs) return run;
      const member = account._id;
      for (const [expiryDay, points] of due.get(member)!) {
        if (reminded === null) await ensureReminded(member, expiryDay, points, runCutoff);
        else if (!reminded.has(`${member}|${expiryDay}`)) await remind(member, expiryDay, points, 0, runCutoff);
      }
      // The member's expiry and the run's tallies commit together: a run killed at any point
      // neither skips a member nor counts one twice (the hook runs only in the transaction that
      // makes the member's entry, so its increments count each member once without a read).
      let points = 0;
      await expireMember(member, run._id, runCutoff, async (tx, _now, _account, entry) => {
        points = entry.amount;
        await tx.collection(C.jobRuns).doc(id).update({ data: { members: _.inc(1), points: _.inc(entry.amount) } });
      });
      if (!points) skip.push(member);
      else run = { ...run, members: run.members + 1, points: run.points + points };
    }
    if (accounts.length < CHUNK) {
      run = { ...((await runs.doc(id).get()).data as ExpiryRun), status: 'done', finishedAt: new Date(now()) };
      await runs.doc(id).update({ data: { status: 'done', finishedAt: run.finishedAt } });
      return run;
    }
  }
  return run;
}

/**
 * The (member, last valid day) pairs of a page that already have a reminder, in one query (a
 * reminder 30 or 7 days ahead usually exists); null when the page has more than one query answers,
 * then each member is checked on its own.
 */
async function remindedDays(due: Map<string, Map<string, number>>): Promise<Set<string> | null> {
  const days = [...new Set([...due.values()].flatMap((d) => [...d.keys()]))];
  if (!days.length) return new Set();
  const db = getDb();
  const _ = db.command;
  const { data } = await db
    .collection(C.reminders)
    .where({ member: _.in([...due.keys()]), expiryDay: _.in(days) })
    .field({ member: true, expiryDay: true })
    .limit(REMINDED_PAGE)
    .get();
  if (data.length >= REMINDED_PAGE) return null;
  return new Set((data as Pick<Reminder, 'member' | 'expiryDay'>[]).map((r) => `${r.member}|${r.expiryDay}`));
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
