// FIFO allocation: which lots a debit or hold takes. Soonest-expiring first, then oldest (when known:
// lots stored packed keep no issue time), then by id so the choice is deterministic; only the part
// of a lot not already held is available.

export interface LotBalance {
  _id: string;
  remaining: number;
  held: number;
  expiresAt: Date;
  createdAt?: Date;
}

export interface Take {
  lotId: string;
  amount: number;
}

const fifoOrder = (a: LotBalance, b: LotBalance) =>
  +a.expiresAt - +b.expiresAt || +(a.createdAt ?? 0) - +(b.createdAt ?? 0) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

export const available = (lot: LotBalance) => lot.remaining - lot.held;

/** The takes that cover `amount`, or null when the lots do not hold enough. */
export function allocateFifo(lots: LotBalance[], amount: number, now: Date): Take[] | null {
  const takes: Take[] = [];
  let left = amount;
  for (const lot of [...lots].sort(fifoOrder)) {
    if (left === 0) break;
    if (+lot.expiresAt <= +now) continue;
    const take = Math.min(available(lot), left);
    if (take > 0) {
      takes.push({ lotId: lot._id, amount: take });
      left -= take;
    }
  }
  return left === 0 ? takes : null;
}
