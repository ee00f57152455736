// A code's claim: ONE ledger credit under the key `scan:<code>` whose transaction also writes the
// code and the member's scan state (docs/codes.md#claim). The credit's entry is the gate: a second
// claimant's entry hits the duplicate key and the whole transaction rolls back, so the claim's
// hook need not re-read the code and writes it blind. The daily cap is checked against the account
// the credit reads anyway; if the member's points today moved since the pre-read, the credit is
// retried with the capped amount recomputed.
import { AppError } from '../errors';
import type { Account, Entry } from '../ledger/model';
import { credit, type CreditRequest } from '../ledger/service';
import { scanUpdate } from './history';
import { COLLECTIONS as C, type Code } from './model';
import { claimKey } from './preread';
import { capped } from './rules';
import { ACCOUNT_FIELD, afterClaim, pointsToday, type ScanState } from './scanstate';

type ClaimResult =
  | { kind: 'claimed'; points: number; entry: Entry; code: Code }
  /** The daily cap leaves nothing: the code stays unclaimed. */
  | { kind: 'capped' }
  /** Another claim committed first; `entry` when it was this member's own concurrent scan. */
  | { kind: 'lost'; entry: Entry | null };

interface ClaimRequest {
  code: Code;
  member: string;
  /** Points before the daily cap. */
  points: number;
  dailyCap?: number;
  /** The member's scan state from the pre-read. */
  state: ScanState | undefined;
  /** The credit's campaign, budget and expiry. */
  credit: Pick<CreditRequest, 'campaign' | 'budget' | 'expiry'>;
  now: Date;
}

/** Inside the claim's transaction: the member's points today are not what the cap was applied to. */
class DailyMoved extends Error {
  constructor(readonly state: ScanState | undefined) {
    super('daily points moved');
  }
}

const MAX_CAP_RETRIES = 5;

export async function claim(req: ClaimRequest): Promise<ClaimResult> {
  const { code, member, now } = req;
  let state = req.state;
  for (let attempt = 0; ; attempt++) {
    const points = capped(req.points, pointsToday(state, now), req.dailyCap);
    if (points <= 0) return { kind: 'capped' };
    let claimed: Code | null = null;
    try {
      const { entry, replayed } = await credit({
        ...req.credit,
        member,
        amount: points,
        key: claimKey(code._id),
        source: { kind: 'scan', ref: code._id },
        now,
        alsoInTransaction: async (tx, _now, account) => {
          const seen = (account as Account & { [ACCOUNT_FIELD]?: ScanState })[ACCOUNT_FIELD];
          if (req.dailyCap && pointsToday(seen, now) !== pointsToday(state, now)) throw new DailyMoved(seen);
          const { data, after } = scanUpdate(code, member, now);
          await tx.collection(C.codes).doc(code._id).update({ data: { ...data, claimedBy: member, claimedAt: now, points } });
          claimed = { ...after, claimedBy: member, claimedAt: now, points };
          return { [ACCOUNT_FIELD]: afterClaim(seen, points, now) };
        },
      });
      // A credit that found the key taken by this member's own concurrent claim (same points)
      // answers that claim's entry, while our hook's writes rolled back.
      if (claimed && !replayed) return { kind: 'claimed', points, entry, code: claimed };
      return { kind: 'lost', entry };
    } catch (e) {
      if (e instanceof DailyMoved) {
        if (attempt >= MAX_CAP_RETRIES) throw new AppError('CONFLICT', 'too many concurrent scans; try again');
        state = e.state;
        continue;
      }
      if (e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH') return { kind: 'lost', entry: null }; // another member's claim
      throw e;
    }
  }
}
