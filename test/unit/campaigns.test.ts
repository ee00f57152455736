// Campaigns' pure parts without a database: per-member counters and caps (Asia/Shanghai periods on
// a machine in UTC), the rule registry and its kinds, liveness and expiry checks.
import { allowance, counted, countedInWindow, inWindow, isoWeek, periodKeys, pruneCounters, used, type Cap } from '../../cloudfunctions/common/campaigns/counters';
import { contentProblem, countEarn, decide, expiryPolicy, isLive } from '../../cloudfunctions/common/campaigns/earn';
import type { Campaign } from '../../cloudfunctions/common/campaigns/model';
import { RULES } from '../../cloudfunctions/common/campaigns/rules';
import { scanRule } from '../../cloudfunctions/common/campaigns/rules/scan';
import { manualRule } from '../../cloudfunctions/common/campaigns/rules/manual';
import { fromLegacy } from '../../cloudfunctions/common/codes/legacy';

const at = (iso: string) => new Date(iso);

describe('counters: periods in Asia/Shanghai', () => {
  test('ISO weeks', () => {
    expect(isoWeek('2026-01-01')).toBe('2026-W01'); // a Thursday
    expect(isoWeek('2024-12-30')).toBe('2025-W01'); // Monday of the week holding 2 January 2025
    expect(isoWeek('2021-01-03')).toBe('2020-W53'); // Sunday
    expect(isoWeek('2026-11-29')).toBe('2026-W48');
    expect(isoWeek('2026-11-30')).toBe('2026-W49');
  });

  test('a Shanghai midnight, not a UTC one, turns the day, week and month', () => {
    expect(periodKeys(at('2026-11-30T15:59:59Z'))).toEqual({ d: '2026-11-30', w: '2026-W49', m: '2026-11' });
    expect(periodKeys(at('2026-11-30T16:00:00Z'))).toEqual({ d: '2026-12-01', w: '2026-W49', m: '2026-12' });
    expect(periodKeys(at('2026-11-29T15:59:59Z')).w).toBe('2026-W48');
    expect(periodKeys(at('2026-11-29T16:00:00Z')).w).toBe('2026-W49');
  });
});

describe('caps', () => {
  const now = at('2026-11-30T04:00:00Z');
  const caps: Cap[] = [{ period: 'day', unit: 'points', limit: 50 }, { period: 'week', unit: 'times', limit: 3 }, { period: 'total', unit: 'points', limit: 100 }];

  test('points caps cut the amount to what is left; a times cap refuses once reached', () => {
    expect(allowance(caps, undefined, 20, now)).toBe(20);
    let b = counted(caps, undefined, 20, now);
    expect(b).toEqual({ d: ['2026-11-30', 20, 1], w: ['2026-W49', 20, 1], t: [20, 1] });
    b = counted(caps, b, 20, now);
    expect(allowance(caps, b, 20, now)).toBe(10); // day: 50 − 40
    b = counted(caps, b, 10, now);
    expect(allowance(caps, b, 20, now)).toBe(0); // three times this week
    // The next day the day cap is fresh, the week's count is not.
    const tomorrow = at('2026-12-01T04:00:00Z');
    expect(used(b, 'day', 'points', tomorrow)).toBe(0);
    expect(allowance(caps, b, 20, tomorrow)).toBe(0);
    // Next week: only the lifetime points remain (100 − 50).
    expect(allowance(caps, b, 80, at('2026-12-08T04:00:00Z'))).toBe(50);
  });

  test('no caps: the amount as is; only capped periods are kept in the bucket', () => {
    expect(allowance([], undefined, 7, now)).toBe(7);
    expect(counted([{ period: 'month', unit: 'points', limit: 5 }], { r: [1, 2] }, 3, now)).toEqual({ m: ['2026-11', 3, 1], r: [1, 2] });
  });

  test('rolling windows and pruning keep the map small', () => {
    const w = 1_000_000;
    expect(inWindow(countedInWindow(countedInWindow(undefined, w), w), w)).toBe(2);
    expect(inWindow(countedInWindow(undefined, w), w + 600_000)).toBe(0);
    const pruned = pruneCounters(
      {
        old: { d: ['2026-11-01', 5, 1], w: ['2026-W44', 5, 1], m: ['2026-11', 5, 1] }, // this month still counts
        gone: { d: ['2026-10-01', 5, 1] },
        life: { d: ['2026-10-01', 5, 1], t: [99, 9] },
        '@scan': { r: [w, 3] },
      },
      now,
      w + 600_000,
    );
    expect(pruned).toEqual({ old: { m: ['2026-11', 5, 1] }, life: { t: [99, 9] } });
  });
});

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  _id: 'c1', name: '扫码', kind: 'scan', status: 'published', version: 2, draft: null, window: { from: null, to: null },
  rule: {}, caps: [], createdAt: at('2026-01-01T00:00:00Z'), updatedAt: at('2026-01-01T00:00:00Z'), ...over,
});

describe('rules', () => {
  const now = at('2026-11-22T04:00:00Z');
  const input = <E,>(event: E) => ({ event, counters: {}, tier: '', now });

  test('the registry has scan, manual, signin, task, order and game', () => {
    expect(Object.keys(RULES).sort()).toEqual(['game', 'manual', 'order', 'scan', 'signin', 'task']);
  });

  test('scan: product base, per-product override, the best multiplier window in force, regions', () => {
    const event = { product: 'tea', basePoints: 20, diverted: false };
    expect(scanRule.evaluate({}, input(event)).points).toBe(20);
    expect(scanRule.evaluate({ pointsByProduct: { tea: 30 } }, input(event)).points).toBe(30);
    const multipliers = [
      { from: '2026-11-22T00:00:00Z', to: '2026-11-23T00:00:00Z', factor: 2 },
      { from: '2026-11-22T03:00:00Z', to: '2026-11-22T05:00:00Z', factor: 1.5 },
      { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z', factor: 5 },
    ];
    expect(scanRule.evaluate({ multipliers }, input(event))).toEqual({ points: 40, why: '扫码 20 × 2 倍' });
    expect(scanRule.evaluate({ multipliers }, { ...input(event), now: at('2026-11-23T00:00:00Z') }).points).toBe(100);
    expect(scanRule.evaluate({ creditOutsideRegion: false }, input({ ...event, diverted: true })).points).toBe(0);
    expect(scanRule.evaluate({}, input({ ...event, diverted: true })).points).toBe(20);
    expect(scanRule.schema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(scanRule.schema.safeParse({ redPacket: { probability: 2, amountFen: 1, dailyBudgetFen: 1, totalBudgetFen: 1 } }).success).toBe(false);
  });

  test('manual: the grant, bounded by the rule', () => {
    expect(manualRule.evaluate({ maxPoints: 100 }, input({ points: 30 })).points).toBe(30);
    expect(manualRule.evaluate({ maxPoints: 100 }, input({ points: 300 })).points).toBe(100);
    expect(manualRule.evaluate({ maxPoints: 100 }, input({ points: -3 })).points).toBe(0);
  });

  test('decide: the rule, then the member\'s caps on this campaign', () => {
    const c = campaign({ caps: [{ period: 'day', unit: 'points', limit: 50 }] });
    const event = { product: 'tea', basePoints: 20, diverted: false };
    let counters = {};
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = decide(c, { event, counters, tier: '', now });
      got.push(d.points);
      counters = countEarn(c, counters, d.points, now);
    }
    expect(got).toEqual([20, 20, 10, 0]);
    expect(counters).toEqual({ c1: { d: ['2026-11-22', 50, 4] } });
  });
});

describe('liveness and expiry', () => {
  const now = at('2026-11-22T04:00:00Z');

  test('a fixed expiry already past is a problem (its credits would be expired at once)', () => {
    expect(contentProblem({ window: { from: null, to: null }, expiry: { kind: 'fixed', at: '2026-11-22T03:59:59Z' } }, now)).toMatch(/已过/);
    expect(contentProblem({ window: { from: null, to: null }, expiry: { kind: 'fixed', at: '2026-11-23T00:00:00Z' } }, now)).toBeNull();
    expect(contentProblem({ window: { from: null, to: null }, expiry: { kind: 'afterEnd', months: 3 } }, now)).toMatch(/结束时间/);
    expect(contentProblem({ window: { from: null, to: '2026-01-31T16:00:00Z' }, expiry: { kind: 'afterEnd', months: 3 } }, now)).toMatch(/已过/);
    expect(contentProblem({ window: { from: '2026-12-01T00:00:00Z', to: '2026-11-01T00:00:00Z' } }, now)).toMatch(/晚于/);
  });

  test('activity end + N months resolves to a fixed instant (Shanghai, end of month clamped)', () => {
    expect(expiryPolicy({ window: { from: null, to: '2026-11-30T15:00:00Z' }, expiry: { kind: 'afterEnd', months: 3 } })).toEqual({ kind: 'fixed', at: '2027-02-28T16:00:00.000Z' });
  });

  test('live: published, inside the window, expiry not past', () => {
    expect(isLive(campaign(), now)).toBe(true);
    expect(isLive(campaign({ status: 'draft' }), now)).toBe(false);
    expect(isLive(campaign({ status: 'ended' }), now)).toBe(false);
    expect(isLive(campaign({ window: { from: '2026-11-23T00:00:00Z', to: null } }), now)).toBe(false);
    expect(isLive(campaign({ window: { from: null, to: '2026-11-22T04:00:00Z' } }), now)).toBe(false);
    expect(isLive(campaign({ expiry: { kind: 'fixed', at: '2026-11-22T00:00:00Z' } }), now)).toBe(false);
  });

  test('a legacy scan campaign converts: its daily cap becomes a per-day points cap', () => {
    expect(fromLegacy({ name: '旧', dailyCap: 90, pointsByProduct: { cup: 30 }, budget: 'b', expiry: { kind: 'yearEnd' } })).toEqual({
      name: '旧', kind: 'scan', window: { from: null, to: null }, rule: { pointsByProduct: { cup: 30 } },
      caps: [{ period: 'day', unit: 'points', limit: 90 }], budget: 'b', expiry: { kind: 'yearEnd' },
    });
  });
});
