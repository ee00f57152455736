// The batch page's scan bars: every day of the window (empty days as zero), scaled to the busiest.
import { chartBars } from '../../src/packages/ops/batch/chart';

test('30 days up to today, gaps as zero, heights against the busiest day, totals over the window', () => {
  const { bars, total, max } = chartBars(
    [
      { day: '2026-10-01', scans: 99, claims: 9, points: 90 }, // outside the window
      { day: '2026-11-02', scans: 4, claims: 1, points: 20 },
      { day: '2026-11-29', scans: 8, claims: 2, points: 40 },
    ],
    '2026-11-30',
  );
  expect(bars).toHaveLength(30);
  expect(bars[0].day).toBe('2026-11-01');
  expect(bars[29]).toMatchObject({ day: '2026-11-30', scans: 0, height: 0, label: '11/30' });
  expect(bars.find((b) => b.day === '2026-11-29')).toMatchObject({ height: 100, claimShare: 25 });
  expect(bars.find((b) => b.day === '2026-11-02')).toMatchObject({ height: 50, claimShare: 25 });
  expect(max).toBe(8);
  expect(total).toMatchObject({ scans: 12, claims: 3, points: 60 });
});

test('no scans: every bar empty, nothing divided by zero', () => {
  const { bars, max } = chartBars([], '2026-03-01');
  expect(max).toBe(0);
  expect(bars[0].day).toBe('2026-01-31'); // across February
  expect(bars.every((b) => b.height === 0 && b.claimShare === 0)).toBe(true);
});
