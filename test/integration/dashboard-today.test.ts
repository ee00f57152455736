// The dashboard's today through the live roll-up's checkpoint (docs/metrics.md#today-so-far): a seeded
// run of every ledger operation through one Shanghai day (credits, scan claims, spends, holds,
// reversals of credits and spends from before and after the checkpoint, expiries, penalties,
// adjusts), with the live roll-up run part-way at random moments as the jobs tick would — cut off by
// its time box and crashed mid-page — then the whole dashboard with the checkpoint equals the
// dashboard without it (today's full live aggregates), and every checkpoint equals the live
// aggregates over the entries it covers.
//   TODAY_SEED=<seed> npx jest test/integration/dashboard-today
import { AsyncLocalStorage } from 'node:async_hooks';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { seededRandom } from '../helpers/random';
import { installEngineSeam } from '../../local/engine/sdk-seam';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { createBudget } from '../../cloudfunctions/common/ledger/budgets';
import { SETTLE_MS } from '../../cloudfunctions/common/ledger/access';
import type { Entry } from '../../cloudfunctions/common/ledger/model';
import { getDb } from '../../cloudfunctions/common/cloud';
import { dashboard } from '../../cloudfunctions/common/metrics/dashboard';
import { kindsList, ratesList, figuresOf } from '../../cloudfunctions/common/metrics/figures';
import { liveActive, liveByCampaign, liveClaims } from '../../cloudfunctions/common/metrics/live';
import { METRICS, type ActiveMarker, type TodayState } from '../../cloudfunctions/common/metrics/model';
import { runLedgerRollup } from '../../cloudfunctions/common/metrics/rollup';
import { scansToAcc, emptyScans } from '../../cloudfunctions/common/metrics/scans';
import { addClaims, runTodayRollup } from '../../cloudfunctions/common/metrics/today';
import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';

const DAY = 86_400_000;
const MIN = 60_000;
const SEEDS = process.env.TODAY_SEED ? [Number(process.env.TODAY_SEED)] : [21, 22, Date.now() % 1_000_000];
const OPS = 'oTodayOps';
const CAMPAIGNS = [
  { _id: 'spring', name: '春季扫码', status: 'published', budget: 'b-spring', kind: 'scan' },
  { _id: 'signin', name: '每日签到', status: 'published', kind: 'signin' },
  { _id: 'old', name: '去年活动', status: 'ended', kind: 'manual' },
];

class Crash extends Error {}
/** Inside a roll-up call: after how many more requests its process "dies", or at its first checkpoint write (after the page's markers). */
const faults = new AsyncLocalStorage<{ left: number; atCheckpoint?: boolean }>();
const isCheckpoint = (action: string, params: Record<string, any>) => action === 'database.modifyDocument' && params.collectionName === 'jobRuns' && String(params.query).includes(METRICS.todayId);
let cloud: TestCloud;

const readState = () => (cloud.engine.dump('jobRuns') as TodayState[]).find((d) => d._id === METRICS.todayId) ?? null;

/** The checkpoint equals the live aggregates over the entries it covers, its active count the markers of its pages. */
async function expectCheckpointExact(day: string) {
  const s = readState()!;
  const w = { from: shanghaiDayStart(day), to: new Date(s.through) };
  // The checkpoint holds no expiry (stamped with the day's start; the dashboard counts them live).
  const [byScope, active, claims] = await Promise.all([liveByCampaign({ ...w, expiry: 'without' }), liveActive(w), liveClaims(w)]);
  const stored = Object.fromEntries(s.acc.map((a) => [a.scope, a]));
  const direct = Object.fromEntries([...byScope].map(([scope, t]) => [scope, { scope, ...figuresOf(t), kinds: kindsList(t), rates: ratesList(t.rates) }]));
  expect(stored).toEqual(direct);
  const sort = <T extends object>(l: T[], k: keyof T) => [...l].sort((a, b) => (String(a[k]) < String(b[k]) ? -1 : 1));
  const c = scansToAcc(addClaims(emptyScans(), claims));
  expect({ b: sort(s.claims.batches, 'batch'), p: sort(s.claims.provinces, 'province') }).toEqual({ b: sort(c.batches, 'batch'), p: sort(c.provinces, 'province') });
  expect(s.active).toBe(active.active);
  const markers = (cloud.engine.dump(METRICS.active) as ActiveMarker[]).filter((m) => m.day === day && m.p <= s.page);
  expect(markers).toHaveLength(s.active);
}

describe.each(SEEDS)('seed %i', (seed) => {
  test("today's figures with the live roll-up's checkpoint equal today's full live aggregates; a cut-off or crashed roll-up resumes exactly", async () => {
    console.log(`dashboard-today seed ${seed} (TODAY_SEED=${seed} npx jest test/integration/dashboard-today)`);
    const rng = seededRandom(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    const pick = <T,>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
    cloud = createTestCloud();
    installEngineSeam(() => ({
      send: async (action: string, params: Record<string, any>) => {
        const f = faults.getStore();
        if (f && (f.left-- <= 0 || (f.atCheckpoint && isCheckpoint(action, params)))) throw new Crash('injected crash');
        return cloud.engine.send(action, params);
      },
    }));
    makeOperator(cloud, OPS);
    const members = Array.from({ length: 40 }, (_x, i) => `oToday${i}`);
    for (const m of members) await cloud.call('user', { action: 'login' }, m);

    const day = shanghaiDay(+shanghaiDayStart(shanghaiDay()) - 3 * DAY);
    const dayStart = +shanghaiDayStart(day);
    const yesterdayStart = dayStart - DAY;
    const t0 = new Date(yesterdayStart + 60 * MIN);
    await createBudget({ id: 'b-spring', campaign: 'spring', cap: 50_000, shards: 4, operator: OPS, now: t0 });
    cloud.engine.insertMany('campaigns', CAMPAIGNS.map((c) => ({ ...c, window: { from: null, to: null }, rule: {}, caps: [], version: 1, draft: null, createdAt: t0, updatedAt: t0 })));
    cloud.engine.insertMany('products', [{ _id: 'tea', name: '高山云雾', image: '', spec: '250g', origin: '安吉', basePoints: 20, createdAt: t0 }]);
    cloud.engine.insertMany('codeBatches', ['B1', 'B2'].map((b) => ({ _id: b, product: 'tea', campaign: 'spring', batchNo: `NO-${b}`, productionDate: '2026-01-01', size: 1000, generated: 1000, keyId: 'k', status: 'active', regions: [], createdAt: t0, createdBy: OPS })));

    let n = 0;
    /** Expiries committed after a checkpoint had passed the day's start (their stamp). */
    let lateExpiries = 0;
    // The expiry run's entry is stamped with the day's start (its cutoff) however late in the day it
    // commits — before or after a checkpoint of the live roll-up.
    const expire = async (m: string) => {
      const checkpointed = readState();
      const r = await ledger.expireMember(m, `expiry:${day}`, new Date(dayStart));
      if (r && !r.replayed && checkpointed && +new Date(checkpointed.through) > dayStart) lateExpiries++;
    };
    const credits: string[] = [];
    const spends: string[] = [];
    const holds: string[] = [];
    const op = async (now: Date, today: boolean) => {
      const m = pick(members);
      // Yesterday's lots expire by today's start (the expiry run takes them) or at moments of today.
      const expiry = () => (today ? { kind: 'rolling' as const, days: int(1, 3) } : { kind: 'fixed' as const, at: new Date(dayStart + (rng() < 0.5 ? -int(1, 180) : int(60, 22 * 60)) * MIN).toISOString() });
      const key = `op${n++}`;
      const roll = rng();
      try {
        if (roll < 0.15) {
          // A scan claim: the code carries its batch and the claiming scan's province (or none).
          const code = `CODE${n}`;
          cloud.engine.insertMany('codes', [{ _id: code, batch: pick(['B1', 'B2']), seq: n, claimedBy: m, claimedAt: now, points: 20, scans: 1, ...(rng() < 0.8 ? { claimProvince: pick(['33', '44']) } : {}) }]);
          await ledger.credit({ member: m, amount: 20, key: `scan:${code}`, source: { kind: 'scan', ref: code }, campaign: 'spring', budget: 'b-spring', expiry: expiry(), now });
          credits.push(`scan:${code}`);
        } else if (roll < 0.35) {
          const c = pick(CAMPAIGNS);
          await ledger.credit({ member: m, amount: int(5, 200), key, source: { kind: pick(['signin', 'task', 'order', 'game']), ref: key }, campaign: c._id, ...(c.budget ? { budget: c.budget } : {}), expiry: expiry(), now });
          credits.push(key);
        } else if (roll < 0.52) {
          await ledger.debit({ member: m, amount: int(1, 120), key, source: { kind: pick(['mall', 'checkout', 'game']), ref: key }, now });
          spends.push(key);
        } else if (roll < 0.58) {
          await ledger.hold({ member: m, amount: int(1, 80), key, source: { kind: 'checkout', ref: key }, ttlSeconds: pick([600, 6 * 3600]), now });
          holds.push(key);
        } else if (roll < 0.63 && holds.length) {
          const h = holds.splice(int(0, holds.length - 1), 1)[0];
          if (rng() < 0.5) spends.push((await ledger.commitHold(h, { now })).entry._id);
          else await ledger.releaseHold(h, { now });
        } else if (roll < 0.75 && (spends.length || credits.length)) {
          // Reversals of credits and spends made before or after the checkpoint.
          const list = rng() < 0.5 && spends.length ? spends : credits.length ? credits : spends;
          const target = list.splice(int(0, list.length - 1), 1)[0];
          const owner = (await ledger.readEntry(target))?.source.kind as Parameters<typeof ledger.reverse>[1]['owner'];
          await ledger.reverse(target, { reason: '撤销', operator: OPS, now, owner });
        } else if (roll < 0.82 && today) {
          // A member's lots past their expiry, as the expiry run takes them (replayed after the run below).
          await expire(m);
        } else if (roll < 0.88) {
          await ledger.penalty({ member: m, amount: int(1, 60), key, reason: '违规', operator: OPS, now });
        } else if (roll < 0.95) {
          const delta = rng() < 0.5 ? int(1, 50) : -int(1, 50);
          const { entry } = await ledger.adjust({ member: m, delta, key, reason: '补偿', operator: OPS, now });
          (delta > 0 ? credits : spends).push(entry._id);
        } else {
          await ledger.releaseExpiredHolds(now);
        }
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (!['INSUFFICIENT_POINTS', 'HOLD_EXPIRED', 'HOLD_NOT_OPEN', 'NOT_REVERSIBLE', 'BUDGET_EXHAUSTED'].includes(code ?? '')) throw e;
      }
    };

    // Yesterday, rolled up the next morning: today is the only live day.
    const before = Array.from({ length: int(15, 25) }, () => yesterdayStart + int(60, 20 * 60) * MIN).sort((a, b) => a - b);
    for (const t of before) await op(new Date(t), false);
    // One member whose lot is certainly due by today's start, for the late expiry run below.
    const late = 'oTodayLate';
    await cloud.call('user', { action: 'login' }, late);
    await ledger.credit({ member: late, amount: 70, key: 'late-lot', source: { kind: 'task', ref: 'late-lot' }, campaign: 'signin', expiry: { kind: 'fixed', at: new Date(dayStart - 30 * MIN).toISOString() }, now: new Date(yesterdayStart + 120 * MIN) });
    expect((await runLedgerRollup(new Date(dayStart + 20 * MIN), 600_000)).status).toBe('done');

    // Today: the tick's live roll-up at random moments, in pieces (time box of 1–3 pages), some crashed mid-page.
    const pageSize = int(2, 7);
    let crashes = 0;
    let cutOff = 0;
    const tick = async (now: Date, whole: boolean) => {
      for (let guard = 0; guard < 2000; guard++) {
        let ticks = 0;
        const roll = rng();
        const fault = roll < 0.2 ? { left: int(0, 12) } : roll < 0.4 ? { left: 1_000_000, atCheckpoint: true } : { left: 1_000_000 };
        try {
          const r = await faults.run(fault, () => runTodayRollup(now, int(2, 4), { clock: () => ticks++, pageSize }));
          if (r.status === 'done') return;
          cutOff++;
          if (!whole && rng() < 0.4) return; // part-way: the next tick goes on
        } catch (e) {
          if (!(e instanceof Crash)) throw e;
          crashes++;
        }
      }
      throw new Error('the live roll-up never finished');
    };
    const times = Array.from({ length: int(80, 120) }, () => dayStart + int(30, 22 * 60) * MIN).sort((a, b) => a - b);
    const ticksAt = new Set(Array.from({ length: int(2, 4) }, () => int(5, Math.floor(times.length * 0.7))));
    for (const [i, t] of times.entries()) {
      await op(new Date(t), true);
      if (ticksAt.has(i)) {
        // At most SETTLE_MS after the last entry made: the next ones (at or after t) all commit within
        // the settle margin of their time, as the roll-up assumes of a real ledger.
        await tick(new Date(t + SETTLE_MS), rng() < 0.5);
        await expectCheckpointExact(day);
        // The day's expiry run, late: after the first checkpoint (on a big day it runs for minutes).
        if (!lateExpiries) for (const m of [...members, late]) await expire(m);
      }
    }
    expect(crashes + cutOff).toBeGreaterThan(0);
    expect(lateExpiries).toBeGreaterThan(0);

    const now = new Date(times[times.length - 1] + 5 * MIN);
    // A tick dying mid-page as the dashboard loads: markers of a page its checkpoint does not include.
    await faults.run({ left: 1_000_000, atCheckpoint: true }, () => runTodayRollup(now, 60_000, { pageSize })).catch((e) => {
      if (!(e instanceof Crash)) throw e;
    });
    const state = readState()!;
    expect(state.day).toBe(day);
    const entries = (cloud.engine.dump('ledger') as Entry[]).filter((e) => +new Date(e.createdAt) >= dayStart);
    const after = entries.filter((e) => +new Date(e.createdAt) >= +new Date(state.through));
    // Both sides of the checkpoint hold entries, and members active on both sides.
    expect(after.length).toBeGreaterThan(0);
    expect(entries.length - after.length).toBeGreaterThan(0);
    if (process.env.TODAY_TRACE) console.log(state.page, state.active, after.length, entries.length, [...new Set(after.map((e) => `${e.type}${e.delta < 0 ? '-' : '+'}`))].join(' '));

    const examined = () => cloud.engine.stats.collections.ledger?.docsExamined ?? 0;
    const e0 = examined();
    const withCheckpoint = await dashboard(now);
    const e1 = examined();
    await getDb().collection('jobRuns').doc(METRICS.todayId).remove();
    const live = await dashboard(now);
    expect(withCheckpoint).toEqual(live);
    // The first load read through the checkpoint: fewer of today's entries than the whole day.
    expect(e1 - e0).toBeLessThan(examined() - e1);
    // And today's active members are the day's distinct earners and spenders.
    const active = new Set(entries.filter((e) => ['earn', 'spend', 'adjust'].includes(e.type)).map((e) => e.member));
    expect(withCheckpoint.periods[0].active).toBe(active.size);
    expect(withCheckpoint.periods[0].issued).toBeGreaterThan(0);
  });
});

test('full pages: a window never holds more entries than one query answers, a millisecond with more than a page goes whole', async () => {
  cloud = createTestCloud();
  installEngineSeam(() => ({ send: (action: string, params: Record<string, any>) => cloud.engine.send(action, params) }));
  const day = shanghaiDay(+shanghaiDayStart(shanghaiDay()) - 2 * DAY);
  const start = +shanghaiDayStart(day) + 3_600_000;
  const fields = { balanceAfter: 0, heldAfter: 0, debtAfter: 0, reason: '', operator: '', rate: 100, campaign: 'spring' };
  const credit = (id: string, member: string, at: number) => ({ ...fields, _id: id, member, type: 'earn', amount: 10, delta: 10, source: { kind: 'task', ref: id }, lots: [{ lotId: `lot:${id}`, amount: 10 }], createdAt: new Date(at) });
  const spend = (id: string, member: string, lot: string, at: number) => ({ ...fields, campaign: '', rate: 0, _id: id, member, type: 'spend', amount: 4, delta: -4, source: { kind: 'mall', ref: id }, lots: [{ lotId: `lot:${lot}`, amount: 4 }], createdAt: new Date(at) });
  const entries = [];
  // 2,400 members earning and spending two entries a millisecond, then 1,500 entries in one millisecond.
  for (let i = 0; i < 2_400; i++) entries.push(credit(`e${i}`, `m${i}`, start + i), spend(`s${i}`, `m${i}`, `e${i}`, start + i + 1));
  for (let i = 0; i < 1_500; i++) entries.push(credit(`burst${i}`, `m${2_000 + i}`, start + 10_000));
  cloud.engine.insertMany('ledger', entries);
  const now = new Date(start + 20 * MIN);
  const r = await runTodayRollup(now, 600_000);
  expect(r).toMatchObject({ status: 'done', entries: entries.length });
  expect(r.pages).toBeGreaterThanOrEqual(5);
  await expectCheckpointExact(day);
  expect(readState()!.active).toBe(3_500);
  // The next day starts empty and removes the earlier day's markers.
  const next = await runTodayRollup(new Date(+now + DAY), 600_000);
  expect(next).toMatchObject({ status: 'done', day: shanghaiDay(+now + DAY), entries: 0 });
  expect(readState()).toMatchObject({ day: next.day, active: 0, acc: [] });
  expect(cloud.engine.count(METRICS.active)).toBe(0);
});
