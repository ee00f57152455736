// The structural check every event passes before its action's schema (cloudfunctions/common/inputs.ts).
import { z } from 'zod';
import { eventProblem, MAX_EVENT_DEPTH, MAX_EVENT_NODES, MAX_STRING_LENGTH } from '../../cloudfunctions/common/inputs';
import { action, defineFunction } from '../../cloudfunctions/common/handler';

const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });

describe('eventProblem', () => {
  test('plain JSON input passes', () => {
    expect(eventProblem({ action: 'x', a: [1, 'b', null, true, { c: '名字😀' }], d: -1.5 })).toBeNull();
    expect(eventProblem(nest(MAX_EVENT_DEPTH))).toBeNull();
  });

  test.each([
    ['NaN', { n: NaN }],
    ['Infinity', { n: Infinity }],
    ['-Infinity', { n: [-Infinity] }],
    ['too deep', nest(MAX_EVENT_DEPTH + 1)],
    ['a string too long', { s: 'x'.repeat(MAX_STRING_LENGTH + 1) }],
    ['too many values', { xs: Array.from({ length: MAX_EVENT_NODES }, () => 1) }],
    ['an operator key', { where: { $gt: '' } }],
    ['a top-level operator key', { $where: '1' }],
    ['a dotted key', { 'a.b': 1 }],
    ['a dotted key in an array', { xs: [{ 'x.y': 1 }] }],
    ['a lone high surrogate', { s: 'a\uD800' }],
    ['a lone low surrogate', { s: '\uDC00b' }],
    ['a lone surrogate in a key', { ['\uD800']: 1 }],
    ['a Date', { at: new Date() }],
    ['a class instance', { m: new Map() }],
    ['a function', { f: () => 1 }],
    ['undefined', { u: undefined }],
    ['a bigint', { b: BigInt(1) }],
  ])('refuses %s', (_name, event) => {
    expect(eventProblem(event)).toEqual(expect.any(String));
  });

  test('stack-deep nesting is refused without overflowing the stack', () => {
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(eventProblem({ v })).toMatch(/nested deeper/);
  });
});

describe('the handler runs it before any schema', () => {
  const main = defineFunction({
    name: 't',
    actions: { echo: action({ auth: 'member', input: z.object({ v: z.unknown() }).strict(), run: async (i) => i }) },
  });
  test.each([NaN, Infinity, { $ne: null }, { 'a.b': 1 }, '\uDFFF'])('%p in a field any schema would take is BAD_REQUEST', async (v) => {
    expect(await main({ action: 'echo', v })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
  test('functions list their actions with auth and input schema', () => {
    expect(main.actions.map((a) => [a.name, a.auth])).toEqual([['echo', 'member']]);
    expect(main.actions[0].inputSchema()).toMatchObject({ type: 'object', properties: { v: {} }, additionalProperties: false });
  });
});
