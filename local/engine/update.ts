/**
 * Update application: operator validation (types MongoDB checks but mingo's updater silently ignores)
 * and then mingo's `update` for the operator semantics ($push modifiers, $pull conditions, ...).
 */
import type { update as mingoUpdateType } from 'mingo/types/updater';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mingoUpdate: typeof mingoUpdateType = require('mingo/updater').update;
import { EngineError, INVALID_PARAM, REQUEST_FAILED, UNSUPPORTED } from './errors';
import { bsonCompare } from './query';
import { Doc, THROUGH_ARRAY, clone, deepEqual, getPathValue, isOperatorObject, isPlainObject, stringifyEJSON } from './values';

/** Every update operator the SDK can produce (shift/unshift arrive as $pop -1 / $push {$position:0}). */
export const UPDATE_OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$push', '$pull', '$pullAll', '$pop', '$addToSet', '$rename', '$max', '$min', '$bit']);

const ARRAY_OPS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);
const REMOVING_OPS = new Set(['$unset', '$pop', '$pull', '$pullAll', '$rename']);
const PUSH_MODIFIERS = new Set(['$each', '$position', '$slice', '$sort']);

function typeName(v: any): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const t = typeof v;
  return t === 'number' ? (Number.isInteger(v) ? 'int' : 'double') : t === 'object' ? 'object' : t;
}

function fail(msg: string): never {
  throw new EngineError(REQUEST_FAILED, msg);
}

/** Validates an update document; throws UNSUPPORTED for unknown operators. */
export function validateUpdateSpec(spec: any): void {
  if (!isPlainObject(spec)) throw new EngineError(INVALID_PARAM, 'update data must be an object');
  const keys = Object.keys(spec);
  if (!keys.length) throw new EngineError(INVALID_PARAM, 'update data must not be empty');
  for (const op of keys) {
    if (!UPDATE_OPERATORS.has(op)) throw new EngineError(UNSUPPORTED, `update operator ${op} is not supported by the local engine`);
    const fields = spec[op];
    if (!isPlainObject(fields)) throw new EngineError(INVALID_PARAM, `modifier ${op} expects an object of fields`);
    for (const path of Object.keys(fields)) {
      const v = fields[path];
      if (path === '_id' || path.startsWith('_id.')) {
        if (op !== '$set' && op !== '$max' && op !== '$min') fail(`Performing an update on the path '_id' would modify the immutable field '_id'`);
      }
      if ((op === '$inc' || op === '$mul') && typeof v !== 'number') fail(`Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${stringifyEJSON(v)}}`);
      if (op === '$pop' && v !== 1 && v !== -1) fail(`$pop expects 1 or -1, found: ${stringifyEJSON(v)}`);
      if (op === '$pullAll' && !Array.isArray(v)) fail(`$pullAll requires an array argument but was given a ${typeName(v)}`);
      if (op === '$rename' && typeof v !== 'string') fail(`The 'to' field for $rename must be a string: ${path}: ${stringifyEJSON(v)}`);
      if (op === '$push' && isOperatorObject(v)) {
        for (const m of Object.keys(v)) {
          if (!PUSH_MODIFIERS.has(m)) throw new EngineError(UNSUPPORTED, `$push modifier ${m} is not supported`);
        }
        if (!('$each' in v)) fail(`$push modifiers require $each`);
      }
      if (op === '$addToSet' && isOperatorObject(v)) {
        for (const m of Object.keys(v)) if (m !== '$each') throw new EngineError(UNSUPPORTED, `$addToSet modifier ${m} is not supported`);
      }
    }
  }
}

function docRef(doc: Doc): string {
  return `{_id: ${stringifyEJSON(doc._id)}}`;
}

/** Checks the stored values the operators will touch have the type MongoDB requires. */
function checkTargets(doc: Doc, spec: Record<string, Record<string, any>>): void {
  for (const op of Object.keys(spec)) {
    for (const path of Object.keys(spec[op])) {
      const parts = path.split('.');
      if (parts.some((p) => p.charCodeAt(0) === 36)) continue; // positional ($, $[], $[id]): leave to mingo
      // A scalar in the middle of the path cannot take a sub-field.
      if (!REMOVING_OPS.has(op)) {
        let cur: any = doc;
        for (let i = 0; i < parts.length - 1; i++) {
          if (cur === null || cur === undefined || Array.isArray(cur)) break;
          cur = cur[parts[i]];
          if (cur !== undefined && cur !== null && (typeof cur !== 'object' || cur instanceof Date || cur instanceof RegExp)) {
            fail(`Cannot create field '${parts[i + 1]}' in element {${parts[i]}: ${stringifyEJSON(cur)}} of document ${docRef(doc)}`);
          }
          if (cur === null) fail(`Cannot create field '${parts[i + 1]}' in element {${parts[i]}: null} of document ${docRef(doc)}`);
        }
      }
      const cur = getPathValue(doc, parts);
      if (cur === undefined || cur === THROUGH_ARRAY) continue;
      if ((op === '$inc' || op === '$mul') && typeof cur !== 'number') {
        fail(`Cannot apply ${op} to a value of non-numeric type. ${docRef(doc)} has the field '${path}' of non-numeric type ${typeName(cur)}`);
      }
      if (ARRAY_OPS.has(op) && !Array.isArray(cur)) {
        fail(`The field '${path}' must be an array but is of type ${typeName(cur)} in document ${docRef(doc)}`);
      }
      if (op === '$bit' && (typeof cur !== 'number' || !Number.isInteger(cur))) {
        fail(`Cannot apply $bit to a value of non-integral type. ${docRef(doc)} has the field '${path}' of non-integer type ${typeName(cur)}`);
      }
    }
  }
}

const FAST_OPS = new Set(['$set', '$unset', '$inc', '$mul', '$max', '$min', '$addToSet', '$push']);

/**
 * `$push` of `{$each: [...]}`, optionally with an integer `$slice` (how the SDK sends `_.push(...)`
 * and `_.push({each, slice})`, e.g. a code's latest scans): an append, then the kept window.
 */
const isPlainEach = (v: any) =>
  isPlainObject(v) && Array.isArray(v.$each) && Object.keys(v).every((k) => k === '$each' || (k === '$slice' && Number.isInteger(v.$slice)));

/** MongoDB's `$slice` after a push: n ≥ 0 keeps the first n, n < 0 the last |n|. */
const sliced = (arr: any[], n: number | undefined) => (n === undefined ? arr : n < 0 ? arr.slice(n) : arr.slice(0, n));

/** A value `$addToSet` adds as one element (no `$each`, not a document: those go through mingo). */
const isScalar = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'function') || v instanceof Date;

/**
 * Direct implementation of the field operators ($set $unset $inc $mul $max $min), $addToSet of
 * one scalar (a code's scanners) and $push of `$each` with an optional `$slice` (a credit's lot, a
 * code's latest scans) on plain dot paths
 * through objects: the hot path of the ledger (mingo's updater rebuilds its operator tables on every
 * call, ~100 us). Returns null when the update needs mingo (array operators, positional or numeric
 * path parts, paths through arrays, overlapping paths).
 */
export function fastUpdate(doc: Doc, spec: Record<string, Record<string, any>>): { doc: Doc; changed: boolean } | null {
  const paths: string[] = [];
  for (const op of Object.keys(spec)) {
    if (!FAST_OPS.has(op)) return null;
    for (const path of Object.keys(spec[op])) {
      if (path.indexOf('$') !== -1 || path === '' || path.indexOf('__proto__') !== -1 || /(^|\.)\d+(\.|$)/.test(path)) return null;
      if (op === '$addToSet' && !isScalar(spec[op][path])) return null;
      if (op === '$push' && !isPlainEach(spec[op][path])) return null;
      paths.push(path);
    }
  }
  paths.sort();
  for (let i = 1; i < paths.length; i++) if (paths[i] === paths[i - 1] || paths[i].startsWith(paths[i - 1] + '.')) return null;
  const copy = clone(doc);
  let changed = false;
  for (const op of Object.keys(spec)) {
    const fields = spec[op];
    for (const path of Object.keys(fields)) {
      const parts = path.split('.');
      let parent: any = copy;
      for (let i = 0; i < parts.length - 1; i++) {
        let next = parent[parts[i]];
        if (next === undefined) {
          if (op === '$unset') {
            parent = null;
            break;
          }
          next = parent[parts[i]] = {};
        } else if (!isPlainObject(next)) return null; // arrays / scalars mid-path: let mingo decide
        parent = next;
      }
      if (!parent) continue;
      const leaf = parts[parts.length - 1];
      const cur = parent[leaf];
      const arg = fields[path];
      let next: any;
      switch (op) {
        case '$set':
          next = clone(arg);
          break;
        case '$unset':
          if (Object.prototype.hasOwnProperty.call(parent, leaf)) {
            delete parent[leaf];
            changed = true;
          }
          continue;
        case '$inc':
          next = cur === undefined ? arg : cur + arg;
          break;
        case '$mul':
          next = cur === undefined ? 0 : cur * arg;
          break;
        case '$max':
          if (cur !== undefined && bsonCompare(arg, cur) <= 0) continue;
          next = clone(arg);
          break;
        case '$min':
          if (cur !== undefined && bsonCompare(arg, cur) >= 0) continue;
          next = clone(arg);
          break;
        case '$push':
          if (cur === undefined) next = sliced(clone(arg.$each), arg.$slice);
          else if (!Array.isArray(cur)) return null; // mingo reports the type error
          else if (!arg.$each.length && arg.$slice === undefined) continue;
          else next = sliced([...cur, ...clone(arg.$each)], arg.$slice);
          break;
        case '$addToSet':
          if (cur === undefined) next = [clone(arg)];
          else if (!Array.isArray(cur)) return null; // mingo reports the type error
          else if (cur.some((x) => deepEqual(x, arg))) continue;
          else next = [...cur, clone(arg)];
          break;
      }
      if (cur === undefined && !Object.prototype.hasOwnProperty.call(parent, leaf)) changed = true;
      else if (!deepEqual(cur, next)) changed = true;
      parent[leaf] = next;
    }
  }
  return { doc: copy, changed };
}

/** Returns the updated copy of `doc` and whether anything changed. `doc` is not modified. */
export function applyUpdate(doc: Doc, spec: any, condition: any): { doc: Doc; changed: boolean } {
  checkTargets(doc, spec);
  const fast = fastUpdate(doc, spec);
  if (fast) {
    if (!deepEqual(fast.doc._id, doc._id)) fail(`Performing an update on the path '_id' would modify the immutable field '_id'`);
    return fast;
  }
  const copy = clone(doc);
  let changedPaths: string[];
  try {
    changedPaths = mingoUpdate(copy, clone(spec), undefined, condition && Object.keys(condition).length ? condition : undefined, { cloneMode: 'deep' });
  } catch (e) {
    if (e instanceof EngineError) throw e;
    fail((e as Error).message);
  }
  if (!deepEqual(copy._id, doc._id)) fail(`Performing an update on the path '_id' would modify the immutable field '_id'`);
  return { doc: copy, changed: changedPaths.length > 0 };
}

/** Whole-document replacement (doc.set / merge:false). Keeps `_id`. */
export function replaceDoc(old: Doc | undefined, data: any, id: any): { doc: Doc; changed: boolean } {
  if (!isPlainObject(data)) throw new EngineError(INVALID_PARAM, 'replacement data must be an object');
  for (const k of Object.keys(data)) {
    if (k.charCodeAt(0) === 36) throw new EngineError(INVALID_PARAM, `replacement document must not contain update operators (found ${k})`);
  }
  if ('_id' in data && !deepEqual(data._id, id)) fail(`the (immutable) field '_id' was found to have been altered to _id: ${stringifyEJSON(data._id)}`);
  const doc: Doc = { _id: id };
  for (const k of Object.keys(data)) if (k !== '_id') doc[k] = clone(data[k]);
  return { doc, changed: !old || !deepEqual(old, doc) };
}

/** Turns merge-mode data without operators into a $set (what "merge" means for plain fields). */
export function toUpdateSpec(data: any): any {
  if (!isPlainObject(data)) throw new EngineError(INVALID_PARAM, 'update data must be an object');
  const keys = Object.keys(data);
  const ops = keys.filter((k) => k.charCodeAt(0) === 36);
  if (ops.length === 0) return { $set: data };
  if (ops.length !== keys.length) throw new EngineError(INVALID_PARAM, 'update data mixes operators and plain fields');
  return data;
}

function setPath(doc: Doc, path: string, v: any): void {
  const parts = path.split('.');
  let cur: any = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isPlainObject(cur[parts[i]])) cur[parts[i]] = {};
    cur = cur[parts[i]];
  }
  cur[parts[parts.length - 1]] = clone(v);
}

/** The document an upsert starts from: the equality fields of its filter (MongoDB rule). */
export function upsertBase(criteria: any): Doc {
  const base: Doc = {};
  const walk = (c: any) => {
    if (!isPlainObject(c)) return;
    for (const k of Object.keys(c)) {
      const v = c[k];
      if (k === '$and' && Array.isArray(v)) v.forEach(walk);
      else if (k.charCodeAt(0) === 36) continue;
      else if (v instanceof RegExp) continue;
      else if (isOperatorObject(v)) {
        if ('$eq' in v && !(v.$eq instanceof RegExp)) setPath(base, k, v.$eq);
      } else setPath(base, k, v);
    }
  };
  walk(criteria);
  return base;
}
