// Exchange rate (points per yuan) with dated history. Each lot records the rate in force when it
// was issued; liability is computed per lot in integer fen.

export interface RateChange {
  pointsPerYuan: number;
  effectiveFrom: Date;
}

/** The rate in force at `at`: the latest change effective at or before it. */
export function rateAt(history: RateChange[], at: Date): number {
  let found: RateChange | undefined;
  for (const change of history) {
    if (+change.effectiveFrom <= +at && (!found || +change.effectiveFrom >= +found.effectiveFrom)) found = change;
  }
  if (!found) throw new RangeError(`no exchange rate in force at ${at.toISOString()}`);
  return found.pointsPerYuan;
}

/** What `points` are worth at `pointsPerYuan`, in whole fen (rounded down: a liability is never overstated by rounding up). */
export const pointsToFen = (points: number, pointsPerYuan: number) => Math.floor((points * 100) / pointsPerYuan);
