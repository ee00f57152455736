// A pool's tier audience (docs/play.md#audience): the campaign's `audience.tiers` — when listed,
// only members of those tiers may draw. One read (the member's tier; the scheme is cached), made
// only for pools that list tiers, so an open pool's draw costs what it did.
import type { Campaign } from '../campaigns/model';
import { loadScheme, tierOf } from '../tiers/service';

export interface AudienceView {
  /** The tiers' Chinese names (empty = everyone). */
  tiers: string[];
  /** Whether this member may draw. */
  eligible: boolean;
}

/** Pure: the listed levels' names, and whether `level` is among them. */
export function audienceOf(levels: string[], names: Record<string, string>, level: string): AudienceView {
  return { tiers: levels.map((l) => names[l] ?? l), eligible: !levels.length || levels.includes(level) };
}

/** The member's standing for the pool; no request when the pool is open to everyone. */
export async function audienceFor(campaign: Campaign, member: string): Promise<AudienceView> {
  const levels = campaign.audience?.tiers ?? [];
  if (!levels.length) return { tiers: [], eligible: true };
  const [scheme, t] = await Promise.all([loadScheme(), tierOf(member)]);
  return audienceOf(levels, Object.fromEntries(scheme.tiers.map((x) => [x.level, x.name])), t.tier);
}

/** The refusal's text: 本活动仅限金卡会员、黑金会员参与. */
export const audienceMessage = (a: AudienceView) => `本活动仅限${a.tiers.join('、')}参与`;
