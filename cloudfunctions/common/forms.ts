// What every console form's server-side check is built from (docs/api.md, INVALID_FIELD): the refusal
// itself (`标签：原因` in Chinese, the reply naming the field so the page marks it), the shared rules
// (characters, whole numbers in a range, ids) and zod's issues worded in Chinese. Each form keeps its
// own fields, labels and cross-field rules (campaigns/fields.ts, codes/forms.ts, mall/fields.ts,
// members/fields.ts). Pure: nothing here reads or writes the database.
import type { z } from 'zod';
import { AppError } from './errors';

/** A form's labels by field (what the page shows next to the input, the message's 字段名). */
export type Labels = Record<string, string>;

/** Where a problem lands: the field the reply names and the label its message starts with. */
export interface Place {
  field: string;
  label: string;
}

type Issue = z.core.$ZodIssue;

/** A console form's field refused: `label：reason` in Chinese, and the field for the page to mark. */
export const fieldError = (field: string, label: string, reason: string): AppError =>
  new AppError('INVALID_FIELD', `${label}：${reason}`, { field });

/** `field` in a form labelled by `labels` (a field without a label is named as itself). */
export const placeIn = (labels: Labels, field: string): Place => ({ field, label: labels[field] ?? field });

/** The refusal for a form labelled by `labels`. */
export const formError =
  (labels: Labels) =>
  (field: string, reason: string): AppError =>
    fieldError(field, placeIn(labels, field).label, reason);

/** How long a text is to a person (an emoji such as 🍵 is one, not `length`'s two); the pages count the same. */
export { charCount } from './inputs';

/** A whole number from `min` to `max`. */
export const isIntIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** An id a person types: `min` to `max` ASCII letters, digits, _ and -. */
export const isId = (s: string, min = 1, max = 64): boolean => s.length >= min && s.length <= max && /^[\w-]*$/.test(s);

export const hasChinese = (s: string): boolean => /[\u4e00-\u9fff]/.test(s);

/** One zod issue in Chinese (zod 4's issue codes); a schema's own Chinese message is kept as it is. */
export function issueReason(issue: Issue): string {
  const i = issue as Issue & { minimum?: number | bigint; maximum?: number | bigint; origin?: string; expected?: string; input?: unknown };
  if (hasChinese(i.message)) return i.message; // e.g. 连签奖励的天数不能重复
  switch (i.code) {
    case 'invalid_type':
      // `input` is there only when the form was parsed with reportInput (parseForm does): missing → 必填.
      return i.input === undefined || i.input === null ? '必填' : i.expected === 'number' ? '须为数字' : '格式不正确';
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? '不能为空' : `至少 ${i.minimum} 个字`;
      if (i.origin === 'array') return `至少 ${i.minimum} 项`;
      return `不能小于 ${i.minimum}`;
    case 'too_big':
      if (i.origin === 'string') return `不能超过 ${i.maximum} 个字`;
      if (i.origin === 'array') return `最多 ${i.maximum} 项`;
      return `不能大于 ${i.maximum}`;
    case 'invalid_format':
      return (i as { format?: string }).format === 'datetime' ? '须为有效的日期时间' : '只能包含字母、数字、_ 和 -';
    case 'invalid_value':
      return '取值无效';
    case 'unrecognized_keys':
      return '含有不支持的设置';
    case 'not_multiple_of':
      return '精度不正确';
    default:
      return i.message.includes('decimal') ? '小数位数过多' : '格式不正确';
  }
}

/**
 * `input` under `schema`, or its first issue as INVALID_FIELD (nothing has been written yet):
 * `place` says which field and label the issue's path is in this form, `reason` words the issue.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
  place: (path: PropertyKey[]) => Place,
  reason: (issue: Issue) => string = issueReason,
): z.infer<S> {
  // reportInput: the issue carries the value, so a wrong type (须为数字) is told apart from a missing one (必填).
  const r = schema.safeParse(input, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const { field, label } = place(issue.path);
  throw fieldError(field, label, reason(issue));
}
