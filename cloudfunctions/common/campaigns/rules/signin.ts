// Daily sign-in (docs/earn.md#sign-in): a campaign of kind `signin`. Pure: the member's sign-in
// state (month bitmasks kept on their points account) + the rule + a day → what the sign-in pays
// and the state after it. No I/O.
//
// Why the rules are what they are (earn-play-ops-peers.md §1.1):
// - The streak is counted from the days signed (the bits), never from "was there a record
//   yesterday", so a make-up, a midnight or a month/year end cannot miscount it.
// - Bonuses add to the base (never replace it).
// - No cycle exploit: each streak bonus pays at most once per cycle (week / month), and in a
//   rolling cycle at most once per L days (L = the ladder's length) — so breaking a streak never
//   earns more than keeping it: a member who keeps signing gets every rung every L days, one who
//   skips the day before a big bonus to restart the ladder gets it no more often.
// - A make-up (补签) pays the base (if the operator says so) and the cumulative bonuses it newly
//   reaches, never a streak bonus; every milestone is recorded in `paid` under its cycle, so no
//   make-up (or anything else) can pay one twice.
import { z } from 'zod';
import { isoWeek } from '../counters';
import { multiplied, NO_TIER, tierWhy, type TierInput } from '../tier';
import type { RuleModule } from './index';

export const CYCLES = ['rolling', 'week', 'month'] as const;
export type Cycle = (typeof CYCLES)[number];

const points = z.number().int().min(1).max(100_000);

export const signinRuleSchema = z
  .object({
    /** rolling: the streak runs on across weeks and months; week / month: it restarts every Monday / 1st. */
    cycle: z.enum(CYCLES),
    basePoints: points,
    /** Streak bonuses: on the Nth consecutive day (N ≥ 2), added to the base. */
    streakBonuses: z.array(z.object({ day: z.number().int().min(2).max(31), points }).strict()).max(10).default([]),
    /** Cumulative bonuses: on reaching N days signed in the cycle's period (the week for `week`, else the month). */
    cumulativeBonuses: z.array(z.object({ days: z.number().int().min(1).max(31), points }).strict()).max(10).default([]),
    makeUp: z
      .object({
        enabled: z.boolean(),
        /** How far back a missed day may be made up (yesterday = 1). */
        windowDays: z.number().int().min(1).max(7),
        /** Make-ups per calendar month (counted by the month they are done in). */
        perMonth: z.number().int().min(0).max(10),
        /** Points a make-up costs (0 = free); a make-up card pays it instead when the member has one. */
        costPoints: z.number().int().min(0).max(100_000),
        /** Whether a made-up day pays the base points (cumulative bonuses it reaches pay either way). */
        paysBase: z.boolean(),
      })
      .strict()
      .default({ enabled: false, windowDays: 1, perMonth: 0, costPoints: 0, paysBase: false }),
  })
  .strict()
  .superRefine((r, ctx) => {
    const days = r.streakBonuses.map((b) => b.day);
    if (new Set(days).size !== days.length) ctx.addIssue({ code: 'custom', message: '连签奖励的天数不能重复', path: ['streakBonuses'] });
    if (r.cycle === 'week' && days.some((d) => d > 7)) ctx.addIssue({ code: 'custom', message: '按周重置时连签天数不能超过 7', path: ['streakBonuses'] });
    const cum = r.cumulativeBonuses.map((b) => b.days);
    if (new Set(cum).size !== cum.length) ctx.addIssue({ code: 'custom', message: '累计奖励的天数不能重复', path: ['cumulativeBonuses'] });
    if (r.cycle === 'week' && cum.some((d) => d > 7)) ctx.addIssue({ code: 'custom', message: '按周重置时累计天数不能超过 7', path: ['cumulativeBonuses'] });
  });

export type SigninRule = z.infer<typeof signinRuleSchema>;

/**
 * A member's sign-in state, on their points account (`accounts.signin`), written only in the
 * transaction of a sign-in's or make-up's ledger operation.
 */
export interface SigninState {
  /** The member's first day (they joined): nothing before it can be made up. */
  first: string;
  /** Per month `YYYY-MM`: [signed days, of which made up] as bitmasks (bit 0 = the 1st). Kept ~13 months. */
  m: Record<string, [number, number]>;
  /** Make-ups done in a month: [YYYY-MM, count]. */
  mk?: [string, number];
  /** Milestones paid: key → the day paid. `s<N>` (rolling) / `s<N>@<cycle>` / `c<N>@<period>`. Pruned after 62 days. */
  paid: Record<string, string>;
  /** Make-up cards held (won elsewhere; spent instead of points). */
  cards?: number;
}

export const STATE_FIELD = 'signin';
export const emptyState = (first: string): SigninState => ({ first, m: {}, paid: {} });

// --- days -----------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
const dom = (day: string) => Number(day.slice(8, 10));
const month = (day: string) => day.slice(0, 7);
const isMonday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay() === 1;

export function isSigned(s: SigninState, day: string): boolean {
  const mm = s.m[month(day)];
  return !!mm && ((mm[0] >>> (dom(day) - 1)) & 1) === 1;
}

export function isMadeUp(s: SigninState, day: string): boolean {
  const mm = s.m[month(day)];
  return !!mm && ((mm[1] >>> (dom(day) - 1)) & 1) === 1;
}

/** The state with `day` signed (made up or not); past months beyond ~13 dropped. */
export function withDay(s: SigninState, day: string, madeUp: boolean): SigninState {
  const key = month(day);
  const [signed, made] = s.m[key] ?? [0, 0];
  const bit = 1 << (dom(day) - 1);
  const m: Record<string, [number, number]> = { ...s.m, [key]: [(signed | bit) >>> 0, madeUp ? (made | bit) >>> 0 : made] };
  const oldest = month(addDays(day, -400));
  for (const k of Object.keys(m)) if (k < oldest) delete m[k];
  return { ...s, m };
}

/** When a cycled streak restarts: Mondays (week), the 1st (month), never (rolling). */
const restarts = (cycle: Cycle, day: string) => (cycle === 'week' ? isMonday(day) : cycle === 'month' ? dom(day) === 1 : false);

/** Consecutive signed days ending at `day` (0 if `day` is not signed), within the cycle. */
export function streakAt(s: SigninState, day: string, cycle: Cycle): number {
  let n = 0;
  for (let d = day; isSigned(s, d); d = addDays(d, -1)) {
    n++;
    if (restarts(cycle, d) || n > 400) break;
  }
  return n;
}

/** The cycle's period a day falls in, for cumulative counts and cycled milestones. */
export const periodOf = (cycle: Cycle, day: string) => (cycle === 'week' ? isoWeek(day) : month(day));

/** Days signed in the period of `day` up to and including `day`'s period end (the whole period). */
export function countInPeriod(s: SigninState, cycle: Cycle, day: string): number {
  if (cycle !== 'week') {
    const mm = s.m[month(day)];
    return mm ? popcount(mm[0]) : 0;
  }
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  let n = 0;
  for (let i = 0; i < 7; i++) if (isSigned(s, addDays(day, i - dow))) n++;
  return n;
}

const popcount = (x: number) => {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
};

/** The ladder's length in a rolling cycle: its longest rung. */
const ladderLength = (r: SigninRule) => Math.max(0, ...r.streakBonuses.map((b) => b.day));

// --- what one sign-in pays -----------------------------------------------------------------

export interface SigninPlan {
  day: string;
  makeUp: boolean;
  /** After it. */
  streak: number;
  /** Days signed in the cycle's period after it. */
  cumulative: number;
  base: number;
  bonuses: { key: string; kind: 'streak' | 'cumulative'; n: number; points: number }[];
  multiplier: number;
  /** (base + bonuses) × the tier's multiplier, floored. */
  points: number;
  /** Chinese, kept on the credit: "签到第 7 天 · 基础 5 + 连签奖励 20". */
  why: string;
  state: SigninState;
}

/**
 * A sign-in (or make-up) of `day` on state `s`. The caller has checked the day is not signed and
 * (for a make-up) is allowed; this decides only what it pays and the state after.
 */
/** `tier`: the member's tier and its sign-in multiplier, as the earn path read it (plain input). */
export function planSignin(rule: SigninRule, s: SigninState, day: string, makeUp: boolean, tier: TierInput = NO_TIER): SigninPlan {
  let state = withDay(s, day, makeUp);
  const streak = streakAt(state, day, rule.cycle);
  const period = periodOf(rule.cycle, day);
  const cumulative = countInPeriod(state, rule.cycle, day);
  const bonuses: SigninPlan['bonuses'] = [];
  if (!makeUp) {
    // Rolling: the ladder repeats every L days of an unbroken streak; each rung at most once per L days.
    const L = ladderLength(rule);
    const rung = rule.cycle === 'rolling' && L ? ((streak - 1) % L) + 1 : streak;
    const b = rule.streakBonuses.find((x) => x.day === rung);
    if (b) {
      const key = rule.cycle === 'rolling' ? `s${b.day}` : `s${b.day}@${period}`;
      const last = state.paid[key];
      const fresh = rule.cycle === 'rolling' ? !last || daysBetween(last, day) >= L : !last;
      if (fresh) bonuses.push({ key, kind: 'streak', n: b.day, points: b.points });
    }
  }
  for (const c of [...rule.cumulativeBonuses].sort((x, y) => x.days - y.days)) {
    const key = `c${c.days}@${period}`;
    if (c.days <= cumulative && !state.paid[key]) bonuses.push({ key, kind: 'cumulative', n: c.days, points: c.points });
  }
  const base = makeUp && !rule.makeUp.paysBase ? 0 : rule.basePoints;
  const multiplier = tier.multiplier;
  const raw = base + bonuses.reduce((t, b) => t + b.points, 0);
  const points = multiplied(raw, multiplier);
  const paid = { ...state.paid };
  for (const k of Object.keys(paid)) if (daysBetween(paid[k], day) > 62) delete paid[k];
  for (const b of bonuses) paid[b.key] = day;
  state = { ...state, paid };
  return { day, makeUp, streak, cumulative, base, bonuses, multiplier, points, why: explain(makeUp, day, streak, base, bonuses, tier), state };
}

function explain(makeUp: boolean, day: string, streak: number, base: number, bonuses: SigninPlan['bonuses'], tier: TierInput): string {
  const parts = [base ? `基础 ${base}` : '', ...bonuses.map((b) => (b.kind === 'streak' ? `连签奖励 ${b.points}` : `累计 ${b.n} 天奖励 ${b.points}`))].filter(Boolean);
  const head = makeUp ? `补签 ${Number(day.slice(5, 7))}月${dom(day)}日` : `签到第 ${streak} 天`;
  return `${head} · ${parts.join(' + ') || '无奖励'}${tierWhy(tier)}`;
}

/** The next bonus a member reaches by signing on without a break from `today`: "再签 2 天得 50 积分" (× the tier's multiplier, as it will be paid). */
export function nextBonus(rule: SigninRule, s: SigninState, today: string, tier: TierInput = NO_TIER): { inDays: number; points: number; kind: 'streak' | 'cumulative' } | null {
  let state = s;
  const start = isSigned(s, today) ? 1 : 0;
  for (let i = start; i <= 31; i++) {
    const day = addDays(today, i);
    const plan = planSignin(rule, state, day, false);
    const bonus = plan.bonuses.reduce((t, b) => t + b.points, 0);
    if (bonus > 0) return { inDays: i + 1 - start, points: multiplied(bonus, tier.multiplier), kind: plan.bonuses[0].kind };
    state = plan.state;
  }
  return null;
}

/** Why a make-up of `day` on `today` is refused (an error code), or null. */
export function makeUpProblem(rule: SigninRule, s: SigninState, day: string, today: string): 'MAKEUP_DISABLED' | 'MAKEUP_NOT_PAST' | 'MAKEUP_BEFORE_JOIN' | 'MAKEUP_OUT_OF_WINDOW' | 'MAKEUP_DAY_SIGNED' | 'MAKEUP_LIMIT' | null {
  if (!rule.makeUp.enabled) return 'MAKEUP_DISABLED';
  if (day >= today) return 'MAKEUP_NOT_PAST';
  if (day < s.first) return 'MAKEUP_BEFORE_JOIN';
  if (daysBetween(day, today) > rule.makeUp.windowDays) return 'MAKEUP_OUT_OF_WINDOW';
  if (isSigned(s, day)) return 'MAKEUP_DAY_SIGNED';
  if (makeUpsIn(s, today) >= rule.makeUp.perMonth) return 'MAKEUP_LIMIT';
  return null;
}

export const makeUpsIn = (s: SigninState, today: string) => (s.mk && s.mk[0] === month(today) ? s.mk[1] : 0);
export const withMakeUpCounted = (s: SigninState, today: string): SigninState => ({ ...s, mk: [month(today), makeUpsIn(s, today) + 1] });

export interface SigninEvent {
  plan: SigninPlan;
}

export const signinRule: RuleModule<SigninRule, SigninEvent> = {
  kind: 'signin',
  schema: signinRuleSchema as unknown as z.ZodType<SigninRule>,
  // The plan is computed from the member's state by planSignin (the earn re-checks that state in
  // its transaction); the campaign's caps then apply to its points like any kind's.
  evaluate(_rule, { event }) {
    return { points: event.plan.points, why: event.plan.why };
  },
};
