// The pieces every console form's server-side check is built from (cloudfunctions/common/forms.ts),
// and the forms that count text with them the way the pages do.
import { z } from 'zod';
import { AppError } from '../../cloudfunctions/common/errors';
import { charCount, fieldError, formError, isId, isIntIn, issueReason, parseForm, placeIn } from '../../cloudfunctions/common/forms';
import { createSchema, parseFields } from '../../cloudfunctions/common/mall/fields';
import { reasonField } from '../../cloudfunctions/common/members/fields';
import { productProblems } from '../../cloudfunctions/common/codes/forms';

/** What a call threw, as the console sees it: the code, the message and the field. */
function refusal(f: () => unknown): { code: string; message: string; field?: string } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, message: e.message, field: (e.details as { field?: string } | undefined)?.field };
  }
  throw new Error('not refused');
}

/** The first issue zod finds for `input` under `schema`. */
const firstIssue = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('parsed');
  return r.error.issues[0];
};

describe('charCount: a text as long as a person counts it', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['高山云雾', 4],
    ['🍵', 1],
    ['好茶🍵👍', 4],
    ['𠮷野家', 3],
  ])('%j is %d characters', (s, n) => expect(charCount(s)).toBe(n));

  test('an emoji is one character, where length counts two', () => {
    expect('🍵'.length).toBe(2);
    expect(charCount('🍵'.repeat(200))).toBe(200);
  });
});

describe('isIntIn: a whole number within both bounds', () => {
  test.each([
    [1, true],
    [100, true],
    [50, true],
    [0, false],
    [101, false],
    [1.5, false],
    [-1, false],
    [NaN, false],
    [Infinity, false],
    ['5', false],
    [null, false],
    [undefined, false],
  ])('%p in 1..100 → %p', (v, ok) => expect(isIntIn(v, 1, 100)).toBe(ok));

  test('negative ranges and a single value', () => {
    expect(isIntIn(-1000, -1000, 1000)).toBe(true);
    expect(isIntIn(-1001, -1000, 1000)).toBe(false);
    expect(isIntIn(7, 7, 7)).toBe(true);
  });
});

describe('isId: ASCII letters, digits, _ and -, 1 to 64 unless told', () => {
  test.each([
    ['tea-1', true],
    ['A_b-9', true],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
    ['', false],
    ['a b', false],
    ['茶', false],
    ['a.b', false],
    ['a/b', false],
  ])('%j → %p', (s, ok) => expect(isId(s)).toBe(ok));

  test('other bounds', () => {
    expect(isId('abc', 4)).toBe(false);
    expect(isId('abcd', 4)).toBe(true);
    expect(isId('abcd', 1, 3)).toBe(false);
  });
});

describe('issueReason: a zod issue in Chinese', () => {
  test.each<[string, z.ZodType, unknown, string]>([
    ['a missing value', z.object({ a: z.string() }), {}, '必填'],
    ['an empty text', z.string().min(1), '', '不能为空'],
    ['a text too short', z.string().min(3), 'ab', '至少 3 个字'],
    ['a text too long', z.string().max(2), 'abc', '不能超过 2 个字'],
    ['a list too short', z.array(z.number()).min(2), [1], '至少 2 项'],
    ['a list too long', z.array(z.number()).max(1), [1, 2], '最多 1 项'],
    ['a number too small', z.number().min(5), 4, '不能小于 5'],
    ['a number too large', z.number().max(5), 6, '不能大于 5'],
    ['a bad date-time', z.iso.datetime(), '2026-13-01', '须为有效的日期时间'],
    ['a bad pattern', z.string().regex(/^\w+$/), 'a b', '只能包含字母、数字、_ 和 -'],
    ['a value not among the choices', z.enum(['a', 'b']), 'c', '取值无效'],
    ['an unknown key', z.object({}).strict(), { x: 1 }, '含有不支持的设置'],
    ['a wrong step', z.number().multipleOf(0.5), 0.3, '精度不正确'],
    ["a schema's own Chinese", z.number().refine((n) => n > 0, '须为正数'), -1, '须为正数'],
    ['a custom English message', z.number().refine((n) => n > 0, 'positive'), -1, '格式不正确'],
  ])('%s', (_, schema, input, reason) => expect(issueReason(firstIssue(schema, input))).toBe(reason));
});

describe('the refusal: INVALID_FIELD `标签：原因` naming the field', () => {
  test('fieldError', () => {
    expect(refusal(() => { throw fieldError('name', '名称', '不能为空'); })).toEqual({ code: 'INVALID_FIELD', message: '名称：不能为空', field: 'name' });
  });

  test('formError labels the field from its form, or names it as itself', () => {
    const invalid = formError({ name: '名称' });
    expect(refusal(() => { throw invalid('name', '不能为空'); })).toEqual({ code: 'INVALID_FIELD', message: '名称：不能为空', field: 'name' });
    expect(refusal(() => { throw invalid('other', '不对'); })).toEqual({ code: 'INVALID_FIELD', message: 'other：不对', field: 'other' });
  });

  test('placeIn: a field and its label, the field itself when unlabelled', () => {
    expect(placeIn({ name: '名称' }, 'name')).toEqual({ field: 'name', label: '名称' });
    expect(placeIn({ name: '名称' }, 'size')).toEqual({ field: 'size', label: 'size' });
  });

  const schema = z.object({ name: z.string().min(1), size: z.number().int().min(1).max(10) }).strict();
  const place = (path: PropertyKey[]) => ({ field: path.join('.'), label: `标签 ${path.join('.')}` });

  test('parseForm answers the parsed value when nothing is wrong', () => {
    expect(parseForm(schema, { name: 'x', size: 3 }, place)).toEqual({ name: 'x', size: 3 });
  });

  test('parseForm tells a wrong type (须为数字) from a missing value (必填)', () => {
    expect(refusal(() => parseForm(schema, { name: 'x', size: 'abc' }, place))).toEqual({ code: 'INVALID_FIELD', message: '标签 size：须为数字', field: 'size' });
    expect(refusal(() => parseForm(schema, { name: 'x' }, place))).toEqual({ code: 'INVALID_FIELD', message: '标签 size：必填', field: 'size' });
    expect(refusal(() => parseForm(schema, { name: 'x', size: null }, place))).toEqual({ code: 'INVALID_FIELD', message: '标签 size：必填', field: 'size' });
    expect(refusal(() => parseForm(schema, { name: 7, size: 1 }, place))).toEqual({ code: 'INVALID_FIELD', message: '标签 name：格式不正确', field: 'name' });
  });

  test('parseForm refuses with the first problem only, placed and worded', () => {
    expect(refusal(() => parseForm(schema, { name: '', size: 30 }, place))).toEqual({ code: 'INVALID_FIELD', message: '标签 name：不能为空', field: 'name' });
    expect(refusal(() => parseForm(schema, { name: 'x', size: 30 }, place))).toEqual({ code: 'INVALID_FIELD', message: '标签 size：不能大于 10', field: 'size' });
    expect(refusal(() => parseForm(schema, { name: 'x', size: 30 }, place, () => '自己的话'))).toEqual({ code: 'INVALID_FIELD', message: '标签 size：自己的话', field: 'size' });
  });
});

describe('the forms count text as the pages do (an emoji is one character)', () => {
  const item = { title: '白茶', images: [], description: '', category: '茶叶', kind: 'physical', points: 50, cashFen: 0, redPacketFen: 0, perMemberLimit: 0, perOrderMax: 5, listAt: null, delistAt: null, flashSale: false, sortWeight: 0, visible: true, stock: 10 };

  test('a mall item title of 40 emoji passes; 41 is refused', () => {
    expect(parseFields(createSchema, { ...item, title: '🍵'.repeat(40) }).title).toBe('🍵'.repeat(40));
    expect(refusal(() => parseFields(createSchema, { ...item, title: '🍵'.repeat(41) }))).toEqual({ code: 'INVALID_FIELD', message: '标题：不能超过 40 个字', field: 'title' });
  });

  test('a reason of 200 emoji passes; 201 is refused', () => {
    expect(reasonField('👍'.repeat(200))).toBe('👍'.repeat(200));
    expect(refusal(() => reasonField('👍'.repeat(201)))).toEqual({ code: 'INVALID_FIELD', message: '原因：最多 200 个字', field: 'reason' });
  });

  test('a product name of 40 emoji passes; 41 is a problem', () => {
    const product = { id: 'tea-1', name: '🍵'.repeat(40), image: '', spec: '', origin: '', basePoints: 0 };
    expect(productProblems(product)).toEqual({});
    expect(productProblems({ ...product, name: '🍵'.repeat(41) })).toEqual({ name: '最多 40 个字' });
  });
});
