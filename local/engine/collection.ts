/**
 * One collection: documents by `_id`, secondary indexes, and the planner that picks candidates.
 *
 * Planner: for the conjunction of the filter's top-level clauses (and `$and` members), it looks for
 *  - `_id` equality / `$in`  -> direct map lookups;
 *  - equality / `$in` / `$gt|$gte|$lt|$lte` on the LEADING field of a declared index -> index lookup;
 *  - `$or` whose every branch is indexable -> union of the branch lookups;
 * and otherwise scans. The candidates are then filtered with mingo, so an index only ever narrows.
 * A sort whose first key is an index's leading field, with a limit, walks that index in order and
 * stops once offset+limit matches are found.
 */
import type { Bound } from './sorted-list';
import { FieldIndex, IndexSpecLike, bucketEach, bucketSize, kindOf } from './indexes';
import { Matcher, sortDocs } from './query';
import { Doc, IdKey, SEQ, idKeyOf, isOperatorObject, isScalarKey } from './values';

export interface CollectionStats {
  requests: number;
  byAction: Record<string, number>;
  /** Documents the evaluator looked at (filter tests, or candidates visited for an empty filter). */
  docsExamined: number;
  /** Queries answered through `_id` or a secondary index. */
  indexLookups: number;
  /** Queries that had to walk the whole collection. */
  collectionScans: number;
}

export function newCollectionStats(): CollectionStats {
  return { requests: 0, byAction: {}, docsExamined: 0, indexLookups: 0, collectionScans: 0 };
}

/** Counters shared by the engine and its collections. */
export interface StatSink {
  docsExamined: number;
  indexLookups: number;
  collectionScans: number;
}

type RangeKind = 'num' | 'str' | 'date';

export type Plan =
  | { kind: 'ids'; ids: IdKey[]; est: number }
  | { kind: 'eq'; index: FieldIndex; values: any[]; est: number }
  | { kind: 'range'; index: FieldIndex; rkind: RangeKind; lo?: Bound<any>; hi?: Bound<any>; est: number }
  | { kind: 'or'; plans: Plan[]; est: number }
  | { kind: 'scan'; est: number };

interface FieldCond {
  eq?: any[]; // scalar values; [] means "only non-scalar (other) docs can match"
  rkind?: RangeKind;
  lo?: Bound<any>;
  hi?: Bound<any>;
  bad?: boolean; // contradictory/unusable range
}

const RANGE_OPS: Record<string, [boolean, boolean]> = {
  // op -> [isLowerBound, inclusive]
  $gt: [true, false],
  $gte: [true, true],
  $lt: [false, false],
  $lte: [false, true]
};

function rangeKindOf(v: any): RangeKind | null {
  const k = kindOf(v);
  return k === 'num' || k === 'str' || k === 'date' ? k : null;
}

function cmpKind(a: any, b: any): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Equality values an eq-condition contributes, or null if it cannot use an index. */
function eqValues(v: any): any[] | null {
  if (v instanceof RegExp) return null;
  if (isScalarKey(v)) return [v];
  if (v !== null && typeof v === 'object' && !isOperatorObject(v)) return []; // object/array equality: only `other` docs
  return null;
}

/** `_id` values of an equality / `$eq` / `$in` condition (any type but regex), or null. */
function idEqValues(cond: any): any[] | null {
  if (cond instanceof RegExp) return null;
  if (!isOperatorObject(cond)) return [cond];
  let best: any[] | null = null;
  for (const op of Object.keys(cond)) {
    const v = cond[op];
    let vals: any[] | null = null;
    if (op === '$eq' && !(v instanceof RegExp)) vals = [v];
    else if (op === '$in' && Array.isArray(v) && !v.some((x) => x instanceof RegExp)) vals = v;
    if (vals && (!best || vals.length < best.length)) best = vals;
  }
  return best;
}

function addCond(conds: Map<string, FieldCond>, field: string, cond: any): void {
  let fc = conds.get(field);
  const get = () => {
    if (!fc) {
      fc = {};
      conds.set(field, fc);
    }
    return fc;
  };
  if (!isOperatorObject(cond)) {
    const vals = eqValues(cond);
    if (vals) mergeEq(get(), vals);
    return;
  }
  for (const op of Object.keys(cond)) {
    const v = cond[op];
    if (op === '$eq') {
      const vals = eqValues(v);
      if (vals) mergeEq(get(), vals);
    } else if (op === '$in') {
      if (!Array.isArray(v)) continue;
      const vals: any[] = [];
      let ok = true;
      for (const x of v) {
        const e = eqValues(x);
        if (!e) {
          ok = false;
          break;
        }
        vals.push(...e);
      }
      if (ok) mergeEq(get(), vals);
    } else if (op in RANGE_OPS) {
      const rk = rangeKindOf(v);
      if (!rk) continue;
      const f = get();
      if (f.rkind && f.rkind !== rk) {
        f.bad = true;
        continue;
      }
      f.rkind = rk;
      const [isLo, inclusive] = RANGE_OPS[op];
      if (isLo) {
        if (!f.lo || cmpKind(v, f.lo.value) > 0 || (cmpKind(v, f.lo.value) === 0 && !inclusive)) f.lo = { value: v, inclusive };
      } else if (!f.hi || cmpKind(v, f.hi.value) < 0 || (cmpKind(v, f.hi.value) === 0 && !inclusive)) f.hi = { value: v, inclusive };
    }
  }
}

function mergeEq(fc: FieldCond, vals: any[]): void {
  if (!fc.eq || vals.length < fc.eq.length) fc.eq = vals;
}

export class Collection {
  readonly name: string;
  readonly docs = new Map<IdKey, Doc>();
  readonly indexes: FieldIndex[] = [];
  /** Leading field -> first index led by it (the one the planner uses). */
  readonly byField = new Map<string, FieldIndex>();
  readonly uniqueIndexes: FieldIndex[] = [];
  readonly stats: CollectionStats;
  readonly description?: string;

  // Transaction bookkeeping (only populated while transactions are open).
  /** Document write locks held by open transactions: id -> transaction id. */
  readonly locks = new Map<IdKey, string>();
  /** Older versions still visible to open transactions: id -> [{seq, doc|null}] (oldest first). */
  readonly history = new Map<IdKey, { seq: number; doc: Doc | null }[]>();
  /** Commit seq of deletions (needed for conflict checks while transactions are open). */
  readonly tombstones = new Map<IdKey, number>();

  constructor(name: string, indexes: IndexSpecLike[] = [], description?: string, stats?: CollectionStats) {
    this.name = name;
    this.description = description;
    this.stats = stats || newCollectionStats();
    for (const spec of indexes) this.addIndex(spec);
  }

  addIndex(spec: IndexSpecLike): FieldIndex {
    const keys = Object.keys(spec.keys || {});
    if (keys.length === 1 && keys[0] === '_id') {
      // `_id` is always indexed and unique; nothing to build.
      return new FieldIndex(spec);
    }
    const idx = new FieldIndex(spec);
    for (const [id, doc] of this.docs) idx.add(id, doc);
    this.indexes.push(idx);
    if (idx.unique) this.uniqueIndexes.push(idx);
    if (!this.byField.has(idx.field)) this.byField.set(idx.field, idx);
    return idx;
  }

  get size(): number {
    return this.docs.size;
  }

  getById(id: any): Doc | undefined {
    return this.docs.get(idKeyOf(id));
  }

  /** Inserts or replaces the stored version of a document, maintaining indexes. */
  put(key: IdKey, doc: Doc): Doc | undefined {
    const old = this.docs.get(key);
    if (old) for (const idx of this.indexes) idx.remove(key, old);
    this.docs.set(key, doc);
    for (const idx of this.indexes) idx.add(key, doc);
    return old;
  }

  delete(key: IdKey): Doc | undefined {
    const old = this.docs.get(key);
    if (!old) return undefined;
    for (const idx of this.indexes) idx.remove(key, old);
    this.docs.delete(key);
    return old;
  }

  /** Commit seq of the current state of `key` (0 when unknown / older than every open transaction). */
  currentSeq(key: IdKey): number {
    const d = this.docs.get(key);
    if (d) return (d as any)[SEQ] || 0;
    return this.tombstones.get(key) || 0;
  }

  // ---------------------------------------------------------------- planning

  plan(criteria: any): Plan {
    const scan: Plan = { kind: 'scan', est: this.docs.size };
    if (!criteria || typeof criteria !== 'object') return scan;
    const conds = new Map<string, FieldCond>();
    const ors: any[][] = [];
    let idValues: any[] | null = null;
    const collect = (c: any) => {
      for (const k of Object.keys(c)) {
        const v = c[k];
        if (k === '_id') {
          const vals = idEqValues(v);
          if (vals && (!idValues || vals.length < idValues.length)) idValues = vals;
        } else if (k === '$and' && Array.isArray(v)) {
          for (const sub of v) if (sub && typeof sub === 'object') collect(sub);
        } else if (k === '$or' && Array.isArray(v)) {
          ors.push(v);
        } else if (k.charCodeAt(0) !== 36) addCond(conds, k, v);
      }
    };
    collect(criteria);

    let best: Plan = scan;
    const consider = (p: Plan) => {
      if (best.kind === 'scan' || p.est < best.est || (best.kind === 'range' && p.kind !== 'range' && p.est <= best.est)) best = p;
    };

    if (idValues) {
      const ids = Array.from(new Set((idValues as any[]).map(idKeyOf)));
      return { kind: 'ids', ids, est: ids.length };
    }
    for (const [field, fc] of conds) {
      const idx = this.byField.get(field);
      if (!idx) continue;
      if (fc.eq) {
        let est = idx.other.size;
        for (const v of fc.eq) est += bucketSize(idx.eqBucket(v) as any);
        consider({ kind: 'eq', index: idx, values: fc.eq, est });
      } else if (fc.rkind && !fc.bad && (fc.lo || fc.hi)) {
        // Unknown selectivity: cheaper than a scan, dearer than any equality.
        consider({ kind: 'range', index: idx, rkind: fc.rkind, lo: fc.lo, hi: fc.hi, est: Math.max(1, this.docs.size / 3) });
      }
    }
    for (const branches of ors) {
      const plans: Plan[] = [];
      let est = 0;
      for (const b of branches) {
        const p = b && typeof b === 'object' ? this.plan(b) : ({ kind: 'scan', est: this.docs.size } as Plan);
        if (p.kind === 'scan') {
          plans.length = 0;
          break;
        }
        plans.push(p);
        est += p.est;
      }
      if (plans.length) consider({ kind: 'or', plans, est });
    }
    return best;
  }

  /** Visits candidate ids of a (non-scan) plan; fn returns false to stop. Ids may repeat only for 'or' (deduped here). */
  forEachCandidate(plan: Plan, fn: (key: IdKey) => boolean | void): void {
    switch (plan.kind) {
      case 'ids':
        for (const id of plan.ids) if (fn(id) === false) return;
        return;
      case 'eq': {
        const idx = plan.index;
        let stop = false;
        const seen = plan.values.length > 1 ? new Set<IdKey>() : null;
        for (const v of plan.values) {
          bucketEach(idx.eqBucket(v) as any, (id) => {
            if (stop) return;
            if (seen) {
              if (seen.has(id)) return;
              seen.add(id);
            }
            if (fn(id) === false) stop = true;
          });
          if (stop) return;
        }
        for (const id of idx.other) if (fn(id) === false) return;
        return;
      }
      case 'range': {
        if (!plan.index.forEachInRange(plan.rkind, plan.lo, plan.hi, false, (id) => fn(id))) return;
        for (const id of plan.index.other) if (fn(id) === false) return;
        return;
      }
      case 'or': {
        const seen = new Set<IdKey>();
        for (const p of plan.plans) {
          let stop = false;
          this.forEachCandidate(p, (id) => {
            if (seen.has(id)) return true;
            seen.add(id);
            if (fn(id) === false) {
              stop = true;
              return false;
            }
            return true;
          });
          if (stop) return;
        }
        return;
      }
      case 'scan':
        for (const id of this.docs.keys()) if (fn(id) === false) return;
    }
  }

  /**
   * Matching stored documents (NOT copies), in `order` (if given), after `offset`, at most `limit`.
   */
  select(
    criteria: any,
    matcher: Matcher,
    opts: { order?: Record<string, 1 | -1> | null; offset?: number; limit?: number },
    stats: StatSink[]
  ): Doc[] {
    const offset = opts.offset || 0;
    const limit = opts.limit ?? Infinity;
    const want = offset + limit;
    const order = opts.order && Object.keys(opts.order).length ? opts.order : null;
    const plan = this.plan(criteria);
    let examined = 0;
    const test = (doc: Doc) => {
      examined++;
      return matcher ? matcher(doc) : true;
    };
    const bump = (kind: 'indexLookups' | 'collectionScans') => {
      for (const s of stats) {
        s[kind]++;
        s.docsExamined += examined;
      }
    };

    if (order) {
      const firstKey = Object.keys(order)[0];
      const idx = this.byField.get(firstKey);
      const useOrder =
        idx &&
        Number.isFinite(limit) &&
        idx.other.size === 0 &&
        (plan.kind === 'scan' || (plan.kind === 'range' && plan.index === idx) || plan.est > 10000);
      if (idx && useOrder) {
        const desc = order[firstKey] === -1;
        const out: Doc[] = [];
        const multiKey = Object.keys(order).length > 1;
        const takeGroup = (ids: IdKey[]) => {
          let group: Doc[] = [];
          for (const id of ids) {
            const d = this.docs.get(id);
            if (d && test(d)) group.push(d);
          }
          if (multiKey && group.length > 1) group = sortDocs(group, order);
          for (const d of group) out.push(d);
          return out.length < want;
        };
        if (plan.kind === 'range' && plan.index === idx) {
          let curKey: any = undefined;
          let ids: IdKey[] = [];
          let more = true;
          idx.forEachInRange(plan.rkind, plan.lo, plan.hi, desc, (id, key) => {
            if (ids.length && key !== curKey) {
              more = takeGroup(ids);
              ids = [];
              if (!more) return false;
            }
            curKey = key;
            ids.push(id);
            return true;
          });
          if (more && ids.length) takeGroup(ids);
        } else {
          idx.forEachGroupOrdered(desc, takeGroup);
        }
        bump('indexLookups');
        return out.slice(offset, want);
      }
    }

    const out: Doc[] = [];
    const early = !order && Number.isFinite(want);
    this.forEachCandidate(plan, (id) => {
      const d = this.docs.get(id);
      if (d && test(d)) {
        out.push(d);
        if (early && out.length >= want) return false;
      }
      return true;
    });
    bump(plan.kind === 'scan' ? 'collectionScans' : 'indexLookups');
    const sorted = order && out.length > 1 ? sortDocs(out, order) : out;
    return offset || sorted.length > want ? sorted.slice(offset, want) : sorted;
  }
}
