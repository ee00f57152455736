// The task centre (docs/earn.md#tasks): each live campaign of kind `task` is a task. Progress is
// counted from facts the server itself recorded — ledger entries of scans / mall redemptions /
// brand orders, the member's profile, the sign-in days on their account — never from a client
// saying it did something; facts only ever grow, so counting them outside a transaction is safe.
// A claim is ONE earn under the task's campaign keyed `task:<member>:<task>:<period>` (once per
// period whatever the taps), with the campaign's caps and budget; `auto` tasks are claimed by the
// task centre as soon as it sees them done, `button` ones by 领取.
import { getDb } from '../cloud';
import { isoWeek } from '../campaigns/counters';
import type { Counters } from '../campaigns/counters';
import { earn } from '../campaigns/credit';
import { isLive } from '../campaigns/earn';
import type { Campaign } from '../campaigns/model';
import { countInPeriod, emptyState, isSigned, STATE_FIELD, addDays, type SigninState } from '../campaigns/rules/signin';
import { groupOf, TASK_EVENTS, type TaskEvent, type TaskPeriod, type TaskRule } from '../campaigns/rules/task';
import { tierSource, type TierInput } from '../campaigns/tier';
import { AppError } from '../errors';
import type { Entry } from '../ledger/model';
import { readEntry } from '../ledger/service';
import { COLLECTIONS as CODES } from '../codes/model';
import { MALL } from '../mall/model';
import { defaultNickname, type MemberDoc } from '../services/members';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { liveCampaigns } from './live';
import { readMember } from './member';
import { withCards } from './signin';
import { grantAfterPayment } from '../play/grants';
import { countReviews } from '../orders/reviews';

/** The period key a task's progress and claim belong to at `today`. */
export function periodKey(period: TaskPeriod, today: string): string {
  return period === 'once' ? 'once' : period === 'day' ? today : period === 'week' ? isoWeek(today) : today.slice(0, 7);
}

/** The first instant of the period (null = all time). */
export function periodStart(period: TaskPeriod, today: string): Date | null {
  if (period === 'once') return null;
  if (period === 'day') return shanghaiDayStart(today);
  if (period === 'week') return shanghaiDayStart(addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7)));
  return shanghaiDayStart(`${today.slice(0, 7)}-01`);
}

export const taskKey = (member: string, task: string, period: string) => `task:${member}:${task}:${period}`;

/** Mall orders that count as a redemption: paid for (points taken), not cancelled or failed. */
const REDEEMED = ['toShip', 'shipped', 'completed'];

interface Facts {
  member: MemberDoc | null;
  signin: SigninState;
  counters: Counters;
  account: Record<string, unknown> | null;
  /** The member's tier and its earning multiplier (plain input to the task rule). */
  tier: TierInput;
}

/** The member, their account's sign-in state and counters, and their tier: one request (member.ts). */
async function readFacts(member: string): Promise<Facts> {
  const { member: m, account, tier } = await readMember(member, 'earn');
  return {
    member: m,
    tier,
    signin: (account[STATE_FIELD] as SigninState) ?? emptyState(shanghaiDay(new Date(account.createdAt as Date))),
    counters: (account.counters as Counters) ?? {},
    account,
  };
}

/** The member's count of the task's event in its current period. */
async function countOf(member: string, rule: TaskRule, facts: Facts, today: string): Promise<number> {
  const m = facts.member;
  switch (rule.event) {
    case 'register':
      return m ? 1 : 0;
    case 'profile':
      // A profile saved by the member: a nickname of their own.
      return m && m.nickname && m.nickname !== defaultNickname(member) ? 1 : 0;
    case 'phone':
      return m?.phone ? 1 : 0;
    case 'signin': {
      const s = facts.signin;
      if (rule.period === 'day') return isSigned(s, today) ? 1 : 0;
      if (rule.period === 'week') return countInPeriod(s, 'week', today);
      if (rule.period === 'month') return countInPeriod(s, 'month', today);
      return Object.values(s.m).reduce((t, [bits]) => t + popcount(bits), 0);
    }
    case 'scan': {
      // Codes the member claimed (a genuine first scan), from the codes' own record.
      const db = getDb();
      const start = periodStart(rule.period, today);
      const where: Record<string, unknown> = { claimedBy: member, ...(start ? { claimedAt: db.command.gte(start) } : {}) };
      return (await db.collection(CODES.codes).where(where).count()).total;
    }
    case 'redeem': {
      const db = getDb();
      const _ = db.command;
      const start = periodStart(rule.period, today);
      const where: Record<string, unknown> = { member, status: _.in(REDEEMED), ...(start ? { createdAt: _.gte(start) } : {}) };
      return (await db.collection(MALL.orders).where(where).count()).total;
    }
    case 'review':
      // Reviews the brand's order system reported (orders.reviewed), one per order; never their rating or content.
      return countReviews(member, periodStart(rule.period, today));
  }
}

const popcount = (x: number) => {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
};

export interface TaskView {
  id: string;
  name: string;
  group: '新手' | '每日' | '每周' | '每月';
  event: TaskEvent;
  eventLabel: string;
  /** Where 去完成 goes. */
  page: string;
  /** How the event is done, when the page alone does not say (a review in the brand's shop). */
  hint?: string;
  target: number;
  progress: number;
  points: number;
  claim: 'auto' | 'button';
  /** Make-up cards given with the points. */
  makeUpCards: number;
  /** Plays of a game pool given with the points, with the pool's name (absent when it is not open now). */
  plays: { pool: string; n: number; name?: string } | null;
  state: 'todo' | 'done' | 'claimed';
  /** Points the member got (when claimed). */
  claimedPoints?: number;
}

async function liveTasks(now: Date): Promise<Campaign[]> {
  return (await liveCampaigns('task')).filter((c) => isLive(c, now)).sort((a, b) => a._id.localeCompare(b._id));
}

/** Which of the keys already have an entry (the ledger's lookup by key, in parallel). */
async function claimed(keys: string[]): Promise<Map<string, Entry>> {
  const entries = await Promise.all(keys.map((k) => readEntry(k)));
  return new Map(entries.filter((e): e is Entry => !!e).map((e) => [e._id, e]));
}

/** The names of the game pools open now, for the plays a task gives (the cached live list: no request when warm). */
async function openPools(tasks: Campaign[], now: Date): Promise<Map<string, string>> {
  if (!tasks.some((t) => (t.rule as TaskRule).plays)) return new Map();
  return new Map((await liveCampaigns('game')).filter((c) => isLive(c, now)).map((c) => [c._id, c.name]));
}

async function views(member: string, tasks: Campaign[], facts: Facts, today: string, now: Date): Promise<TaskView[]> {
  const keys = tasks.map((t) => taskKey(member, t._id, periodKey((t.rule as TaskRule).period, today)));
  const [done, counts, pools] = await Promise.all([claimed(keys), Promise.all(tasks.map((t) => countOf(member, t.rule as TaskRule, facts, today))), openPools(tasks, now)]);
  return tasks.map((t, i) => {
    const r = t.rule as TaskRule;
    const entry = done.get(keys[i]);
    const progress = Math.min(counts[i], r.target);
    return {
      id: t._id,
      name: t.name,
      group: groupOf(r),
      event: r.event,
      eventLabel: TASK_EVENTS[r.event].label,
      page: TASK_EVENTS[r.event].page,
      ...('hint' in TASK_EVENTS[r.event] ? { hint: (TASK_EVENTS[r.event] as { hint: string }).hint } : {}),
      target: r.target,
      progress,
      points: r.points,
      claim: r.claim,
      makeUpCards: r.makeUpCards ?? 0,
      plays: r.plays ? { ...r.plays, ...(pools.has(r.plays.pool) ? { name: pools.get(r.plays.pool) } : {}) } : null,
      state: entry ? 'claimed' : progress >= r.target ? 'done' : 'todo',
      ...(entry ? { claimedPoints: entry.amount } : {}),
    };
  });
}

async function pay(member: string, task: Campaign, facts: Facts, today: string, now: Date, count: number) {
  const r = task.rule as TaskRule;
  const period = periodKey(r.period, today);
  return earn({
    campaign: task,
    member,
    event: { count, tier: facts.tier, name: task.name },
    key: taskKey(member, task._id, period),
    source: { kind: 'task', ref: `${task._id}:${period}`, ...tierSource(facts.tier) } as never,
    now,
    tier: facts.tier.tier,
    counters: facts.counters,
    // Make-up cards the task gives commit with its points, on the account the credit re-read.
    ...(r.makeUpCards ? { alongside: async (_tx: unknown, _seen: unknown, _points: number, account: Parameters<typeof withCards>[0]) => withCards(account, r.makeUpCards!) } : {}),
  });
}

/**
 * The plays a paid task gives, under its claim key: called after every payment and on every
 * "already claimed", so a crash between the points and the plays is completed by the next look.
 */
async function grantTaskPlays(member: string, task: Campaign, today: string, now: Date, retry = false): Promise<number> {
  const r = task.rule as TaskRule;
  if (!r.plays) return 0;
  const key = taskKey(member, task._id, periodKey(r.period, today));
  const g = await grantAfterPayment({ pool: r.plays.pool, member, plays: r.plays.n, source: 'task', key, now }, { ifMissing: retry });
  return g ? r.plays.n : 0;
}

/**
 * The task centre: every live task with its progress; `auto` tasks found done are paid now (unless
 * `pay: false` — 首页's summary only looks).
 */
export async function listTasks(member: string, now = new Date(), o: { pay?: boolean } = {}): Promise<{ items: TaskView[]; paid: { id: string; points: number; plays?: number }[] }> {
  const today = shanghaiDay(now);
  const tasks = await liveTasks(now);
  if (!tasks.length) return { items: [], paid: [] };
  let facts = await readFacts(member);
  let items = await views(member, tasks, facts, today, now);
  const paid: { id: string; points: number; plays?: number }[] = [];
  for (const v of o.pay === false ? [] : items.filter((x) => x.state === 'done' && x.claim === 'auto')) {
    const task = tasks.find((t) => t._id === v.id)!;
    try {
      const r = await pay(member, task, facts, today, now, v.progress);
      if (r.kind === 'earned') paid.push({ id: v.id, points: r.points, ...(task.rule as TaskRule).plays ? { plays: await grantTaskPlays(member, task, today, now) } : {} });
    } catch (e) {
      // A task whose budget or caps ran out stays 已完成 without points; the others still pay.
      if (!(e instanceof AppError)) throw e;
    }
  }
  // A crash between a task's points and its plays: the plays are granted now (one read per claimed task that gives plays).
  if (o.pay !== false) await Promise.all(items.filter((v) => v.state === 'claimed' && v.plays).map((v) => grantTaskPlays(member, tasks.find((t) => t._id === v.id)!, today, now, true)));
  if (paid.length) {
    facts = await readFacts(member);
    items = await views(member, tasks, facts, today, now);
  }
  return { items, paid };
}

/** 领取: pays a done task once per period (and its plays, also completing them on "already claimed"). */
export async function claimTask(member: string, id: string, now = new Date()): Promise<{ id: string; points: number; why: string; plays: number }> {
  const today = shanghaiDay(now);
  const task = (await liveTasks(now)).find((t) => t._id === id);
  if (!task) throw new AppError('NOT_FOUND', `no live task ${id}`);
  const facts = await readFacts(member);
  const rule = task.rule as TaskRule;
  const count = await countOf(member, rule, facts, today);
  const key = taskKey(member, id, periodKey(rule.period, today));
  const alreadyClaimed = async (): Promise<never> => {
    await grantTaskPlays(member, task, today, now);
    throw new AppError('TASK_CLAIMED', '该任务本期奖励已领取');
  };
  if (count < rule.target) {
    // Not done now; but a claim this period already paid answers "claimed", not "not done".
    if ((await claimed([key])).size) await alreadyClaimed();
    throw new AppError('TASK_NOT_COMPLETED', `任务未完成（${count}/${rule.target}）`);
  }
  const r = await pay(member, task, facts, today, now, count).catch((e) => {
    // The key already paid under another version's points.
    if (e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH') return alreadyClaimed();
    throw e;
  });
  if (r.kind === 'replayed') return alreadyClaimed();
  if (r.kind === 'capped') throw new AppError('LIMIT_EXCEEDED', '该任务的奖励已达上限');
  return { id, points: r.points, why: r.why, plays: await grantTaskPlays(member, task, today, now) };
}
