/**
 * Aggregation: stage whitelist + mingo's Aggregator for the stage semantics.
 *
 * `aggregate()` reads the source through the planner (a leading `$match` uses indexes) and handles the
 * top-level `$lookup` stages itself, so a join reads only the foreign documents it needs:
 *  - localField/foreignField: one planner read of the candidates for all local values (the `_id` map
 *    or the foreignField's index; a scan otherwise), then exact matching as MongoDB does;
 *  - uncorrelated `pipeline` (no `let`): the sub-pipeline runs once (recursively, same rules) and
 *    every input document gets a copy of its result.
 * Everything else (segments between lookups, correlated lookups, `$lookup` inside `$facet`,
 * `$graphLookup`) runs in mingo, which reads whole-collection copies.
 */
import type { Collection, StatSink } from './collection';
import { EngineError, INVALID_PARAM, UNSUPPORTED } from './errors';
import { BaseAggregator, MINGO_CONTEXT, mapMingoError, assertSupportedQuery, compileFilter } from './query';
import { Doc, clone } from './values';

/* eslint-disable @typescript-eslint/no-require-imports */
// mingo's own value hashing and path resolution, so field joins compare values exactly as its $lookup does.
const { HashMap, resolve } = require('mingo/util') as typeof import('mingo/types/util');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Stages the local engine runs (all that the SDK's Aggregate exposes, minus geo/out/stats ones). */
export const SUPPORTED_STAGES = new Set([
  '$match',
  '$group',
  '$sort',
  '$skip',
  '$limit',
  '$project',
  '$lookup',
  '$unwind',
  '$count',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$sortByCount',
  '$bucket',
  '$bucketAuto',
  '$facet',
  '$redact',
  '$graphLookup'
]);

/** Throws UNSUPPORTED naming the first stage (possibly nested in $lookup/$facet) the engine refuses. */
export function validatePipeline(pipeline: any[], where = 'aggregate'): void {
  if (!Array.isArray(pipeline)) throw new EngineError(INVALID_PARAM, `${where}: pipeline must be an array`);
  for (const stage of pipeline) {
    if (!stage || typeof stage !== 'object' || Array.isArray(stage)) throw new EngineError(INVALID_PARAM, `${where}: each stage must be an object`);
    const keys = Object.keys(stage);
    if (keys.length !== 1) throw new EngineError(INVALID_PARAM, `${where}: a stage must have exactly one key, got ${JSON.stringify(keys)}`);
    const name = keys[0];
    if (!SUPPORTED_STAGES.has(name)) throw new EngineError(UNSUPPORTED, `aggregation stage ${name} is not supported by the local engine`);
    const v = stage[name];
    if (name === '$match') assertSupportedQuery(v);
    if (name === '$lookup' && v && Array.isArray(v.pipeline)) validatePipeline(v.pipeline, `${where} $lookup.pipeline`);
    if (name === '$facet' && v && typeof v === 'object') for (const k of Object.keys(v)) validatePipeline(v[k], `${where} $facet.${k}`);
  }
}

/** Top-level fields a `$project` keeps when it is a plain inclusion (`{a: 1, b: true}`), else null. */
function plainInclusion(stage: any): string[] | null {
  const spec = stage.$project;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return null;
  const keys = Object.keys(spec);
  if (!keys.length || keys.some((k) => k.includes('.') || k.startsWith('$') || (spec[k] !== 1 && spec[k] !== true))) return null;
  return keys;
}

/** `_id` and the `keep` fields of `d` (copies of them unless `d` is already a copy). */
function pick(d: Doc, keep: string[], copy = true): Doc {
  const out: Doc = { _id: copy ? clone(d._id) : d._id };
  for (const k of keep) if (k in d) out[k] = copy ? clone(d[k]) : d[k];
  return out;
}

/** Runs a validated pipeline over `input` (which it may mutate: pass copies). */
export function runPipeline(input: Doc[], pipeline: any[], resolveCollection: (name: string) => Doc[]): Doc[] {
  if (!pipeline.length) return input;
  // A lone plain inclusion (a lookup's projection on a hot path) needs no mingo aggregator.
  const keep = pipeline.length === 1 ? plainInclusion(pipeline[0]) : null;
  if (keep) return input.map((d) => pick(d, keep, false));
  try {
    const agg = new BaseAggregator(pipeline as any, { context: MINGO_CONTEXT, collectionResolver: (name: string) => resolveCollection(name) });
    return agg.run(input) as Doc[];
  } catch (e) {
    throw mapMingoError(e, 'aggregate failed');
  }
}

/** What an aggregation reads: collections by name (absent = empty) and the stat sinks to charge. */
export interface AggregateSource {
  collection(name: string): Collection | undefined;
  sinks(name: string): StatSink[];
}

/** How a `$lookup` stage is run: 'field' and 'pipeline' by `aggregate()`, null = left to mingo. */
function lookupKind(lk: any): 'field' | 'pipeline' | null {
  if (!lk || typeof lk.from !== 'string' || typeof lk.as !== 'string') return null;
  const hasPipeline = Array.isArray(lk.pipeline) && lk.pipeline.length > 0;
  if (typeof lk.localField === 'string' && typeof lk.foreignField === 'string') return hasPipeline ? null : 'field';
  const hasLet = lk.let && typeof lk.let === 'object' && Object.keys(lk.let).length > 0;
  if (Array.isArray(lk.pipeline) && lk.localField === undefined && lk.foreignField === undefined && !hasLet) return 'pipeline';
  // Correlated (let + pipeline, or the localField + pipeline form): mingo over a copy of the whole
  // collection. Correct but slow on a large `from`; no hot path uses it.
  return null;
}

/** Runs a validated pipeline on collection `name` (see the module comment); returns fresh documents. */
export function aggregate(src: AggregateSource, name: string, pipeline: any[]): Doc[] {
  // Whole-collection copies for what mingo resolves itself, made at most once per request.
  const copies = new Map<string, Doc[]>();
  const wholeCollection = (from: string): Doc[] => {
    let docs = copies.get(from);
    if (!docs) {
      const coll = src.collection(from);
      docs = coll ? coll.select({}, null, {}, src.sinks(from)).map(clone) : [];
      copies.set(from, docs);
    }
    return docs;
  };

  // Documents of `from` (copies) through `stages`; a leading $match goes through the planner.
  const read = (from: string, stages: any[]): Doc[] => {
    const coll = src.collection(from);
    const match = stages[0] && '$match' in stages[0] ? stages[0].$match : null;
    const rest = match ? stages.slice(1) : stages;
    const found = coll ? coll.select(match || {}, match ? compileFilter(match) : null, {}, src.sinks(from)) : [];
    // A plain inclusion next: copy only the kept fields (a scan's pre-read keeps one field of an account).
    const keep = rest.length === 1 ? plainInclusion(rest[0]) : null;
    if (keep) return found.map((d) => pick(d, keep));
    return run(found.map(clone), rest);
  };

  const run = (docs: Doc[], stages: any[]): Doc[] => {
    let start = 0;
    for (let i = 0; i < stages.length; i++) {
      const lk = stages[i].$lookup;
      const kind = lookupKind(lk);
      if (!kind) continue;
      docs = runPipeline(docs, stages.slice(start, i), wholeCollection);
      if (kind === 'field') docs = joinByField(docs, lk);
      else {
        // Uncorrelated: the same result for every input document, so run the sub-pipeline once.
        const joined = docs.length ? read(lk.from, lk.pipeline) : [];
        docs = docs.map((d) => ({ ...d, [lk.as]: joined.map(clone) }));
      }
      start = i + 1;
    }
    return runPipeline(docs, stages.slice(start), wholeCollection);
  };

  // MongoDB's localField/foreignField join: a local array matches any of its elements, a missing
  // local value matches as null (foreignField null or missing), foreign arrays match by element.
  const joinByField = (docs: Doc[], lk: any): Doc[] => {
    const coll = src.collection(lk.from);
    let candidates: Doc[] = [];
    if (coll && docs.length) {
      const values = new Set<any>();
      for (const d of docs) {
        const v = resolve(d, lk.localField) ?? null;
        for (const x of Array.isArray(v) ? v : [v]) values.add(x);
      }
      // Candidates only (null matcher): the planner's `_id`/index buckets for these values (plus the
      // index's array/object docs), or a scan when foreignField has no index. A regex in `$in` would
      // be a pattern, so then scan. Exact matching follows below.
      const list = Array.from(values);
      const criteria = list.some((x) => x instanceof RegExp) ? {} : { [lk.foreignField]: { $in: list } };
      candidates = coll.select(criteria, null, {}, src.sinks(lk.from));
    }
    const byValue = HashMap.init<any, Doc[]>();
    for (const c of candidates) {
      const fv = resolve(c, lk.foreignField) ?? null;
      for (const x of Array.isArray(fv) ? fv : [fv]) {
        const hits = byValue.get(x);
        if (hits) hits.push(c);
        else byValue.set(x, [c]);
      }
    }
    return docs.map((d) => {
      const local = resolve(d, lk.localField) ?? null;
      let hits: Doc[];
      if (Array.isArray(local)) {
        const seen = new Set<Doc>();
        for (const x of local) for (const c of byValue.get(x) || []) seen.add(c);
        hits = Array.from(seen);
      } else hits = byValue.get(local) || [];
      return { ...d, [lk.as]: hits.map(clone) };
    });
  };

  return read(name, pipeline);
}
