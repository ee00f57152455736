// The operators' dashboard (docs/console.md#数据看板):
//   ops_dashboard_db_requests       requests of one admin.dashboard load with 1,000,000 members, a year of daily
//                                   figures for 20 campaigns with budgets (--quick: 10,000 members)
//   ops_dashboard_db_requests_10k   the same load at 10,000 members (DASH_MEMBERS=n: n); ops_dashboard_requests_growth = the difference (must be 0)
//   ops_dashboard_ms                its time, median of 5 loads through the built function
//   ops_dashboard_collection_scans / ops_dashboard_accounts_examined   must be 0
//   ops_dashboard_max_reply_docs / ops_dashboard_max_reply_kb           the largest reply of any of its requests
//   ops_dashboard_today_rollup_ms   the jobs tick's live roll-up catching up the whole of today at once (reported)
// The data is bench/metrics.ts's (accounts, lots, entries, the roll-up's day documents and totals,
// today's entries), today counted by the live roll-up as the jobs tick would have (its checkpoint
// SETTLE_MS before now) and the 7 minutes of activity since (today's rate: 1 % of the members a
// day), which the dashboard reads live — half of those members already active today; plus 20 campaigns with budgets on their counter shards, 200 batches
// scanned every day (each closed day's scans by batch and province on its all-campaigns document)
// and today's scan counts. Runs in a child process with its own heap.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { callStorage } from '../local/runtime/identity';
import { Runner } from '../local/runtime/runner';
import { buildCloudFunctions } from '../scripts/build-cloud';
import { shanghaiDay, shanghaiDayStart } from '../cloudfunctions/common/time';
import { getDb } from '../cloudfunctions/common/cloud';
import { dayDocId, METRICS } from '../cloudfunctions/common/metrics/model';
import { runTodayRollup } from '../cloudfunctions/common/metrics/today';
import { MAX_DAY_BATCHES } from '../cloudfunctions/common/metrics/scans';
import { load } from './metrics';

const ROOT = path.resolve(__dirname, '..');
const OPS = 'oBenchOps';
const DAY = 86_400_000;
const CAMPAIGNS = 20;
const BATCHES = 200;
const PROVINCES = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'];

async function measure(members: number, runs: number) {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  runner.load('admin');
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', role: 'viewer', createdAt: new Date() }]);
  load(engine, members);
  const now = new Date();
  const today = shanghaiDay(now);
  // 20 campaigns, each with a budget (A) on 8 counter shards.
  engine.insertMany('campaigns', Array.from({ length: CAMPAIGNS }, (_x, i) => ({ _id: `c${i}`, name: `活动${i}`, kind: 'scan', status: 'published', budget: `b${i}`, window: { from: null, to: null }, rule: {}, caps: [], version: 1, draft: null, createdAt: now, updatedAt: now })));
  engine.insertMany('counterShards', Array.from({ length: CAMPAIGNS * 8 }, (_x, k) => ({ _id: `budget:b${k >> 3}#${k & 7}`, counter: `budget:b${k >> 3}`, cap: 10_000_000, left: 10_000_000 - (members * 12) / CAMPAIGNS / 8 })));
  engine.insertMany('products', Array.from({ length: 20 }, (_x, i) => ({ _id: `p${i}`, name: `商品${i}`, image: '', spec: '', origin: '', basePoints: 10, createdAt: now })));
  engine.insertMany('codeBatches', Array.from({ length: BATCHES }, (_x, i) => ({ _id: `B${i}`, product: `p${i % 20}`, campaign: `c${i % CAMPAIGNS}`, batchNo: `NO-${i}`, productionDate: '2026-01-01', size: 1_000_000, generated: 1_000_000, keyId: 'k', status: 'active', regions: [], createdAt: now, createdBy: OPS })));
  // Today's scans that claimed nothing, per batch (by province), as codes.scan counts them.
  engine.insertMany('scanStats', Array.from({ length: BATCHES }, (_x, i) => ({ _id: `B${i}:${today}`, batch: `B${i}`, day: today, queries: 310, prov: Object.fromEntries(PROVINCES.map((p) => [p, 10])) })));
  // Each closed day's scans on its all-campaigns document as the roll-up writes them: the largest
  // MAX_DAY_BATCHES batches (the bench's 200 batches are all scanned; the others fold into '') × 31 provinces.
  const scans = {
    claims: 50_000,
    queries: 31_000,
    points: 500_000,
    batches: Array.from({ length: MAX_DAY_BATCHES }, (_x, i) => ({ batch: `B${i}`, product: `p${i % 20}`, claims: 500, points: 5000, queries: 310 })),
    provinces: PROVINCES.map((province) => ({ province, claims: 3225, queries: 2000 })),
  };
  await callStorage.run({ env: {}, functionName: 'bench', action: 'seed', requestId: '', dbRequests: 0, depth: 1 }, async () => {
    const db = getDb();
    for (let d = 1; d <= 31; d++) {
      const day = shanghaiDay(+shanghaiDayStart(today) - d * DAY);
      await db.collection(METRICS.days).doc(dayDocId(day, '*')).update({ data: { scans, active: 2_000, active7: 14_000, active30: 60_000 } });
    }
  });

  // The tick's live roll-up of today so far, then the activity after its checkpoint (up to one tick
  // interval plus the settle time: 7 minutes at today's rate), the entries the dashboard reads live.
  const live = Math.max(100, Math.floor(members / 100));
  const rollupStarted = performance.now();
  const rolled = await callStorage.run({ env: {}, functionName: 'jobs', action: 'tick', requestId: '', dbRequests: 0, depth: 1 }, () => runTodayRollup(now, 3_600_000));
  const rollupMs = performance.now() - rollupStarted;
  if (rolled.status !== 'done') throw new Error(`live roll-up ${JSON.stringify(rolled)}`);
  const through = +new Date(rolled.through);
  const tail = Math.ceil((live * 7) / (24 * 60));
  const first = live - Math.ceil(tail / 2);
  const fp = 'bench-fingerprint-00000';
  const entry = (e: Record<string, unknown>) => ({ balanceAfter: 0, heldAfter: 0, debtAfter: 0, reason: '', operator: '', fingerprint: fp, ...e });
  engine.insertMany(
    'ledger',
    Array.from({ length: tail }, (_x, k) => {
      const j = first + k;
      const at = new Date(through + Math.floor(((+now - through) * k) / tail));
      return [
        entry({ _id: `tail:${j}`, member: `bm${j}`, type: 'earn', amount: 10, delta: 10, source: { kind: 'scan', ref: `tt${j}` }, campaign: `c${j % CAMPAIGNS}`, lots: [{ lotId: `lot:tail:${j}`, amount: 10 }], rate: 100, expiresAt: new Date(+at + 365 * DAY), createdAt: at }),
        entry({ _id: `tailspend:${j}`, member: `bm${j}`, type: 'spend', amount: 5, delta: -5, source: { kind: 'mall', ref: `tto${j}` }, campaign: '', lots: [{ lotId: `lot:seed:${j}`, amount: 5 }], rate: 0, createdAt: new Date(+at + 1) }),
      ];
    }).flat(),
  );
  const expectToday = { issued: (live + tail) * 10, active: first + tail };

  let maxDocs = 0;
  let maxBytes = 0;
  const send = engine.send.bind(engine);
  (engine as { send: typeof engine.send }).send = async (action, params) => {
    const t0 = performance.now();
    const reply = await send(action, params);
    if (process.env.DASH_TRACE) console.error(action, Math.round(performance.now() - t0), JSON.stringify(params).slice(0, 160));
    const data = (reply as { data?: any })?.data;
    const list = Array.isArray(data?.list) ? data.list : Array.isArray(data) ? data : null;
    if (list) maxDocs = Math.max(maxDocs, list.length);
    maxBytes = Math.max(maxBytes, Buffer.byteLength(JSON.stringify(reply ?? null)));
    return reply;
  };
  const call = async () => {
    const started = performance.now();
    const { result, dbRequests } = await runner.callAsMember('admin', { action: 'dashboard' }, OPS);
    const r = result as { ok: boolean; data: any };
    if (!r.ok) throw new Error(`admin.dashboard: ${JSON.stringify(r)}`);
    return { data: r.data, dbRequests, ms: performance.now() - started };
  };
  await call(); // warm
  const scansBefore = engine.stats.collectionScans;
  const accountsBefore = engine.stats.collections.accounts?.docsExamined ?? 0;
  const out = [];
  for (let i = 0; i < runs; i++) out.push(await call());
  const d = out[0].data;
  if (d.campaigns.length < CAMPAIGNS || d.periods[2].scans !== 30 * 81_000 || d.periods[1].active !== 14_000) throw new Error(`dashboard answered ${JSON.stringify(d).slice(0, 2000)}`);
  if (d.periods[0].issued !== expectToday.issued || d.periods[0].active !== expectToday.active) throw new Error(`today: ${JSON.stringify(d.periods[0]).slice(0, 500)}, expected ${JSON.stringify(expectToday)}`);
  const ms = out.map((r) => r.ms).sort((a, b) => a - b);
  const result = {
    requests: out[0].dbRequests,
    ms: Math.round(ms[Math.floor(ms.length / 2)] * 10) / 10,
    scans: engine.stats.collectionScans - scansBefore,
    accounts: (engine.stats.collections.accounts?.docsExamined ?? 0) - accountsBefore,
    maxDocs,
    maxKb: Math.round(maxBytes / 102.4) / 10,
    replyKb: Math.round(Buffer.byteLength(JSON.stringify(d)) / 102.4) / 10,
    rollupMs: Math.round(rollupMs),
  };
  engine.close();
  return result;
}

async function child(quick: boolean): Promise<Record<string, number>> {
  const small = await measure(Number(process.env.DASH_MEMBERS ?? 10_000), 5);
  const big = quick ? small : await measure(1_000_000, 5);
  return {
    ops_dashboard_db_requests: big.requests,
    ops_dashboard_db_requests_10k: small.requests,
    ops_dashboard_requests_growth: big.requests - small.requests,
    ops_dashboard_ms: big.ms,
    ops_dashboard_10k_ms: small.ms,
    ops_dashboard_collection_scans: big.scans + small.scans,
    ops_dashboard_accounts_examined: big.accounts + small.accounts,
    ops_dashboard_max_reply_docs: Math.max(big.maxDocs, small.maxDocs),
    ops_dashboard_max_reply_kb: Math.max(big.maxKb, small.maxKb),
    ops_dashboard_answer_kb: big.replyKb,
    ops_dashboard_today_rollup_ms: big.rollupMs,
  };
}

export async function benchDashboard(opts: { quick: boolean }): Promise<Record<string, number>> {
  await buildCloudFunctions(['admin']);
  const r = spawnSync(process.execPath, ['--max-old-space-size=12288', '--import', 'tsx', __filename], {
    cwd: ROOT,
    env: { ...process.env, DASHBOARD_BENCH_CHILD: opts.quick ? 'quick' : 'full' },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const m = /DASHBOARD_BENCH_JSON (.*)/.exec(r.stdout || '');
  if (r.status !== 0 || !m) throw new Error(`dashboard bench failed (${r.status}): ${(r.stderr || '').slice(-2000)}`);
  return JSON.parse(m[1]);
}

if (process.env.DASHBOARD_BENCH_CHILD) {
  child(process.env.DASHBOARD_BENCH_CHILD === 'quick')
    .then((out) => {
      console.log(`DASHBOARD_BENCH_JSON ${JSON.stringify(out)}`);
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
