// The ledger's pure decisions: expiry dates, FIFO allocation, exchange-rate history, budget shards.
import { allocateFifo, type LotBalance } from '../../cloudfunctions/common/ledger/allocate';
import { shardCap } from '../../cloudfunctions/common/ledger/budgets';
import { campaignEndPlusMonths, expiresAt } from '../../cloudfunctions/common/ledger/policy';
import { pointsToFen, rateAt } from '../../cloudfunctions/common/ledger/rates';
import { lastValidDay } from '../../cloudfunctions/common/ledger/reminders';

const at = (s: string) => new Date(s);

describe('expiry policies (Asia/Shanghai days)', () => {
  test('rolling N days: valid through the Nth day after the day of issue', () => {
    const issued = at('2026-11-22T15:30:00Z'); // 23:30 on 22 Nov in Shanghai
    const exp = expiresAt({ kind: 'rolling', days: 30 }, issued);
    expect(exp.toISOString()).toBe('2026-12-22T16:00:00.000Z'); // 00:00 23 Dec Shanghai
    expect(lastValidDay(exp)).toBe('2026-12-22');
  });

  test('an issue just after Shanghai midnight counts from the new day', () => {
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 1 }, at('2026-11-22T16:00:00Z')))).toBe('2026-11-24');
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 1 }, at('2026-11-22T15:59:59Z')))).toBe('2026-11-23');
  });

  test('rolling across a leap day and the year end', () => {
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 365 }, at('2027-03-01T04:00:00Z')))).toBe('2028-02-29');
    expect(lastValidDay(expiresAt({ kind: 'rolling', days: 3 }, at('2026-12-30T04:00:00Z')))).toBe('2027-01-02');
  });

  test('year end (自然年清零) uses the Shanghai year of issue', () => {
    expect(expiresAt({ kind: 'yearEnd' }, at('2026-06-01T00:00:00Z')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    // 20:00 UTC on 31 Dec is already 1 Jan in Shanghai: next year's end.
    expect(lastValidDay(expiresAt({ kind: 'yearEnd' }, at('2026-12-31T20:00:00Z')))).toBe('2027-12-31');
    expect(lastValidDay(expiresAt({ kind: 'yearEnd', yearsAfter: 1 }, at('2026-06-01T00:00:00Z')))).toBe('2027-12-31');
  });

  test('fixed, and a campaign end + 3 months clamped to the month’s last day', () => {
    expect(expiresAt({ kind: 'fixed', at: '2027-01-01T00:00:00+08:00' }, at('2026-06-01T00:00:00Z')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const p = campaignEndPlusMonths(at('2026-11-30T10:00:00+08:00'), 3);
    expect(lastValidDay(expiresAt(p, at('2026-11-01T00:00:00Z')))).toBe('2027-02-28');
  });

  test('bad policies are refused', () => {
    expect(() => expiresAt({ kind: 'rolling', days: 0 }, new Date())).toThrow(RangeError);
    expect(() => expiresAt({ kind: 'rolling', days: 1.5 }, new Date())).toThrow(RangeError);
    expect(() => expiresAt({ kind: 'fixed', at: 'soon' }, new Date())).toThrow(RangeError);
  });
});

describe('FIFO allocation', () => {
  const now = at('2026-11-22T00:00:00Z');
  const lot = (id: string, remaining: number, expires: string, created = '2026-01-01T00:00:00Z', held = 0): LotBalance => ({
    _id: id,
    remaining,
    held,
    expiresAt: at(expires),
    createdAt: at(created),
  });

  test('soonest-expiring first, then oldest, then by id', () => {
    const lots = [
      lot('c', 50, '2027-06-01T00:00:00Z'),
      lot('b', 30, '2027-01-01T00:00:00Z', '2026-05-01T00:00:00Z'),
      lot('a', 30, '2027-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
    ];
    expect(allocateFifo(lots, 70, now)).toEqual([
      { lotId: 'a', amount: 30 },
      { lotId: 'b', amount: 30 },
      { lotId: 'c', amount: 10 },
    ]);
  });

  test('held points and expired lots are not available', () => {
    const lots = [lot('old', 100, '2026-11-21T00:00:00Z'), lot('h', 40, '2027-01-01T00:00:00Z', undefined, 30), lot('x', 5, '2027-02-01T00:00:00Z')];
    expect(allocateFifo(lots, 15, now)).toEqual([
      { lotId: 'h', amount: 10 },
      { lotId: 'x', amount: 5 },
    ]);
    expect(allocateFifo(lots, 16, now)).toBeNull();
  });

  test('an exact fit takes nothing extra', () => {
    expect(allocateFifo([lot('a', 10, '2027-01-01T00:00:00Z'), lot('b', 10, '2027-02-01T00:00:00Z')], 10, now)).toEqual([{ lotId: 'a', amount: 10 }]);
  });
});

describe('exchange rate history', () => {
  const history = [
    { pointsPerYuan: 100, effectiveFrom: at('2026-01-01T00:00:00Z') },
    { pointsPerYuan: 200, effectiveFrom: at('2026-07-01T00:00:00Z') },
  ];
  test('the latest change effective at or before the time', () => {
    expect(rateAt(history, at('2026-06-30T23:59:59Z'))).toBe(100);
    expect(rateAt(history, at('2026-07-01T00:00:00Z'))).toBe(200);
    expect(rateAt([...history].reverse(), at('2026-08-01T00:00:00Z'))).toBe(200);
    expect(() => rateAt(history, at('2025-12-31T00:00:00Z'))).toThrow(RangeError);
  });
  test('liability in whole fen, rounded down', () => {
    expect(pointsToFen(250, 100)).toBe(250);
    expect(pointsToFen(1, 3)).toBe(33);
    expect(pointsToFen(0, 100)).toBe(0);
  });
});

describe('budget shards', () => {
  test('caps are as even as integers allow and sum to A', () => {
    const caps = Array.from({ length: 8 }, (_, i) => shardCap(1003, 8, i));
    expect(caps.reduce((s, c) => s + c, 0)).toBe(1003);
    expect(Math.max(...caps) - Math.min(...caps)).toBeLessThanOrEqual(1);
  });
});
