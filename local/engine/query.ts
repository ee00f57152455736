/**
 * Query compilation (mingo) and mingo-error mapping.
 *
 * One mingo Context is built here with every operator, except that the aggregation comparison
 * expressions ($eq $ne $gt $gte $lt $lte $cmp) are replaced: mingo reuses its query predicates for
 * them (array traversal, no cross-type ordering), while MongoDB compares whole values in BSON order
 * (`{$gt: [25, null]}` is true, `{$eq: ['$tags', 'vip']}` is false for an array).
 *
 * Speed note: building mingo options copies the whole operator table (~50 us). We capture one fully
 * initialised options object (mingo's ComputeOptions, handed to query operators) once and construct
 * the base `Query` with it, which takes mingo's cheap copy path (~5 us).
 */
import { Context } from 'mingo';
import type { Query as BaseQueryType } from 'mingo/types/query';
import type { Aggregator as BaseAggregatorType } from 'mingo/types/aggregator';
import { EngineError, INVALID_PARAM, REQUEST_FAILED, UNSUPPORTED } from './errors';
import { compileJsonSchema } from './jsonschema';
import { Doc, isPlainObject } from './values';

/* eslint-disable @typescript-eslint/no-require-imports */
// Subpath exports (package.json "exports"); typed through file paths for moduleResolution=node.
const BaseQuery: typeof BaseQueryType = require('mingo/query').Query;
type BaseQuery = BaseQueryType;
export const BaseAggregator: typeof BaseAggregatorType = require('mingo/aggregator').Aggregator;
const { evalExpr } = require('mingo/core') as { evalExpr: (obj: any, expr: any, options: any) => any };
const OPS = {
  accumulator: require('mingo/operators/accumulator'),
  expression: require('mingo/operators/expression'),
  pipeline: require('mingo/operators/pipeline'),
  projection: require('mingo/operators/projection'),
  query: require('mingo/operators/query'),
  window: require('mingo/operators/window')
};
/* eslint-enable @typescript-eslint/no-require-imports */

const TYPE_ORDER: Record<string, number> = { missing: 0, null: 1, number: 2, string: 3, object: 4, array: 5, binary: 6, objectId: 7, boolean: 8, date: 9, timestamp: 10, regex: 11, other: 12 };

function bsonType(v: any): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'object':
      if (Array.isArray(v)) return 'array';
      if (v instanceof Date) return 'date';
      if (v instanceof RegExp) return 'regex';
      if (v._bsontype === 'ObjectId') return 'objectId';
      if (v._bsontype === 'Binary') return 'binary';
      if (v._bsontype === 'Timestamp') return 'timestamp';
      if (v._bsontype === 'Decimal128' || v._bsontype === 'Long' || v._bsontype === 'Int32' || v._bsontype === 'Double') return 'number';
      return 'object';
    default:
      return 'other';
  }
}

function simple(a: any, b: any): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** MongoDB's total order of BSON values (what aggregation comparison expressions use). */
export function bsonCompare(a: any, b: any): number {
  const ta = bsonType(a);
  const tb = bsonType(b);
  if (ta !== tb) return simple(TYPE_ORDER[ta], TYPE_ORDER[tb]);
  switch (ta) {
    case 'missing':
    case 'null':
      return 0;
    case 'number':
      return simple(Number(a), Number(b));
    case 'string':
    case 'boolean':
      return simple(a, b);
    case 'date':
      return simple(a.getTime(), b.getTime());
    case 'regex':
      return simple(a.source, b.source) || simple(a.flags, b.flags);
    case 'array': {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const c = bsonCompare(a[i], b[i]);
        if (c) return c;
      }
      return simple(a.length, b.length);
    }
    case 'object': {
      const ka = Object.keys(a).filter((k) => a[k] !== undefined);
      const kb = Object.keys(b).filter((k) => b[k] !== undefined);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const c = simple(TYPE_ORDER[bsonType(a[ka[i]])], TYPE_ORDER[bsonType(b[kb[i]])]) || simple(ka[i], kb[i]) || bsonCompare(a[ka[i]], b[kb[i]]);
        if (c) return c;
      }
      return simple(ka.length, kb.length);
    }
    default:
      return simple(String(a), String(b));
  }
}

function comparison(name: string, test: (c: number) => boolean | number) {
  return (obj: any, expr: any, options: any) => {
    if (!Array.isArray(expr) || expr.length !== 2) throw new EngineError(REQUEST_FAILED, `Expression ${name} takes exactly 2 arguments`);
    const [a, b] = evalExpr(obj, expr, options);
    return test(bsonCompare(a, b));
  };
}

const AGG_COMPARISONS = {
  $eq: comparison('$eq', (c) => c === 0),
  $ne: comparison('$ne', (c) => c !== 0),
  $gt: comparison('$gt', (c) => c > 0),
  $gte: comparison('$gte', (c) => c >= 0),
  $lt: comparison('$lt', (c) => c < 0),
  $lte: comparison('$lte', (c) => c <= 0),
  $cmp: comparison('$cmp', (c) => c)
};

/** `{f: {$gte: null}}` / `{$lte: null}` match null AND missing in MongoDB (mingo misses missing). */
const NULL_RANGE_FIX = {
  $gte: (selector: string, value: any, options: any) => (value === null ? OPS.query.$eq(selector, null, options) : OPS.query.$gte(selector, value, options)),
  $lte: (selector: string, value: any, options: any) => (value === null ? OPS.query.$eq(selector, null, options) : OPS.query.$lte(selector, value, options))
};

/**
 * `{arr: {$elemMatch: {f: …}}}` (a document condition: field names, or $and/$or/$nor) tests only the
 * array's documents, as MongoDB does; mingo also tests plain values against it, so `[1, 2]` matched
 * `{$elemMatch: {$and: [{$gt: 0}]}}`-style conditions. Operator-only conditions keep mingo's path.
 */
const { resolve: mingoResolve } = require('mingo/util') as { resolve: (o: any, path: string, opts?: any) => any };
function isDocCondition(criteria: any): boolean {
  return isPlainObject(criteria) && Object.keys(criteria).some((k) => k.charCodeAt(0) !== 36 || k === '$and' || k === '$or' || k === '$nor');
}
function $elemMatch(selector: string, criteria: any, options: any) {
  if (!isDocCondition(criteria)) return OPS.query.$elemMatch(selector, criteria, options);
  const q = new BaseQuery(criteria, options);
  return (o: any) => {
    const arr = mingoResolve(o, selector, { unwrapArray: true });
    return Array.isArray(arr) && arr.some((e) => isPlainObject(e) && q.test(e));
  };
}

/** `$jsonSchema` without mingo's external-validator option (see jsonschema.ts). */
function $jsonSchema(_selector: string, schema: any) {
  const check = compileJsonSchema(schema);
  return (o: any) => check(o);
}

const literal = (v: any) => ({ $literal: v });

/** MongoDB's `$week`: weeks start on Sunday; days before the year's first Sunday are week 0. */
function $week(obj: any, expr: any, options: any) {
  const doy = OPS.expression.$dayOfYear(obj, expr, options);
  if (doy === null || doy === undefined) return null;
  const dow = OPS.expression.$dayOfWeek(obj, expr, options); // 1 = Sunday
  return Math.floor((doy - dow + 7) / 7);
}

/** `$substrBytes` / `$substr`: a negative length means "to the end of the string". */
function $substrBytes(obj: any, expr: any, options: any) {
  if (!Array.isArray(expr) || expr.length !== 3) throw new EngineError(REQUEST_FAILED, '$substrBytes requires 3 arguments');
  const [s, index, count] = evalExpr(obj, expr, options);
  if (typeof s === 'string' && typeof index === 'number' && index >= Buffer.byteLength(s, 'utf8')) return ''; // past the end: '' (MongoDB)
  let n = count;
  if (typeof count === 'number' && count < 0) n = Math.max(0, Buffer.byteLength(s === null || s === undefined ? '' : String(s), 'utf8') - index);
  return OPS.expression.$substrBytes(obj, [literal(s), literal(index), literal(n)], options);
}

/** `$indexOfCP` (mingo has only `$indexOfBytes`): code-point index of a substring, -1 when absent, null for a null string. */
function $indexOfCP(obj: any, expr: any, options: any) {
  if (!Array.isArray(expr) || expr.length < 2 || expr.length > 4) throw new EngineError(REQUEST_FAILED, '$indexOfCP requires 2 to 4 arguments');
  const [s, sub, start, end] = evalExpr(obj, expr, options);
  if (s === null || s === undefined) return null;
  if (typeof s !== 'string') throw new EngineError(REQUEST_FAILED, '$indexOfCP requires a string as the first argument');
  if (typeof sub !== 'string') throw new EngineError(REQUEST_FAILED, '$indexOfCP requires a string as the second argument');
  for (const [v, what] of [[start, 'starting'], [end, 'ending']] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) throw new EngineError(REQUEST_FAILED, `$indexOfCP ${what} index must be a non-negative integer`);
  }
  const cps = Array.from(s);
  const needle = Array.from(sub);
  const from = start ?? 0;
  const to = Math.min(end ?? cps.length, cps.length);
  for (let i = from; i + needle.length <= to; i++) {
    let ok = true;
    for (let j = 0; j < needle.length && ok; j++) ok = cps[i + j] === needle[j];
    if (ok) return i;
  }
  return -1;
}

let sharedOptions: any = null;

/** The engine's mingo Context (all operators, MongoDB-correct aggregation comparisons). */
export const MINGO_CONTEXT: Context = Context.init({
  accumulator: OPS.accumulator,
  expression: { ...OPS.expression, ...AGG_COMPARISONS, $week, $substrBytes, $substr: $substrBytes, $indexOfCP },
  pipeline: OPS.pipeline,
  projection: OPS.projection,
  query: { ...OPS.query, ...NULL_RANGE_FIX, $elemMatch, $jsonSchema, $__engineCaptureOptions: (_f: string, _v: any, opts: any) => ((sharedOptions = opts), () => true) },
  window: OPS.window
} as any);

try {
  new BaseQuery({ x: { $__engineCaptureOptions: 1 } } as any, { context: MINGO_CONTEXT });
  if (!sharedOptions || typeof sharedOptions !== 'object' || !sharedOptions.options || !sharedOptions.options.context) sharedOptions = null;
} catch {
  sharedOptions = null;
}

export function newQuery(criteria: any): BaseQuery {
  return new BaseQuery(criteria, sharedOptions || { context: MINGO_CONTEXT });
}

/** Query operators the real cloud cannot take (or mingo would answer differently): fail, naming them. */
const REJECTED_QUERY_OPS = new Set(['$where', '$text', '$near', '$nearSphere', '$geoWithin', '$geoIntersects']);

const UNSUPPORTED_RE = /unknown|unregistered|not registered|not supported|unsupported|invalid operator/i;

export function mapMingoError(e: unknown, context: string): EngineError {
  if (e instanceof EngineError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (UNSUPPORTED_RE.test(msg)) return new EngineError(UNSUPPORTED, `${context}: ${msg} (not supported by the local engine)`);
  return new EngineError(REQUEST_FAILED, `${context}: ${msg}`);
}

/** Throws UNSUPPORTED naming the first operator of `criteria` the engine refuses. */
export function assertSupportedQuery(criteria: any): void {
  if (criteria === null || typeof criteria !== 'object') return;
  if (Array.isArray(criteria)) {
    for (const c of criteria) assertSupportedQuery(c);
    return;
  }
  if (criteria instanceof Date || criteria instanceof RegExp) return;
  for (const k of Object.keys(criteria)) {
    if (REJECTED_QUERY_OPS.has(k)) throw new EngineError(UNSUPPORTED, `query operator ${k} is not supported by the local engine`);
    const v = criteria[k];
    if (v && typeof v === 'object') assertSupportedQuery(v);
  }
}

export type Matcher = ((doc: Doc) => boolean) | null;

/** Compiles a MongoDB filter into a predicate (null for the empty filter). */
export function compileFilter(criteria: any): Matcher {
  if (criteria === undefined || criteria === null) return null;
  if (typeof criteria !== 'object' || Array.isArray(criteria)) throw new EngineError(INVALID_PARAM, 'query must be an object');
  if (Object.keys(criteria).length === 0) return null;
  const eq = equalityMatcher(criteria);
  if (eq) return eq;
  assertSupportedQuery(criteria);
  let q: BaseQuery;
  try {
    q = newQuery(criteria);
  } catch (e) {
    throw mapMingoError(e, 'invalid query');
  }
  return (doc: Doc) => {
    try {
      return q.test(doc);
    } catch (e) {
      throw mapMingoError(e, 'query evaluation failed');
    }
  };
}

/** A value the equality fast path compares with `===`: a string, a finite number or a boolean. */
const isPlainScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * The matcher of a filter made only of `field: scalar` and `field: {$in: [scalars]}` on top-level
 * fields (a `doc(id)` write, the `_id` / `_id $in` lookups of every pre-read), without compiling a
 * mingo query (~40 us each, a tenth of a scan). MongoDB semantics: an array field matches when an
 * element equals. Null when the filter has any other shape (mingo decides); test/engine/reads.test.ts
 * checks the two agree on random documents.
 */
export function equalityMatcher(criteria: Record<string, unknown>): Matcher {
  const tests: ((doc: Doc) => boolean)[] = [];
  for (const key of Object.keys(criteria)) {
    if (key === '' || key.charCodeAt(0) === 36 || key.indexOf('.') !== -1) return null;
    const v = criteria[key];
    if (isPlainScalar(v)) {
      tests.push((doc) => {
        const x = doc[key];
        return x === v || (Array.isArray(x) && x.some((e) => e === v));
      });
    } else if (isPlainObject(v) && Object.keys(v).length === 1 && Array.isArray(v.$in) && v.$in.every(isPlainScalar)) {
      const set = new Set<unknown>(v.$in);
      tests.push((doc) => {
        const x = doc[key];
        return set.has(x) || (Array.isArray(x) && x.some((e) => set.has(e)));
      });
    } else return null;
  }
  return tests.length === 1 ? tests[0] : (doc) => tests.every((t) => t(doc));
}

/** MongoDB sort of docs (stable; mingo's type ordering, arrays by min/max element). */
export function sortDocs(docs: Doc[], order: Record<string, 1 | -1>): Doc[] {
  try {
    return newQuery({}).find(docs).sort(order as any).all() as Doc[];
  } catch (e) {
    throw mapMingoError(e, 'invalid order');
  }
}

/** Applies a MongoDB projection to docs (returns new objects; may share nested values with the input). */
export function projectDocs(docs: Doc[], projection: Record<string, any>): Doc[] {
  if (!docs.length) return docs;
  try {
    return newQuery({}).find(docs, projection as any).all() as Doc[];
  } catch (e) {
    throw mapMingoError(e, 'invalid projection');
  }
}
