import { isCalendarDay, isInstantInRange, shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';

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
    // Before, these computed with an Invalid Date (month 13) or a rolled-over one (Feb 30 = Mar 2).
    for (const d of ['2026-13-45', '0000-00-00', '2026-02-30']) expect(() => shanghaiDayStart(d)).toThrow('not a day');
  });
});

describe('calendar days and instants as input', () => {
  test.each(['2026-01-01', '2024-02-29', '2000-01-01', '2099-12-31', '2026-12-31'])('%s is a calendar day', (d) => {
    expect(isCalendarDay(d)).toBe(true);
  });
  test.each(['2026-13-45', '0000-00-00', '2026-02-30', '2025-02-29', '2026-00-10', '2026-04-31', '1999-12-31', '2100-01-01', '2026-1-1', ' 2026-01-01', '20260101', ''])(
    '%j is not',
    (d) => expect(isCalendarDay(d)).toBe(false),
  );
  test('non-strings are not days', () => {
    for (const v of [null, undefined, 20260101, new Date(), ['2026-01-01']]) expect(isCalendarDay(v)).toBe(false);
  });
  test('instants are real and within 2000-2099', () => {
    expect(isInstantInRange('2026-06-01T00:00:00Z')).toBe(true);
    expect(isInstantInRange(new Date('2099-12-31T23:59:59Z'))).toBe(true);
    for (const s of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1999-12-31T23:59:59Z', 'nope']) expect(isInstantInRange(s)).toBe(false);
    expect(isInstantInRange(new Date(NaN))).toBe(false);
  });
});
