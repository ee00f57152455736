// How a lot is stored in `accounts.lots`: one string per lot. Every operation reads the account
// whole and a debit or hold rewrites its lots, and the SDK sends documents as canonical EJSON, in
// which each number costs ~20 bytes (`{"$numberInt":"155"}`) and each date ~45; a lot as an object
// was ~314 bytes, a daily earner's account ~116 kB. Packed, a lot is ~45 bytes and that account
// ~16 kB (bench: account_doc_kb_daily_earner). docs/ledger.md "Lots as stored".
//
//   <expiresAt: epoch ms, 13 digits>|<rate>|<campaign>|<amount>|<remaining>|<held>|<expired>|<credit key>
//
// The expiry comes first at a fixed width, so lots compare as strings in expiry order: the expiry
// run's query keeps the due ones with a plain string comparison (`dueBound`). The credit key (the
// lot's `_id` is `lot:<credit key>`, its first credit) comes last and may itself hold `|`. Campaign
// ids never do (the ledger refuses them). Lots written as objects before this form are read as they
// are and rewritten packed by the account's next write of its lots.
import type { Lot } from './model';

/** A lot as stored: packed, or an object written before the packed form. */
export type StoredLot = string | (Omit<Lot, 'expiresAt'> & { expiresAt: Date | string });

const WIDTH = 13;
const FIELDS = 7;

export function packLot(lot: Lot): string {
  const at = +new Date(lot.expiresAt);
  if (!Number.isSafeInteger(at) || at < 0 || at >= 10 ** WIDTH) throw new RangeError(`lot expiry out of range: ${String(lot.expiresAt)}`);
  if (lot.campaign.includes('|')) throw new RangeError(`campaign ${lot.campaign} contains |`);
  const key = lot._id.replace(/^lot:/, '');
  return [String(at).padStart(WIDTH, '0'), lot.rate, lot.campaign, lot.amount, lot.remaining, lot.held, lot.expired ?? 0, key].join('|');
}

export function unpackLot(stored: StoredLot): Lot {
  if (typeof stored !== 'string') return { ...stored, expiresAt: new Date(stored.expiresAt), expired: stored.expired ?? 0 };
  const parts = stored.split('|');
  const [at, rate, campaign, amount, remaining, held, expired] = parts;
  return {
    _id: `lot:${parts.slice(FIELDS).join('|')}`,
    amount: Number(amount),
    remaining: Number(remaining),
    held: Number(held),
    expired: Number(expired),
    expiresAt: new Date(Number(at)),
    campaign,
    rate: Number(rate),
  };
}

export const unpackLots = (stored: StoredLot[] | null | undefined): Lot[] => (stored ?? []).map(unpackLot);

/**
 * For a `$filter` over stored lots: a packed lot expiring at or before `until` compares ≤ this
 * string. Objects (the older form) compare above every string: `LEGACY_ABOVE` catches them.
 */
export const dueBound = (until: Date) => `${String(+until).padStart(WIDTH, '0')}~`;
export const LEGACY_ABOVE = '~';
