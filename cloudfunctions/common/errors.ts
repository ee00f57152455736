// The closed list of error codes a function may answer with. The client maps each to Chinese text
// (src/services/errors.ts); docs/api.md lists them. Add a code in all three places or not at all.
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_ACTION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
  // A console form's field is wrong: the message is Chinese, `字段：原因`; the reply names the field.
  'INVALID_FIELD',
  /** A text field longer than its limit (a name, a nickname, an address): refused, never cut. */
  'TEXT_TOO_LONG',
  // The ledger's (docs/ledger.md)
  'INSUFFICIENT_POINTS',
  'IDEMPOTENCY_MISMATCH',
  'BUDGET_EXHAUSTED',
  'HOLD_NOT_OPEN',
  'HOLD_EXPIRED',
  'NOT_REVERSIBLE',
  // One-item-one-code's (docs/codes.md)
  'CODE_EMPTY',
  'CODE_TOO_LONG',
  'CODE_MALFORMED',
  'CODE_FORGED',
  'CODE_UNKNOWN_KEY',
  'CODE_UNKNOWN',
  'CODE_INACTIVE',
  'CODE_VOID',
  'SCAN_LOCKED',
  'LOCATION_INVALID',
  'BATCH_SIZE_INVALID',
  'BATCH_STATE',
  // The mall's (docs/mall.md)
  'ITEM_UNAVAILABLE',
  'ITEM_NOT_STARTED',
  'SOLD_OUT',
  'LIMIT_EXCEEDED',
  'ADDRESS_INVALID',
  'ADDRESS_REGION_UNKNOWN',
  'ORDER_STATE',
  'ORDER_EXPIRED',
  'STEP_MISMATCH',
  'DEDUCTION_TOO_LARGE',
  // Sign-in and tasks (docs/earn.md)
  'SIGNIN_UNAVAILABLE',
  'SIGNIN_NOT_TODAY',
  'MAKEUP_DISABLED',
  'MAKEUP_NOT_PAST',
  'MAKEUP_BEFORE_JOIN',
  'MAKEUP_OUT_OF_WINDOW',
  'MAKEUP_DAY_SIGNED',
  'MAKEUP_LIMIT',
  'MAKEUP_NO_CARD',
  'TASK_NOT_COMPLETED',
  'TASK_CLAIMED',
  // Play's (docs/play.md)
  'POOL_INVALID',
  'POOL_NOT_PUBLISHED',
  'POOL_NOT_STARTED',
  'POOL_ENDED',
  'NO_FREE_PLAYS',
  'NO_GRANTED_PLAYS',
  'POOL_AUDIENCE',
  'SET_INCOMPLETE',
  'CARD_NOT_HELD',
  'CARD_TO_SELF',
  // Personal information's (docs/privacy.md)
  'ACCOUNT_CLOSED',
  'ORDERS_OPEN',
  'POINTS_NOT_ZERO',
  // The brand's orders earning points (docs/orders.md)
  'ORDER_ITEM_UNKNOWN',
  'REFUND_TOO_LARGE',
  // Tier benefits (docs/tiers.md)
  'BIRTHDAY_LOCKED',
  'TIER_ONLY_ITEM',
  // Risk review (docs/risk.md)
  'EARN_BLOCKED',
  'RISK_CASE_STATE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const fail = (code: ErrorCode, message: string, details?: unknown): never => {
  throw new AppError(code, message, details);
};

// What the SDK throws is an object (or a string) with errCode/errMsg; the message carries the
// database's own wording. These two predicates are the only places that interpret it.
function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object') {
    const e = err as { errMsg?: string; message?: string };
    return `${e.errMsg ?? ''} ${e.message ?? ''}`;
  }
  return '';
}

export function isDuplicateKeyError(err: unknown): boolean {
  return /duplicate key|E11000|DUPLICATE_KEY/i.test(errorText(err));
}

export function isTransactionConflict(err: unknown): boolean {
  return /TRANSACTION_CONFLICT|transaction conflict|TransactionConflict/i.test(errorText(err));
}
