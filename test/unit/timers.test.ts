import { Cron } from 'croner';
import { parseTimerCron, TRIGGER_TIMEZONE } from '../../local/runtime/timers';

describe('7-field timer cron', () => {
  test('drops the year field for croner and filters years itself', () => {
    const { sixFields, yearMatches } = parseTimerCron('0 10 0 * * * 2026-2027,2030');
    expect(sixFields).toBe('0 10 0 * * *');
    expect([2025, 2026, 2027, 2028, 2030].map(yearMatches)).toEqual([false, true, true, false, true]);
    expect(parseTimerCron('0 0 1 * * * *').yearMatches(1999)).toBe(true);
  });

  test('00:10 daily means 00:10 in Shanghai (16:10 UTC the day before)', () => {
    const next = new Cron(parseTimerCron('0 10 0 * * * *').sixFields, { timezone: TRIGGER_TIMEZONE, paused: true }).nextRun(
      new Date('2026-11-22T12:00:00Z'),
    );
    expect(next?.toISOString()).toBe('2026-11-22T16:10:00.000Z');
  });

  test('rejects crons that are not 7 fields', () => {
    expect(() => parseTimerCron('0 10 0 * * *')).toThrow('7 fields');
  });
});
