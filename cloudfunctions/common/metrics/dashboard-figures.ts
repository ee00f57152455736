// The dashboard's figures from what the read gathered (docs/console.md#数据看板): periods folded from
// day documents, sources and uses grouped, each campaign's A/B/C/D with days until A and the reading
// of the four indicators in words, and the CSV. Pure: no I/O, unit-tested.
import type { KindFigures, RatePoints } from './figures';
import type { BatchScans, ProvinceScans } from './scans';

// ---------------------------------------------------------------------------------------------
// Sources and uses: the brief's groups of source kinds.

/** Where points come from: kinds → group. Kinds not listed (birthday, …) are 其他. */
const SOURCE_GROUPS: [key: string, label: string, kinds: string[]][] = [
  ['scan', '扫码', ['scan']],
  ['signin', '签到', ['signin']],
  ['task', '任务', ['task']],
  ['order', '订单', ['order']],
  ['game', '游戏', ['game']],
  ['manual', '手动发放', ['manual', 'ops']],
];
/** Where points go: spends by kind, plus expiry (a figure of its own). */
const USE_GROUPS: [key: string, label: string, kinds: string[]][] = [
  ['mall', '商城兑换', ['mall']],
  ['checkout', '门店抵扣', ['checkout']],
  ['game', '游戏', ['game']],
];

export interface Slice {
  key: string;
  label: string;
  points: number;
}

function group(kinds: KindFigures[], groups: typeof SOURCE_GROUPS, pick: (k: KindFigures) => number): Slice[] {
  const out = groups.map(([key, label]) => ({ key, label, points: 0 }));
  const other = { key: 'other', label: '其他', points: 0 };
  for (const k of kinds) {
    const i = groups.findIndex(([, , list]) => list.includes(k.kind));
    (i >= 0 ? out[i] : other).points += pick(k);
  }
  return [...out, other];
}

export const sourcesOf = (kinds: KindFigures[]): Slice[] => group(kinds, SOURCE_GROUPS, (k) => k.issued);
export const usesOf = (kinds: KindFigures[], expired: number): Slice[] => [
  ...group(kinds, USE_GROUPS, (k) => k.spent),
  { key: 'expired', label: '过期', points: expired },
];
/** Mall redemptions: spend entries of kind mall. */
export const redemptionsOf = (kinds: KindFigures[]) => kinds.filter((k) => k.kind === 'mall').reduce((s, k) => s + (k.uses ?? 0), 0);

// ---------------------------------------------------------------------------------------------
// Periods.

export interface DayInput {
  day: string;
  issued: number;
  debtRepaid: number;
  spent: number;
  expired: number;
  penalized: number;
  reversed: number;
  kinds: KindFigures[];
  outstanding: number | null;
  liabilityFen: number | null;
  scans?: { claims: number; queries: number; points: number; batches: (BatchScans & { product: string })[]; provinces: ProvinceScans[] };
  active?: number;
  active7?: number;
  active30?: number;
}

export interface Period {
  key: 'today' | 'd7' | 'd30';
  label: string;
  /** First and last Shanghai day. */
  from: string;
  to: string;
  issued: number;
  spent: number;
  expired: number;
  reversed: number;
  penalized: number;
  /** Distinct members who earned or spent in the period (null: not known for it). */
  active: number | null;
  /** Every counted scan (claims plus the others) and the claims. */
  scans: number;
  claims: number;
  redemptions: number;
  sources: Slice[];
  uses: Slice[];
  provinces: ProvinceScans[];
  batches: (BatchScans & { product: string })[];
}

const addKindsInto = (m: Map<string, KindFigures>, list: KindFigures[]) => {
  for (const k of list) {
    const x = m.get(k.kind) ?? { kind: k.kind, issued: 0, spent: 0, uses: 0 };
    x.issued += k.issued;
    x.spent += k.spent;
    x.uses = (x.uses ?? 0) + (k.uses ?? 0);
    m.set(k.kind, x);
  }
};

/** Folds days (closed ones, or the live window as one "day") into a period. */
export function foldPeriod(key: Period['key'], label: string, from: string, to: string, days: DayInput[], active: number | null): Period {
  const kinds = new Map<string, KindFigures>();
  const batches = new Map<string, BatchScans & { product: string }>();
  const provinces = new Map<string, ProvinceScans>();
  const p = { issued: 0, spent: 0, expired: 0, reversed: 0, penalized: 0, scans: 0, claims: 0 };
  for (const d of days) {
    p.issued += d.issued;
    p.spent += d.spent;
    p.expired += d.expired;
    p.reversed += d.reversed;
    p.penalized += d.penalized;
    addKindsInto(kinds, d.kinds);
    if (!d.scans) continue;
    p.scans += d.scans.claims + d.scans.queries;
    p.claims += d.scans.claims;
    for (const b of d.scans.batches) {
      const x = batches.get(b.batch) ?? { batch: b.batch, product: b.product, claims: 0, points: 0, queries: 0 };
      x.claims += b.claims;
      x.points += b.points;
      x.queries += b.queries;
      batches.set(b.batch, x);
    }
    for (const v of d.scans.provinces) {
      const x = provinces.get(v.province) ?? { province: v.province, claims: 0, queries: 0 };
      x.claims += v.claims;
      x.queries += v.queries;
      provinces.set(v.province, x);
    }
  }
  const list = [...kinds.values()];
  return {
    key,
    label,
    from,
    to,
    ...p,
    active,
    redemptions: redemptionsOf(list),
    sources: sourcesOf(list),
    uses: usesOf(list, p.expired),
    provinces: [...provinces.values()].sort((a, b) => b.claims + b.queries - (a.claims + a.queries) || (a.province < b.province ? -1 : 1)),
    batches: [...batches.values()].sort((a, b) => b.claims + b.queries - (a.claims + a.queries) || (a.batch < b.batch ? -1 : 1)),
  };
}

export interface Ranked {
  id: string;
  name: string;
  scans: number;
  claims: number;
}

/** The top `n` batches and products of a period by scans (batch '' = the days' smaller batches, 其他批次). */
export function topOf(p: Period, names: { batch: (id: string) => string; product: (id: string) => string }, n = 10): { batches: Ranked[]; products: Ranked[] } {
  const byProduct = new Map<string, Ranked>();
  for (const b of p.batches) {
    if (!b.product) continue;
    const x = byProduct.get(b.product) ?? { id: b.product, name: names.product(b.product), scans: 0, claims: 0 };
    x.scans += b.claims + b.queries;
    x.claims += b.claims;
    byProduct.set(b.product, x);
  }
  const rank = (a: Ranked, b: Ranked) => b.scans - a.scans || (a.id < b.id ? -1 : 1);
  return {
    batches: p.batches
      .filter((b) => b.batch)
      .map((b) => ({ id: b.batch, name: names.batch(b.batch), scans: b.claims + b.queries, claims: b.claims }))
      .sort(rank)
      .slice(0, n),
    products: [...byProduct.values()].sort(rank).slice(0, n),
  };
}

// ---------------------------------------------------------------------------------------------
// Campaigns: A, B, C, D and their reading.

export interface CampaignFigures {
  campaign: string;
  name: string;
  status: string;
  /** 进行中 / 已结束 / 草稿 / 活动外. */
  statusLabel: string;
  /** Max issuable (the budget's cap), null without a budget. */
  A: number | null;
  /** Issued: the budget's count with one, else the campaign's issued points. */
  B: number;
  /** Redemption rate spent / issued, and usage rate spenders / receivers (0..1). */
  C: number;
  D: number;
  issued: number;
  spent: number;
  expired: number;
  outstanding: number;
  liabilityFen: number;
  rates: (RatePoints & { liabilityFen: number })[];
  receivers: number;
  spenders: number;
  /** Points issued per day over the last 7 closed days. */
  burnPerDay: number;
  /** Days until B reaches A at that burn (0 = reached; null = no budget, or nothing issuing). */
  daysToA: number | null;
  readings: string[];
}

/** Thresholds of the readings (docs/console.md). */
export const READING = { nearA: 0.9, farA: 0.3, lowC: 0.2, highC: 0.8, lowD: 0.2, highD: 0.5, soonDays: 30 } as const;

export const STATUS_LABEL: Record<string, string> = { published: '进行中', ended: '已结束', draft: '草稿', none: '活动外' };

export const percent = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

export function daysToA(A: number | null, B: number, burnPerDay: number): number | null {
  if (A === null) return null;
  if (B >= A) return 0;
  return burnPerDay > 0 ? Math.ceil((A - B) / burnPerDay) : null;
}

/** The brief's four indicators read in words: where B stands against A, what C and D say. */
export function readIndicators(f: Pick<CampaignFigures, 'A' | 'B' | 'C' | 'D' | 'issued' | 'receivers' | 'daysToA' | 'burnPerDay'>): string[] {
  const out: string[] = [];
  if (f.A === null) out.push('未设预算（无 A）：发放没有上限，请关注负债');
  else if (f.B >= f.A) out.push('B 已达到 A：预算用完，新的发放会被拒绝');
  else if (f.B >= f.A * READING.nearA) out.push('B 接近 A：预算将尽，需追加预算或收紧规则');
  else if (f.B <= f.A * READING.farA) out.push('A 远大于 B：预算充足，发放偏慢，可加大活动力度');
  else out.push('B 低于 A：预算在合理消耗中');
  if (f.A !== null && f.B < f.A) {
    if (f.daysToA === null) out.push('近7天没有发放，按当前速度不会用完预算');
    else if (f.daysToA > 365) out.push(`按近7天日均发放 ${Math.round(f.burnPerDay)} 分，一年内不会达到 A`);
    else out.push(`按近7天日均发放 ${Math.round(f.burnPerDay)} 分，约 ${f.daysToA} 天后达到 A${f.daysToA <= READING.soonDays ? '（即将用完）' : ''}`);
  }
  if (!f.issued) out.push('尚未发放积分：C、D 暂无意义');
  else {
    if (f.C < READING.lowC) out.push(`C 偏低（${percent(f.C)}）：积分发出后很少被兑换，负债在累积，可增加兑换渠道或提醒会员使用`);
    else if (f.C > READING.highC) out.push(`C 很高（${percent(f.C)}）：发出的积分大多已兑换，负债低`);
    else out.push(`C 适中（${percent(f.C)}）：发放与兑换较均衡`);
    if (!f.receivers) out.push('D 暂无数据：领取人数按已结算的日子统计');
    else if (f.D < READING.lowD) out.push(`D 偏低（${percent(f.D)}）：多数拿到积分的会员从未使用，需引导首次兑换`);
    else if (f.D >= READING.highD) out.push(`D 较高（${percent(f.D)}）：多数会员在使用积分`);
    else out.push(`D 一般（${percent(f.D)}）：部分会员在使用积分`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV (UTF-8 with BOM so spreadsheet programs read the Chinese; times in Asia/Shanghai).

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const line = (cells: unknown[]) => cells.map(cell).join(',');
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** "2026-11-29 20:05" in Shanghai. */
export const shanghaiTime = (d: Date) => new Date(+d + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

export interface DailyRow {
  day: string;
  issued: number;
  spent: number;
  expired: number;
  reversed: number;
  active: number | null;
  outstanding: number | null;
  liabilityFen: number | null;
}

export function dashboardCsv(d: { generatedAt: Date; closedThrough: string | null; periods: Period[]; campaigns: CampaignFigures[]; daily: DailyRow[] }): string {
  const rows: string[] = [];
  rows.push(line(['积分数据看板']));
  rows.push(line(['导出时间（北京时间）', shanghaiTime(d.generatedAt)]));
  rows.push(line(['已结算至', d.closedThrough ?? '尚未结算']));
  rows.push('');
  rows.push(line(['指标', ...d.periods.map((p) => `${p.label}（${p.from === p.to ? p.from : `${p.from} 至 ${p.to}`}）`)]));
  const fig: [string, (p: Period) => unknown][] = [
    ['发放积分', (p) => p.issued],
    ['消耗积分', (p) => p.spent],
    ['过期积分', (p) => p.expired],
    ['撤销积分', (p) => p.reversed],
    ['活跃会员', (p) => p.active ?? '—'],
    ['扫码次数', (p) => p.scans],
    ['领取积分的扫码', (p) => p.claims],
    ['商城兑换次数', (p) => p.redemptions],
  ];
  for (const [label, get] of fig) rows.push(line([label, ...d.periods.map(get)]));
  rows.push('');
  rows.push(line(['活动', '状态', 'A 最大可发', 'B 已发', 'C 兑换率', 'D 使用率', '未兑换积分', '负债（元）', '近7天日均发放', '预计几天后达到 A', '解读']));
  for (const c of d.campaigns)
    rows.push(line([c.name, c.statusLabel, c.A ?? '不设上限', c.B, percent(c.C), percent(c.D), c.outstanding, yuan(c.liabilityFen), Math.round(c.burnPerDay), c.daysToA ?? '—', c.readings.join('；')]));
  rows.push('');
  rows.push(line(['日期', '发放积分', '消耗积分', '过期积分', '撤销积分', '活跃会员', '日末未兑换积分', '日末负债（元）']));
  for (const r of d.daily) rows.push(line([r.day, r.issued, r.spent, r.expired, r.reversed, r.active ?? '—', r.outstanding ?? '—', r.liabilityFen === null ? '—' : yuan(r.liabilityFen)]));
  return `\ufeff${rows.join('\r\n')}\r\n`;
}
