// Demo figures for 数据看板: four weeks of everyday earning by twelve demo members (茶友
// 01…12, registered by the login service 30 days ago; never the personas, whose pages must add up on
// their own), a few of today's scans of the demo batch from two provinces (through the real
// `codes.scan`), then the metrics roll-up of every closed day — as the jobs timer would have done
// each morning. The four weeks are real sign-ins and claims of 今日签到 through the services, each
// with the clock of its day (a function takes its time from the clock), so every member's calendar,
// task list and 积分明细 agree.
import { signIn } from '../../cloudfunctions/common/earn/signin';
import { claimTask } from '../../cloudfunctions/common/earn/tasks';
import { login } from '../../cloudfunctions/common/services/members';
import { runLedgerRollup } from '../../cloudfunctions/common/metrics/rollup';
import { shanghaiDayStart, shanghaiDay } from '../../cloudfunctions/common/time';
import type { Runner } from '../runtime/runner';
import { DEMO_BATCH } from './codes';
import { GUANGZHOU, HANGZHOU } from './places';

const DAY = 86_400_000;

/** A small deterministic sequence (the same demo on every machine). */
function sequence(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The dashboard's demo members: registered like anyone, kept apart from the personas. */
export const DASHBOARD_MEMBERS = Array.from({ length: 12 }, (_, i) => ({
  openid: `oLOCAL-demo-tea-${String(i + 1).padStart(2, '0')}`,
  nickname: `茶友${String(i + 1).padStart(2, '0')}`,
}));

export async function seedDashboard(runner: Runner, now: Date): Promise<void> {
  // Registered (by the login service, at that time) before their first points, four weeks and more ago.
  const joinedAt = new Date(+shanghaiDayStart(shanghaiDay(now)) - 30 * DAY);
  for (const m of DASHBOARD_MEMBERS) {
    await login(m.openid, joinedAt);
    await runner.callAsMember('user', { action: 'updateProfile', nickname: m.nickname }, m.openid);
  }
  const shoppers = DASHBOARD_MEMBERS.map((m) => m.openid);
  const rnd = sequence(2611);
  const today = shanghaiDayStart(shanghaiDay(now));
  for (let d = 28; d >= 1; d--) {
    const start = +today - d * DAY;
    // Up to seven of them sign in each day; about a third then claim 今日签到. Spending in the
    // figures is the personas' real redemptions (and today's), never a made-up order.
    const signers = shoppers.filter(() => rnd() < 0.45).slice(0, 7);
    for (const [n, member] of signers.entries()) {
      const at = new Date(start + (8 + n * 2) * 3_600_000 + Math.floor(rnd() * 3_600_000));
      await signIn(member, { now: at });
      if (rnd() < 0.35) await claimTask(member, 'task-daily-signin', new Date(+at + 60_000));
    }
  }
  // Today: scans of the demo batch's last codes (sold anywhere), a repeat, from Hangzhou and Guangzhou.
  const codes = (runner.engine.dump('codes') as { _id: string; batch: string; seq: number }[]).filter((c) => c.batch === DEMO_BATCH && c.seq >= 17).sort((a, b) => a.seq - b.seq);
  for (const [i, c] of codes.entries()) {
    await runner.callAsMember('codes', { action: 'scan', code: c._id, location: i === 1 ? GUANGZHOU : HANGZHOU }, shoppers[i % shoppers.length]);
  }
  if (codes[0]) await runner.callAsMember('codes', { action: 'scan', code: codes[0]._id, location: HANGZHOU }, shoppers[1]);
  await runLedgerRollup(now, 60_000);
}
