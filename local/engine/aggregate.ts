/**
 * Aggregation: stage whitelist + mingo's Aggregator for the stage semantics. `$lookup`/`$graphLookup`
 * read engine collections through mingo's collectionResolver (deep copies).
 */
import { EngineError, INVALID_PARAM, UNSUPPORTED } from './errors';
import { BaseAggregator, MINGO_CONTEXT, mapMingoError, assertSupportedQuery } from './query';
import { Doc } from './values';

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

/** Runs a validated pipeline over `input` (which it may mutate: pass copies). */
export function runPipeline(input: Doc[], pipeline: any[], resolveCollection: (name: string) => Doc[]): Doc[] {
  if (!pipeline.length) return input;
  try {
    const agg = new BaseAggregator(pipeline as any, { context: MINGO_CONTEXT, collectionResolver: (name: string) => resolveCollection(name) });
    return agg.run(input) as Doc[];
  } catch (e) {
    throw mapMingoError(e, 'aggregate failed');
  }
}
