// Metrics from roll-ups (docs/metrics.md): a seeded randomized run of every ledger operation over
// several Shanghai days and campaigns, with the roll-up run between days in small, interrupted and
// crashed pieces, compared with a direct computation from all entries and a full scan of the
// accounts; and the requests of points.metrics / dailyMetrics do not grow with members.
//   METRICS_SEED=<seed> npx jest test/integration/metrics
import { AsyncLocalStorage } from 'node:async_hooks';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { seededRandom } from '../helpers/random';
import { installEngineSeam } from '../../local/engine/sdk-seam';
import { allTriggers, fireTrigger } from '../../local/runtime/timers';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { runExpiry } from '../../cloudfunctions/common/ledger/expiry-job';
import { setRate } from '../../cloudfunctions/common/ledger/settings';
import type { Account, Entry } from '../../cloudfunctions/common/ledger/model';
import { unpackLots, type StoredLot } from '../../cloudfunctions/common/ledger/lots';
import { runLedgerRollup } from '../../cloudfunctions/common/metrics/rollup';
import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CAMPAIGNS = ['', 'spring', 'summer', 'vip'];
const SEEDS = process.env.METRICS_SEED ? [Number(process.env.METRICS_SEED)] : [11, 12, Date.now() % 1_000_000];
const fen = (points: number, rate: number) => Math.floor((points * 100) / rate);

class Crash extends Error {}
/** Inside a roll-up call: after how many more requests its process "dies". */
const faults = new AsyncLocalStorage<{ left: number }>();

// ---------------------------------------------------------------------------------------------
// The direct computation: every entry, every account.

interface Fig {
  issued: number;
  debtRepaid: number;
  spent: number;
  expired: number;
  penalized: number;
  reversed: number;
}
const zeroFig = (): Fig => ({ issued: 0, debtRepaid: 0, spent: 0, expired: 0, penalized: 0, reversed: 0 });
interface ScopeDay extends Fig {
  earners: Set<string>;
  spenders: Set<string>;
  kinds: Map<string, { issued: number; spent: number; uses: number }>;
  /** rate → change of points in lots. */
  rates: Map<number, number>;
}

/** scope → day → figures, straight from the entries (a lot's campaign and rate from its credit). */
function fromEntries(entries: Entry[]) {
  const byId = new Map(entries.map((e) => [e._id, e]));
  const out = new Map<string, Map<string, ScopeDay>>();
  const at = (scope: string, day: string) => {
    let s = out.get(scope);
    if (!s) out.set(scope, (s = new Map()));
    let d = s.get(day);
    if (!d) s.set(day, (d = { ...zeroFig(), earners: new Set(), spenders: new Set(), kinds: new Map(), rates: new Map() }));
    return d;
  };
  const kind = (d: ScopeDay, k: string) => {
    let x = d.kinds.get(k);
    if (!x) d.kinds.set(k, (x = { issued: 0, spent: 0, uses: 0 }));
    return x;
  };
  const rate = (d: ScopeDay, r: number, p: number) => d.rates.set(r, (d.rates.get(r) ?? 0) + p);
  for (const e of [...entries].sort((a, b) => +new Date(a.createdAt) - +new Date(b.createdAt))) {
    const day = shanghaiDay(new Date(e.createdAt));
    const k = e.source.kind;
    if (e.type === 'earn' || (e.type === 'adjust' && e.delta > 0)) {
      for (const scope of ['*', `c:${e.campaign}`]) {
        const d = at(scope, day);
        d.issued += e.amount;
        d.debtRepaid += e.debtRepaid ?? 0;
        kind(d, k).issued += e.amount;
        rate(d, e.rate, e.amount - (e.debtRepaid ?? 0));
        d.earners.add(e.member);
      }
      continue;
    }
    const lot = (id: string) => byId.get(id.replace(/^lot:/, ''))!;
    const each = (takes: { lotId: string; amount: number }[] | undefined, fn: (d: ScopeDay, amount: number, r: number) => void) => {
      for (const t of takes ?? []) for (const scope of ['*', `c:${lot(t.lotId).campaign}`]) fn(at(scope, day), t.amount, lot(t.lotId).rate);
    };
    // A spend entry is one use of its kind, in all campaigns and in the campaign of its first lot.
    if (e.type === 'spend' && e.lots.length) for (const scope of ['*', `c:${lot(e.lots[0].lotId).campaign}`]) kind(at(scope, day), k).uses++;
    if (e.type === 'spend' || e.type === 'adjust')
      each(e.lots, (d, a, r) => {
        d.spent += a;
        kind(d, k).spent += a;
        rate(d, r, -a);
        d.spenders.add(e.member);
      });
    else if (e.type === 'penalty') each(e.lots, (d, a, r) => ((d.penalized += a), rate(d, r, -a)));
    else if (e.type === 'expire') each(e.lots, (d, a, r) => ((d.expired += a), rate(d, r, -a)));
    else if (e.type === 'release') each(e.expiredLots, (d, a, r) => ((d.expired += a), rate(d, r, -a)));
    else if (e.type === 'reverse' && e.delta < 0) each(e.lots, (d, a, r) => ((d.reversed += a), rate(d, r, -a)));
    else if (e.type === 'reverse') {
      each(e.lots, (d, a, r) => {
        d.spent -= a;
        kind(d, k).spent -= a;
        rate(d, r, a);
      });
      each(e.expiredLots, (d, a, r) => ((d.expired += a), rate(d, r, -a)));
    }
  }
  return out;
}

/** Points in lots per campaign and rate: a full scan of the accounts. */
function fromAccounts(accounts: Account[]) {
  const out = new Map<string, Map<number, number>>();
  for (const a of accounts)
    for (const l of unpackLots((a.lots ?? []) as unknown as StoredLot[])) {
      for (const scope of ['*', `c:${l.campaign}`]) {
        const m = out.get(scope) ?? new Map<number, number>();
        m.set(l.rate, (m.get(l.rate) ?? 0) + l.remaining);
        out.set(scope, m);
      }
    }
  return out;
}

const liability = (rates: Map<number, number>) => [...rates].reduce((s, [r, p]) => s + fen(p, r), 0);
const figOf = (d: Fig): Fig => ({ issued: d.issued, debtRepaid: d.debtRepaid, spent: d.spent, expired: d.expired, penalized: d.penalized, reversed: d.reversed });
const kindsOf = (d: ScopeDay) =>
  [...d.kinds].filter(([, v]) => v.issued || v.spent || v.uses).map(([kind, v]) => ({ kind, ...v })).sort((a, b) => (a.kind < b.kind ? -1 : 1));

// ---------------------------------------------------------------------------------------------

let cloud: TestCloud;

function installFaults(c: TestCloud) {
  // Requests made directly by this test file's SDK go through here; a roll-up call may "die".
  installEngineSeam(() => ({
    send: async (action: string, params: Record<string, any>) => {
      const f = faults.getStore();
      if (f && f.left-- <= 0) throw new Crash('injected crash');
      return c.engine.send(action, params);
    },
  }));
}

describe.each(SEEDS)('seed %i', (seed) => {
  test('roll-ups, metrics and dailyMetrics equal the entries and the accounts', async () => {
    console.log(`metrics seed ${seed} (METRICS_SEED=${seed} npx jest test/integration/metrics)`);
    const rng = seededRandom(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    const pick = <T,>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
    cloud = createTestCloud();
    installFaults(cloud);
    makeOperator(cloud, 'ops');
    const members = Array.from({ length: 10 }, (_x, i) => `mm${i}`);
    for (const m of members) await cloud.call('user', { action: 'login' }, m);

    const today = shanghaiDay();
    const DAYS = 7;
    const first = shanghaiDay(+shanghaiDayStart(today) - (DAYS - 1) * DAY);
    const dayStart = (i: number) => new Date(+shanghaiDayStart(first) + i * DAY);
    // Rates change twice during the run (recorded ahead, as the ledger requires).
    await setRate(200, dayStart(2), dayStart(0));
    await setRate(50, new Date(+dayStart(4) + 5 * HOUR), dayStart(0));

    const pageSize = int(1, 6);
    let crashes = 0;
    let pieces = 0;
    const rollUp = async (now: Date) => {
      for (let guard = 0; guard < 5000; guard++) {
        let ticks = 0;
        const left = rng() < 0.35 ? int(0, 25) : 1_000_000;
        try {
          const r = await faults.run({ left }, () => runLedgerRollup(now, int(1, 6), { clock: () => ticks++, pageSize }));
          pieces++;
          if (r.status === 'done') return r;
        } catch (e) {
          if (!(e instanceof Crash)) throw e;
          crashes++;
        }
      }
      throw new Error('the roll-up never finished');
    };

    const credits: string[] = [];
    const spends: string[] = [];
    const holds: string[] = [];
    let n = 0;
    for (let d = 0; d < DAYS; d++) {
      const start = dayStart(d);
      // The day's expiry run (its entries belong to this day), then the day's operations in time order.
      await runExpiry(shanghaiDay(start), start, 60_000);
      const times = Array.from({ length: int(25, 45) }, () => +start + int(1, 23 * 60) * 60_000).sort((a, b) => a - b);
      for (const t of times) {
        const now = new Date(t);
        const m = pick(members);
        const key = `op${n++}`;
        const roll = rng();
        try {
          if (roll < 0.35) {
            await ledger.credit({ member: m, amount: int(1, 300), key, source: { kind: pick(['scan', 'signin', 'order']), ref: key }, campaign: pick(CAMPAIGNS), expiry: { kind: 'rolling', days: int(1, 4) }, now });
            credits.push(key);
          } else if (roll < 0.55) {
            await ledger.debit({ member: m, amount: int(1, 200), key, source: { kind: pick(['mall', 'checkout']), ref: key }, now });
            spends.push(key);
          } else if (roll < 0.65) {
            await ledger.hold({ member: m, amount: int(1, 150), key, source: { kind: 'checkout', ref: key }, ttlSeconds: pick([600, 6 * 3600, 30 * 3600]), now });
            holds.push(key);
          } else if (roll < 0.72 && holds.length) {
            const h = holds.splice(int(0, holds.length - 1), 1)[0];
            if (rng() < 0.5) spends.push((await ledger.commitHold(h, { now })).entry._id);
            else await ledger.releaseHold(h, { now });
          } else if (roll < 0.8 && (spends.length || credits.length)) {
            const list = rng() < 0.6 && spends.length ? spends : credits.length ? credits : spends;
            const target = list.splice(int(0, list.length - 1), 1)[0];
            // Mall and checkout spends are reversed by their module (a cancel, a refund): the test plays it.
            const owner = (await ledger.readEntry(target))?.source.kind as Parameters<typeof ledger.reverse>[1]['owner'];
            await ledger.reverse(target, { reason: '撤销', operator: 'ops', now, owner });
          } else if (roll < 0.86) {
            await ledger.penalty({ member: m, amount: int(1, 120), key, reason: '违规', operator: 'ops', now });
          } else if (roll < 0.93) {
            const delta = rng() < 0.5 ? int(1, 80) : -int(1, 80);
            const { entry } = await ledger.adjust({ member: m, delta, key, reason: '补偿', operator: 'ops', now });
            (delta > 0 ? credits : spends).push(entry._id); // operator keys are stored as op:<key>
          } else {
            await ledger.releaseExpiredHolds(now);
          }
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (!['INSUFFICIENT_POINTS', 'HOLD_EXPIRED', 'HOLD_NOT_OPEN', 'NOT_REVERSIBLE'].includes(code ?? '')) throw e;
        }
      }
      // The jobs timer of the next morning rolls up every closed day; partway through the run it is late (two days at once).
      if (d !== 2 && d < DAYS - 1) await rollUp(new Date(+dayStart(d + 1) + HOUR));
    }
    expect(pieces).toBeGreaterThan(DAYS);

    const entries = cloud.engine.dump('ledger') as Entry[];
    const types = new Set(entries.map((e) => (e.type === 'reverse' ? `reverse${e.delta < 0 ? '-credit' : '-spend'}` : e.type)));
    for (const t of ['earn', 'spend', 'hold', 'expire', 'penalty', 'adjust', 'reverse-credit', 'reverse-spend']) expect([...types]).toContain(t);
    const accounts = cloud.engine.dump('accounts') as Account[];
    const direct = fromEntries(entries);
    const inLots = fromAccounts(accounts);
    const yesterday = shanghaiDay(+shanghaiDayStart(today) - DAY);
    const days = Array.from({ length: DAYS }, (_x, i) => shanghaiDay(dayStart(i)));
    const scopes = ['*', ...CAMPAIGNS.map((c) => `c:${c}`)];

    // Totals of a scope through a day, with its distinct receivers and spenders.
    const through = (scope: string, last: string) => {
      const f = zeroFig();
      const rates = new Map<number, number>();
      const receivers = new Set<string>();
      const spenders = new Set<string>();
      for (const [day, d] of direct.get(scope) ?? []) {
        if (day > last) continue;
        for (const k of Object.keys(f) as (keyof Fig)[]) f[k] += d[k];
        for (const [r, p] of d.rates) rates.set(r, (rates.get(r) ?? 0) + p);
        d.earners.forEach((m) => receivers.add(m));
        d.spenders.forEach((m) => spenders.add(m));
      }
      return { f, rates, receivers, spenders };
    };

    const check = async (closedThrough: string) => {
      for (const scope of scopes) {
        const campaign = scope === '*' ? undefined : scope.slice(2);
        const all = through(scope, '9999');
        // Points in lots: the entries' figures agree with a full scan of the accounts, per rate.
        const scanned = inLots.get(scope) ?? new Map<number, number>();
        for (const r of new Set([...all.rates.keys(), ...scanned.keys()])) expect([scope, r, all.rates.get(r) ?? 0]).toEqual([scope, r, scanned.get(r) ?? 0]);
        if (campaign !== undefined) {
          const m = (await cloud.call('points', { action: 'metrics', campaign }, 'ops')).data;
          const closed = through(scope, closedThrough);
          const outstanding = [...scanned.values()].reduce((s, p) => s + p, 0);
          expect({ scope, ...figOf(m), outstanding: m.outstanding, liabilityFen: m.liabilityFen, closedThrough: m.closedThrough }).toEqual({
            scope,
            ...all.f,
            outstanding,
            liabilityFen: liability(scanned),
            closedThrough,
          });
          expect(m.rates).toEqual([...scanned].filter(([, p]) => p).sort((a, b) => a[0] - b[0]).map(([rate, points]) => ({ rate, points, liabilityFen: fen(points, rate) })));
          expect([scope, m.B, m.receivers, m.spenders]).toEqual([scope, all.f.issued, closed.receivers.size, closed.spenders.size]);
          expect(m.D).toBe(closed.receivers.size ? closed.spenders.size / closed.receivers.size : 0);
        }
        const daily = (await cloud.call('points', { action: 'dailyMetrics', from: first, to: today, ...(campaign !== undefined ? { campaign } : {}) }, 'ops')).data;
        expect(daily.closedThrough).toBe(closedThrough);
        let known = false; // a closed day without a document shows the points in lots once an earlier day in the range had one
        const receivedBefore = new Set<string>();
        const spentBefore = new Set<string>();
        for (const [i, day] of days.entries()) {
          const d = direct.get(scope)?.get(day);
          const closed = day <= closedThrough;
          const upTo = through(scope, day);
          const row = daily.days[i];
          if (closed && d) known = true;
          const snapshot = closed && known;
          expect(row).toEqual({
            day,
            ...(d ? figOf(d) : zeroFig()),
            earners: d?.earners.size ?? 0,
            spenders: d?.spenders.size ?? 0,
            kinds: d ? kindsOf(d) : [],
            outstanding: snapshot ? [...upTo.rates.values()].reduce((s, p) => s + p, 0) : null,
            liabilityFen: snapshot ? liability(upTo.rates) : null,
          });
          if (closed && d) {
            const doc = (cloud.engine.dump('metricsDaily') as any[]).find((x) => x._id === `ledger:${day}:${scope}`);
            const newR = [...d.earners].filter((m) => !receivedBefore.has(m)).length;
            const newS = [...d.spenders].filter((m) => !spentBefore.has(m)).length;
            expect([scope, day, doc?.newReceivers, doc?.newSpenders]).toEqual([scope, day, newR, newS]);
          }
          d?.earners.forEach((m) => receivedBefore.add(m));
          d?.spenders.forEach((m) => spentBefore.add(m));
        }
      }
    };

    // Today is live, every earlier day rolled up.
    await rollUp(new Date(+dayStart(DAYS - 1) + HOUR));
    await check(yesterday);
    // The roll-up a day later: today is then closed too, and metrics read no entry live.
    await rollUp(new Date(+dayStart(DAYS) + HOUR));
    await check(today);
    const expiredReturns = entries.filter((e) => e.expiredLots?.length).length;
    console.log(`metrics seed ${seed}: ${entries.length} entries (${expiredReturns} returning points to expired lots), page ${pageSize}, ${pieces} roll-up pieces, ${crashes} crashes`);
  });
});

test('the jobs timer rolls up closed days from 00:10 Shanghai; operators can run it; members cannot', async () => {
  cloud = createTestCloud();
  makeOperator(cloud, 'ops');
  await cloud.call('user', { action: 'login' }, 'mj');
  // (The rate is whatever this process's cached exchange-rate history says: earlier tests change it.)
  const { entry: { rate } } = await ledger.credit({ member: 'mj', amount: 80, key: 'j1', source: { kind: 'scan', ref: 'j1' }, campaign: 'spring' });
  await ledger.debit({ member: 'mj', amount: 30, key: 'j2', source: { kind: 'mall', ref: 'j2' } });
  const today = shanghaiDay();
  const tomorrow = shanghaiDay(+shanghaiDayStart(today) + DAY);
  const tick = allTriggers().find((t) => t.functionName === 'jobs' && t.name === 'tick')!;
  const early = await fireTrigger(cloud.runner, tick, new Date(+shanghaiDayStart(tomorrow) + 5 * 60_000));
  expect((early.result as any).data.metrics).toBeUndefined();
  const due = await fireTrigger(cloud.runner, tick, new Date(+shanghaiDayStart(tomorrow) + 10 * 60_000));
  expect(due.result).toMatchObject({ ok: true, data: { metrics: { status: 'done', through: today, days: 1, entries: 2 } } });
  expect((cloud.engine.dump('metricsDaily') as any[]).find((d) => d._id === `ledger:${today}:c:spring`)).toMatchObject({
    issued: 80,
    spent: 30,
    earners: 1,
    spenders: 1,
    outstanding: 50,
    liabilityFen: fen(50, rate),
  });
  const m = await cloud.call('points', { action: 'metrics', campaign: 'spring' }, 'ops');
  expect(m).toMatchObject({ ok: true, data: { closedThrough: today, B: 80, C: 30 / 80, D: 1, outstanding: 50, receivers: 1, spenders: 1 } });
  expect(await cloud.call('jobs', { action: 'rollupMetrics' }, 'ops')).toMatchObject({ ok: true, data: { status: 'done' } });
  expect(await cloud.call('jobs', { action: 'rollupMetrics' }, 'mj')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
});

test('bad input changes nothing: ranges, long campaign ids, unknown fields, an unknown budget', async () => {
  cloud = createTestCloud();
  makeOperator(cloud, 'ops');
  const today = shanghaiDay();
  const call = (fn: string, data: Record<string, unknown>) => cloud.call(fn, data, 'ops');
  expect(await call('points', { action: 'dailyMetrics', from: today, to: today, campaign: 'x'.repeat(65) })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await call('points', { action: 'dailyMetrics', from: today, to: '2026-02-30x' })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await call('points', { action: 'metrics', campaign: 'x'.repeat(65) })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await call('points', { action: 'metrics', campaign: 'spring', budget: 'nope' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  expect(await call('jobs', { action: 'rollupMetrics', day: today })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(cloud.engine.dump('jobRuns')).toHaveLength(0);
  expect(await call('points', { action: 'metrics', campaign: 'spring' })).toMatchObject({ ok: true, data: { B: 0, C: 0, D: 0, outstanding: 0, closedThrough: null } });
});

describe('cost', () => {
  const seed = async (c: TestCloud, count: number) => {
    const yesterday = new Date(+shanghaiDayStart(shanghaiDay()) - 12 * HOUR);
    const now = new Date();
    const accounts = Array.from({ length: count }, (_x, i) => ({ _id: `cm${i}`, balance: 0, held: 0, debt: 0, earned: 0, spent: 0, expired: 0, penalized: 0, lots: [], closed: [], nextExpiry: null, createdAt: yesterday }));
    c.engine.insertMany('accounts', accounts);
    for (let i = 0; i < count; i++) {
      const campaign = i % 2 ? 'spring' : '';
      await ledger.credit({ member: `cm${i}`, amount: 100, key: `y${i}`, source: { kind: 'scan', ref: `y${i}` }, campaign, now: yesterday });
      await ledger.debit({ member: `cm${i}`, amount: 30, key: `yd${i}`, source: { kind: 'mall', ref: `y${i}` }, now: yesterday });
      if (i % 10 === 0) {
        await ledger.credit({ member: `cm${i}`, amount: 10, key: `t${i}`, source: { kind: 'scan', ref: `t${i}` }, campaign, now });
        await ledger.debit({ member: `cm${i}`, amount: 5, key: `td${i}`, source: { kind: 'mall', ref: `t${i}` }, now });
      }
    }
    await runLedgerRollup(now, 600_000);
  };

  test('points.metrics and dailyMetrics make the same number of requests for 100 and 2,000 members', async () => {
    const requests: Record<number, number[]> = {};
    for (const count of [100, 2000]) {
      const c = createTestCloud();
      makeOperator(c, 'ops');
      await seed(c, count);
      const today = shanghaiDay();
      const from = shanghaiDay(+shanghaiDayStart(today) - 6 * DAY);
      const m = await c.callCounted('points', { action: 'metrics', campaign: 'spring' }, 'ops');
      expect(m.reply).toMatchObject({ ok: true, data: { issued: (count / 2) * 100, receivers: count / 2, spenders: count / 2 } });
      const all = await c.callCounted('points', { action: 'dailyMetrics', from, to: today }, 'ops');
      expect(all.reply.data.days[6]).toMatchObject({ day: today, earners: count / 10, spenders: count / 10 });
      const one = await c.callCounted('points', { action: 'dailyMetrics', from, to: today, campaign: 'spring' }, 'ops');
      expect(one.reply.data.days[5]).toMatchObject({ earners: count / 2, spenders: count / 2 });
      const before = c.engine.stats.collections.accounts?.docsExamined ?? 0;
      const entriesBefore = c.engine.stats.collections.ledger?.docsExamined ?? 0;
      await c.call('points', { action: 'metrics', campaign: 'spring' }, 'ops');
      expect(c.engine.stats.collections.accounts?.docsExamined ?? 0).toBe(before); // no account is read
      // Only today's entries (count / 5 of them) and the credits of the lots today's spends took: never the campaign's history.
      expect((c.engine.stats.collections.ledger?.docsExamined ?? 0) - entriesBefore).toBeLessThanOrEqual((count / 5) * 2.5);
      requests[count] = [m.dbRequests, all.dbRequests, one.dbRequests];
    }
    console.log(`requests (metrics, dailyMetrics all, dailyMetrics campaign): ${JSON.stringify(requests)}`);
    expect(requests[2000]).toEqual(requests[100]);
    expect(requests[100][0]).toBeLessThanOrEqual(5); // the operator check, the checkpoint and totals, two aggregates
  });
});
