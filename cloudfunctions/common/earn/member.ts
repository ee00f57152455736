// What sign-in and the task centre read about a member, in ONE request: the member, their account's
// fields of these modules (sign-in state, campaign counters, when it was opened — the join day) and
// their tier, as an aggregate on `members` joining the account (ledger/access.ts) and the tier state.
import { getDb } from '../cloud';
import { STATE_FIELD } from '../campaigns/rules/signin';
import type { TierInput } from '../campaigns/tier';
import { AppError } from '../errors';
import { accountJoin } from '../ledger/access';
import type { MemberDoc } from '../services/members';
import { loadScheme, tierInput, tierJoin } from '../tiers/service';

export interface MemberRead {
  member: MemberDoc;
  /** The account's `signin`, `counters` and `createdAt` (never the ledger's own fields). */
  account: Record<string, unknown>;
  tier: TierInput;
}

/** NOT_FOUND without a points account. `kind` picks the tier's multiplier (sign-in or earning). */
export async function readMember(member: string, kind: 'signin' | 'earn'): Promise<MemberRead> {
  const [scheme, { list }] = await Promise.all([
    loadScheme(),
    getDb()
      .collection('members')
      .aggregate()
      .match({ _id: member })
      .lookup(accountJoin(member, { [STATE_FIELD]: 1, counters: 1, createdAt: 1 }, 'accounts'))
      .lookup(tierJoin(member, 'tiers'))
      .end(),
  ]);
  const row = list[0] as (MemberDoc & { accounts: Record<string, unknown>[]; tiers: { level?: string }[] }) | undefined;
  const account = row?.accounts[0];
  if (!row || !account) throw new AppError('NOT_FOUND', `no points account for member ${member}`);
  const { accounts: _a, tiers, ...m } = row;
  return { member: m as MemberDoc, account, tier: tierInput(scheme, tiers[0]?.level, kind) };
}
