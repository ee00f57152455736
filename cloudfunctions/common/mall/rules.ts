// The mall's decisions as pure functions of plain inputs (unit-tested without a database): an
// item's listing state at an instant and what a brand's checkout may deduct in points. (How stock
// is split over shards and taken across them is the shared counter's: counter/capped.ts.)
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

/** Why an address is malformed, or null. Phone: an 11-digit mainland mobile. */
export function addressProblem(a: Address): string | null {
  const text = (s: unknown, max: number) => typeof s === 'string' && s.trim().length >= 1 && s.trim().length <= max && !/[<>\u0000-\u001f]/.test(s);
  if (!text(a.name, 20)) return 'name must be 1-20 characters';
  if (typeof a.phone !== 'string' || !/^1[3-9]\d{9}$/.test(a.phone)) return 'phone must be an 11-digit mobile number';
  if (!text(a.province, 20) || !text(a.city, 20) || !text(a.district, 20)) return 'province, city and district are required';
  if (!text(a.detail, 120) || a.detail.trim().length < 4) return 'detail must be 4-120 characters';
  return null;
}
