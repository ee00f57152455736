// A code's claim: ONE ledger credit under the key `scan:<code>` — an earn under the batch's scan
// campaign (campaigns/credit.ts) — whose transaction also writes the code, the member's counters
// and, when the scan won one, the red packet (docs/codes.md#claim). The credit's entry is the gate:
// a second claimant's entry hits the duplicate key and the whole transaction rolls back, so the
// claim need not re-read the code and writes it blind.
//
// Everything per member is checked against the account the credit's transaction re-read (a
// member's credits serialise on their account): the campaign's caps (by earn) and the member's
// scan rate (claims in the window, the kind-wide counter `@scan`). A burst of concurrent first
// scans therefore cannot pass either.
import { countedInWindow, inWindow, type Counters } from '../campaigns/counters';
import { earn } from '../campaigns/credit';
import type { Campaign } from '../campaigns/model';
import { scanWhat, type ScanEvent } from '../campaigns/rules/scan';
import { AppError } from '../errors';
import type { Entry } from '../ledger/model';
import { scanUpdate } from './history';
import { LIMITS, windowStart } from './limits';
import { COLLECTIONS as C, type Code, type ScanPlace } from './model';
import { claimKey } from './preread';
import { DayCounterMissing, ensureDayCounter, recordWin, type Payout, type RedPacketWin } from './redpackets';

type ClaimResult =
  | { kind: 'claimed'; points: number; entry: Entry; code: Code; payout: Payout | null }
  /** The caps leave nothing: the code stays unclaimed. */
  | { kind: 'capped' }
  /** Another claim committed first; `entry` when it was this member's own concurrent scan. */
  | { kind: 'lost'; entry: Entry | null };

/** The kind-wide counter of a member's scan claims in the rate window. */
export const SCAN_RATE_KEY = '@scan';

export interface ClaimRequest {
  code: Code;
  member: string;
  /** The live campaign of the code's batch, or null (the product's base points, no caps). */
  campaign: Campaign | null;
  event: ScanEvent;
  /** The member's counters from the pre-read. */
  counters: Counters;
  /** The member's counted (non-claim) scans in the window, from the pre-read (their rate). */
  countedScans: number;
  /** A red packet the scan's draw won (paid only if the claim commits and the budgets cover it). */
  redPacket: RedPacketWin | null;
  /** Where the claiming scan happened (kept in the code's recent scans). */
  place: ScanPlace;
  now: Date;
}

const MAX_DAY_COUNTER_RETRIES = 2;

export async function claim(req: ClaimRequest): Promise<ClaimResult> {
  const { code, member, now } = req;
  const window = windowStart(now);
  for (let attempt = 0; ; attempt++) {
    let claimed: Code | null = null;
    let payout: Payout | null = null;
    try {
      const r = await earn({
        campaign: req.campaign,
        fallback: { points: req.event.basePoints, why: `${scanWhat(req.event)}${req.event.basePoints}` },
        member,
        event: req.event,
        key: claimKey(code._id),
        source: { kind: 'scan', ref: code._id },
        now,
        counters: req.counters,
        windowStart: window,
        alongside: async (tx, seen, points) => {
          // The member's scan rate: their claims in the window (re-read) plus their counted scans.
          if (inWindow(seen[SCAN_RATE_KEY], window) + req.countedScans >= LIMITS.memberScans) throw new AppError('RATE_LIMITED', 'too many scans; slow down');
          const { data, after } = scanUpdate(code, member, now, false, req.place, true);
          await tx.collection(C.codes).doc(code._id).update({ data: { ...data, claimedBy: member, claimedAt: now, points, claimProvince: req.place.province ?? '' } });
          claimed = { ...after, claimedBy: member, claimedAt: now, points };
          payout = req.redPacket ? await recordWin(tx, req.redPacket, now) : null;
        },
        moreCounters: (c) => ({ ...c, [SCAN_RATE_KEY]: countedInWindow(c[SCAN_RATE_KEY], window) }),
      });
      if (r.kind === 'capped') return { kind: 'capped' };
      // A credit that found the key taken by this member's own concurrent claim (same points)
      // answers that claim's entry, while our writes rolled back.
      if (r.kind === 'earned' && claimed) return { kind: 'claimed', points: r.points, entry: r.entry, code: claimed, payout };
      return { kind: 'lost', entry: r.entry };
    } catch (e) {
      if (e instanceof DayCounterMissing && attempt < MAX_DAY_COUNTER_RETRIES) {
        await ensureDayCounter(e.win, now);
        continue;
      }
      if (e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH') return { kind: 'lost', entry: null }; // another member's claim
      throw e;
    }
  }
}
