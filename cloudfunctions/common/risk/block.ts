// Blocking a member from earning (docs/risk.md#block): a field on the member's points account,
// which every earn already reads inside its credit's transaction — so the check costs no request
// and no concurrent earn slips past a block set before it commits. Checked once, in the shared earn
// path (campaigns/credit.ts `earn`: scans, sign-ins, tasks, operators' grants).
import { AppError } from '../errors';
import { accountFields, withOwnFields } from '../ledger/access';

export const BLOCK_FIELD = 'earnBlock';

export interface EarnBlock {
  case: string;
  by: string;
  at: Date;
  reason: string;
}

/** Throws EARN_BLOCKED when the account (as read in the transaction) carries a block. */
export function assertMayEarn(account: object): void {
  if ((account as { [BLOCK_FIELD]?: EarnBlock | null })[BLOCK_FIELD]) {
    throw new AppError('EARN_BLOCKED', '该账号暂停获取积分，如有疑问请联系客服');
  }
}

/** The block on a member's account, or null (NOT_FOUND without an account). */
export async function earnBlockOf(member: string): Promise<EarnBlock | null> {
  const data = await accountFields<Record<string, EarnBlock | null>>(member, [BLOCK_FIELD]).catch(() => null);
  if (!data) throw new AppError('NOT_FOUND', '会员没有积分账户');
  return data[BLOCK_FIELD] ?? null;
}

/** Sets (or clears, with null) the block. The ledger's own fields are not touched. */
export async function setEarnBlock(member: string, block: EarnBlock | null): Promise<void> {
  // The risk module's own field on the account, through the ledger's door for such fields.
  await withOwnFields(member, async () => ({ fields: { [BLOCK_FIELD]: block }, result: undefined }));
}
