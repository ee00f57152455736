// The tier an earn used, as plain rule input (docs/earn.md#tiers). The earn path reads the member's
// tier once (tiers/service.ts: the scheme, their `memberTiers` state) and hands the rules this value,
// so the rules stay pure and every credit can record the tier and multiplier it used.

export interface TierInput {
  /** The tier's level id (e.g. `gold`); '' = no tier scheme applies. */
  tier: string;
  /** Its Chinese name (e.g. 金卡会员), for the credit's reason. */
  name: string;
  /** The multiplier of this kind of earning (sign-in or task) for the tier. */
  multiplier: number;
}

export const NO_TIER: TierInput = { tier: '', name: '', multiplier: 1 };

/** " · 金卡会员 1.5 倍" for a reason, '' when the multiplier is 1. */
export const tierWhy = (t: TierInput): string => (t.multiplier !== 1 ? ` · ${t.name ? `${t.name} ` : ''}${t.multiplier} 倍` : '');

/** The fields a credit's source records: the tier and multiplier it used (like an order's). */
export const tierSource = (t: TierInput) => ({ tier: t.tier, multiplier: t.multiplier });

/** floor(points × multiplier) in hundredths, exact (100 × 1.15 is 114.999… in floating point). */
export const multiplied = (points: number, multiplier: number): number => Math.floor((points * Math.round(multiplier * 100)) / 100);
