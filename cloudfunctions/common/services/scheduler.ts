// The jobs function's timer fires every 5 minutes (a function has one timer trigger). Each tick:
// releases holds whose time is up, then does the daily work once it is due — at or after 00:10
// Asia/Shanghai — within a time budget that keeps the run inside the function's timeout. Daily work
// that does not finish in one tick is checkpointed and continues on the next.
import { runExpiry } from '../ledger/expiry-job';
import { runReminders } from '../ledger/reminder-jobs';
import { sendSigninReminders } from '../earn/reminders';
import { releaseExpiredHolds } from '../ledger/service';
import { sweepOrders } from '../mall/orders';
import { postDueOrders } from '../orders/service';
import { closeDueCycles } from '../tiers/service';
import { postActivityGrowth, type ActivityGrowthResult } from '../tiers/activity';
import { creditBirthdays } from '../earn/birthday';
import { sendKeepReminders } from '../tiers/reminders';
import { getDb } from '../cloud';
import { AppError } from '../errors';
import { isCalendarDay, shanghaiDay, shanghaiDayStart } from '../time';
import { rollupMembers } from './rollups';
import { runRetention, type RetentionResult } from '../privacy/retention';
import { refreshCases } from '../risk/queue';

const DAY_MS = 86_400_000;
export const DAILY_AT_MS = 10 * 60_000; // 00:10 Shanghai
/** Work per tick; the function's timeout is set to 20 s in config (docs/deploy.md). */
export const TICK_BUDGET_MS = 8_000;
/** Of it, for the growth of scans and sign-ins (a page in flight finishes). */
export const GROWTH_BUDGET_MS = 2_000;

export interface TickResult {
  holdsReleased: number;
  /** Mall orders not paid in time (cancelled: hold released, stock returned), interrupted redemptions (failed) and paid deliveries cut short (finished). */
  orders: { ordersTimedOut: number; ordersFailed: number; ordersResumed: number };
  /** The brand's orders whose return window passed: pending points posted (docs/orders.md). */
  earnings: { posted: number; failed: number };
  /** Growth value of settled scans and sign-ins (docs/tiers.md#growth-from-scans-and-sign-ins). */
  growth: ActivityGrowthResult;
  daily: DailyResult | 'not-due' | 'done-earlier';
  /** Sign-in reminders (from 20:00 Shanghai, docs/earn.md#reminder). */
  signinReminders: { sent: number } | 'not-due';
  /**
   * 风控审核's queue brought up to date from the facts (docs/risk.md#the-queue): reads never refresh
   * it. A refresh that fails says so and the tick goes on (the next tick or 立即更新 catches up).
   */
  risk: { created: number; updated: number; events: number } | { failed: string };
}

export interface DailyResult {
  day: string;
  expiry: { status: string; members: number; points: number };
  reminders?: { created: number };
  members?: { day: string; newMembers: number; totalMembers: number };
  /** Personal data past its time, removed or masked (docs/privacy.md#how-long-data-is-kept). */
  retention?: RetentionResult;
  /** Member tier cycles that ended: closed (kept or one level down, docs/tiers.md). */
  tiers?: { closed: number };
  /** Birthday points of the members whose birthday is the day (docs/tiers.md#birthday). */
  birthdays?: { credited: number; points: number };
  /** Tier keep reminders sent as subscribe messages (docs/tiers.md#keep-reminder). */
  tierReminders?: { sent: number };
}

export async function tick(now = new Date(), budgetMs = TICK_BUDGET_MS): Promise<TickResult> {
  const started = Date.now();
  // Orders first: their sweep releases their own holds with the order's reason and returns stock.
  const orders = await sweepOrders(now);
  const holdsReleased = await releaseExpiredHolds(now);
  const signinReminders = await sendSigninReminders(now);
  const earnings = await postDueOrders(now);
  const growth = await postActivityGrowth(now, GROWTH_BUDGET_MS);
  // Derived data: its failure must not hold up the daily work (expiry) behind it.
  const risk = await refreshCases(now).then(
    ({ created, updated, events }) => ({ created, updated, events }),
    (e: unknown) => {
      console.error('jobs tick: the risk queue refresh failed', e);
      return { failed: (e as { code?: string }).code ?? 'INTERNAL' };
    },
  );
  const day = shanghaiDay(now);
  if (+now < +shanghaiDayStart(day) + DAILY_AT_MS) return { holdsReleased, orders, earnings, growth, signinReminders, risk, daily: 'not-due' };
  const { data: done } = await getDb().collection('jobRuns').doc(`daily:${day}`).get();
  if (done && (done as { status?: string }).status === 'done') return { holdsReleased, orders, earnings, growth, signinReminders, risk, daily: 'done-earlier' };
  return { holdsReleased, orders, earnings, growth, signinReminders, risk, daily: await runDaily(day, now, Math.max(1000, budgetMs - (Date.now() - started))) };
}

/**
 * The daily work for Shanghai `day`: expire lots due by the day's start, send reminders, roll up
 * yesterday's members. Safe to run any number of times; marks `daily:<day>` done when complete.
 */
export async function runDaily(day: string, now = new Date(), budgetMs = TICK_BUDGET_MS): Promise<DailyResult> {
  // Checked here too, before anything is written: a day that has not begun in Shanghai would expire
  // lots that are still live and be marked done before it starts.
  if (!isCalendarDay(day)) throw new AppError('BAD_REQUEST', `day: not a calendar day: ${day}`);
  if (day > shanghaiDay(now)) throw new AppError('BAD_REQUEST', `day: ${day} is after today (${shanghaiDay(now)}, Asia/Shanghai)`);
  const db = getDb();
  const runs = db.collection('jobRuns');
  const runId = `daily:${day}`;
  const { data: existing } = await runs.doc(runId).get();
  if (!existing) await runs.doc(runId).set({ data: { job: 'daily', day, status: 'running', startedAt: now } });
  const expiry = await runExpiry(day, shanghaiDayStart(day), budgetMs);
  const result: DailyResult = { day, expiry: { status: expiry.status, members: expiry.members, points: expiry.points } };
  if (expiry.status !== 'done') return result;
  result.reminders = await runReminders(now);
  result.members = await rollupMembers(shanghaiDay(+shanghaiDayStart(day) - DAY_MS), now);
  result.retention = await runRetention(now);
  result.tiers = await closeDueCycles(now);
  // After the cycles close: the tier the member has on the day pays.
  result.birthdays = await creditBirthdays(day, now);
  result.tierReminders = await sendKeepReminders(now);
  await runs.doc(runId).update({ data: { status: 'done', finishedAt: new Date() } });
  return result;
}
