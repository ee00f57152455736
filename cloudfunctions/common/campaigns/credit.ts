// Earning under a campaign (docs/campaigns.md#earning): ONE ledger credit whose transaction also
// checks the member's caps on the account it re-read and writes their counters in the same account
// update (the ledger's alsoInTransaction hook) — so no burst of concurrent earns passes a cap, at
// no extra request. Every kind's earn path goes through here; a kind adds its own writes with
// `alongside` (a scan's claim of its code) and its own counters with `moreCounters`.
import { getDb } from '../cloud';
import { AppError } from '../errors';
import type { Account, Entry, Source } from '../ledger/model';
import { credit } from '../ledger/service';
import { assertMayEarn } from '../risk/block';
import type { Tx } from '../tx';
import { COUNTERS_FIELD, pruneCounters, type Counters } from './counters';
import { countEarn, decide, expiryPolicy } from './earn';
import type { Campaign } from './model';

export type EarnResult =
  | { kind: 'earned'; points: number; entry: Entry; why: string }
  /** The caps (or the rule) leave nothing: nothing is written. */
  | { kind: 'capped' }
  /** The key already has an entry (a retry, or a concurrent call with the same key): that entry. */
  | { kind: 'replayed'; entry: Entry };

export interface EarnRequest<E> {
  /** The live campaign, or null: then `fallback` gives the points and no caps apply. */
  campaign: Campaign | null;
  fallback?: { points: number; why: string };
  member: string;
  event: E;
  key: string;
  source: Source;
  now: Date;
  tier?: string;
  /** The operator, for an operator's grant. */
  operator?: string;
  /** The member's counters as the caller already read them (saves nothing but a retry when stale). */
  counters?: Counters;
  /**
   * The caller's writes that commit with the credit; may throw to refuse it. It sees the account as
   * the transaction read it and may return fields of the kind's own per-member state to set on it
   * in the same update (e.g. the sign-in days, `signin`).
   */
  alongside?: (tx: Tx, seen: Counters, points: number, account: Account) => Promise<void | Record<string, unknown>>;
  /** The caller's own counters after this earn (e.g. a kind-wide rate). */
  moreCounters?: (counters: Counters) => Counters;
  /** Rolling windows older than this are pruned (default 0: the caller owns no window, keep all). */
  windowStart?: number;
}

/** Inside the transaction: the caps allow another amount than the credit was started with. */
class CapsMoved extends Error {
  constructor(readonly counters: Counters) {
    super('caps moved');
  }
}

const MAX_CAP_RETRIES = 5;

function award<E>(req: EarnRequest<E>, counters: Counters): { points: number; why: string } {
  if (!req.campaign) return req.fallback ?? { points: 0, why: '' };
  const d = decide(req.campaign, { event: req.event, counters, tier: req.tier ?? '', now: req.now });
  return { points: d.points, why: d.why };
}

export async function earn<E>(req: EarnRequest<E>): Promise<EarnResult> {
  const { campaign, now } = req;
  let counters = req.counters ?? {};
  for (let attempt = 0; ; attempt++) {
    const { points, why } = award(req, counters);
    if (points <= 0) return { kind: 'capped' };
    let ran = false;
    try {
      const policy = campaign ? expiryPolicy(campaign) : undefined;
      const { entry, replayed } = await credit({
        member: req.member,
        amount: points,
        key: req.key,
        source: { ...req.source, ...(campaign ? { version: campaign.version } : {}) } as Source,
        campaign: campaign?._id ?? '',
        ...(campaign?.budget ? { budget: campaign.budget } : {}),
        ...(policy ? { expiry: policy } : {}),
        reason: why,
        ...(req.operator ? { operator: req.operator } : {}),
        now,
        alsoInTransaction: async (tx, _now, account) => {
          assertMayEarn(account); // a member blocked by risk review earns nothing (docs/risk.md#block)
          const seen = ((account as Account & { [COUNTERS_FIELD]?: Counters })[COUNTERS_FIELD] ?? {}) as Counters;
          if (award(req, seen).points !== points) throw new CapsMoved(seen);
          const own = req.alongside ? await req.alongside(tx, seen, points, account) : undefined;
          const earned = campaign ? countEarn(campaign, seen, points, now) : seen;
          const next = pruneCounters(req.moreCounters ? req.moreCounters(earned) : earned, now, req.windowStart ?? 0);
          ran = true;
          return { ...(own ?? {}), [COUNTERS_FIELD]: getDb().command.set(next) };
        },
      });
      // A key answered from an earlier call: our hook's writes (if it ran) rolled back.
      if (ran && !replayed) return { kind: 'earned', points, entry, why };
      return { kind: 'replayed', entry };
    } catch (e) {
      if (e instanceof CapsMoved) {
        if (attempt >= MAX_CAP_RETRIES) throw new AppError('CONFLICT', 'too many concurrent earns; try again');
        counters = e.counters;
        continue;
      }
      throw e;
    }
  }
}
