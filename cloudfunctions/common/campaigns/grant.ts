// Operators granting points under a `manual` campaign (compensations, prizes handed out offline):
// bounded by the campaign's rule (maxPoints per grant), its caps per member and its budget, through
// the same earn as every other kind. Keyed by the operator's key in its own namespace
// (`manual:<campaign>:<key>`), so it can never collide with a key the system derives.
import { getDb } from '../cloud';
import { accountMissing } from '../ledger/pseudonymise';
import { AppError } from '../errors';
import { accountFields } from '../ledger/access';
import { COUNTERS_FIELD, type Counters } from './counters';
import { earn } from './credit';
import { isLive } from './earn';
import { COLLECTIONS as C, type Campaign } from './model';
import type { ManualRule } from './rules/manual';

export async function grant(o: { campaign: string; member: string; points: number; key: string; operator: string; now?: Date }) {
  const now = o.now ?? new Date();
  const db = getDb();
  const [{ data: c }, account] = await Promise.all([
    db.collection(C.campaigns).doc(o.campaign).get(),
    accountFields<{ [COUNTERS_FIELD]: Counters }>(o.member, [COUNTERS_FIELD]),
  ]);
  const campaign = c as Campaign | null;
  if (!campaign || campaign.kind !== 'manual') throw new AppError('NOT_FOUND', `no manual campaign ${o.campaign}`);
  if (!account) throw await accountMissing(o.member);
  if (!isLive(campaign, now)) throw new AppError('BAD_REQUEST', `campaign ${o.campaign} is not live: 活动未发布、未开始或已结束`);
  const max = (campaign.rule as ManualRule).maxPoints;
  if (o.points > max) throw new AppError('BAD_REQUEST', `points: 单次发放不能超过 ${max} 积分`);
  const r = await earn({
    campaign,
    member: o.member,
    event: { points: o.points },
    key: `manual:${campaign._id}:${o.key}`,
    source: { kind: 'manual', ref: o.key },
    operator: o.operator,
    now,
    counters: ((account as { counters?: Counters }).counters ?? {}) as Counters,
  });
  if (r.kind === 'capped') throw new AppError('LIMIT_EXCEEDED', `该会员已达到活动 ${campaign.name} 的发放上限`);
  return { entry: r.entry, points: r.kind === 'earned' ? r.points : r.entry.amount, replayed: r.kind === 'replayed' };
}
