// Console forms' server-side validation (docs/api.md#invalid_field): the first problem of a form as
// `字段名：原因` in Chinese, the field named by the same label the form shows next to its input, so
// the page puts the message where it belongs. The schemas stay the ones the services use (the
// campaign's content fields, the kind's rule module): only their issues are worded here.
import { fieldError, issueReason, parseForm, type Place } from '../forms';
import { schemeSchema, type SchemeContent } from '../tiers/rules';
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

/** The field and label of a path: its most specific labelled prefix (list indexes and map keys end it). */
export function labelOf(kind: Kind | undefined, path: PropertyKey[]): Place {
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

/**
 * A campaign form as a whole (create: with id and kind), at `now`: the content fields, the kind's
 * rule, then the cross-field checks the service makes (window order, expiry not past). Throws
 * INVALID_FIELD; returns the parsed content.
 */
export function checkCampaignForm(raw: Record<string, unknown>, now: Date): CampaignContent & { id: string } {
  const kind = typeof raw.kind === 'string' ? (raw.kind as Kind) : undefined;
  const { id, ...content } = parseForm(createInput, raw, (path) => labelOf(kind, path));
  const mod = ruleModule(content.kind);
  if (!mod) throw fieldError('kind', '活动类型', '该类型活动尚未开放');
  const rule = parseForm(mod.schema, content.rule, (path) => labelOf(content.kind, ['rule', ...path]));
  const problem = contentProblem(content as CampaignContent, now);
  if (problem) {
    if (problem.startsWith('活动结束时间') || problem.includes('需要活动结束时间')) throw fieldError('window.to', '结束时间', problem);
    throw fieldError('expiry', '积分有效期', problem);
  }
  return { id, ...(content as CampaignContent), rule: rule as Record<string, unknown> };
}

// --- the tier scheme's form (会员等级, docs/tiers.md) ------------------------------------------

const TIER_FIELDS: Record<string, string> = {
  level: '等级编号',
  name: '等级名称',
  minGrowth: '成长值门槛',
  'benefits.earnMultiplier': '积分倍数',
  'benefits.signinMultiplier': '签到倍数',
  'benefits.birthdayPoints': '生日积分',
  'benefits.extraPlaysPerDay': '每日加赠游戏次数',
  'benefits.exclusiveItems': '专享商品',
};
const SCHEME_FIELDS: Record<string, string> = { tiers: '等级', 'growth.orderPerYuan': '每元成长值', 'growth.scan': '扫码成长值', 'growth.signin': '签到成长值', cycleMonths: '等级周期（月）', remindDays: '到期提醒（天）' };
/** The scheme's own refinements, in Chinese. */
const SCHEME_REASONS: Record<string, string> = {
  'the first tier starts at 0 growth': '第一个等级的成长值门槛须为 0',
  'thresholds must rise strictly': '成长值门槛须逐级升高',
  'tier levels must be unique': '等级编号不能重复',
};

/** Where a tier scheme form's path lands: `tiers.<i>.<field>` for a row's field, else the scheme's own. */
function schemePlace(path: PropertyKey[]): Place {
  const p = path.map(String);
  if (p[0] === 'tiers' && p.length > 2) {
    const key = p.slice(2).join('.');
    const label = TIER_FIELDS[key] ?? TIER_FIELDS[p.slice(2, 4).join('.')] ?? '等级';
    return { field: `tiers.${p[1]}.${key in TIER_FIELDS ? key : p[2]}`, label: `第 ${Number(p[1]) + 1} 级${label}` };
  }
  const key = p.join('.');
  return { field: key in SCHEME_FIELDS ? key : 'tiers', label: SCHEME_FIELDS[key] ?? '等级' };
}

/** A tier scheme form: the parsed scheme, or its first problem as INVALID_FIELD. */
export const checkTierScheme = (raw: unknown): SchemeContent =>
  parseForm(schemeSchema, raw, schemePlace, (i) => SCHEME_REASONS[i.message] ?? issueReason(i));
