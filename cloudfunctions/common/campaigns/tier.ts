// The member's tier and what it multiplies (docs/earn.md#tiers). Tiers (issue 11 §4) are being built
// on another branch; until they land every member has no tier and every multiplier is 1. This is
// the ONE place the sign-in and task rules ask, so tiers plug in by replacing these two functions.
import type { Account } from '../ledger/model';

/** The member's tier id as read from their points account ('' = none). TIERS: read the tier here. */
export const tierOf = (_account: Partial<Account> | null | undefined): string => '';

/** The earning multiplier of `tier` for a kind of earning (1 = none). TIERS: look up the tier's benefits here. */
export const tierMultiplier = (_tier: string, _kind: 'signin' | 'task'): number => 1;
