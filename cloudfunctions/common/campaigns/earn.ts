// Pure decisions every earn path shares: is the campaign live, what expiry its credits get, and
// what the member may earn under it (the kind's rule, then the caps on their counters).
import { campaignEndPlusMonths, expiresAt, type ExpiryPolicy } from '../ledger/policy';
import { allowance, counted, type Counters } from './counters';
import type { Campaign, CampaignContent } from './model';
import { ruleModule, type Award } from './rules';

/** The ledger policy of the campaign's credits (afterEnd resolved against window.to). */
export function expiryPolicy(c: Pick<CampaignContent, 'expiry' | 'window'>): ExpiryPolicy | undefined {
  const e = c.expiry;
  if (!e) return undefined;
  if (e.kind !== 'afterEnd') return e;
  if (!c.window.to) throw new RangeError('afterEnd expiry needs window.to');
  return campaignEndPlusMonths(new Date(c.window.to), e.months);
}

/**
 * Why the content cannot be saved or published at `now`, in Chinese, or null: a fixed expiry
 * already past (its credits would be expired the moment they are made), an expiry relative to an
 * end the window does not have, a window that ends before it starts.
 */
export function contentProblem(c: Pick<CampaignContent, 'expiry' | 'window'>, now: Date): string | null {
  const { from, to } = c.window;
  if (from && to && +new Date(to) <= +new Date(from)) return '活动结束时间必须晚于开始时间';
  if (c.expiry?.kind === 'afterEnd' && !to) return '“活动结束后 N 个月”的有效期需要活动结束时间';
  const policy = expiryPolicy(c);
  if (policy?.kind === 'fixed' && +expiresAt(policy, now) <= +now) {
    return `积分有效期 ${new Date(policy.at).toISOString()} 已过：此活动发放的积分会立即过期`;
  }
  return null;
}

/** Whether members earn under the campaign at `now`: published, inside its window, its expiry not past. */
export function isLive(c: Campaign, now: Date): boolean {
  if (c.status !== 'published') return false;
  if (c.window.from && +now < +new Date(c.window.from)) return false;
  if (c.window.to && +now >= +new Date(c.window.to)) return false;
  return contentProblem(c, now) === null;
}

export interface Decision extends Award {
  /** Points after the caps (0 = capped or nothing to earn). */
  points: number;
  /** What the rule gave before the caps. */
  uncapped: number;
}

/** The kind's rule on plain inputs, then the member's caps on this campaign. */
export function decide<E>(c: Campaign, input: { event: E; counters: Counters; tier: string; now: Date }): Decision {
  const mod = ruleModule(c.kind);
  if (!mod) return { points: 0, uncapped: 0, why: '' };
  const award = mod.evaluate(c.rule, input);
  return { ...award, uncapped: award.points, points: allowance(c.caps, input.counters[c._id], award.points, input.now) };
}

/** The counters after earning `points` under the campaign. */
export const countEarn = (c: Campaign, counters: Counters, points: number, now: Date): Counters =>
  c.caps.length ? { ...counters, [c._id]: counted(c.caps, counters[c._id], points, now) } : counters;
