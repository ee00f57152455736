/**
 * The local WeChat Cloud database engine: executes the requests @cloudbase/database serializes
 * (`new Db.reqClass(config).send(action, params)`) over in-memory collections, with secondary
 * indexes, snapshot-isolated transactions with document write locks, and an append-only journal.
 * See docs/local-cloud-engine.md.
 */
import { Collection, CollectionStats, newCollectionStats } from './collection';
import {
  EngineError,
  INVALID_PARAM,
  REQUEST_FAILED,
  TRANSACTION_CONFLICT,
  TRANSACTION_NOT_FOUND,
  UNSUPPORTED,
  COLLECTION_EXISTS,
  COLLECTION_NOT_EXIST,
  CLOUD_TEXT,
  DUPLICATE_KEY
} from './errors';
import { FieldIndex } from './indexes';
import { Journal, JournalOp } from './journal';
import { compileFilter, mapMingoError, projectDocs, sortDocs } from './query';
import { applyUpdate, replaceDoc, toUpdateSpec, upsertBase, validateUpdateSpec } from './update';
import { aggregate, validatePipeline } from './aggregate';
import { Doc, IdKey, SEQ, clone, idKeyOf, isOperatorObject, isPlainObject, newId, normalizeIncoming, parseEJSON, stringifyEJSON } from './values';

export interface IndexSpec {
  name: string;
  keys: Record<string, 1 | -1>;
  unique?: boolean;
}
export interface Schema {
  collections: Record<string, { description?: string; indexes: IndexSpec[] }>;
}
export interface EngineOptions {
  /** Directory for journal + snapshot; null/undefined = memory only. */
  dataDir?: string | null;
  /** From database/schema.json; collections not listed are created on first write (no secondary indexes). */
  schema?: Schema;
  /** Clock in ms (serverDate, transaction timeouts); default Date.now. */
  now?: () => number;
  /** Default 30000: open transactions auto-abort after this. */
  transactionTimeoutMs?: number;
  /** Journal lines before an automatic snapshot compaction (default 50000). */
  compactAfterLines?: number;
  /** fsync the journal after every committed write (default false: a process crash loses nothing, a power cut may). */
  fsync?: boolean;
  /** Longest a plain write waits for a transaction's document lock (default: transactionTimeoutMs + 1000). */
  lockWaitTimeoutMs?: number;
  /**
   * Real milliseconds every request waits before it is executed (default: env LOCAL_DB_LATENCY_MS, else 0):
   * the cloud's round trip, so a transaction holds its locks while its requests are in flight.
   */
  latencyMs?: number;
  /**
   * Refuse where-form requests inside a transaction (INVALID_PARAM), which the cloud server runs but
   * WeChat does not document: the local cloud and the test clouds hold the app to the documented
   * rules (doc().get/update/set/remove and add). Default false: behave as the server.
   */
  documentedTransactionsOnly?: boolean;
}

/** LOCAL_DB_LATENCY_MS as a non-negative number (0 when unset or unparsable). */
export function latencyFromEnv(env: Record<string, string | undefined> = process.env): number {
  const v = Number(env.LOCAL_DB_LATENCY_MS);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

export type { CollectionStats };

export interface TransactionStats {
  started: number;
  committed: number;
  aborted: number;
  timedOut: number;
  /** Transactional writes refused with DATABASE_TRANSACTION_CONFLICT. */
  conflicts: number;
  /** Times a plain write had to wait for a transaction's lock. */
  lockWaits: number;
  /** Where-form requests (query/update/remove by condition) inside a transaction: outside WeChat's documented rules. */
  whereOps: number;
}

export interface EngineStats extends CollectionStats {
  /** Per collection name (requests, byAction, docsExamined, indexLookups, collectionScans). */
  collections: Record<string, CollectionStats>;
  transactions: TransactionStats;
  /** Requests that failed. */
  errors: number;
}

interface BufferedWrite {
  id: any;
  doc: Doc | null;
}

interface Txn {
  id: string;
  /** Commit seq the snapshot reads at: taken by the transaction's first operation (null before it). */
  startSeq: number | null;
  startedAt: number;
  realStart: number;
  state: 'active' | 'committed' | 'aborted';
  writes: Map<Collection, Map<IdKey, BufferedWrite>>;
  locks: [Collection, IdKey][];
  done: Promise<void>;
  resolveDone: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface Change {
  coll: Collection;
  key: IdKey;
  id: any;
  doc: Doc | null;
}

type Attempt<T> = { result: T } | { waitFor: string[] };

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const INSERT_MANY_CHUNK = 1000;

function dupError(coll: Collection, index: string, key: string): EngineError {
  return new EngineError(DUPLICATE_KEY, CLOUD_TEXT.duplicate(`E11000 duplicate key error collection: ${coll.name} index: ${index} dup key: ${key}`));
}

function conflictError(coll: Collection, id: any, why: string): EngineError {
  return new EngineError(TRANSACTION_CONFLICT, `${CLOUD_TEXT.conflict} (local: document ${coll.name}/${stringifyEJSON(id)} ${why}; the transaction is aborted)`);
}

function notExistError(id: string, why: string): EngineError {
  return new EngineError(TRANSACTION_NOT_FOUND, `${CLOUD_TEXT.notExist} (local: transaction ${id} ${why})`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function zeroStats(s: CollectionStats): void {
  s.requests = 0;
  s.byAction = {};
  s.docsExamined = 0;
  s.indexLookups = 0;
  s.collectionScans = 0;
}

export class Engine {
  stats: EngineStats;
  private readonly collections = new Map<string, Collection>();
  private readonly nowFn: () => number;
  private readonly txTimeout: number;
  private readonly lockWaitMs: number;
  private readonly compactAfter: number;
  /** Real ms each request waits before it runs (see EngineOptions.latencyMs); may be changed at any time (a bench sets up at 0). */
  latencyMs: number;
  private readonly documentedOnly: boolean;
  private readonly journal: Journal | null;
  private seq = 0;
  private readonly txns = new Map<string, Txn>();
  private readonly finished = new Map<string, string>();
  private readonly historyDirty = new Set<Collection>();
  private commitsSincePrune = 0;
  private reqCounter = 0;
  private closed = false;

  private constructor(opts: EngineOptions) {
    this.nowFn = opts.now || Date.now;
    this.txTimeout = opts.transactionTimeoutMs ?? 30000;
    this.lockWaitMs = opts.lockWaitTimeoutMs ?? this.txTimeout + 1000;
    this.compactAfter = opts.compactAfterLines ?? 50000;
    this.latencyMs = opts.latencyMs ?? latencyFromEnv();
    this.documentedOnly = !!opts.documentedTransactionsOnly;
    this.stats = {
      ...newCollectionStats(),
      collections: {},
      transactions: { started: 0, committed: 0, aborted: 0, timedOut: 0, conflicts: 0, lockWaits: 0, whereOps: 0 },
      errors: 0
    };
    if (opts.schema && opts.schema.collections) {
      for (const [name, def] of Object.entries(opts.schema.collections)) {
        const coll = this.createCollection(name, def.description);
        for (const spec of def.indexes || []) coll.addIndex(spec);
      }
    }
    this.journal = opts.dataDir ? new Journal(opts.dataDir, { fsync: opts.fsync }) : null;
  }

  /** Creates an engine; with `dataDir`, loads the snapshot and replays the journal synchronously. */
  static open(opts: EngineOptions = {}): Engine {
    const e = new Engine(opts);
    if (e.journal) e.replay();
    return e;
  }

  private replay(): void {
    const state = this.journal!.load();
    for (const name of state.collections) this.ensureCollection(name);
    for (const [name, docs] of state.docs) {
      const coll = this.ensureCollection(name);
      for (const d of docs) coll.put(idKeyOf(d._id), d);
    }
    this.seq = state.snapshotSeq;
    for (const entry of state.entries) {
      for (const op of entry.o) {
        const coll = this.ensureCollection(op[1]);
        if (op[0] === 'p') coll.put(idKeyOf(op[2]._id), op[2]);
        else if (op[0] === 'd') coll.delete(idKeyOf(op[2]));
      }
      if (entry.s > this.seq) this.seq = entry.s;
    }
  }

  // ------------------------------------------------------------------ collections & stats

  private collStats(name: string): CollectionStats {
    let s = this.stats.collections[name];
    if (!s) s = this.stats.collections[name] = newCollectionStats();
    return s;
  }

  private createCollection(name: string, description?: string): Collection {
    const coll = new Collection(name, [], description, this.collStats(name));
    this.collections.set(name, coll);
    return coll;
  }

  private ensureCollection(name: string): Collection {
    return this.collections.get(name) || this.createCollection(name);
  }

  /** Zeroes every counter (in place: references to `stats` stay live). */
  resetStats(): void {
    zeroStats(this.stats);
    for (const s of Object.values(this.stats.collections)) zeroStats(s);
    const t = this.stats.transactions;
    t.started = t.committed = t.aborted = t.timedOut = t.conflicts = t.lockWaits = t.whereOps = 0;
    this.stats.errors = 0;
  }

  private countRequest(action: string, collName: unknown): void {
    const s = this.stats;
    s.requests++;
    s.byAction[action] = (s.byAction[action] || 0) + 1;
    if (typeof collName === 'string' && collName) {
      const c = this.collStats(collName);
      c.requests++;
      c.byAction[action] = (c.byAction[action] || 0) + 1;
    }
  }

  private newRequestId(): string {
    return `local-${Date.now().toString(16)}-${(++this.reqCounter).toString(16)}`;
  }

  // ------------------------------------------------------------------ request entry point

  /**
   * Executes one request exactly as `new Db.reqClass(config).send(action, params)` makes it.
   * Resolves with the reply body (`{data: ..., requestId}`; `{transactionId, requestId}` for
   * startTransaction). Rejects with an {@link EngineError} (`code`, `message`, `requestId`), which is
   * what @cloudbase/node-sdk's requester throws for an error body.
   */
  async send(action: string, params?: Record<string, any>): Promise<any> {
    const p = params || {};
    const requestId = this.newRequestId();
    this.countRequest(action, p.collectionName);
    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      if (this.closed) throw new EngineError(REQUEST_FAILED, 'the local database engine is closed');
      const reply = await this.dispatch(action, p);
      reply.requestId = requestId;
      return reply;
    } catch (e) {
      this.stats.errors++;
      const err = e instanceof EngineError ? e : mapMingoError(e, action);
      err.requestId = requestId;
      throw err;
    }
  }

  private dispatch(action: string, p: Record<string, any>): Promise<any> | any {
    switch (action) {
      case 'database.getDocument':
        return this.getDocument(p);
      case 'database.calculateDocument':
        return this.calculateDocument(p);
      case 'database.insertDocument':
        return this.insertDocument(p);
      case 'database.modifyDocument':
        return this.modifyDocument(p, false);
      case 'database.modifyAndReturnDoc':
        return this.modifyDocument({ ...p, multi: false }, true);
      case 'database.removeDocument':
        return this.removeDocument(p);
      case 'database.aggregateDocuments':
        return this.aggregateDocuments(p);
      case 'database.startTransaction':
        return this.startTransaction();
      case 'database.commitTransaction':
        return this.commitTransaction(p);
      case 'database.abortTransaction':
        return this.abortTransaction(p);
      case 'database.addCollection':
        return this.addCollection(p);
      default:
        throw new EngineError(UNSUPPORTED, `action ${action} is not supported by the local engine`);
    }
  }

  // ------------------------------------------------------------------ parameter helpers

  private now(): number {
    return this.nowFn();
  }

  private collName(p: Record<string, any>): string {
    const n = p.collectionName;
    if (typeof n !== 'string' || !n) throw new EngineError(INVALID_PARAM, 'collectionName is required');
    return n;
  }

  private parseQuery(p: Record<string, any>): Record<string, any> {
    if (p.query === undefined || p.query === null || p.query === '') return {};
    const q = parseEJSON(p.query, this.now(), 'query');
    if (!isPlainObject(q)) throw new EngineError(INVALID_PARAM, 'query must be an object');
    return q;
  }

  private docIdOf(p: Record<string, any>, criteria: Record<string, any>): any {
    if (!('_id' in criteria) || isOperatorObject(criteria._id)) throw new EngineError(INVALID_PARAM, 'a DOC query must be {_id: <id>}');
    return criteria._id;
  }

  private parseOrder(p: Record<string, any>): Record<string, 1 | -1> | null {
    if (p.order === undefined || p.order === null || p.order === '') return null;
    let o = parseEJSON(p.order, this.now(), 'order');
    if (Array.isArray(o)) {
      // Older SDKs: [{field, direction: 'asc'|'desc'}]
      const obj: Record<string, 1 | -1> = {};
      for (const x of o) if (x && typeof x.field === 'string') obj[x.field] = x.direction === 'desc' ? -1 : 1;
      o = obj;
    }
    if (!isPlainObject(o)) throw new EngineError(INVALID_PARAM, 'order must be an object');
    const out: Record<string, 1 | -1> = {};
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === 1 || v === -1) out[k] = v;
      else if (v === 'asc' || v === 'desc') out[k] = v === 'desc' ? -1 : 1;
      else throw new EngineError(INVALID_PARAM, `order direction for ${k} must be 1 or -1`);
    }
    return Object.keys(out).length ? out : null;
  }

  private parseProjection(p: Record<string, any>): Record<string, any> | null {
    if (p.projection === undefined || p.projection === null || p.projection === '') return null;
    const pr = parseEJSON(p.projection, this.now(), 'projection');
    if (!isPlainObject(pr)) throw new EngineError(INVALID_PARAM, 'projection must be an object');
    return Object.keys(pr).length ? pr : null;
  }

  private parseLimit(p: Record<string, any>): number {
    const l = p.limit;
    if (l === undefined || l === null || l === '' || l === 0) return DEFAULT_LIMIT;
    const n = Number(l);
    if (!Number.isInteger(n) || n < 0) throw new EngineError(INVALID_PARAM, `limit must be a non-negative integer, got ${JSON.stringify(l)}`);
    return Math.min(n, MAX_LIMIT);
  }

  private parseOffset(p: Record<string, any>): number {
    const o = p.offset;
    if (o === undefined || o === null || o === '') return 0;
    const n = Number(o);
    if (!Number.isInteger(n) || n < 0) throw new EngineError(INVALID_PARAM, `offset must be a non-negative integer, got ${JSON.stringify(o)}`);
    return n;
  }

  /**
   * The open transaction a request carries (null for none). Its first operation takes the snapshot.
   * Where-form requests run inside it as on the cloud server (counted in stats.transactions.whereOps:
   * WeChat documents only doc() operations and add inside a transaction).
   */
  private txnFor(p: Record<string, any>, isAdd = false): Txn | null {
    const tid = p.transactionId;
    if (tid === undefined || tid === null || tid === '') return null;
    const t = this.activeTxn(String(tid));
    if (!isAdd && p.queryType !== 'DOC') {
      if (this.documentedOnly) {
        throw new EngineError(INVALID_PARAM, 'only doc(id).get/update/set/remove and collection.add are documented inside a transaction; a where() request cannot carry a transactionId here (documentedTransactionsOnly)');
      }
      this.stats.transactions.whereOps++;
    }
    if (t.startSeq === null) t.startSeq = this.seq;
    return t;
  }

  /** The collection a read names; the cloud answers DATABASE_COLLECTION_NOT_EXIST for one never created. */
  private existing(name: string): Collection {
    const coll = this.collections.get(name);
    if (!coll) throw new EngineError(COLLECTION_NOT_EXIST, `${CLOUD_TEXT.collectionNotExist} (local: collection ${name})`);
    return coll;
  }

  /** A where-form update/remove without a condition is refused (the cloud never applies it to every document). */
  private requireCondition(p: Record<string, any>, criteria: Record<string, any>, what: string): void {
    if (p.queryType !== 'DOC' && Object.keys(criteria).length === 0) {
      throw new EngineError(INVALID_PARAM, `${CLOUD_TEXT.noCondition} (local: ${what} without where)`);
    }
  }

  /**
   * Documents a transaction sees that match (stored objects, not copies): its snapshot plus its own
   * writes. Only documents committed since the snapshot (history, tombstones) or written by t can
   * differ from the current state, so those are re-read; the rest come from the planner.
   */
  private txnSelect(t: Txn, coll: Collection, criteria: any, matcher: ReturnType<typeof compileFilter>, opts: { order?: Record<string, 1 | -1> | null; offset?: number; limit?: number }): Doc[] {
    const sinks = [this.stats, this.collStats(coll.name)];
    const own = t.writes.get(coll);
    const changed = new Set<IdKey>();
    for (const k of coll.history.keys()) changed.add(k);
    for (const k of coll.tombstones.keys()) changed.add(k);
    if (own) for (const k of own.keys()) changed.add(k);
    if (!changed.size) return coll.select(criteria, matcher, opts, sinks);
    const out = coll.select(criteria, matcher, {}, sinks).filter((d) => !changed.has(idKeyOf(d._id)));
    for (const k of changed) {
      const d = this.txnRead(t, coll, k);
      if (d && (!matcher || matcher(d))) out.push(d);
    }
    const sorted = opts.order && out.length > 1 ? sortDocs(out, opts.order) : out;
    const offset = opts.offset || 0;
    return sorted.slice(offset, opts.limit === undefined ? undefined : offset + opts.limit);
  }

  // ------------------------------------------------------------------ reads

  private getDocument(p: Record<string, any>): any {
    const name = this.collName(p);
    const criteria = this.parseQuery(p);
    const projection = this.parseProjection(p);
    const txn = this.txnFor(p);
    const coll = this.existing(name);
    const cstats = this.collStats(name);
    let list: Doc[];
    let limit: number | undefined;
    let offset = 0;
    if (p.queryType === 'DOC') {
      const id = this.docIdOf(p, criteria);
      let doc: Doc | null | undefined;
      if (txn) doc = this.txnRead(txn, coll, idKeyOf(id));
      else doc = coll.docs.get(idKeyOf(id));
      this.stats.indexLookups++;
      cstats.indexLookups++;
      if (doc) {
        this.stats.docsExamined++;
        cstats.docsExamined++;
      }
      list = doc ? [doc] : [];
      if (doc && Object.keys(criteria).length > 1) {
        const m = compileFilter(criteria);
        if (m && !m(doc)) list = [];
      }
    } else {
      if (p.queryType !== undefined && p.queryType !== 'WHERE') throw new EngineError(INVALID_PARAM, `unknown queryType ${p.queryType}`);
      limit = this.parseLimit(p);
      offset = this.parseOffset(p);
      const order = this.parseOrder(p);
      if (txn) list = this.txnSelect(txn, coll, criteria, compileFilter(criteria), { order, offset, limit });
      else list = coll.select(criteria, compileFilter(criteria), { order, offset, limit }, [this.stats, cstats]);
    }
    if (projection) list = projectDocs(list, projection);
    const out = new Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = stringifyEJSON(list[i]);
    return limit === undefined ? { data: { list: out } } : { data: { list: out, limit, offset } };
  }

  private calculateDocument(p: Record<string, any>): any {
    const name = this.collName(p);
    const criteria = this.parseQuery(p);
    const txn = this.txnFor(p);
    const coll = this.existing(name);
    const matcher = compileFilter(criteria);
    if (txn) return { data: { total: this.txnSelect(txn, coll, criteria, matcher, {}).length } };
    if (!matcher) return { data: { total: coll.size } };
    const total = coll.select(criteria, matcher, {}, [this.stats, this.collStats(name)]).length;
    return { data: { total } };
  }

  private aggregateDocuments(p: Record<string, any>): any {
    const name = this.collName(p);
    const stagesIn = p.stages;
    if (!Array.isArray(stagesIn)) throw new EngineError(INVALID_PARAM, 'stages must be an array');
    const now = this.now();
    const pipeline = stagesIn.map((s: any) => {
      if (!s || typeof s.stageKey !== 'string') throw new EngineError(INVALID_PARAM, 'each stage needs a stageKey');
      const key = s.stageKey.startsWith('$') ? s.stageKey : '$' + s.stageKey;
      const value = typeof s.stageValue === 'string' ? parseEJSON(s.stageValue, now, `${key} stage`) : normalizeIncoming(clone(s.stageValue), now);
      return { [key]: value };
    });
    validatePipeline(pipeline);
    this.existing(name);
    const out = aggregate({ collection: (n) => this.collections.get(n), sinks: (n) => [this.stats, this.collStats(n)] }, name, pipeline);
    return { data: { list: out.map(stringifyEJSON) } };
  }

  // ------------------------------------------------------------------ writes (shared)

  /** Runs a plain write, waiting (bounded) while any document it touches is locked by a transaction. */
  private async withLockWait<T>(attempt: () => Attempt<T>): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    for (;;) {
      if (this.closed) throw new EngineError(REQUEST_FAILED, 'the local database engine is closed');
      const r = attempt();
      if ('result' in r) return r.result;
      const holders = r.waitFor.map((id) => this.txns.get(id)).filter((t): t is Txn => !!t);
      let freed = holders.length < r.waitFor.length;
      for (const t of holders) if (this.expireIfDue(t)) freed = true;
      if (freed) continue;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new EngineError(REQUEST_FAILED, `lock wait timeout: the document is locked by open transaction ${r.waitFor[0]}`);
      }
      this.stats.transactions.lockWaits++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        ...holders.map((t) => t.done),
        new Promise<void>((res) => {
          timer = setTimeout(res, remaining);
        })
      ]);
      if (timer) clearTimeout(timer);
    }
  }

  /** Rejects changes that would break `_id` or a unique index (batch-aware). */
  private checkUnique(coll: Collection, changes: { key: IdKey; doc: Doc | null; id: any }[], inserts: Set<IdKey>): void {
    if (inserts.size) {
      const seen = new Set<IdKey>();
      for (const c of changes) {
        if (!c.doc || !inserts.has(c.key)) continue;
        if (seen.has(c.key) || coll.docs.has(c.key)) throw dupError(coll, '_id_', `{ _id: ${stringifyEJSON(c.id)} }`);
        seen.add(c.key);
      }
    }
    if (!coll.uniqueIndexes.length) return;
    const batch = new Set<IdKey>();
    for (const c of changes) batch.add(c.key);
    for (const idx of coll.uniqueIndexes) {
      const seen = new Map<string, IdKey>();
      for (const c of changes) {
        if (!c.doc) continue;
        const k = idx.uniqueKey(c.doc);
        const prev = seen.get(k);
        if (prev !== undefined && prev !== c.key) throw dupError(coll, idx.name, idx.describeKey(c.doc));
        seen.set(k, c.key);
        const owner = idx.uniq!.get(k);
        if (owner !== undefined && owner !== c.key && !batch.has(owner)) throw dupError(coll, idx.name, idx.describeKey(c.doc));
      }
    }
  }

  /** Journals then applies committed changes atomically; returns the commit seq. */
  private commit(changes: Change[]): number {
    const seq = ++this.seq;
    if (this.journal) {
      const ops: JournalOp[] = changes.map((c) => (c.doc ? ['p', c.coll.name, c.doc] : ['d', c.coll.name, c.id]));
      this.journal.append(seq, ops);
    }
    const tracking = this.txns.size > 0;
    for (const c of changes) {
      const { coll, key } = c;
      if (tracking) {
        const prev = coll.docs.get(key);
        const prevSeq = coll.currentSeq(key);
        let h = coll.history.get(key);
        if (!h) coll.history.set(key, (h = []));
        h.push({ seq: prevSeq, doc: prev || null });
        this.historyDirty.add(coll);
      }
      if (c.doc) {
        if (tracking) (c.doc as any)[SEQ] = seq;
        coll.put(key, c.doc);
        if (tracking) coll.tombstones.delete(key);
      } else {
        coll.delete(key);
        if (tracking) coll.tombstones.set(key, seq);
      }
    }
    if (tracking && ++this.commitsSincePrune >= 1000) this.pruneHistory();
    if (this.journal && this.journal.lines >= this.compactAfter) this.compact();
    return seq;
  }

  private lockHolders(coll: Collection, keys: Iterable<IdKey>): string[] {
    if (!coll.locks.size) return [];
    const out = new Set<string>();
    for (const k of keys) {
      const h = coll.locks.get(k);
      if (h === undefined) continue;
      if (!this.txns.has(h)) coll.locks.delete(k); // defensive: never wait on a finished transaction
      else out.add(h);
    }
    return Array.from(out);
  }

  private parseDocs(p: Record<string, any>): Doc[] {
    const data = p.data;
    if (!Array.isArray(data) || !data.length) throw new EngineError(INVALID_PARAM, 'data must be a non-empty array of documents');
    const now = this.now();
    return data.map((d: any) => {
      const doc = parseEJSON(d, now, 'document');
      if (!isPlainObject(doc)) throw new EngineError(INVALID_PARAM, 'each document must be an object');
      return doc;
    });
  }

  private prepareInsert(coll: Collection, raw: Doc[]): Change[] {
    return raw.map((d) => {
      const id = d._id === undefined ? newId() : d._id;
      const doc: Doc = { _id: id };
      for (const k of Object.keys(d)) {
        if (k === '_id') continue;
        if (k.charCodeAt(0) === 36) throw new EngineError(INVALID_PARAM, `field names cannot start with '$' (${k})`);
        doc[k] = d[k];
      }
      return { coll, key: idKeyOf(id), id, doc };
    });
  }

  private insertDocument(p: Record<string, any>): any {
    const name = this.collName(p);
    const raw = this.parseDocs(p);
    const txn = this.txnFor(p, true);
    if (txn) return this.txnInsert(txn, this.ensureCollection(name), raw);
    const coll = this.ensureCollection(name);
    const changes = this.prepareInsert(coll, raw);
    return this.withLockWait(() => {
      const held = this.lockHolders(coll, changes.map((c) => c.key));
      if (held.length) return { waitFor: held };
      this.checkUnique(coll, changes, new Set(changes.map((c) => c.key)));
      this.commit(changes);
      return { result: { data: { insertedIds: changes.map((c) => c.id) } } };
    });
  }

  private modifyDocument(p: Record<string, any>, returnDoc: boolean): any {
    const name = this.collName(p);
    const criteria = this.parseQuery(p);
    const isDoc = p.queryType === 'DOC';
    const merge = p.merge === undefined ? true : !!p.merge;
    const upsert = !!p.upsert;
    const multi = p.multi === undefined ? !isDoc : !!p.multi;
    const data = parseEJSON(p.data, this.now(), 'data');
    if (data === undefined) throw new EngineError(INVALID_PARAM, 'data is required');
    const spec = merge ? toUpdateSpec(data) : null;
    if (spec) validateUpdateSpec(spec);
    else if (!isPlainObject(data)) throw new EngineError(INVALID_PARAM, 'data must be an object');
    this.requireCondition(p, criteria, returnDoc ? 'updateAndReturn' : 'update');
    const txn = this.txnFor(p);
    const matcher = compileFilter(criteria);
    if (txn) return this.txnModify(txn, name, isDoc ? this.docIdOf(p, criteria) : undefined, criteria, matcher, { spec, data, upsert, multi, returnDoc });
    return this.withLockWait(() => {
      const coll = this.collections.get(name);
      if (!coll && !upsert) return { result: { data: { updated: 0 } } };
      const c = coll || this.ensureCollection(name);
      const cstats = this.collStats(name);
      let targets: Doc[];
      if (isDoc) {
        const id = this.docIdOf(p, criteria);
        const d = c.docs.get(idKeyOf(id));
        this.stats.indexLookups++;
        cstats.indexLookups++;
        if (d) {
          this.stats.docsExamined++;
          cstats.docsExamined++;
        }
        targets = d && (!matcher || Object.keys(criteria).length === 1 || matcher(d)) ? [d] : [];
      } else {
        targets = c.select(criteria, matcher, { limit: multi ? undefined : 1 }, [this.stats, cstats]);
      }
      const keys = targets.map((d) => idKeyOf(d._id));
      let upsertId: any;
      if (!targets.length && upsert) {
        upsertId = isDoc ? this.docIdOf(p, criteria) : '_id' in criteria && !isOperatorObject(criteria._id) ? criteria._id : newId();
        keys.push(idKeyOf(upsertId));
      }
      const held = this.lockHolders(c, keys);
      if (held.length) return { waitFor: held };
      const changes: Change[] = [];
      for (let i = 0; i < targets.length; i++) {
        const old = targets[i];
        const r = spec ? applyUpdate(old, spec, criteria) : replaceDoc(old, data, old._id);
        if (r.changed) changes.push({ coll: c, key: keys[i], id: old._id, doc: r.doc });
      }
      const inserts = new Set<IdKey>();
      if (upsertId !== undefined) {
        const key = idKeyOf(upsertId);
        const doc = spec ? applyUpdate({ ...upsertBase(criteria), _id: upsertId }, spec, null).doc : replaceDoc(undefined, data, upsertId).doc;
        const ordered: Doc = { _id: upsertId };
        for (const k of Object.keys(doc)) if (k !== '_id') ordered[k] = doc[k];
        changes.push({ coll: c, key, id: upsertId, doc: ordered });
        inserts.add(key);
      }
      if (changes.length) {
        this.checkUnique(c, changes, inserts);
        this.commit(changes);
      }
      // The cloud counts matched documents: an update that changes nothing still answers updated 1.
      const reply: any = { data: { updated: targets.length } };
      if (upsertId !== undefined) reply.data.upsert_id = upsertId;
      if (returnDoc) {
        const after = changes.length ? changes[0].doc : targets[0];
        reply.data.doc = after ? stringifyEJSON(after) : null;
      }
      return { result: reply };
    });
  }

  private removeDocument(p: Record<string, any>): any {
    const name = this.collName(p);
    const criteria = this.parseQuery(p);
    const isDoc = p.queryType === 'DOC';
    const multi = p.multi === undefined ? !isDoc : !!p.multi;
    this.requireCondition(p, criteria, 'remove');
    const txn = this.txnFor(p);
    const matcher = compileFilter(criteria);
    if (txn) return this.txnRemove(txn, name, isDoc ? this.docIdOf(p, criteria) : undefined, criteria, matcher, multi);
    return this.withLockWait(() => {
      const coll = this.collections.get(name);
      if (!coll) return { result: { data: { deleted: 0 } } };
      const cstats = this.collStats(name);
      let targets: Doc[];
      if (isDoc) {
        const d = coll.docs.get(idKeyOf(this.docIdOf(p, criteria)));
        this.stats.indexLookups++;
        cstats.indexLookups++;
        if (d) {
          this.stats.docsExamined++;
          cstats.docsExamined++;
        }
        targets = d && (Object.keys(criteria).length === 1 || !matcher || matcher(d)) ? [d] : [];
      } else {
        targets = coll.select(criteria, matcher, { limit: multi ? undefined : 1 }, [this.stats, cstats]);
      }
      const changes: Change[] = targets.map((d) => ({ coll, key: idKeyOf(d._id), id: d._id, doc: null }));
      const held = this.lockHolders(coll, changes.map((c) => c.key));
      if (held.length) return { waitFor: held };
      if (changes.length) this.commit(changes);
      return { result: { data: { deleted: changes.length } } };
    });
  }

  private addCollection(p: Record<string, any>): any {
    const name = this.collName(p);
    if (this.collections.has(name)) throw new EngineError(COLLECTION_EXISTS, `collection ${name} already exists`);
    this.ensureCollection(name);
    if (this.journal) this.journal.append(++this.seq, [['c', name]]);
    return {};
  }

  // ------------------------------------------------------------------ transactions

  private startTransaction(): any {
    const id = newId();
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const t: Txn = {
      id,
      startSeq: null,
      startedAt: this.now(),
      realStart: Date.now(),
      state: 'active',
      writes: new Map(),
      locks: [],
      done,
      resolveDone
    };
    t.timer = setTimeout(() => {
      if (t.state === 'active') this.endTxn(t, 'aborted', 'timed out');
    }, this.txTimeout + 5);
    if (typeof t.timer.unref === 'function') t.timer.unref();
    this.txns.set(id, t);
    this.stats.transactions.started++;
    return { transactionId: id };
  }

  private expireIfDue(t: Txn): boolean {
    if (t.state !== 'active') return true;
    if (this.now() - t.startedAt >= this.txTimeout || Date.now() - t.realStart >= this.txTimeout) {
      this.endTxn(t, 'aborted', 'timed out');
      return true;
    }
    return false;
  }

  private endTxn(t: Txn, state: 'committed' | 'aborted', reason: string): void {
    if (t.state !== 'active') return;
    t.state = state;
    if (t.timer) clearTimeout(t.timer);
    for (const [coll, key] of t.locks) if (coll.locks.get(key) === t.id) coll.locks.delete(key);
    t.locks = [];
    t.writes.clear();
    this.txns.delete(t.id);
    this.finished.set(t.id, reason);
    if (this.finished.size > 1000) this.finished.delete(this.finished.keys().next().value as string);
    if (state === 'aborted') {
      this.stats.transactions.aborted++;
      if (reason === 'timed out') this.stats.transactions.timedOut++;
    } else this.stats.transactions.committed++;
    if (this.txns.size === 0) {
      for (const c of this.historyDirty) {
        c.history.clear();
        c.tombstones.clear();
      }
      this.historyDirty.clear();
      this.commitsSincePrune = 0;
    }
    t.resolveDone();
  }

  private pruneHistory(): void {
    this.commitsSincePrune = 0;
    let minStart = Infinity;
    for (const t of this.txns.values()) if (t.startSeq !== null) minStart = Math.min(minStart, t.startSeq);
    for (const c of this.historyDirty) {
      for (const key of Array.from(c.history.keys())) if (c.currentSeq(key) <= minStart) c.history.delete(key);
      for (const [key, s] of Array.from(c.tombstones)) if (s <= minStart) c.tombstones.delete(key);
    }
  }

  private activeTxn(id: string): Txn {
    const t = this.txns.get(id);
    if (!t) {
      const why = this.finished.get(id);
      throw notExistError(id, why ? `is no longer open: ${why}` : 'was never started');
    }
    if (this.expireIfDue(t)) throw notExistError(id, `is no longer open: timed out after ${this.txTimeout} ms`);
    return t;
  }

  /** The version of a document a transaction sees: its own write, else the committed state at its start. */
  private txnRead(t: Txn, coll: Collection, key: IdKey): Doc | null {
    const own = t.writes.get(coll)?.get(key);
    if (own) return own.doc;
    return this.snapshotRead(coll, key, t.startSeq!);
  }

  private snapshotRead(coll: Collection, key: IdKey, startSeq: number): Doc | null {
    if (coll.currentSeq(key) <= startSeq) return coll.docs.get(key) || null;
    const h = coll.history.get(key);
    if (h) for (let i = h.length - 1; i >= 0; i--) if (h[i].seq <= startSeq) return h[i].doc;
    return null;
  }

  /** A write conflict: the server aborts the transaction itself (later operations and the commit fail). */
  private conflict(t: Txn, coll: Collection, id: any, why: string): EngineError {
    this.stats.transactions.conflicts++;
    this.endTxn(t, 'aborted', 'aborted by a write conflict');
    return conflictError(coll, id, why);
  }

  /** Takes the write lock for t, or throws the conflict error (another holder / committed since t started). */
  private lockForTxn(t: Txn, coll: Collection, key: IdKey, id: any): void {
    const holder = coll.locks.get(key);
    if (holder !== undefined && holder !== t.id) {
      const ht = this.txns.get(holder);
      if (ht && !this.expireIfDue(ht)) throw this.conflict(t, coll, id, 'is locked by another transaction');
    }
    if (coll.currentSeq(key) > t.startSeq!) throw this.conflict(t, coll, id, 'was modified after this transaction took its snapshot');
    if (holder !== t.id) {
      coll.locks.set(key, t.id);
      t.locks.push([coll, key]);
    }
  }

  private buffer(t: Txn, coll: Collection): Map<IdKey, BufferedWrite> {
    let m = t.writes.get(coll);
    if (!m) t.writes.set(coll, (m = new Map()));
    return m;
  }

  /** Unique-index check of t's buffered state for coll plus `extra`, against the committed state. */
  private checkTxnUnique(t: Txn, coll: Collection, extra: Change[]): void {
    if (!coll.uniqueIndexes.length) return;
    const merged = new Map<IdKey, { key: IdKey; doc: Doc | null; id: any }>();
    for (const [key, w] of this.buffer(t, coll)) merged.set(key, { key, doc: w.doc, id: w.id });
    for (const c of extra) merged.set(c.key, c);
    this.checkUnique(coll, Array.from(merged.values()), new Set());
  }

  private txnInsert(t: Txn, coll: Collection, raw: Doc[]): any {
    const changes = this.prepareInsert(coll, raw);
    const buf = this.buffer(t, coll);
    const seen = new Set<IdKey>();
    for (const c of changes) {
      if (seen.has(c.key) || this.txnRead(t, coll, c.key)) throw dupError(coll, '_id_', `{ _id: ${stringifyEJSON(c.id)} }`);
      seen.add(c.key);
    }
    for (const c of changes) this.lockForTxn(t, coll, c.key, c.id);
    this.checkTxnUnique(t, coll, changes);
    for (const c of changes) buf.set(c.key, { id: c.id, doc: c.doc });
    return { data: { insertedIds: changes.map((c) => c.id) } };
  }

  /**
   * The documents a transactional write targets: the one named by `id` (DOC form; its extra
   * conditions checked), or the where-form matches of t's view.
   */
  private txnTargets(t: Txn, coll: Collection, id: any, criteria: Record<string, any>, matcher: ReturnType<typeof compileFilter>, multi: boolean): Doc[] {
    if (id === undefined) return this.txnSelect(t, coll, criteria, matcher, { limit: multi ? undefined : 1 });
    const base = this.txnRead(t, coll, idKeyOf(id));
    const cstats = this.collStats(coll.name);
    this.stats.indexLookups++;
    cstats.indexLookups++;
    if (!base) return [];
    this.stats.docsExamined++;
    cstats.docsExamined++;
    return !matcher || Object.keys(criteria).length === 1 || matcher(base) ? [base] : [];
  }

  private txnModify(
    t: Txn,
    name: string,
    id: any,
    criteria: Record<string, any>,
    matcher: ReturnType<typeof compileFilter>,
    o: { spec: any; data: any; upsert: boolean; multi: boolean; returnDoc: boolean }
  ): any {
    const coll = this.ensureCollection(name);
    const targets = this.txnTargets(t, coll, id, criteria, matcher, o.multi);
    const writes: Change[] = [];
    for (const base of targets) {
      const key = idKeyOf(base._id);
      this.lockForTxn(t, coll, key, base._id);
      const r = o.spec ? applyUpdate(base, o.spec, criteria) : replaceDoc(base, o.data, base._id);
      writes.push({ coll, key, id: base._id, doc: r.changed ? r.doc : base });
    }
    let upsertId: any;
    if (!targets.length && o.upsert) {
      upsertId = id !== undefined ? id : '_id' in criteria && !isOperatorObject(criteria._id) ? criteria._id : newId();
      const key = idKeyOf(upsertId);
      this.lockForTxn(t, coll, key, upsertId);
      const doc = o.spec ? applyUpdate({ ...upsertBase(criteria), _id: upsertId }, o.spec, null).doc : replaceDoc(undefined, o.data, upsertId).doc;
      writes.push({ coll, key, id: upsertId, doc });
    }
    const changed = writes.filter((w, i) => i >= targets.length || w.doc !== targets[i]);
    if (changed.length) {
      this.checkTxnUnique(t, coll, changed);
      const buf = this.buffer(t, coll);
      for (const w of changed) buf.set(w.key, { id: w.id, doc: w.doc });
    }
    // Matched documents, as on the cloud (a write that changes nothing still counts).
    const reply: any = { data: { updated: targets.length } };
    if (upsertId !== undefined) reply.data.upsert_id = upsertId;
    if (o.returnDoc) reply.data.doc = writes.length ? stringifyEJSON(writes[0].doc) : null;
    return reply;
  }

  private txnRemove(t: Txn, name: string, id: any, criteria: Record<string, any>, matcher: ReturnType<typeof compileFilter>, multi: boolean): any {
    const coll = this.ensureCollection(name);
    const targets = this.txnTargets(t, coll, id, criteria, matcher, multi);
    for (const d of targets) this.lockForTxn(t, coll, idKeyOf(d._id), d._id);
    const buf = this.buffer(t, coll);
    for (const d of targets) buf.set(idKeyOf(d._id), { id: d._id, doc: null });
    return { data: { deleted: targets.length } };
  }

  private commitTransaction(p: Record<string, any>): any {
    if (!p.transactionId) throw new EngineError(INVALID_PARAM, 'transactionId is required');
    const t = this.activeTxn(String(p.transactionId));
    const changes: Change[] = [];
    for (const [coll, m] of t.writes) {
      const collChanges: Change[] = [];
      for (const [key, w] of m) collChanges.push({ coll, key, id: w.id, doc: w.doc });
      try {
        this.checkUnique(coll, collChanges, new Set());
      } catch (e) {
        this.endTxn(t, 'aborted', 'aborted at commit: ' + (e as Error).message);
        throw e;
      }
      changes.push(...collChanges);
    }
    if (changes.length) this.commit(changes);
    this.endTxn(t, 'committed', 'committed');
    return {};
  }

  private abortTransaction(p: Record<string, any>): any {
    if (!p.transactionId) throw new EngineError(INVALID_PARAM, 'transactionId is required');
    const t = this.activeTxn(String(p.transactionId));
    this.endTxn(t, 'aborted', 'aborted by the client');
    return {};
  }

  // ------------------------------------------------------------------ persistence & helpers

  /** Writes a snapshot (temp file + rename) and truncates the journal. No-op without dataDir. */
  compact(): void {
    if (!this.journal) return;
    const colls = Array.from(this.collections.values(), (c) => ({ name: c.name, docs: c.docs.values() }));
    this.journal.writeSnapshot(this.seq, colls);
  }

  /** Aborts open transactions and closes the journal. Every acknowledged write is already on disk. */
  close(): void {
    if (this.closed) return;
    for (const t of Array.from(this.txns.values())) this.endTxn(t, 'aborted', 'engine closed');
    if (this.journal) this.journal.close();
    this.closed = true;
  }

  /**
   * Inserts documents directly (seed, tests, bench): deep-copied, `_id` made when absent, unique
   * indexes enforced (throws the duplicate-key EngineError and inserts nothing of that chunk),
   * journaled in chunks of 1000 documents, ignores transaction locks.
   */
  insertMany(collection: string, docs: object[]): void {
    if (this.closed) throw new EngineError(REQUEST_FAILED, 'the local database engine is closed');
    const coll = this.ensureCollection(collection);
    for (let i = 0; i < docs.length; i += INSERT_MANY_CHUNK) {
      const chunk = docs.slice(i, i + INSERT_MANY_CHUNK).map((d) => {
        if (!isPlainObject(d)) throw new EngineError(INVALID_PARAM, 'insertMany: each document must be a plain object');
        return clone(d as Doc);
      });
      const changes = this.prepareInsert(coll, chunk);
      this.checkUnique(coll, changes, new Set(changes.map((c) => c.key)));
      this.commit(changes);
    }
  }

  /** Number of documents in a collection (0 when it does not exist). */
  count(collection: string): number {
    return this.collections.get(collection)?.size ?? 0;
  }

  /** Deep copies of every document of a collection, in natural order. */
  dump(collection: string): object[] {
    const c = this.collections.get(collection);
    return c ? Array.from(c.docs.values(), (d) => clone(d)) : [];
  }

  /** Names of the collections that exist (declared or written). */
  collectionNames(): string[] {
    return Array.from(this.collections.keys());
  }

  /** Declared secondary indexes of a collection (name, keys, unique). */
  indexesOf(collection: string): { name: string; keys: Record<string, 1 | -1>; unique: boolean }[] {
    const c = this.collections.get(collection);
    return c ? c.indexes.map((i: FieldIndex) => ({ name: i.name, keys: i.keys, unique: i.unique })) : [];
  }

  /** Number of open transactions. */
  get openTransactions(): number {
    return this.txns.size;
  }
}
