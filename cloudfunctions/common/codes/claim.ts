// A code's claim: ONE ledger credit under the key `scan:<code>` whose transaction also writes the
// code, the member's counters and — when the scan won one — the red packet (docs/codes.md#claim).
// The credit's entry is the gate: a second claimant's entry hits the duplicate key and the whole
// transaction rolls back, so the claim's hook need not re-read the code and writes it blind.
//
// Everything per member is checked in the hook against the account the credit's transaction
// re-read (a member's credits serialise on their account): the campaign's caps and the member's
// scan rate (claims in the window, kept in the account's counters). A burst of concurrent first
// scans therefore cannot pass either. If the caps now allow another amount than the one the credit
// was started with, the credit is retried with the amount recomputed.
import { getDb } from '../cloud';
import { countEarn, decide, expiryPolicy } from '../campaigns/earn';
import { COUNTERS_FIELD, countedInWindow, inWindow, pruneCounters, type Counters } from '../campaigns/counters';
import type { Campaign } from '../campaigns/model';
import type { ScanEvent } from '../campaigns/rules/scan';
import { AppError } from '../errors';
import type { Account, Entry, Source } from '../ledger/model';
import { credit, isReplay } from '../ledger/service';
import type { Tx } from '../tx';
import { scanUpdate } from './history';
import { LIMITS, windowStart } from './limits';
import { COLLECTIONS as C, type Code } from './model';
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
  now: Date;
}

/** Inside the claim's transaction: the caps allow another amount than the credit was started with. */
class CapsMoved extends Error {
  constructor(readonly counters: Counters) {
    super('caps moved');
  }
}

const MAX_CAP_RETRIES = 5;

/** Points the claim earns with these counters (after the caps). */
function pointsWith(req: ClaimRequest, counters: Counters): { points: number; why: string } {
  if (!req.campaign) return { points: req.event.basePoints, why: `扫码 ${req.event.basePoints}` };
  const d = decide(req.campaign, { event: req.event, counters, tier: '', now: req.now });
  return { points: d.points, why: d.why };
}

export async function claim(req: ClaimRequest): Promise<ClaimResult> {
  const { code, member, now, campaign } = req;
  const window = windowStart(now);
  let counters = req.counters;
  for (let attempt = 0; ; attempt++) {
    const { points, why } = pointsWith(req, counters);
    if (points <= 0) return { kind: 'capped' };
    let claimed: Code | null = null;
    let payout: Payout | null = null;
    try {
      const entry = await credit({
        member,
        amount: points,
        key: claimKey(code._id),
        source: { kind: 'scan', ref: code._id, ...(campaign ? { version: campaign.version } : {}) } as Source,
        campaign: campaign?._id ?? '',
        ...(campaign?.budget ? { budget: campaign.budget } : {}),
        ...(campaign && expiryPolicy(campaign) ? { expiry: expiryPolicy(campaign) } : {}),
        reason: why,
        now,
        alsoInTransaction: async (tx, _now, account) => {
          const seen = ((account as Account & { [COUNTERS_FIELD]?: Counters })[COUNTERS_FIELD] ?? {}) as Counters;
          // The member's scan rate: their claims in the window (re-read) plus their counted scans.
          if (inWindow(seen[SCAN_RATE_KEY], window) + req.countedScans >= LIMITS.memberScans) throw new AppError('RATE_LIMITED', 'too many scans; slow down');
          if (pointsWith(req, seen).points !== points) throw new CapsMoved(seen);
          const { data, after } = scanUpdate(code, member, now);
          await tx.collection(C.codes).doc(code._id).update({ data: { ...data, claimedBy: member, claimedAt: now, points } });
          claimed = { ...after, claimedBy: member, claimedAt: now, points };
          if (req.redPacket) payout = await recordWin(tx as Tx, req.redPacket, now);
          const earned = campaign ? countEarn(campaign, seen, points, now) : seen;
          const next = pruneCounters({ ...earned, [SCAN_RATE_KEY]: countedInWindow(earned[SCAN_RATE_KEY], window) }, now, window);
          return { [COUNTERS_FIELD]: getDb().command.set(next) };
        },
      });
      // A credit that found the key taken by this member's own concurrent claim (same points)
      // answers that claim's entry, while our hook's writes rolled back.
      if (claimed && !isReplay(entry)) return { kind: 'claimed', points, entry, code: claimed, payout };
      return { kind: 'lost', entry };
    } catch (e) {
      if (e instanceof DayCounterMissing && attempt < MAX_CAP_RETRIES) {
        await ensureDayCounter(e.win, now);
        continue;
      }
      if (e instanceof CapsMoved) {
        if (attempt >= MAX_CAP_RETRIES) throw new AppError('CONFLICT', 'too many concurrent scans; try again');
        counters = e.counters;
        continue;
      }
      if (e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH') return { kind: 'lost', entry: null }; // another member's claim
      throw e;
    }
  }
}
