// The one place server code obtains wx-server-sdk. In the cloud this is the real SDK talking to the
// real database; locally the same SDK runs and only its transport is swapped by the runner.
import cloud from 'wx-server-sdk';

let initialised = false;

export function getCloud(): typeof cloud {
  if (!initialised) {
    // DYNAMIC_CURRENT_ENV: the environment the function is deployed in. The SDK's types reject the
    // symbol, hence the cast. throwOnNotFound:false makes doc().get() answer {data:null} for a
    // missing document instead of throwing, so "not found" is a value, not an exception.
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string, throwOnNotFound: false } as any);
    initialised = true;
  }
  return cloud;
}

/*
 * wx-server-sdk's typings answer every call with `Promise<T> | void | string` (its callback and
 * promise styles overloaded into one signature), so server code sees the database through this
 * narrower, promise-only view of exactly what it uses. The object is the SDK's own.
 */
type Doc = Record<string, any>;

export interface DocumentRef {
  get(): Promise<{ data: Doc | null }>;
  /** Only these fields in the answer (`{name: true}`). */
  field(projection: Record<string, boolean>): DocumentRef;
  set(o: { data: Doc }): Promise<{ _id: string; stats: { updated: number; created: number } }>;
  update(o: { data: Doc }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface Query {
  where(query: object): Query;
  orderBy(field: string, order: 'asc' | 'desc'): Query;
  skip(n: number): Query;
  limit(n: number): Query;
  field(projection: Record<string, boolean | 0 | 1>): Query;
  get(): Promise<{ data: Doc[] }>;
  count(): Promise<{ total: number }>;
  update(o: { data: Doc }): Promise<{ stats: { updated: number } }>;
  remove(): Promise<{ stats: { removed: number } }>;
}

export interface Aggregate {
  [stage: string]: any;
  end(): Promise<{ list: Doc[] }>;
}

export interface CollectionRef extends Query {
  doc(id: string): DocumentRef;
  add(o: { data: Doc }): Promise<{ _id: string }>;
  aggregate(): Aggregate;
}

export interface TransactionRef {
  collection(name: string): { doc(id: string): DocumentRef; add(o: { data: Doc }): Promise<{ _id: string }> };
  commit(): Promise<unknown>;
  rollback(reason?: unknown): Promise<unknown>;
}

export interface Database {
  collection(name: string): CollectionRef;
  /** Query and update operators (`_.gt`, `_.inc`, `_.set`, …) and `command.aggregate` operators. */
  command: any;
  serverDate(o?: { offset?: number }): unknown;
  startTransaction(): Promise<TransactionRef>;
}

let db: Database | null = null;

/**
 * One database object per function instance, as `const db = cloud.database()` at module level
 * would be: wx-server-sdk builds a new Database class on every database() call, which showed up in
 * profiles of hot paths (scans). The object holds no per-call state; identity and the transport are
 * looked up per request.
 */
export function getDb(): Database {
  return (db ??= getCloud().database() as unknown as Database);
}
