/**
 * Secondary index on the LEADING field of a declared index (the planner only uses leading fields),
 * plus, for unique indexes, a map over the full compound key.
 *
 * Values are bucketed by type the way MongoDB orders them (null/missing < numbers < strings <
 * objects/arrays < booleans < dates). Equality is a Map lookup (value -> one id, or a Set of ids when
 * several documents share it); ranges walk a chunked sorted list of the distinct keys of one type.
 * Documents whose indexed value is an array/object (or whose path crosses an array) go into `other`,
 * which every lookup returns as extra candidates (the evaluator then filters), so an index answer is
 * always a superset of the true matches.
 */
import { SortedList, compareNumbers, compareStrings, Bound } from './sorted-list';
import { Doc, IdKey, THROUGH_ARRAY, getPathValue, stringifyEJSON } from './values';

type Bucket = IdKey | Set<IdKey>;

function bucketAdd<K>(map: Map<K, Bucket>, k: K, id: IdKey): boolean {
  const b = map.get(k);
  if (b === undefined) {
    map.set(k, id);
    return true;
  }
  if (typeof b === 'object') b.add(id);
  else if (b !== id) map.set(k, new Set([b, id]));
  return false;
}

/** Returns true when the key has no ids left (and was removed). */
function bucketRemove<K>(map: Map<K, Bucket>, k: K, id: IdKey): boolean {
  const b = map.get(k);
  if (b === undefined) return false;
  if (typeof b === 'object') {
    b.delete(id);
    if (b.size === 1) map.set(k, b.values().next().value as IdKey);
    else if (b.size === 0) {
      map.delete(k);
      return true;
    }
    return false;
  }
  if (b === id) {
    map.delete(k);
    return true;
  }
  return false;
}

export function bucketSize(b: Bucket | undefined): number {
  return b === undefined ? 0 : typeof b === 'object' ? b.size : 1;
}

export function bucketEach(b: Bucket | undefined, fn: (id: IdKey) => void): void {
  if (b === undefined) return;
  if (typeof b === 'object') b.forEach(fn);
  else fn(b);
}

export type ValueKind = 'null' | 'num' | 'str' | 'bool' | 'date' | 'other';

export function kindOf(v: any): ValueKind {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'other' : 'num';
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'object':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'other' : 'date';
      return 'other';
    default:
      return 'other';
  }
}

export interface IndexSpecLike {
  name: string;
  keys: Record<string, 1 | -1>;
  unique?: boolean;
}

/** Encodes one value of a unique key (type-tagged so 1 and "1" differ, 1 and 1.0 do not). */
function uniquePart(v: any): string {
  switch (kindOf(v)) {
    case 'null':
      return 'n';
    case 'num':
      return 'd' + String(v);
    case 'str':
      return 's' + v;
    case 'bool':
      return v ? 'b1' : 'b0';
    case 'date':
      return 't' + (v as Date).getTime();
    default:
      return 'j' + stringifyEJSON(v === THROUGH_ARRAY ? null : v);
  }
}

export class FieldIndex {
  readonly name: string;
  readonly keys: Record<string, 1 | -1>;
  readonly unique: boolean;
  readonly field: string;
  private readonly path: string[];
  private readonly keyPaths: string[][];

  readonly num = new Map<number, Bucket>();
  readonly numKeys = new SortedList<number>(compareNumbers);
  readonly str = new Map<string, Bucket>();
  readonly strKeys = new SortedList<string>(compareStrings);
  readonly date = new Map<number, Bucket>();
  readonly dateKeys = new SortedList<number>(compareNumbers);
  readonly bool = new Map<boolean, Bucket>();
  readonly nulls = new Set<IdKey>();
  readonly other = new Set<IdKey>();
  /** Unique indexes: full compound key -> owning id. */
  readonly uniq: Map<string, IdKey> | null;

  constructor(spec: IndexSpecLike) {
    const fields = Object.keys(spec.keys || {});
    if (fields.length === 0) throw new Error(`index ${spec.name} has no keys`);
    this.name = spec.name;
    this.keys = spec.keys;
    this.unique = !!spec.unique;
    this.field = fields[0];
    this.path = this.field.split('.');
    this.keyPaths = fields.map((f) => f.split('.'));
    this.uniq = this.unique ? new Map() : null;
  }

  /** Value of the leading field in doc (THROUGH_ARRAY when not indexable by value). */
  leadingValue(doc: Doc): any {
    return getPathValue(doc, this.path);
  }

  uniqueKey(doc: Doc): string {
    let s = '';
    for (let i = 0; i < this.keyPaths.length; i++) {
      if (i) s += '\u0001';
      s += uniquePart(getPathValue(doc, this.keyPaths[i]));
    }
    return s;
  }

  /** Human-readable `dup key: {...}` for the E11000 message. */
  describeKey(doc: Doc): string {
    return '{ ' + this.keyPaths.map((p) => `${p.join('.')}: ${stringifyEJSON(getPathValue(doc, p) ?? null)}`).join(', ') + ' }';
  }

  add(id: IdKey, doc: Doc): void {
    const v = getPathValue(doc, this.path);
    switch (kindOf(v)) {
      case 'null':
        this.nulls.add(id);
        break;
      case 'num':
        if (bucketAdd(this.num, v, id)) this.numKeys.insert(v);
        break;
      case 'str':
        if (bucketAdd(this.str, v, id)) this.strKeys.insert(v);
        break;
      case 'bool':
        bucketAdd(this.bool, v, id);
        break;
      case 'date': {
        const t = (v as Date).getTime();
        if (bucketAdd(this.date, t, id)) this.dateKeys.insert(t);
        break;
      }
      default:
        this.other.add(id);
    }
    if (this.uniq) this.uniq.set(this.uniqueKey(doc), id);
  }

  remove(id: IdKey, doc: Doc): void {
    const v = getPathValue(doc, this.path);
    switch (kindOf(v)) {
      case 'null':
        this.nulls.delete(id);
        break;
      case 'num':
        if (bucketRemove(this.num, v, id)) this.numKeys.delete(v);
        break;
      case 'str':
        if (bucketRemove(this.str, v, id)) this.strKeys.delete(v);
        break;
      case 'bool':
        bucketRemove(this.bool, v, id);
        break;
      case 'date': {
        const t = (v as Date).getTime();
        if (bucketRemove(this.date, t, id)) this.dateKeys.delete(t);
        break;
      }
      default:
        this.other.delete(id);
    }
    if (this.uniq) {
      const k = this.uniqueKey(doc);
      if (this.uniq.get(k) === id) this.uniq.delete(k);
    }
  }

  /** Ids whose leading value equals v (scalar), EXCLUDING the `other` set. */
  eqBucket(v: any): Bucket | Set<IdKey> | undefined {
    switch (kindOf(v)) {
      case 'null':
        return this.nulls;
      case 'num':
        return this.num.get(v);
      case 'str':
        return this.str.get(v);
      case 'bool':
        return this.bool.get(v);
      case 'date':
        return this.date.get((v as Date).getTime());
      default:
        return undefined;
    }
  }

  eqCount(v: any): number {
    return bucketSize(this.eqBucket(v)) + this.other.size;
  }

  /**
   * Walks ids with leading value in a range of one kind ('num' | 'str' | 'date'), in key order.
   * fn receives each id; return false to stop.
   */
  forEachInRange(kind: 'num' | 'str' | 'date', lo: Bound<any> | undefined, hi: Bound<any> | undefined, descending: boolean, fn: (id: IdKey, key: any) => boolean | void): boolean {
    let stopped = false;
    const visit = (map: Map<any, Bucket>) => (k: any) => {
      const b = map.get(k);
      if (b === undefined) return true;
      if (typeof b === 'object') {
        for (const id of b) if (fn(id, k) === false) return !(stopped = true);
      } else if (fn(b, k) === false) return !(stopped = true);
      return true;
    };
    if (kind === 'num') this.numKeys.forEachInRange(lo, hi, descending, visit(this.num));
    else if (kind === 'str') this.strKeys.forEachInRange(lo, hi, descending, visit(this.str));
    else {
      const conv = (b?: Bound<any>) => (b ? { value: (b.value as Date).getTime(), inclusive: b.inclusive } : undefined);
      this.dateKeys.forEachInRange(conv(lo), conv(hi), descending, visit(this.date));
    }
    return !stopped;
  }

  /**
   * Walks every id in MongoDB sort order of the leading value (null/missing, numbers, strings,
   * booleans, dates; reversed when descending), calling fn with groups of ids sharing one value.
   * Only valid when `other` is empty. Returns false if fn stopped the walk.
   */
  forEachGroupOrdered(descending: boolean, fn: (ids: IdKey[]) => boolean | void): boolean {
    const groupOf = (b: Bucket | undefined): IdKey[] => (b === undefined ? [] : typeof b === 'object' ? Array.from(b) : [b]);
    let stopped = false;
    const walkList = (list: SortedList<any>, map: Map<any, Bucket>) => {
      if (stopped) return;
      list.forEachInRange(undefined, undefined, descending, (k) => {
        if (fn(groupOf(map.get(k))) === false) {
          stopped = true;
          return false;
        }
        return true;
      });
    };
    const nulls = () => {
      if (!stopped && this.nulls.size && fn(Array.from(this.nulls)) === false) stopped = true;
    };
    const bools = () => {
      for (const b of descending ? [true, false] : [false, true]) {
        if (stopped) return;
        const g = this.bool.get(b);
        if (g !== undefined && fn(groupOf(g)) === false) stopped = true;
      }
    };
    if (!descending) {
      nulls();
      walkList(this.numKeys, this.num);
      walkList(this.strKeys, this.str);
      bools();
      walkList(this.dateKeys, this.date);
    } else {
      walkList(this.dateKeys, this.date);
      bools();
      walkList(this.strKeys, this.str);
      walkList(this.numKeys, this.num);
      nulls();
    }
    return !stopped;
  }
}
