// The mall's decisions as pure functions of plain inputs (unit-tested without a database): an
// item's listing state at an instant and what a brand's checkout may deduct in points. (How stock
// is split over shards and taken across them is the shared counter's: counter/capped.ts.)
import { isDivision } from './divisions';
import type { Address, Item } from './model';

export type ListingState = 'hidden' | 'upcoming' | 'onSale' | 'delisted';

/** Listing and delisting take effect at their times because the state is computed when read. */
export function listingState(item: Pick<Item, 'visible' | 'listAt' | 'delistAt'>, now: Date): ListingState {
  if (!item.visible) return 'hidden';
  if (item.listAt && +new Date(item.listAt) > +now) return 'upcoming';
  if (item.delistAt && +new Date(item.delistAt) <= +now) return 'delisted';
  return 'onSale';
}

export interface CheckoutRules {
  /** Points per yuan (the ledger's exchange rate in force). */
  pointsPerYuan: number;
  /** Points are deducted only in multiples of this. */
  stepPoints: number;
  /** At most this share of the order amount, in percent (1..100). */
  maxSharePercent: number;
}

export const pointsToFenExact = (points: number, pointsPerYuan: number) => Math.floor((points * 100) / pointsPerYuan);

/**
 * The most points an order of `amountFen` may be paid with: the lesser of the member's available
 * points and the share cap, rounded down to a multiple of the step; and what they are worth in fen.
 */
export function quoteDeduction(amountFen: number, available: number, rules: CheckoutRules): { maxPoints: number; maxDeductFen: number } {
  const capFen = Math.floor((amountFen * rules.maxSharePercent) / 100);
  const capPoints = Math.floor((capFen * rules.pointsPerYuan) / 100);
  const raw = Math.max(0, Math.min(available, capPoints));
  const maxPoints = raw - (raw % rules.stepPoints);
  return { maxPoints, maxDeductFen: pointsToFenExact(maxPoints, rules.pointsPerYuan) };
}

/** Longest value of each address field, in characters as a person counts them (an emoji is one). */
export const ADDRESS_MAX = { name: 20, phone: 11, province: 20, city: 20, district: 20, detail: 120 } as const;

export type AddressProblem = { code: 'ADDRESS_INVALID' | 'TEXT_TOO_LONG' | 'ADDRESS_REGION_UNKNOWN'; message: string };

/**
 * Why an address cannot be used, or null. Over-long text is refused (TEXT_TOO_LONG), never cut;
 * province / city / district must name a real division (ADDRESS_REGION_UNKNOWN, divisions.ts);
 * the phone is an 11-digit mainland mobile.
 */
export function addressProblem(a: Address): AddressProblem | null {
  const chars = (s: string) => Array.from(s.trim()).length;
  for (const [field, max] of Object.entries(ADDRESS_MAX) as [keyof Address, number][]) {
    if (typeof a[field] === 'string' && chars(a[field]) > max) return { code: 'TEXT_TOO_LONG', message: `address.${field}: at most ${max} characters` };
  }
  const text = (s: unknown) => typeof s === 'string' && s.trim().length >= 1 && !/[<>\u0000-\u001f]/.test(s);
  const bad = (message: string): AddressProblem => ({ code: 'ADDRESS_INVALID', message: `address: ${message}` });
  if (!text(a.name)) return bad('name is required');
  if (typeof a.phone !== 'string' || !/^1[3-9]\d{9}$/.test(a.phone)) return bad('phone must be an 11-digit mobile number');
  if (!text(a.province) || !text(a.city) || !text(a.district)) return bad('province, city and district are required');
  if (!text(a.detail) || chars(a.detail) < 4) return bad('detail must be 4-120 characters');
  if (!isDivision(a.province, a.city, a.district)) {
    return { code: 'ADDRESS_REGION_UNKNOWN', message: `address: ${a.province} / ${a.city} / ${a.district} is not a division of China` };
  }
  return null;
}
