// Pure decisions of the scan flow, unit-tested without a database. Points and caps are the scan
// campaign's (campaigns/rules/scan.ts, campaigns/counters.ts).
import type { Code, RegionRange } from './model';

export const DEFAULT_COUNTERFEIT_THRESHOLD = 5;

/** The provinces a code of the batch is meant for ([] = anywhere). The last matching range wins. */
export function provincesFor(regions: RegionRange[], seq: number): string[] {
  let found: string[] = [];
  for (const r of regions) if (seq >= r.from && seq <= r.to) found = r.provinces;
  return found;
}

/** A repeat scan warns of counterfeits past the threshold or when someone other than the claimant scans. */
export function counterfeitSuspected(code: Pick<Code, 'claimedBy' | 'scans'>, scanner: string, threshold = DEFAULT_COUNTERFEIT_THRESHOLD): boolean {
  return code.scans >= threshold || (!!code.claimedBy && code.claimedBy !== scanner);
}

export function isCoordinate(loc: unknown): loc is { latitude: number; longitude: number } {
  if (!loc || typeof loc !== 'object' || Array.isArray(loc)) return false;
  const { latitude, longitude, ...rest } = loc as Record<string, unknown>;
  if (Object.keys(rest).some((k) => !['accuracy', 'altitude', 'speed'].includes(k))) return false;
  return (
    typeof latitude === 'number' && typeof longitude === 'number' && Number.isFinite(latitude) && Number.isFinite(longitude) &&
    latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180
  );
}

/** "此码已被查询 N 次，首次查询时间 T" with T in Shanghai time. */
export function queriedMessage(scans: number, firstScanAt: Date): string {
  const t = new Date(+new Date(firstScanAt) + 8 * 3600_000).toISOString();
  return `此码已被查询 ${scans} 次，首次查询时间 ${t.slice(0, 10)} ${t.slice(11, 16)}`;
}
