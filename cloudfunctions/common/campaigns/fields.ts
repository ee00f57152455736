// Console forms' server-side validation (docs/api.md#invalid_field): the first problem of a form as
// `字段名：原因` in Chinese, the field named by the same label the form shows next to its input, so
// the page puts the message where it belongs. The schemas stay the ones the services use (the
// campaign's content fields, the kind's rule module): only their issues are worded here.
import type { z } from 'zod';
import { fieldError, type AppError } from '../errors';
import { RULE_LABELS } from './diff';
import { contentProblem } from './earn';
import type { CampaignContent, Kind } from './model';
import { ruleModule } from './rules';
import { createInput } from './service';

/** Labels of the content's own fields (what the forms show), by path. */
export const CONTENT_LABELS: Record<string, string> = {
  id: '活动编号',
  kind: '活动类型',
  name: '活动名称',
  window: '活动时间',
  'window.from': '开始时间',
  'window.to': '结束时间',
  rule: '规则',
  caps: '每人上限',
  budget: '预算（A）',
  expiry: '积分有效期',
  'expiry.days': '有效天数',
  'expiry.months': '结束后月数',
  'expiry.at': '到期时间',
  'expiry.yearsAfter': '清零年份',
  audience: '适用会员等级',
};

/** INVALID_FIELD for the form's field `field` (its input path): message `label：reason` (errors.ts). */
export const invalidField = fieldError;

const hasChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);

/** One zod issue in Chinese (zod 4's issue codes). */
export function issueReason(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; origin?: string; expected?: string; input?: unknown; keys?: string[] };
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined ? '必填' : i.expected === 'number' ? '须为数字' : '格式不正确';
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
      return hasChinese(i.message) ? i.message : i.message.includes('decimal') ? '小数位数过多' : '格式不正确';
  }
}

/** The field and label of a path: its most specific labelled prefix (list indexes and map keys end it). */
export function labelOf(kind: Kind | undefined, path: PropertyKey[]): { field: string; label: string } {
  const parts: string[] = [];
  for (const p of path) {
    if (typeof p !== 'string') break;
    parts.push(p);
  }
  const rules = kind ? RULE_LABELS[kind] ?? {} : {};
  for (let n = parts.length; n > 0; n--) {
    const p = parts.slice(0, n).join('.');
    const inRule = parts[0] === 'rule' && n > 1 ? rules[parts.slice(1, n).join('.')] : undefined;
    if (inRule) return { field: p, label: inRule };
    if (CONTENT_LABELS[p]) return { field: p, label: CONTENT_LABELS[p] };
  }
  return { field: 'rule', label: '规则' };
}

/** The first issue as INVALID_FIELD (`prefix` = where the schema's root sits in the form). */
export function firstIssue(error: z.ZodError, kind: Kind | undefined, prefix: string[] = []): AppError {
  const i = error.issues[0];
  const { field, label } = labelOf(kind, [...prefix, ...i.path]);
  return invalidField(field, label, issueReason(i));
}

/**
 * A campaign form as a whole (create: with id and kind), at `now`: the content fields, the kind's
 * rule, then the cross-field checks the service makes (window order, expiry not past). Throws
 * INVALID_FIELD; returns the parsed content.
 */
export function checkCampaignForm(raw: Record<string, unknown>, now: Date): CampaignContent & { id: string } {
  const parsed = createInput.safeParse(raw);
  if (!parsed.success) throw firstIssue(parsed.error, typeof raw.kind === 'string' ? (raw.kind as Kind) : undefined);
  const { id, ...content } = parsed.data;
  const mod = ruleModule(content.kind);
  if (!mod) throw invalidField('kind', '活动类型', '该类型活动尚未开放');
  const rule = mod.schema.safeParse(content.rule);
  if (!rule.success) throw firstIssue(rule.error, content.kind, ['rule']);
  const problem = contentProblem(content as CampaignContent, now);
  if (problem) {
    if (problem.startsWith('活动结束时间') || problem.includes('需要活动结束时间')) throw invalidField('window.to', '结束时间', problem);
    throw invalidField('expiry', '积分有效期', problem);
  }
  return { id, ...(content as CampaignContent), rule: rule.data as Record<string, unknown> };
}
