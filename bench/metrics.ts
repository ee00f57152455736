// Metrics that scale (docs/metrics.md):
//   metrics_1m_members_ms       points.metrics for one campaign through the built function, with
//                               1,000,000 members (--quick: 10,000), median of 7 calls
//   metrics_db_requests         database requests of that call (the same at any number of members)
//   metrics_daily_db_requests   points.dailyMetrics over 30 days, all campaigns (reported)
//   metrics_collection_scans    collection scans during those calls (must be 0)
//   metrics_accounts_examined   accounts the engine looked at (must be 0); metrics_ledger_docs_examined: entries one metrics call looked at (today's)
//   metrics_max_reply_docs / metrics_max_reply_kb   the largest reply of any of their requests (≤ 1,000 docs, ≤ 1,024 kB)
// The data goes straight into the engine in the shapes the ledger writes: every member's account
// with its lot and the credit entry of that lot (a year of days, 20 campaigns), a quarter of them
// with a spend; today 1 % of the members earn and spend again (read live); closed days are in
// their roll-up documents, as the roll-up job writes them. Runs in a child process with its own heap.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { callStorage } from '../local/runtime/identity';
import { Runner } from '../local/runtime/runner';
import { runLedgerRollup } from '../cloudfunctions/common/metrics/rollup';
import { buildCloudFunctions } from '../scripts/build-cloud';
import { shanghaiDay, shanghaiDayStart } from '../cloudfunctions/common/time';
import { dayDocId, METRICS } from '../cloudfunctions/common/metrics/model';
import { liabilityFen } from '../cloudfunctions/common/metrics/figures';

const ROOT = path.resolve(__dirname, '..');
const OPS = 'oBenchOps';
const DAY = 86_400_000;
const CAMPAIGNS = 20;
const DAYS = 365;
const CHUNK = 10_000;

const campaignOf = (i: number) => `c${i % CAMPAIGNS}`;

/** Loads the data; returns what metrics must answer for campaign c0. Without `rolledUp`, only the ledger's documents. */
export function load(engine: Engine, members: number, rolledUp = true, spread = DAYS) {
  const today = shanghaiDay();
  const todayStart = +shanghaiDayStart(today);
  const dayOf = (i: number) => shanghaiDay(todayStart - (1 + (i % spread)) * DAY);
  const fp = 'bench-fingerprint-00000';
  const entry = (e: Record<string, unknown>) => ({ balanceAfter: 0, heldAfter: 0, debtAfter: 0, reason: '', operator: '', fingerprint: fp, ...e });
  // The roll-up's figures, per scope and day, as the job would have counted them.
  const days = new Map<string, { scope: string; day: string; issued: number; spent: number; earners: number; spenders: number }>();
  const tally = (scope: string, day: string) => {
    const k = `${scope}|${day}`;
    let d = days.get(k);
    if (!d) days.set(k, (d = { scope, day, issued: 0, spent: 0, earners: 0, spenders: 0 }));
    return d;
  };
  for (let from = 0; from < members; from += CHUNK) {
    const accounts = [];
    const entries = [];
    for (let i = from; i < Math.min(members, from + CHUNK); i++) {
      const day = dayOf(i);
      const at = new Date(+shanghaiDayStart(day) + 9 * 3_600_000 + (i % 3_600_000));
      const expiresAt = new Date(+shanghaiDayStart(day) + 400 * DAY);
      const campaign = campaignOf(i);
      const spends = i % 4 === 0;
      const lotId = `lot:seed:${i}`;
      accounts.push({
        _id: `bm${i}`,
        balance: spends ? 70 : 100,
        held: 0,
        debt: 0,
        earned: 100,
        spent: spends ? 30 : 0,
        expired: 0,
        penalized: 0,
        lots: [{ _id: lotId, amount: 100, remaining: spends ? 70 : 100, held: 0, expired: 0, expiresAt, createdAt: at, campaign, rate: 100 }],
        closed: [],
        nextExpiry: expiresAt,
        createdAt: at,
      });
      entries.push(
        entry({ _id: `seed:${i}`, member: `bm${i}`, type: 'earn', amount: 100, delta: 100, source: { kind: 'scan', ref: `code${i}` }, campaign, lots: [{ lotId, amount: 100 }], rate: 100, expiresAt, createdAt: at }),
      );
      if (spends) {
        entries.push(entry({ _id: `spend:${i}`, member: `bm${i}`, type: 'spend', amount: 30, delta: -30, source: { kind: 'mall', ref: `o${i}` }, campaign: '', lots: [{ lotId, amount: 30 }], rate: 0, createdAt: new Date(+at + 1000) }));
      }
      for (const scope of ['*', `c:${campaign}`]) {
        const d = tally(scope, day);
        d.issued += 100;
        d.earners++;
        if (spends) {
          d.spent += 30;
          d.spenders++;
        }
      }
    }
    engine.insertMany('accounts', accounts);
    engine.insertMany('ledger', entries);
  }
  // Today: 1 % of the members earn 10 and spend 5 of their old lot (the live part).
  const live = Math.max(100, Math.floor(members / 100));
  const todayEntries = [];
  let c0Live = { issued: 0, spent: 0 };
  for (let j = 0; j < live; j++) {
    const at = new Date(todayStart + (j % 3_600_000));
    const campaign = campaignOf(j);
    todayEntries.push(
      entry({ _id: `today:${j}`, member: `bm${j}`, type: 'earn', amount: 10, delta: 10, source: { kind: 'scan', ref: `t${j}` }, campaign, lots: [{ lotId: `lot:today:${j}`, amount: 10 }], rate: 100, expiresAt: new Date(+at + 365 * DAY), createdAt: at }),
      entry({ _id: `todayspend:${j}`, member: `bm${j}`, type: 'spend', amount: 5, delta: -5, source: { kind: 'mall', ref: `to${j}` }, campaign: '', lots: [{ lotId: `lot:seed:${j}`, amount: 5 }], rate: 0, createdAt: new Date(+at + 1) }),
    );
    if (campaign === 'c0') c0Live = { issued: c0Live.issued + 10, spent: c0Live.spent + 5 };
  }
  engine.insertMany('ledger', todayEntries);
  const expectedLive = c0Live;
  if (!rolledUp) return { issued: 0, spent: 0, receivers: 0, today: shanghaiDay(), entries: members + Math.ceil(members / 4) + 2 * live, days, expectedLive };

  // Roll-up documents and totals, in day order (each day's document carries the points in lots after it).
  const now = new Date();
  const cumulative = new Map<string, { issued: number; spent: number; receivers: number; spenders: number }>();
  const docs = [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  const dayDocs = [];
  for (const d of docs) {
    const c = cumulative.get(d.scope) ?? { issued: 0, spent: 0, receivers: 0, spenders: 0 };
    c.issued += d.issued;
    c.spent += d.spent;
    c.receivers += d.earners;
    c.spenders += d.spenders;
    cumulative.set(d.scope, c);
    const rates = [{ rate: 100, points: c.issued - c.spent }];
    dayDocs.push({
      _id: dayDocId(d.day, d.scope),
      metric: 'ledger',
      scope: d.scope,
      campaign: d.scope === '*' ? null : d.scope.slice(2),
      day: d.day,
      issued: d.issued,
      debtRepaid: 0,
      spent: d.spent,
      expired: 0,
      penalized: 0,
      reversed: 0,
      earners: d.earners,
      spenders: d.spenders,
      newReceivers: d.earners,
      newSpenders: d.spenders,
      kinds: [
        { kind: 'mall', issued: 0, spent: d.spent },
        { kind: 'scan', issued: d.issued, spent: 0 },
      ],
      rates: [{ rate: 100, points: d.issued - d.spent }],
      outstanding: c.issued - c.spent,
      liabilityFen: liabilityFen(rates),
      computedAt: now,
    });
  }
  for (let i = 0; i < dayDocs.length; i += CHUNK) engine.insertMany(METRICS.days, dayDocs.slice(i, i + CHUNK));
  const yesterday = shanghaiDay(todayStart - DAY);
  engine.insertMany(
    METRICS.totals,
    [...cumulative].map(([scope, c]) => ({
      _id: scope,
      scope,
      campaign: scope === '*' ? null : scope.slice(2),
      through: yesterday,
      issued: c.issued,
      debtRepaid: 0,
      spent: c.spent,
      expired: 0,
      penalized: 0,
      reversed: 0,
      receivers: c.receivers,
      spenders: c.spenders,
      rates: [{ rate: 100, points: c.issued - c.spent }],
      updatedAt: now,
    })),
  );
  engine.insertMany('jobRuns', [{ _id: METRICS.stateId, job: 'ledgerRollup', through: yesterday, day: null, cursor: null, page: 0, acc: [], updatedAt: now }]);
  const c0 = cumulative.get('c:c0')!;
  return { issued: c0.issued + c0Live.issued, spent: c0.spent + c0Live.spent, receivers: c0.receivers, today, entries: members + Math.ceil(members / 4) + 2 * live, days, expectedLive };
}

async function child(quick: boolean): Promise<Record<string, number>> {
  const members = quick ? 10_000 : 1_000_000;
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  runner.load('points');
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', createdAt: new Date() }]);
  const loadStarted = performance.now();
  const expected = load(engine, members);
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  // Every reply's size, for the cloud's limits (≤ 1,000 documents, ≤ 1 MB per query).
  let maxDocs = 0;
  let maxBytes = 0;
  const send = engine.send.bind(engine);
  (engine as { send: typeof engine.send }).send = async (action, params) => {
    const reply = await send(action, params);
    const data = (reply as { data?: any })?.data;
    const list = Array.isArray(data?.list) ? data.list : Array.isArray(data) ? data : null;
    if (list) maxDocs = Math.max(maxDocs, list.length);
    maxBytes = Math.max(maxBytes, Buffer.byteLength(JSON.stringify(reply ?? null)));
    return reply;
  };
  const call = async (data: Record<string, unknown>) => {
    const started = performance.now();
    const { result, dbRequests } = await runner.callAsMember('points', data, OPS);
    const r = result as { ok: boolean; data: any };
    if (!r.ok) throw new Error(`points.${data.action}: ${JSON.stringify(r)}`);
    return { data: r.data, dbRequests, ms: performance.now() - started };
  };
  const scansBefore = engine.stats.collectionScans;
  const accountsExamined = engine.stats.collections.accounts?.docsExamined ?? 0;
  await call({ action: 'metrics', campaign: 'c0' }); // warm
  const examinedBefore = engine.stats.collections.ledger?.docsExamined ?? 0;
  await call({ action: 'metrics', campaign: 'c0' });
  const ledgerExamined = (engine.stats.collections.ledger?.docsExamined ?? 0) - examinedBefore;
  const runs = [];
  for (let i = 0; i < 7; i++) runs.push(await call({ action: 'metrics', campaign: 'c0' }));
  const m = runs[0].data;
  if (m.issued !== expected.issued || m.spent !== expected.spent || m.outstanding !== expected.issued - expected.spent || m.receivers !== expected.receivers) {
    throw new Error(`metrics answered ${JSON.stringify(m)}, expected ${JSON.stringify(expected)}`);
  }
  const from = shanghaiDay(+shanghaiDayStart(expected.today) - 29 * DAY);
  const daily = await call({ action: 'dailyMetrics', from, to: expected.today });
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  return {
    metrics_1m_members_ms: Math.round(ms[3] * 10) / 10,
    metrics_db_requests: runs[0].dbRequests,
    metrics_daily_db_requests: daily.dbRequests,
    metrics_daily_ms: Math.round(daily.ms * 10) / 10,
    metrics_collection_scans: engine.stats.collectionScans - scansBefore,
    metrics_accounts_examined: (engine.stats.collections.accounts?.docsExamined ?? 0) - accountsExamined,
    metrics_ledger_docs_examined: ledgerExamined,
    metrics_max_reply_docs: maxDocs,
    metrics_max_reply_kb: Math.round(maxBytes / 102.4) / 10,
    metrics_bench_members: members,
    metrics_bench_entries: expected.entries,
    metrics_bench_load_s: Math.round(loadSeconds),
    ...(await rollupRate()),
  };
}

/**
 * The roll-up itself over 20,000 members' entries (25,400 over 10 days, 2,500 a day): entries per
 * second and requests per 1,000 entries; its totals must equal the ones the bench computes.
 */
async function rollupRate(): Promise<Record<string, number>> {
  const members = 20_000;
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  new Runner(engine);
  const data = load(engine, members, false, 10);
  const rolled = load(Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) }), members, true, 10);
  const store = { env: {}, functionName: 'jobs', action: 'rollup', requestId: '', dbRequests: 0, depth: 1 };
  const started = performance.now();
  const r = await callStorage.run(store, () => runLedgerRollup(new Date(), 3_600_000));
  const seconds = (performance.now() - started) / 1000;
  const totals = (engine.dump(METRICS.totals) as { _id: string; issued: number; spent: number; receivers: number }[]).find((t) => t._id === 'c:c0')!;
  const closed = { issued: rolled.issued - data.expectedLive.issued, spent: rolled.spent - data.expectedLive.spent, receivers: rolled.receivers };
  if (r.status !== 'done' || totals.issued !== closed.issued || totals.spent !== closed.spent || totals.receivers !== closed.receivers) {
    throw new Error(`roll-up ${JSON.stringify(r)} totals ${JSON.stringify(totals)}, expected ${JSON.stringify(closed)}`);
  }
  engine.close();
  return {
    metrics_rollup_entries_per_s: Math.round(r.entries / seconds),
    metrics_rollup_db_requests_per_1k_entries: Math.round((store.dbRequests / r.entries) * 10_000) / 10,
  };
}

/** In a child process with a heap large enough for a million accounts and their entries. */
export async function benchMetrics(opts: { quick: boolean }): Promise<Record<string, number>> {
  await buildCloudFunctions(['points']);
  const r = spawnSync(process.execPath, ['--max-old-space-size=12288', '--import', 'tsx', __filename], {
    cwd: ROOT,
    env: { ...process.env, METRICS_BENCH_CHILD: opts.quick ? 'quick' : 'full' },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const m = /METRICS_BENCH_JSON (.*)/.exec(r.stdout || '');
  if (r.status !== 0 || !m) throw new Error(`metrics bench failed (${r.status}): ${(r.stderr || '').slice(-2000)}`);
  return JSON.parse(m[1]);
}

if (process.env.METRICS_BENCH_CHILD) {
  child(process.env.METRICS_BENCH_CHILD === 'quick')
    .then((out) => {
      console.log(`METRICS_BENCH_JSON ${JSON.stringify(out)}`);
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
