// Demo sign-in and tasks (docs/earn.md), made through the real functions as the demo operator: a
// budget, a published sign-in campaign (5 a day, streak bonuses on days 3 and 7, 50 for 15 days in a
// month, make-up within 7 days twice a month for 10 points) and a few tasks. Then bob's last ten days
// of signing in — some days missed, one made up — through the sign-in service with those days'
// clocks, so 签到 has a calendar to show and a missed day to make up.
import { makeUp, signIn } from '../../cloudfunctions/common/earn/signin';
import { shanghaiDay } from '../../cloudfunctions/common/time';
import type { Runner } from '../runtime/runner';
import { atTime } from './clock';
import { findPersona, PERSONAS, SETUP_DAYS_AGO } from './personas';

export const DEMO_SIGNIN = 'signin-daily';

const SIGNIN_RULE = {
  cycle: 'rolling',
  basePoints: 5,
  streakBonuses: [{ day: 3, points: 10 }, { day: 7, points: 30 }],
  cumulativeBonuses: [{ days: 15, points: 50 }],
  makeUp: { enabled: true, windowDays: 7, perMonth: 2, costPoints: 10, paysBase: true },
};

const TASKS = [
  { id: 'task-register', name: '注册成为会员', rule: { event: 'register', period: 'once', target: 1, points: 10, claim: 'auto' } },
  { id: 'task-profile', name: '完善个人资料', rule: { event: 'profile', period: 'once', target: 1, points: 20, claim: 'button' } },
  { id: 'task-first-scan', name: '首次扫码', rule: { event: 'scan', period: 'once', target: 1, points: 30, claim: 'button' } },
  { id: 'task-daily-signin', name: '今日签到', rule: { event: 'signin', period: 'day', target: 1, points: 2, claim: 'button' } },
  { id: 'task-week-scan', name: '本周扫码 3 次', rule: { event: 'scan', period: 'week', target: 3, points: 30, claim: 'button', makeUpCards: 1 } },
  { id: 'task-week-signin', name: '本周签到 5 天', rule: { event: 'signin', period: 'week', target: 5, points: 25, claim: 'button' } },
  // Any genuine review of a brand order counts (reported by the brand's order system; never its rating or content).
  { id: 'task-week-review', name: '本周评价 1 笔订单', rule: { event: 'review', period: 'week', target: 1, points: 15, claim: 'button' } },
];

const DAY = 86_400_000;

export async function seedEarn(runner: Runner, now = new Date()): Promise<void> {
  if (runner.engine.dump('campaigns').some((c) => (c as { _id?: string })._id === DEMO_SIGNIN)) return;
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const call = async (fn: string, data: Record<string, unknown>) => {
    const { result } = await runner.callAsMember(fn, data, ops);
    const r = result as { ok: boolean; data?: any };
    if (!r.ok) throw new Error(`seeding earn: ${fn}.${data.action} → ${JSON.stringify(r)}`);
    return r.data;
  };
  // Published when the brand set up (local/seed/clock.ts), before anyone signed in or did a task.
  await atTime(new Date(+now - SETUP_DAYS_AGO * DAY), async () => {
    await call('points', { action: 'createBudget', id: 'signin-2611', campaign: DEMO_SIGNIN, cap: 1_000_000, shards: 8 });
    await call('admin', { action: 'createCampaign', id: DEMO_SIGNIN, kind: 'signin', name: '每日签到', budget: 'signin-2611', rule: SIGNIN_RULE });
    await call('admin', { action: 'publishCampaign', id: DEMO_SIGNIN });
    for (const t of TASKS) {
      await call('admin', { action: 'createCampaign', id: t.id, kind: 'task', name: t.name, rule: t.rule });
      await call('admin', { action: 'publishCampaign', id: t.id });
    }
  });
  // bob: signed 9, 8, 7, 5, 4 and 2 days ago; 6 days ago made up (on the 4th day ago); today not yet.
  const bob = findPersona('bob')!.openid;
  const at = (daysAgo: number) => new Date(+now - daysAgo * DAY);
  for (const d of [9, 8, 7, 5, 4, 2]) {
    await signIn(bob, { now: at(d) });
    if (d === 4) await makeUp(bob, { day: shanghaiDay(at(6)), now: at(4) });
  }
}
