// Sign-in and task rules without a database: streaks across month / year ends (days are Shanghai
// days; the machine runs in UTC), bonuses add to the base, the cycle exploit, make-up windows and
// limits, a milestone never paid twice, task compliance (no share / follow / rating conditions).
import {
  addDays,
  emptyState,
  isSigned,
  makeUpProblem,
  nextBonus,
  planSignin,
  signinRuleSchema,
  streakAt,
  withDay,
  withMakeUpCounted,
  type SigninRule,
  type SigninState,
} from '../../cloudfunctions/common/campaigns/rules/signin';
import { taskRule, taskRuleSchema } from '../../cloudfunctions/common/campaigns/rules/task';
import { periodKey, periodStart } from '../../cloudfunctions/common/earn/tasks';
import { shanghaiDay } from '../../cloudfunctions/common/time';

const rule = (over: Partial<SigninRule> = {}): SigninRule =>
  signinRuleSchema.parse({
    cycle: 'rolling',
    basePoints: 5,
    streakBonuses: [{ day: 3, points: 10 }, { day: 7, points: 20 }],
    cumulativeBonuses: [{ days: 15, points: 50 }],
    makeUp: { enabled: true, windowDays: 7, perMonth: 2, costPoints: 20, paysBase: true },
    ...over,
  });

/** Signs `days` in order (normal sign-ins), returning the state and every plan. */
function signAll(r: SigninRule, days: string[], s: SigninState = emptyState('2026-01-01')) {
  const plans = [];
  for (const d of days) {
    const p = planSignin(r, s, d, false);
    plans.push(p);
    s = p.state;
  }
  return { s, plans };
}
const range = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i));

describe('streaks are counted from the days signed', () => {
  test('across a month end and a year end (rolling)', () => {
    const { s } = signAll(rule(), range('2026-12-28', 7)); // 12-28 … 2027-01-03
    expect(streakAt(s, '2027-01-03', 'rolling')).toBe(7);
    expect(isSigned(s, '2026-12-31') && isSigned(s, '2027-01-01')).toBe(true);
  });

  test('a missed day breaks it (not "was there a record yesterday")', () => {
    const { s } = signAll(rule(), ['2026-11-28', '2026-11-29', '2026-12-01']);
    expect(streakAt(s, '2026-12-01', 'rolling')).toBe(1);
    expect(streakAt(s, '2026-11-29', 'rolling')).toBe(2);
  });

  test('week and month cycles restart on Monday / the 1st', () => {
    const days = range('2026-11-27', 6); // Fri 27 … Wed 2 Dec
    expect(streakAt(signAll(rule({ cycle: 'week', cumulativeBonuses: [] }), days).s, '2026-12-02', 'week')).toBe(3); // Mon 30, Tue 1, Wed 2
    expect(streakAt(signAll(rule({ cycle: 'month' }), days).s, '2026-12-02', 'month')).toBe(2);
  });

  test('Shanghai midnight, not UTC, turns the day (machine in UTC)', () => {
    expect(shanghaiDay(new Date('2026-11-29T15:59:59.999Z'))).toBe('2026-11-29');
    expect(shanghaiDay(new Date('2026-11-29T16:00:00.000Z'))).toBe('2026-11-30');
    expect(shanghaiDay(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-01-01');
  });
});

describe('rewards: bonuses add to the base', () => {
  test('day 3 and day 7 pay base + streak bonus, with the why', () => {
    const { plans } = signAll(rule(), range('2026-11-01', 7));
    expect(plans.map((p) => p.points)).toEqual([5, 5, 15, 5, 5, 5, 25]);
    expect(plans[6].why).toBe('签到第 7 天 · 基础 5 + 连签奖励 20');
  });

  test('cumulative bonus on the 15th day signed in the month, once', () => {
    const days = range('2026-11-01', 20).filter((_, i) => i % 4 !== 3); // 15 of the first 20 days
    const { plans } = signAll(rule({ streakBonuses: [] }), days);
    const paid = plans.filter((p) => p.bonuses.some((b) => b.kind === 'cumulative'));
    expect(paid).toHaveLength(1);
    expect(paid[0].cumulative).toBe(15);
    expect(paid[0].why).toContain('累计 15 天奖励 50');
  });

  test('next bonus: "再签 N 天得 X 积分"', () => {
    const r = rule();
    const { s } = signAll(r, range('2026-11-01', 5));
    expect(nextBonus(r, s, '2026-11-05')).toEqual({ inDays: 2, points: 20, kind: 'streak' }); // signed today: 11-06, 11-07
    expect(nextBonus(r, s, '2026-11-06')).toEqual({ inDays: 2, points: 20, kind: 'streak' }); // today unsigned: today + tomorrow
  });
});

describe('no cycle exploit', () => {
  // Farming: restart the ladder by skipping, to collect an early rung more often than keeping on.
  const total = (r: SigninRule, days: string[]) => signAll(r, days).plans.reduce((t, p) => t + p.points, 0);
  const front = rule({ streakBonuses: [{ day: 2, points: 100 }, { day: 7, points: 1 }], cumulativeBonuses: [] });
  const days = range('2026-11-01', 28);

  test('skipping a day to restart the ladder never earns more than signing every day', () => {
    const keepOn = total(front, days);
    const skipEvery3rd = total(front, days.filter((_, i) => i % 3 !== 2)); // sign 2, skip 1, …
    const skipEvery2nd = total(front, days.filter((_, i) => i % 2 === 0));
    expect(keepOn).toBeGreaterThanOrEqual(skipEvery3rd);
    expect(keepOn).toBeGreaterThanOrEqual(skipEvery2nd);
  });

  test('randomised skip patterns never beat keeping on (seeded)', () => {
    let seed = Number(process.env.SIGNIN_SEED ?? 20261129);
    console.log(`cycle-exploit seed ${seed} (SIGNIN_SEED to replay)`);
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const cycle of ['rolling', 'week', 'month'] as const) {
      const r = { ...front, cycle, streakBonuses: [{ day: 2, points: 100 }, { day: 5, points: 7 }] };
      const best = total(r, days);
      for (let t = 0; t < 200; t++) expect(total(r, days.filter(() => rand() < 0.8))).toBeLessThanOrEqual(best);
    }
  });

  test('a rolling ladder repeats every L days for a member who keeps on', () => {
    const { plans } = signAll(rule(), range('2026-11-01', 14));
    expect(plans.filter((p) => p.bonuses.some((b) => b.n === 7))).toHaveLength(2); // days 7 and 14
    expect(plans.filter((p) => p.bonuses.some((b) => b.n === 3))).toHaveLength(2); // days 3 and 10
  });
});

describe('make-up (补签)', () => {
  const r = rule();
  const base = signAll(r, ['2026-11-20', '2026-11-21']).s;
  const s0: SigninState = { ...base, first: '2026-11-10' };

  test('window: never today or the future, never before joining, never beyond the window', () => {
    expect(makeUpProblem(r, s0, '2026-11-29', '2026-11-29')).toBe('MAKEUP_NOT_PAST');
    expect(makeUpProblem(r, s0, '2026-11-30', '2026-11-29')).toBe('MAKEUP_NOT_PAST');
    expect(makeUpProblem(r, s0, '2026-11-09', '2026-11-12')).toBe('MAKEUP_BEFORE_JOIN');
    expect(makeUpProblem(r, s0, '2026-11-21', '2026-11-29')).toBe('MAKEUP_OUT_OF_WINDOW'); // 8 days back
    expect(makeUpProblem(r, s0, '2026-11-22', '2026-11-29')).toBeNull(); // 7 days back
    expect(makeUpProblem(r, s0, '2026-11-21', '2026-11-23')).toBe('MAKEUP_DAY_SIGNED');
    expect(makeUpProblem(rule({ makeUp: { ...r.makeUp, enabled: false } }), s0, '2026-11-22', '2026-11-23')).toBe('MAKEUP_DISABLED');
  });

  test('limited per month (by the month it is done in)', () => {
    let s = withMakeUpCounted(withMakeUpCounted(s0, '2026-11-29'), '2026-11-29');
    expect(makeUpProblem(r, s, '2026-11-28', '2026-11-29')).toBe('MAKEUP_LIMIT');
    expect(makeUpProblem(r, s, '2026-11-28', '2026-12-01')).toBeNull(); // a new month
    s = withMakeUpCounted(s, '2026-12-01');
    expect(s.mk).toEqual(['2026-12', 1]);
  });

  test('a make-up restores the streak but pays no streak bonus; it is marked made up', () => {
    const { s } = signAll(r, ['2026-11-01', '2026-11-02', '2026-11-04', '2026-11-05']);
    const p = planSignin(r, s, '2026-11-03', true);
    expect(p.bonuses).toEqual([]);
    expect(p.points).toBe(5);
    expect(p.why).toBe('补签 11月3日 · 基础 5');
    expect(streakAt(p.state, '2026-11-05', 'rolling')).toBe(5);
    // The next day continues the restored streak: day 6, then day 7 pays its bonus once.
    const d6 = planSignin(r, p.state, '2026-11-06', false);
    const d7 = planSignin(r, d6.state, '2026-11-07', false);
    expect([d6.streak, d7.streak, d7.points]).toEqual([6, 7, 25]);
  });

  test('a milestone bonus is never paid twice because of a make-up', () => {
    // 14 of the first 15 days, the cumulative bonus needs 15: the make-up of the missing day pays it…
    const days = range('2026-11-01', 16).filter((d) => d !== '2026-11-10');
    const { s, plans } = signAll(r, days);
    expect(plans.some((p) => p.bonuses.some((b) => b.kind === 'cumulative'))).toBe(true); // reached on day 16
    const mk = planSignin(r, s, '2026-11-10', true);
    expect(mk.bonuses).toEqual([]); // …but it was paid already: not again
    // And a make-up that reaches it first pays it; the next sign-in does not.
    const { s: s14 } = signAll(r, range('2026-11-01', 15).filter((d) => d !== '2026-11-10'));
    const mk2 = planSignin(r, s14, '2026-11-10', true);
    expect(mk2.bonuses.map((b) => b.key)).toEqual(['c15@2026-11']);
    expect(planSignin(r, mk2.state, '2026-11-16', false).bonuses.filter((b) => b.kind === 'cumulative')).toEqual([]);
  });

  test('paysBase false: a make-up pays only bonuses it newly reaches', () => {
    const r2 = rule({ makeUp: { ...r.makeUp, paysBase: false } });
    expect(planSignin(r2, s0, '2026-11-22', true).points).toBe(0);
  });
});

describe('state stays small', () => {
  test('months older than ~13 are dropped; paid milestones older than 62 days too', () => {
    let s = emptyState('2024-01-01');
    for (const d of range('2024-01-01', 800).filter((_, i) => i % 5 === 0)) s = planSignin(rule(), s, d, false).state;
    expect(Object.keys(s.m).length).toBeLessThanOrEqual(15);
    expect(JSON.stringify(s).length).toBeLessThan(700);
    s = withDay(s, '2026-03-11', false);
    expect(isSigned(s, '2026-03-11')).toBe(true);
  });
});

describe('tasks', () => {
  test('the operator cannot create a share / follow task, nor condition a review on its rating', () => {
    for (const event of ['share', 'followOfficialAccount', '分享']) {
      const r = taskRuleSchema.safeParse({ event, period: 'once', target: 1, points: 10, claim: 'auto' });
      expect(r.success).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toContain('诱导分享');
    }
    const rated = taskRuleSchema.safeParse({ event: 'scan', period: 'once', target: 1, points: 10, claim: 'auto', minRating: 5 });
    expect(JSON.stringify(rated.error?.issues)).toContain('不能以评分或评价内容为条件');
    expect(taskRuleSchema.safeParse({ event: 'scan', period: 'week', target: 3, points: 30, claim: 'button' }).success).toBe(true);
  });

  test('pays only when done; periods in Shanghai days, ISO weeks, months', () => {
    const r = { event: 'scan' as const, period: 'week' as const, target: 3, points: 30, claim: 'button' as const };
    expect(taskRule.evaluate(r, { event: { count: 2 }, counters: {}, tier: '', now: new Date() }).points).toBe(0);
    expect(taskRule.evaluate(r, { event: { count: 3 }, counters: {}, tier: '', now: new Date() })).toEqual({ points: 30, why: '任务奖励 30' });
    // Named, the reason says which task paid (积分明细 names what each row was for).
    expect(taskRule.evaluate(r, { event: { count: 3, name: '本周扫码 3 次' }, counters: {}, tier: '', now: new Date() }).why).toBe('任务「本周扫码 3 次」奖励 30');
    expect(periodKey('week', '2026-11-29')).toBe('2026-W48');
    expect(periodKey('day', '2026-11-29')).toBe('2026-11-29');
    expect(periodKey('once', '2026-11-29')).toBe('once');
    expect(periodStart('week', '2026-11-29')!.toISOString()).toBe('2026-11-22T16:00:00.000Z'); // Monday 23 Nov, Shanghai
    expect(periodStart('month', '2026-11-29')!.toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });
});
