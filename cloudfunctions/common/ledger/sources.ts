// The closed list of what may move points (an entry's `source.kind`), who owns each kind's entries,
// and the largest amount each operation accepts. One table each, read by the ledger and by the
// client's labels test (src/utils/points.ts has a Chinese label for every kind).

/**
 * `owned`: entries of this kind belong to a module that keeps its own record beside the points (a
 * mall order, a checkout, a scan's claim of its code). Only that module reverses them (cancel,
 * refund), passing itself as `owner`, so both sides stay consistent; `points.reverse` answers
 * NOT_REVERSIBLE for them.
 */
export const SOURCE_KINDS = {
  scan: { owned: true },
  signin: { owned: false },
  task: { owned: false },
  // A tier's birthday points (earn/birthday.ts), once a year.
  birthday: { owned: false },
  order: { owned: true },
  checkout: { owned: true },
  mall: { owned: true },
  game: { owned: false },
  // An operator's grant under a manual campaign (campaigns/grant.ts): its rule, caps and budget apply.
  manual: { owned: false },
  ops: { owned: false },
  expiry: { owned: false },
  // A closed account's forfeited points (privacy/closure.ts): never reversed, the account is gone.
  closure: { owned: true },
} as const satisfies Record<string, { owned: boolean }>;

export type SourceKind = keyof typeof SOURCE_KINDS;

export const isSourceKind = (kind: unknown): kind is SourceKind => typeof kind === 'string' && Object.prototype.hasOwnProperty.call(SOURCE_KINDS, kind);

/** Whether `kind`'s entries are reversed only by their module (kinds of old entries not in the list are not). */
export const isOwned = (kind: string) => isSourceKind(kind) && SOURCE_KINDS[kind].owned;

/**
 * The largest amount one operation moves (docs/ledger.md, "Bounds"). Far above any real use (the
 * default rate makes 100,000,000 points ¥1,000,000) and far below 2^53, so no sum of a few amounts
 * loses precision; a total that would still pass Number.MAX_SAFE_INTEGER is refused by the
 * operation (`assertSafeTotals`).
 */
export const MAX_POINTS = {
  credit: 100_000_000,
  debit: 100_000_000,
  hold: 100_000_000,
  penalty: 100_000_000,
  /** |delta| of an operator's manual correction. */
  adjust: 10_000_000,
} as const;
