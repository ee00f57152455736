// Everything a scan of a verified code decides on, in ONE aggregate request: the code, its batch,
// the scanner's rate-limit counters, the member's counters (campaign caps, claims in the rate
// window) and the code's claim entry in the ledger (a claimant's repeat scan answers its balance).
// The uncorrelated lookups match on `_id`, which the engine and the cloud answer from the index.
import { getDb } from '../cloud';
import { accountJoin, entryJoin, type Entry } from '../ledger/access';
import { counterIds, type Counter, type Subjects } from './limits';
import { COLLECTIONS as C, type Batch, type Code } from './model';
import { COUNTERS_FIELD, type Counters } from '../campaigns/counters';

interface PreRead {
  code: Code;
  batch: Batch | null;
  counters: Counter[];
  /** The member's account (only its counters), or null when they have none (never logged in). */
  account: { counters?: Counters } | null;
  /** The ledger entry of the code's claim (key `scan:<code>`), once claimed. */
  claimEntry: Entry | null;
}

export const claimKey = (code: string) => `scan:${code}`;

/** The pre-read of a scan of `codeId` by `s`; null when no such code was ever issued. */
export async function preRead(codeId: string, s: Subjects, now: Date): Promise<PreRead | null> {
  const db = getDb();
  const _ = db.command;
  const only = (match: Record<string, unknown>, fields?: Record<string, 1>) => {
    const p = db.command.aggregate.pipeline().match(match);
    return (fields ? p.project(fields) : p).done();
  };
  const { list } = await db
    .collection(C.codes)
    .aggregate()
    .match({ _id: codeId })
    .lookup({ from: C.batches, localField: 'batch', foreignField: '_id', as: 'batches' })
    .lookup({ from: C.rateLimits, pipeline: only({ _id: _.in(counterIds(s, now)) }), as: 'counters' })
    .lookup(accountJoin(s.member, { [COUNTERS_FIELD]: 1 }, 'accounts'))
    .lookup(entryJoin(claimKey(codeId), 'entries')) // small: no projection
    .end();
  if (!list.length) return null;
  const { batches, counters, accounts, entries, ...code } = list[0];
  return {
    code: code as Code,
    batch: (batches[0] as Batch) ?? null,
    counters: counters as Counter[],
    account: accounts[0] ?? null,
    claimEntry: entries[0] ?? null,
  };
}
