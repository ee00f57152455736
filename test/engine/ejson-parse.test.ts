// The engine's fast EJSON parse (a JSON.parse reviver for $numberInt/$numberLong/$numberDouble/$date)
// must give exactly what bson's relaxed EJSON.parse gives, on canonical and relaxed text, including
// -0, Infinity, NaN, unsafe longs, dates, operator keys and objects mixing wrapper keys with others.
import { EJSON } from 'bson';
import { parseEJSON } from '../../local/engine/values';
import { seededRandom } from '../helpers/random';

const SEED = Number(process.env.EJSON_SEED ?? 7);

function sameValue(a: any, b: any): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(+a, +b);
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.join('\u0000') === kb.join('\u0000') && ka.every((k) => sameValue(a[k], b[k]));
}

test(`random payloads parse as bson parses them (seed ${SEED})`, () => {
  const rng = seededRandom(SEED);
  const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)];
  const leaf = () =>
    pick<() => unknown>([
      () => Math.floor(rng() * 1e6) - 5e5,
      () => rng() * 100,
      () => 2 ** 40 + 3,
      () => 2 ** 53 + 2,
      () => -0,
      () => Infinity,
      () => NaN,
      () => `s$${rng()}`,
      () => new Date(Math.floor(rng() * 4e12) - 1e12),
      () => null,
      () => rng() < 0.5,
    ])();
  const value = (depth: number): unknown => {
    const r = rng();
    if (depth > 3 || r < 0.5) return leaf();
    if (r < 0.75) return Array.from({ length: Math.floor(rng() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) o[pick(['a', 'b', '$inc', '$set', 'x.y', '$numberInt', '$date', '$each'])] = value(depth + 1);
    return o;
  };
  for (let i = 0; i < 5000; i++) {
    const doc = { d: value(0) };
    for (const relaxed of [false, true]) {
      const text = EJSON.stringify(doc, { relaxed });
      let expected: unknown;
      let failed = false;
      try {
        expected = EJSON.parse(text, { relaxed: true });
      } catch {
        failed = true;
      }
      if (failed) expect(() => parseEJSON(text, 0)).toThrow();
      else if (!sameValue(parseEJSON(text, 0), expected)) throw new Error(`seed ${SEED}: ${text} parses differently`);
    }
  }
});

test('malformed wrappers are left to bson (and fail like it)', () => {
  for (const text of [
    '{"a":{"$numberInt":"x1"}}',
    '{"a":{"$numberInt":5}}',
    '{"a":{"$date":"not a date"}}',
    '{"a":{"$date":"2026-11-22"}}',
    '{"a":{"$numberInt":"1.5"}}',
    '{"a":{"$numberInt":"1e3"}}',
    '{"a":{"$numberInt":"0x10"}}',
    '{"a":{"$numberInt":""}}',
    '{"a":{"$numberLong":"1.5"}}',
    '{"a":{"$numberLong":"Infinity"}}',
    '{"a":{"$numberDouble":"0x10"}}',
    '{"a":{"$numberDouble":" 1"}}',
  ]) {
    let bsonFails = false;
    try {
      EJSON.parse(text, { relaxed: true });
    } catch {
      bsonFails = true;
    }
    if (bsonFails) expect(() => parseEJSON(text, 0)).toThrow();
    else expect(sameValue(parseEJSON(text, 0), EJSON.parse(text, { relaxed: true }))).toBe(true);
  }
});
