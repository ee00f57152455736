// The simulator's pure half and the draft-vs-published diff on fixed facts (exact figures), and the
// scheduled exchange rate.
import { diffContent } from '../../cloudfunctions/common/campaigns/diff';
import type { CampaignContent } from '../../cloudfunctions/common/campaigns/model';
import { simulate, type Fact, type SimContext } from '../../cloudfunctions/common/campaigns/simulate';
import { rateView, scheduleProblem } from '../../cloudfunctions/common/ledger/rate-schedule';
import { rateAt } from '../../cloudfunctions/common/ledger/rates';

const at = (iso: string) => new Date(iso);
const NO_TIER = { tier: '', name: '', multiplier: 1 };

const ctx = (over: Partial<SimContext> = {}): SimContext => ({
  from: at('2026-10-31T16:00:00Z'), // Shanghai 11-01 00:00
  to: at('2026-11-30T16:00:00Z'), // Shanghai 12-01 00:00
  rates: [
    { pointsPerYuan: 100, effectiveFrom: at('2026-01-01T00:00:00Z') },
    { pointsPerYuan: 50, effectiveFrom: at('2026-11-11T00:00:00Z') },
  ],
  spent: 36,
  spenders: new Set(['m2']),
  budgets: { bud: { cap: 1000, issued: 820 } },
  ...over,
});

const content = (kind: CampaignContent['kind'], rule: Record<string, unknown>, more: Partial<CampaignContent> = {}): CampaignContent => ({
  name: '活动', kind, window: { from: null, to: null }, rule, caps: [], ...more,
});

describe('simulate: draft vs published on the same facts', () => {
  const scans: Fact[] = [
    { kind: 'scan', member: 'm1', at: at('2026-11-10T02:00:00Z'), product: 'tea', basePoints: 20, diverted: false },
    { kind: 'scan', member: 'm1', at: at('2026-11-10T03:00:00Z'), product: 'tea', basePoints: 20, diverted: false },
    { kind: 'scan', member: 'm1', at: at('2026-11-11T02:00:00Z'), product: 'tea', basePoints: 20, diverted: false },
    { kind: 'scan', member: 'm2', at: at('2026-11-12T02:00:00Z'), product: 'tea', basePoints: 20, diverted: true },
  ];
  const published = content('scan', {}, { budget: 'bud' });
  const draft = content(
    'scan',
    { pointsByProduct: { tea: 30 }, creditOutsideRegion: false, multipliers: [{ from: '2026-11-11T00:00:00Z', to: '2026-11-12T00:00:00Z', factor: 2 }] },
    { budget: 'bud', caps: [{ period: 'day', unit: 'points', limit: 45 }] },
  );

  test('scan: rule, multiplier window, daily cap and region, with issued, liability at each lot\'s rate, C, D and days to A', () => {
    const r = simulate('spring', { content: draft, version: 2 }, { content: published, version: 1 }, scans, ctx());
    // Published: 4 × 20. 40 points at 100/¥ (40 fen) + 40 at 50/¥ (80 fen).
    expect(r.published).toMatchObject({ version: 1, issued: 80, credits: 4, nothing: 0, receivers: 2, liabilityFen: 120, redemptionRate: 0.45, usageRate: 0.5, budgetCap: 1000, budgetIssued: 820, daysToA: 68 });
    // Draft: 30, then 15 (the day's 45 cap), then 30 × 2 = 60 cut to 45; the diverted scan earns nothing.
    expect(r.draft).toMatchObject({ version: 2, issued: 90, credits: 3, nothing: 1, receivers: 1, liabilityFen: 45 + 90, redemptionRate: 0.4, usageRate: 0, daysToA: 60 });
    expect(r.draft.byDay).toHaveLength(30);
    expect(r.draft.byDay.filter((d) => d.points)).toEqual([
      { day: '2026-11-10', points: 45 },
      { day: '2026-11-11', points: 45 },
    ]);
  });

  test('outside the window, never published, without a budget', () => {
    const windowed = { ...draft, window: { from: '2026-11-11T00:00:00Z', to: null }, budget: undefined };
    const r = simulate('spring', { content: windowed, version: 1 }, null, scans, ctx({ spent: 0, spenders: new Set() }));
    expect(r.published).toBeNull();
    expect(r.draft).toMatchObject({ issued: 45, credits: 1, nothing: 3, redemptionRate: 0, usageRate: 0, budgetCap: null, daysToA: null });
  });

  test('sign-in: the streak bonus and the tier multiplier through planSignin', () => {
    const day = (m: string, d: string, tier = NO_TIER): Fact => ({ kind: 'signin', member: m, at: at(`${d}T01:00:00Z`), day: d, makeUp: false, tier });
    const facts = [day('m1', '2026-11-01'), day('m1', '2026-11-02'), day('m1', '2026-11-03'), day('m2', '2026-11-02', { tier: 'gold', name: '', multiplier: 1.5 })];
    const pub = content('signin', { cycle: 'rolling', basePoints: 10 });
    const drf = content('signin', { cycle: 'rolling', basePoints: 5, streakBonuses: [{ day: 3, points: 20 }] });
    const r = simulate('daily', { content: drf, version: 3 }, { content: pub, version: 2 }, facts, ctx());
    expect(r.published!.issued).toBe(30 + 15);
    expect(r.draft.issued).toBe(5 + 5 + 25 + 7);
    expect(r.draft.liabilityFen).toBe(42); // all before the rate change: 100 points per ¥1
  });

  test('sign-in: a sign-in the caps would cut is refused whole, and the streak does not count it', () => {
    const facts: Fact[] = ['2026-11-01', '2026-11-02', '2026-11-03'].map((d) => ({ kind: 'signin', member: 'm1', at: at(`${d}T01:00:00Z`), day: d, makeUp: false, tier: NO_TIER }));
    const drf = content('signin', { cycle: 'rolling', basePoints: 10, streakBonuses: [{ day: 3, points: 20 }] }, { caps: [{ period: 'week', unit: 'points', limit: 25 }] });
    // 11-01 is a Sunday (ISO week 44), 11-02 and 11-03 week 45: 10 | 10, then 30 > 15 left → refused.
    const r = simulate('daily', { content: drf, version: 1 }, null, facts, ctx());
    expect(r.draft).toMatchObject({ issued: 20, credits: 2, nothing: 1 });
  });

  test('order: points per yuan, excluded categories, audience', () => {
    const facts: Fact[] = [
      { kind: 'order', member: 'm1', at: at('2026-11-05T02:00:00Z'), orderId: 'o1', items: [{ sku: 'a', category: 'tea', paidFen: 12345 }, { sku: 'b', category: 'gift', paidFen: 1000 }], tier: 'silver', tierName: '银卡', tierMultiplier: 1 },
    ];
    const pub = content('order', { pointsPerYuan: 1 });
    const drf = content('order', { pointsPerYuan: 2, excludedCategories: ['gift'] });
    const r = simulate('shop', { content: drf, version: 2 }, { content: pub, version: 1 }, facts, ctx());
    expect(r.published!.issued).toBe(123 + 10);
    expect(r.draft.issued).toBe(246);
    const gold = simulate('shop', { content: { ...drf, audience: { tiers: ['gold'] } }, version: 2 }, null, facts, ctx());
    expect(gold.draft).toMatchObject({ issued: 0, nothing: 1, receivers: 0, redemptionRate: null, usageRate: null });
  });

  test('facts of another kind are not replayed', () => {
    const r = simulate('shop', { content: content('order', { pointsPerYuan: 1 }), version: 1 }, null, scans, ctx());
    expect(r.draft).toMatchObject({ issued: 0, credits: 0, nothing: 0 });
  });
});

describe('diff: draft vs published, field by field in Chinese', () => {
  test('changed fields only, each with its label and both values as the forms show them', () => {
    const before = content(
      'scan',
      { pointsByProduct: { tea: 20 }, redPacket: { probability: 0.1, amountFen: 100, dailyBudgetFen: 10000, totalBudgetFen: 100000 } },
      { name: '春茶扫码', expiry: { kind: 'rolling', days: 365 } },
    );
    const after = content(
      'scan',
      { pointsByProduct: { tea: 30 }, redPacket: { probability: 0.1, amountFen: 200, dailyBudgetFen: 10000, totalBudgetFen: 100000 }, creditOutsideRegion: false },
      { name: '春茶扫码 · 加倍', expiry: { kind: 'afterEnd', months: 3 }, window: { from: null, to: '2026-12-31T16:00:00Z' }, caps: [{ period: 'day', unit: 'points', limit: 500 }] },
    );
    expect(diffContent(before, after)).toEqual([
      { field: 'name', label: '活动名称', before: '春茶扫码', after: '春茶扫码 · 加倍' },
      { field: 'window.to', label: '结束时间', before: '不限', after: '2027-01-01 00:00:00' },
      { field: 'rule.pointsByProduct', label: '各产品积分', before: 'tea：20 分', after: 'tea：30 分' },
      { field: 'rule.redPacket.amountFen', label: '红包金额', before: '¥1.00', after: '¥2.00' },
      { field: 'rule.creditOutsideRegion', label: '非销售区域扫码仍得积分', before: '未设置', after: '否' },
      { field: 'caps', label: '每人上限', before: '不限', after: '每日最多 500 积分' },
      { field: 'expiry', label: '积分有效期', before: '发放后 365 天', after: '活动结束后 3 个月' },
    ]);
  });

  test('a never-published draft shows every field it sets; identical content shows nothing', () => {
    const c = content('signin', { cycle: 'week', basePoints: 5 });
    expect(diffContent(c, c)).toEqual([]);
    const rows = diffContent(null, c);
    expect(rows.map((r) => r.label)).toEqual(['活动名称', '连签周期', '每日签到积分']);
    expect(rows[1]).toEqual({ field: 'rule.cycle', label: '连签周期', before: '未设置', after: '按周' });
  });
});

describe('the scheduled exchange rate (ledger/rate-schedule.ts)', () => {
  const history = [
    { pointsPerYuan: 100, effectiveFrom: at('2026-01-01T00:00:00Z') },
    { pointsPerYuan: 80, effectiveFrom: at('2026-06-01T00:00:00Z') },
    { pointsPerYuan: 50, effectiveFrom: at('2026-12-01T00:00:00Z') },
  ];
  test('before its instant the current rate is in force (lots issued then keep it); from it, the new one', () => {
    const now = at('2026-11-30T00:00:00Z');
    expect(rateView(history, now)).toEqual({
      current: { pointsPerYuan: 80, effectiveFrom: at('2026-06-01T00:00:00Z') },
      rows: [
        { pointsPerYuan: 50, effectiveFrom: at('2026-12-01T00:00:00Z'), state: 'scheduled' },
        { pointsPerYuan: 80, effectiveFrom: at('2026-06-01T00:00:00Z'), state: 'current' },
        { pointsPerYuan: 100, effectiveFrom: at('2026-01-01T00:00:00Z'), state: 'past' },
      ],
    });
    expect(rateAt(history, at('2026-11-30T23:59:59.999Z'))).toBe(80);
    expect(rateAt(history, at('2026-12-01T00:00:00Z'))).toBe(50);
    expect(rateView(history, at('2026-12-01T00:00:00Z')).current.pointsPerYuan).toBe(50);
    expect(rateView([], now)).toEqual({ current: { pointsPerYuan: 100, effectiveFrom: null }, rows: [] });
  });
  test('scheduling: the rate 1..100000 whole, at least 5 minutes ahead, one change per instant', () => {
    const now = at('2026-11-30T00:00:00Z');
    expect(scheduleProblem(history, 0, '2026-12-02T00:00:00Z', now)?.[0]).toBe('pointsPerYuan');
    expect(scheduleProblem(history, 100_001, '2026-12-02T00:00:00Z', now)?.[0]).toBe('pointsPerYuan');
    expect(scheduleProblem(history, 60, '2026-11-30T00:04:59Z', now)?.[0]).toBe('effectiveFrom');
    expect(scheduleProblem(history, 60, '2026-12-01T00:00:00Z', now)).toEqual(['effectiveFrom', '生效时间', '这个时间已有一次调整']);
    expect(scheduleProblem(history, 60, '2026-11-30T00:05:00Z', now)).toBeNull();
  });
});
