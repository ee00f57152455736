// Transactions with the retry the SDK does not do. The cloud fails a transaction at once when
// another one holds a document's write lock (and wx-server-sdk drops the error code that would make
// runTransaction retry), so every ledger transaction runs through here: start, run the work (which
// must re-read everything it relies on, and do nothing outside the database), commit; on a conflict
// roll back, wait with jittered exponential backoff, and run the whole work again.
import { getDb, type TransactionRef } from './cloud';
import { AppError, isTransactionConflict } from './errors';

export type Tx = TransactionRef;

const MAX_ATTEMPTS = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backoff = (attempt: number) => Math.min(2 ** attempt * 5, 250) * (0.5 + Math.random());

export async function inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const tx = await getDb().startTransaction();
    try {
      const result = await work(tx);
      await tx.commit();
      return result;
    } catch (e) {
      await tx.rollback().catch(() => {});
      if (!isTransactionConflict(e)) throw e;
      if (attempt + 1 >= MAX_ATTEMPTS) throw new AppError('CONFLICT', 'too much contention; try again');
      await sleep(backoff(attempt));
    }
  }
}

/** doc(id).get() inside a transaction, with "missing" as null. */
export async function txGet<T>(tx: Tx, collection: string, id: string): Promise<T | null> {
  const { data } = await tx.collection(collection).doc(id).get();
  return (data as T) ?? null;
}
