// Draft vs published, field by field, in Chinese (docs/campaigns.md#simulator): what an operator
// reads before publishing. Pure. Each rule field is compared on its own (a nested object by its
// fields, a list as a whole) and both values are written out the way the console's forms show them.
import { shanghaiDateTime } from '../time';
import type { Cap } from './counters';
import type { CampaignContent, CampaignExpiry, Kind } from './model';

export interface DiffRow {
  /** The field's path (`rule.basePoints`), for the page to key rows by. */
  field: string;
  label: string;
  before: string;
  after: string;
}

const PERIOD = { day: '每日', week: '每周', month: '每月', total: '累计' } as const;
const UNIT = { points: '积分', times: '次' } as const;

/** Rule field labels per kind (a path with `.` for nested fields). */
export const RULE_LABELS: Record<Kind, Record<string, string>> = {
  scan: {
    pointsByProduct: '各产品积分',
    multipliers: '加倍时段',
    creditOutsideRegion: '非销售区域扫码仍得积分',
    counterfeitThreshold: '疑似假货提醒阈值（次）',
    'redPacket.probability': '红包中奖概率',
    'redPacket.amountFen': '红包金额',
    'redPacket.dailyBudgetFen': '红包每日预算',
    'redPacket.totalBudgetFen': '红包总预算',
    redPacket: '红包',
    grantPlays: '赠送游戏次数',
  },
  signin: {
    cycle: '连签周期',
    basePoints: '每日签到积分',
    streakBonuses: '连签奖励',
    cumulativeBonuses: '累计签到奖励',
    'makeUp.enabled': '允许补签',
    'makeUp.windowDays': '可补签天数',
    'makeUp.perMonth': '每月补签次数',
    'makeUp.costPoints': '补签消耗积分',
    'makeUp.paysBase': '补签得基础积分',
    makeUp: '补签',
  },
  task: { event: '任务行为', period: '任务周期', target: '目标次数', points: '奖励积分', claim: '领取方式', makeUpCards: '赠送补签卡', plays: '赠送游戏次数' },
  order: {
    pointsPerYuan: '每元积分',
    excludedSkus: '不积分的商品',
    excludedCategories: '不积分的类目',
    tierMultiplier: '按会员等级加倍',
    multipliers: '加倍时段',
    stacking: '倍数叠加方式',
    maxPerOrder: '单笔订单上限',
    returnDays: '退货期（天）',
  },
  manual: { maxPoints: '单次最多发放' },
  game: { game: '游戏类型', mode: '抽奖方式', entry: '参与方式', prizes: '奖品', fallback: '未中奖时', budgetFen: '奖品预算', shards: '库存分片', notice: '活动说明', collect: '集卡设置' },
};

const FIELD_LABELS: Record<string, string> = { name: '活动名称', 'window.from': '开始时间', 'window.to': '结束时间', caps: '每人上限', budget: '预算（A）', expiry: '积分有效期', audience: '适用会员等级' };

const WORDS: Record<string, string> = {
  rolling: '滚动周期', week: '按周', month: '按月', multiply: '相乘', max: '取较大', add: '相加', auto: '自动发放', button: '手动领取',
  once: '一次性', day: '每日', register: '注册会员', profile: '完善资料', phone: '绑定手机号', scan: '扫码', signin: '签到', redeem: '兑换商品',
};

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function describeExpiry(e: CampaignExpiry | undefined): string {
  if (!e) return '默认（发放后 365 天）';
  if (e.kind === 'rolling') return `发放后 ${e.days} 天`;
  if (e.kind === 'yearEnd') return e.yearsAfter ? `发放后第 ${e.yearsAfter} 年年底清零` : '当年年底清零';
  if (e.kind === 'fixed') return `${shanghaiDateTime(e.at)} 到期`;
  return `活动结束后 ${e.months} 个月`;
}

export const describeCaps = (caps: Cap[]): string => (caps.length ? caps.map((c) => `${PERIOD[c.period]}最多 ${c.limit} ${UNIT[c.unit]}`).join('；') : '不限');

const ISO = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/;

/** A rule value as the forms show it. */
export function describeValue(path: string, v: unknown): string {
  if (v === undefined || v === null) return '未设置';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') {
    if (/Fen$/.test(path)) return yuan(v);
    if (/probability$/.test(path)) return `${Math.round(v * 10_000) / 100}%`;
    return String(v);
  }
  if (v instanceof Date || (typeof v === 'string' && ISO.test(v))) return shanghaiDateTime(v as string);
  if (typeof v === 'string') return WORDS[v] ?? v;
  if (Array.isArray(v)) {
    if (!v.length) return '无';
    return v.map((x) => describeItem(x)).join('；');
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length) return '无';
    if (path.endsWith('pointsByProduct')) return entries.map(([k, n]) => `${k}：${n} 分`).join('；');
    return describeItem(v);
  }
  return String(v);
}

function describeItem(x: unknown): string {
  if (!x || typeof x !== 'object') return describeValue('', x);
  const o = x as Record<string, unknown>;
  if ('factor' in o && 'from' in o) return `${describeValue('', o.from)} 至 ${describeValue('', o.to)} ${o.factor} 倍`;
  if ('day' in o && 'points' in o) return `连签第 ${o.day} 天 +${o.points}`;
  if ('days' in o && 'points' in o) return `累计 ${o.days} 天 +${o.points}`;
  if ('pool' in o && 'n' in o) return `游戏 ${o.pool} ${o.n} 次`;
  return Object.values(o).map((v) => describeValue('', v)).join(' ');
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** Rule fields by path: a nested object with labelled sub-fields is compared by them. */
function ruleRows(kind: Kind, before: Record<string, unknown>, after: Record<string, unknown>): DiffRow[] {
  const labels = RULE_LABELS[kind] ?? {};
  const rows: DiffRow[] = [];
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  for (const k of keys) {
    const b = before?.[k];
    const a = after?.[k];
    if (same(b, a)) continue;
    const subKeys = Object.keys(labels).filter((p) => p.startsWith(`${k}.`));
    if (subKeys.length && isPlain(b) && isPlain(a)) {
      for (const p of subKeys) {
        const f = p.slice(k.length + 1);
        if (!same(b[f], a[f])) rows.push({ field: `rule.${p}`, label: labels[p], before: describeValue(p, b[f]), after: describeValue(p, a[f]) });
      }
      continue;
    }
    rows.push({ field: `rule.${k}`, label: labels[k] ?? '其他规则', before: describeValue(k, b), after: describeValue(k, a) });
  }
  return rows;
}

/** What changes from `before` (the published version; null = never published) to `after` (the draft). */
export function diffContent(before: CampaignContent | null, after: CampaignContent): DiffRow[] {
  const b: Partial<CampaignContent> = before ?? {};
  const rows: DiffRow[] = [];
  const push = (field: string, x: unknown, y: unknown, show: (v: unknown) => string) => {
    if (!same(x, y)) rows.push({ field, label: FIELD_LABELS[field], before: show(x), after: show(y) });
  };
  push('name', b.name, after.name, (v) => (v ? String(v) : '未设置'));
  push('window.from', b.window?.from, after.window.from, (v) => (v ? shanghaiDateTime(v as string) : '不限'));
  push('window.to', b.window?.to, after.window.to, (v) => (v ? shanghaiDateTime(v as string) : '不限'));
  rows.push(...ruleRows(after.kind, (b.rule ?? {}) as Record<string, unknown>, after.rule));
  push('caps', b.caps ?? [], after.caps, (v) => describeCaps(v as Cap[]));
  push('budget', b.budget, after.budget, (v) => (v ? String(v) : '不限'));
  push('expiry', b.expiry, after.expiry, (v) => describeExpiry(v as CampaignExpiry | undefined));
  push('audience', b.audience?.tiers ?? [], after.audience?.tiers ?? [], (v) => ((v as string[]).length ? (v as string[]).join('、') : '所有会员'));
  return rows;
}
