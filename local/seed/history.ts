// The personas' past, replayed through the real services with the clock of the day it happened
// (issue 14 §2: the seed writes only through the real functions). A scan is `codes/scan.ts` on a
// real code, so the code shows its claimant and 积分明细 names the product; a sign-in is the sign-in
// service, so the calendar and the ledger agree; a task reward is a claim of a live task whose
// progress the scans made; a spend is a real mall order. Nothing is written to the ledger directly
// (test/integration/demo-seed.test.ts checks each entry against its record).
import { scan } from '../../cloudfunctions/common/codes/scan';
import { signIn } from '../../cloudfunctions/common/earn/signin';
import { claimTask } from '../../cloudfunctions/common/earn/tasks';
import { redeem } from '../../cloudfunctions/common/mall/redeem';
import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';
import type { Runner } from '../runtime/runner';
import { AUTUMN_BATCH, DEMO_BATCH, EARLY_BATCH } from './codes';
import { findPersona } from './personas';
import { HANGZHOU, SHANGHAI, type Place } from './places';

const DAY = 86_400_000;
const MINUTE = 60_000;


type Step = { daysAgo: number; minute?: number } & (
  /** A real scan of code number `seq` of the batch, from `place` (none: the member refused the location). */
  | { scan: string; seq: number; place?: Place }
  | { signin: true }
  /** A claim of a live task whose target the member's own scans or sign-ins reached. */
  | { task: string }
  /** A real mall redemption (points only) on that day: its order, its ledger row, its stock. */
  | { redeem: string; quantity: number }
);

const ADDRESSES: Record<string, { name: string; phone: string; province: string; city: string; district: string; detail: string }> = {
  carol: { name: '陈阿姨', phone: '13900139000', province: '上海市', city: '上海市', district: '徐汇区', detail: '天钥桥路 100 弄 6 号' },
};

/**
 * alice: 50 + 30 + 50 + 50 = 180 by 44 days ago; −150 on three drink cards (20 days ago, from the
 * soonest-expiring lots: 30 left); 2 × 80 under 秋茶品鉴季 (10 days ago, a fixed expiry 5 days from
 * now: what 即将过期 shows); signed in 6 days running (5 + 5 + 15 + 5 + 5 + 5 = 40, today not yet);
 * one more can 3 days ago (50). 30 + 160 + 40 + 50 = 280.
 */
export const HISTORY: Record<string, Step[]> = {
  alice: [
    { daysAgo: 46, scan: EARLY_BATCH, seq: 0, place: HANGZHOU },
    { daysAgo: 46, minute: 2, task: 'task-first-scan' },
    { daysAgo: 45, scan: EARLY_BATCH, seq: 1, place: HANGZHOU },
    { daysAgo: 44, scan: EARLY_BATCH, seq: 2, place: HANGZHOU },
    { daysAgo: 20, redeem: 'drink-card', quantity: 3 },
    { daysAgo: 10, scan: AUTUMN_BATCH, seq: 0, place: HANGZHOU },
    { daysAgo: 10, minute: 1, scan: AUTUMN_BATCH, seq: 1, place: HANGZHOU },
    ...[6, 5, 4, 3, 2, 1].map((daysAgo) => ({ daysAgo, signin: true as const })),
    { daysAgo: 3, minute: 30, scan: DEMO_BATCH, seq: 1, place: HANGZHOU },
  ],
  // bob (new): one can two days ago, his location refused; his sign-ins are local/seed/earn.ts's.
  bob: [{ daysAgo: 2, scan: DEMO_BATCH, seq: 13 }],
  // carol (likes the mall): six cans over two months and the first-scan reward, 330; a cup and two
  // drink cards 12 days ago (300). Today's claim of the demo batch's code #0 is local/seed/codes.ts's.
  carol: [
    { daysAgo: 60, scan: EARLY_BATCH, seq: 3, place: SHANGHAI },
    { daysAgo: 60, minute: 1, scan: EARLY_BATCH, seq: 4, place: SHANGHAI },
    { daysAgo: 60, minute: 5, task: 'task-first-scan' },
    { daysAgo: 41, scan: EARLY_BATCH, seq: 5, place: SHANGHAI },
    { daysAgo: 41, minute: 1, scan: EARLY_BATCH, seq: 6, place: SHANGHAI },
    { daysAgo: 25, scan: EARLY_BATCH, seq: 7, place: SHANGHAI },
    { daysAgo: 25, minute: 1, scan: EARLY_BATCH, seq: 8, place: SHANGHAI },
    { daysAgo: 12, redeem: 'tea-cup', quantity: 1 },
    { daysAgo: 12, minute: 1, redeem: 'drink-card', quantity: 2 },
  ],
};

/** Replays every persona's history, each step at 10:00 + `minute` (Shanghai) of its day. */
export async function seedHistory(runner: Runner, now: Date): Promise<void> {
  const codes = runner.engine.dump('codes') as { _id: string; batch: string; seq: number }[];
  const codeOf = (batch: string, seq: number) => {
    const c = codes.find((x) => x.batch === batch && x.seq === seq);
    if (!c) throw new Error(`seeding history: batch ${batch} has no code #${seq}`);
    return c._id;
  };
  for (const [id, steps] of Object.entries(HISTORY)) {
    const member = findPersona(id)!.openid;
    for (const [i, step] of steps.entries()) {
      const at = atTen(now, step.daysAgo, step.minute ?? 0);
      const what = `seeding ${id}'s history, step ${i}`;
      if ('scan' in step) {
        const r = await scan({ openid: member, clientIp: '127.0.0.1' }, { code: codeOf(step.scan, step.seq), location: step.place }, at);
        if (r.outcome !== 'earned') throw new Error(`${what}: the scan answered ${r.outcome}`);
      } else if ('signin' in step) {
        const r = await signIn(member, { now: at });
        if (r.already) throw new Error(`${what}: already signed in`);
      } else if ('task' in step) {
        await claimTask(member, step.task, at);
      } else {
        const address = ADDRESSES[id] ?? null;
        await redeem({ member, item: step.redeem, quantity: step.quantity, clientKey: `seed-${id}-${i}`, address, now: at });
        if (address) await runner.callAsMember('mall', { action: 'saveAddress', address }, member);
      }
    }
  }
}

/** 10:00 (Asia/Shanghai) plus `minute`, `daysAgo` days before `now`: a step always lies in the past. */
const atTen = (now: Date, daysAgo: number, minute: number) => new Date(+shanghaiDayStart(shanghaiDay(+now - daysAgo * DAY)) + 10 * 3_600_000 + minute * MINUTE);
