/**
 * Error codes the engine replies with. They are the `code` strings the cloud database puts in its
 * `{code, message, requestId}` error body; wx-server-sdk maps them through its TCB_ERR_CODE table
 * (unknown codes become -501001 SYS_ERR) and @cloudbase/database's runTransaction retries only
 * when `error.code === 'DATABASE_TRANSACTION_CONFLICT'`.
 */

/** Another transaction holds the document's write lock, or it was committed after this transaction started. */
export const TRANSACTION_CONFLICT = 'DATABASE_TRANSACTION_CONFLICT';
/**
 * Duplicate `_id` or unique-index violation. The cloud has no dedicated code for it: it surfaces as a
 * failed database request (-502001 through wx-server-sdk) whose message carries MongoDB's
 * `E11000 duplicate key error ...` text. Match on {@link DUPLICATE_KEY_MESSAGE} to tell it apart.
 */
export const DUPLICATE_KEY = 'DATABASE_REQUEST_FAILED';
/** Every duplicate-key error message matches this. */
export const DUPLICATE_KEY_MESSAGE = /E11000 duplicate key error/;
/** Generic failure of a database request (bad update on a field of the wrong type, lock wait timeout, ...). */
export const REQUEST_FAILED = 'DATABASE_REQUEST_FAILED';
/** Malformed request parameters (missing collectionName, unparsable EJSON, where-query inside a transaction, ...). */
export const INVALID_PARAM = 'INVALID_PARAM';
/** An operator, aggregation stage or action the local engine does not implement. The message names it. */
export const UNSUPPORTED = 'DATABASE_INVALID_OPERRATOR'; // sic: the spelling wx-server-sdk's TCB_ERR_CODE uses (-502002)
/** commit/abort/use of a transaction id that is unknown, already finished, aborted or timed out. */
export const TRANSACTION_NOT_FOUND = 'DATABASE_TRANSACTION_FAIL';
/** Collection already exists (database.addCollection). */
export const COLLECTION_EXISTS = 'DATABASE_COLLECTION_ALREADY_EXIST';
/** Read of a collection that was never created (-502005 through wx-server-sdk). */
export const COLLECTION_NOT_EXIST = 'DATABASE_COLLECTION_NOT_EXIST';

/**
 * The cloud's error texts (Tencent Cloud API style: `[Category.Reason] text. <suffix>`). The local
 * engine appends what it knows in parentheses after them; match on the bracketed part or a fragment.
 */
const SUFFIX = 'Please check your request, but if the problem persists, contact us.';
export const CLOUD_TEXT = {
  conflict: `[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. ${SUFFIX}`,
  notExist: `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. ${SUFFIX}`,
  collectionNotExist: `[ResourceNotFound] Db or Table not exist. ${SUFFIX}`,
  /** MongoDB's write error as the cloud's (Go) backend wraps it: `... {write errors: [{E11000 duplicate key error ...}]} ...`. */
  duplicate: (detail: string) => `[FailedOperation] multiple write errors: [{write errors: [{${detail}}]}, {<nil>}]`,
  noCondition: `[InvalidParameter] Check request parameter fail. Please check your request, an update or remove needs a non-empty where condition.`
};

/**
 * Shaped like @cloudbase/node-sdk's TcbError (what its requester throws when the reply body carries a
 * `code`): an Error with `code`, `message` and `requestId`.
 */
export class EngineError extends Error {
  code: string;
  requestId: string;
  constructor(code: string, message: string, requestId = '') {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.requestId = requestId;
  }
  /** The JSON body a cloud HTTP endpoint would answer with. */
  toBody(): { code: string; message: string; requestId: string } {
    return { code: this.code, message: this.message, requestId: this.requestId };
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}

/** Body for an HTTP reply from any error thrown by `Engine.send`. */
export function toErrorBody(e: unknown, requestId = ''): { code: string; message: string; requestId: string } {
  if (e instanceof EngineError) return { code: e.code, message: e.message, requestId: e.requestId || requestId };
  const msg = e instanceof Error ? e.message : String(e);
  return { code: REQUEST_FAILED, message: msg, requestId };
}
