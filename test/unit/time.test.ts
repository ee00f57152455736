import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';

describe('Shanghai day boundaries', () => {
  test('a UTC evening is already the next day in Shanghai', () => {
    expect(shanghaiDay(new Date('2026-11-21T15:59:59.999Z'))).toBe('2026-11-21');
    expect(shanghaiDay(new Date('2026-11-21T16:00:00.000Z'))).toBe('2026-11-22');
  });

  test('year end', () => {
    expect(shanghaiDay(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
    expect(shanghaiDayStart('2027-01-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  test('day start and day agree for every hour of a day', () => {
    const start = shanghaiDayStart('2026-03-01');
    for (let h = 0; h < 24; h++) expect(shanghaiDay(start.getTime() + h * 3600_000)).toBe('2026-03-01');
    expect(shanghaiDay(start.getTime() - 1)).toBe('2026-02-28');
  });

  test('the machine zone does not matter (computed from epoch, not local fields)', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(shanghaiDay(new Date('2026-06-30T16:30:00Z'))).toBe('2026-07-01');
    } finally {
      process.env.TZ = saved;
    }
  });

  test('rejects what is not a day', () => {
    expect(() => shanghaiDayStart('2026-1-1')).toThrow('not a day');
  });
});
