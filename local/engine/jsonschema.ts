/**
 * `$jsonSchema` (MongoDB's JSON Schema draft 4 subset with `bsonType`), compiled to a predicate.
 *
 * Numbers are JS doubles here, so the BSON number types are read from the value: `int` = an integer
 * within int32 (what the SDK sends as `$numberInt`), `long` = any other integer, `double` = a
 * non-integer, `number`/`decimal` = any number. A keyword MongoDB does not support fails naming it.
 */
import { EngineError, REQUEST_FAILED, UNSUPPORTED } from './errors';
import { deepEqual, isPlainObject } from './values';

type Check = (v: any) => boolean;

const isDoc = (v: any) => isPlainObject(v);
const isInt32 = (v: any) => typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;

const BSON_TYPES: Record<string, Check> = {
  double: (v) => typeof v === 'number' && !Number.isInteger(v),
  int: isInt32,
  long: (v) => typeof v === 'number' && Number.isInteger(v) && !isInt32(v),
  decimal: (v) => typeof v === 'number',
  number: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  object: isDoc,
  array: Array.isArray,
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp,
  objectId: (v) => !!v && v._bsontype === 'ObjectId',
  binData: (v) => !!v && v._bsontype === 'Binary'
};

/** JSON Schema `type` names (MongoDB rejects `integer`). */
const JSON_TYPES: Record<string, Check> = {
  object: isDoc,
  array: Array.isArray,
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  null: (v) => v === null
};

const IGNORED = new Set(['title', 'description']);

function bad(msg: string): never {
  throw new EngineError(REQUEST_FAILED, `$jsonSchema: ${msg}`);
}

function typeCheck(spec: any, table: Record<string, Check>, keyword: string): Check {
  const names: any[] = Array.isArray(spec) ? spec : [spec];
  const checks = names.map((n) => {
    if (typeof n !== 'string' || !table[n]) bad(`unknown ${keyword} '${String(n)}'`);
    return table[n];
  });
  return (v) => checks.some((c) => c(v));
}

const utf16Len = (s: string) => Array.from(s).length;

/** Compiles a schema node into a predicate over one value. */
export function compileJsonSchema(schema: any): Check {
  if (!isPlainObject(schema)) bad('a schema must be an object');
  const checks: Check[] = [];
  for (const key of Object.keys(schema)) {
    const arg = schema[key];
    switch (key) {
      case 'bsonType':
        checks.push(typeCheck(arg, BSON_TYPES, key));
        break;
      case 'type':
        checks.push(typeCheck(arg, JSON_TYPES, key));
        break;
      case 'enum':
        if (!Array.isArray(arg)) bad('enum must be an array');
        checks.push((v) => arg.some((x: any) => deepEqual(x, v)));
        break;
      case 'required':
        if (!Array.isArray(arg)) bad('required must be an array');
        checks.push((v) => !isDoc(v) || arg.every((f: string) => Object.prototype.hasOwnProperty.call(v, f) && v[f] !== undefined));
        break;
      case 'properties': {
        const props = Object.keys(arg).map((f) => [f, compileJsonSchema(arg[f])] as const);
        checks.push((v) => !isDoc(v) || props.every(([f, c]) => !(f in v) || c(v[f])));
        break;
      }
      case 'patternProperties': {
        const pats = Object.keys(arg).map((p) => [new RegExp(p, 'u'), compileJsonSchema(arg[p])] as const);
        checks.push((v) => !isDoc(v) || Object.keys(v).every((f) => pats.every(([re, c]) => !re.test(f) || c(v[f]))));
        break;
      }
      case 'additionalProperties': {
        const known = new Set(Object.keys(schema.properties || {}));
        const pats = Object.keys(schema.patternProperties || {}).map((p) => new RegExp(p, 'u'));
        const extra = (f: string) => !known.has(f) && !pats.some((re) => re.test(f));
        if (arg === false) checks.push((v) => !isDoc(v) || Object.keys(v).every((f) => !extra(f)));
        else if (arg !== true) {
          const c = compileJsonSchema(arg);
          checks.push((v) => !isDoc(v) || Object.keys(v).every((f) => !extra(f) || c(v[f])));
        }
        break;
      }
      case 'minProperties':
        checks.push((v) => !isDoc(v) || Object.keys(v).length >= arg);
        break;
      case 'maxProperties':
        checks.push((v) => !isDoc(v) || Object.keys(v).length <= arg);
        break;
      case 'minimum':
        checks.push((v) => typeof v !== 'number' || (schema.exclusiveMinimum === true ? v > arg : v >= arg));
        break;
      case 'maximum':
        checks.push((v) => typeof v !== 'number' || (schema.exclusiveMaximum === true ? v < arg : v <= arg));
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof arg !== 'boolean') bad(`${key} must be a boolean (draft 4)`);
        break;
      case 'multipleOf':
        checks.push((v) => typeof v !== 'number' || Number.isInteger(v / arg));
        break;
      case 'minLength':
        checks.push((v) => typeof v !== 'string' || utf16Len(v) >= arg);
        break;
      case 'maxLength':
        checks.push((v) => typeof v !== 'string' || utf16Len(v) <= arg);
        break;
      case 'pattern': {
        const re = new RegExp(arg, 'u');
        checks.push((v) => typeof v !== 'string' || re.test(v));
        break;
      }
      case 'items': {
        if (Array.isArray(arg)) {
          const cs = arg.map(compileJsonSchema);
          const add = schema.additionalItems;
          const addC = add === undefined || add === true ? null : add === false ? () => false : compileJsonSchema(add);
          checks.push((v) => !Array.isArray(v) || v.every((x, i) => (i < cs.length ? cs[i](x) : !addC || addC(x))));
        } else {
          const c = compileJsonSchema(arg);
          checks.push((v) => !Array.isArray(v) || v.every(c));
        }
        break;
      }
      case 'additionalItems':
        break; // read with items
      case 'minItems':
        checks.push((v) => !Array.isArray(v) || v.length >= arg);
        break;
      case 'maxItems':
        checks.push((v) => !Array.isArray(v) || v.length <= arg);
        break;
      case 'uniqueItems':
        if (arg === true) checks.push((v) => !Array.isArray(v) || v.every((x, i) => v.findIndex((y) => deepEqual(x, y)) === i));
        break;
      case 'dependencies': {
        const deps = Object.keys(arg).map((f) => [f, Array.isArray(arg[f]) ? arg[f] : compileJsonSchema(arg[f])] as const);
        checks.push((v) => !isDoc(v) || deps.every(([f, d]) => !(f in v) || (Array.isArray(d) ? d.every((g: string) => g in v) : (d as Check)(v))));
        break;
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        const cs = (arg as any[]).map(compileJsonSchema);
        if (key === 'allOf') checks.push((v) => cs.every((c) => c(v)));
        else if (key === 'anyOf') checks.push((v) => cs.some((c) => c(v)));
        else checks.push((v) => cs.filter((c) => c(v)).length === 1);
        break;
      }
      case 'not': {
        const c = compileJsonSchema(arg);
        checks.push((v) => !c(v));
        break;
      }
      default:
        if (IGNORED.has(key)) break;
        throw new EngineError(UNSUPPORTED, `$jsonSchema keyword '${key}' is not supported`);
    }
  }
  return (v) => checks.every((c) => c(v));
}
