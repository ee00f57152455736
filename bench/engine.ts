// Local database engine figures (see docs/local-cloud-engine.md):
//   engine_get_by_id_per_s               doc(id).get through engine.send with the SDK's DOC payload   (target >= 50,000)
//   engine_insert_per_s                  collection.add payloads through engine.send, journal on    (reported)
//   engine_update_inc_per_s              doc(id).update({n: _.inc(1)}) payloads, journal on         (reported)
//   engine_indexed_query_ratio_1m_vs_10k the same indexed equality + range queries at 1,000,000 vs 10,000 docs (target <= 3; quick: 100k)
//   engine_indexed_query_us_1m           microseconds per indexed query at the large size        (reported)
//   engine_rss_mb_1m_docs                process RSS after loading 1M realistic ledger docs (child process, after GC) (target <= 1500)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Engine, Schema } from '../local/engine';

const ROOT = path.resolve(__dirname, '..');
const T0 = Date.parse('2026-01-01T00:00:00Z');

const SCHEMA: Schema = {
  collections: {
    ledger: {
      description: 'bench: points ledger entries',
      indexes: [
        { name: 'openid_createdAt', keys: { openid: 1, createdAt: -1 } },
        { name: 'createdAt', keys: { createdAt: -1 } },
        { name: 'expireAt', keys: { expireAt: 1 } }
      ]
    },
    accounts: { indexes: [] }
  }
};

/** A realistic ledger entry; ~10 entries per member; entry i is created at T0 + i seconds. */
function ledgerDoc(i: number, total: number) {
  const members = Math.max(1, Math.floor(total / 10));
  const at = T0 + i * 1000;
  return {
    _id: 'L' + i.toString(36).padStart(10, '0'),
    openid: 'oLoc' + String(i % members).padStart(24, '0'),
    type: i % 4 === 0 ? 'spend' : 'earn',
    points: (i % 50) + 1,
    balanceAfter: (i * 7) % 10000,
    reason: i % 3 === 0 ? 'scan-code' : i % 3 === 1 ? 'sign-in' : 'mall-redeem',
    refId: 'R' + i,
    createdAt: new Date(at),
    expireAt: new Date(at + 365 * 86400_000),
    meta: { channel: 'mp', batch: 'B' + (i % 200) }
  };
}

function load(engine: Engine, n: number): void {
  const CHUNK = 10_000;
  for (let i = 0; i < n; i += CHUNK) {
    const docs = [];
    for (let j = i; j < Math.min(n, i + CHUNK); j++) docs.push(ledgerDoc(j, n));
    engine.insertMany('ledger', docs);
  }
}

/** Runs fn count times (awaiting each) and returns operations per second. */
async function opsPerSec(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await fn(i);
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(count / s);
}

function docQuery(id: string) {
  return { collectionName: 'ledger', query: JSON.stringify({ _id: id }), queryType: 'DOC', multi: false };
}

async function benchGetById(quick: boolean): Promise<number> {
  const n = quick ? 20_000 : 100_000;
  const engine = Engine.open({ schema: SCHEMA });
  load(engine, n);
  const ids = Array.from({ length: 1024 }, (_x, k) => 'L' + ((k * 7919) % n).toString(36).padStart(10, '0'));
  const params = ids.map(docQuery);
  await opsPerSec(10_000, (i) => engine.send('database.getDocument', params[i & 1023])); // warm-up
  const rate = await opsPerSec(quick ? 50_000 : 200_000, (i) => engine.send('database.getDocument', params[i & 1023]));
  engine.close();
  return rate;
}

async function benchWrites(quick: boolean): Promise<{ insert: number; update: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
  try {
    const engine = Engine.open({ dataDir: dir, schema: SCHEMA, compactAfterLines: 1e9 });
    const count = quick ? 10_000 : 50_000;
    // What collection.add({data}) sends (canonical EJSON from the SDK's bson).
    const { EJSON } = require('bson');
    const payloads = Array.from({ length: 256 }, (_x, k) => {
      const d: any = ledgerDoc(k, count);
      delete d._id;
      return EJSON.stringify(d, { relaxed: false });
    });
    const insert = await opsPerSec(count, (i) => engine.send('database.insertDocument', { collectionName: 'ledger', data: [payloads[i & 255]] }));
    engine.insertMany('accounts', Array.from({ length: 1000 }, (_x, k) => ({ _id: 'acct' + k, balance: 0, updatedAt: new Date(T0) })));
    const data = '{"$inc":{"balance":{"$numberInt":"1"}},"$set":{"updatedAt":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}}}}';
    const update = await opsPerSec(count, (i) =>
      engine.send('database.modifyDocument', { collectionName: 'accounts', query: `{"_id":"acct${i % 1000}"}`, queryType: 'DOC', data, multi: false, merge: true, upsert: false })
    );
    engine.close();
    return { insert, update };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Median microseconds per query for a fixed mix of indexed queries that match the same number of docs at any size. */
async function queryMicros(engine: Engine, total: number, rounds: number): Promise<number> {
  const { EJSON } = require('bson');
  const members = Math.max(1, Math.floor(total / 10));
  const queries: any[] = [];
  for (let k = 0; k < 16; k++) {
    const member = 'oLoc' + String((k * 104729) % members).padStart(24, '0');
    queries.push({ collectionName: 'ledger', queryType: 'WHERE', query: EJSON.stringify({ openid: member }, { relaxed: false }), limit: 100 });
    const from = T0 + ((k * 7919) % (total - 100)) * 1000;
    queries.push({
      collectionName: 'ledger',
      queryType: 'WHERE',
      query: EJSON.stringify({ createdAt: { $gte: new Date(from), $lt: new Date(from + 50_000) } }, { relaxed: false }),
      limit: 100
    });
    queries.push({ collectionName: 'ledger', queryType: 'WHERE', query: EJSON.stringify({ openid: member }, { relaxed: false }), order: '{"createdAt":{"$numberInt":"-1"}}', limit: 5 });
  }
  for (const q of queries) await engine.send('database.getDocument', q); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    for (let rep = 0; rep < 20; rep++) for (const q of queries) await engine.send('database.getDocument', q);
    samples.push(Number(process.hrtime.bigint() - started) / 1e3 / (20 * queries.length));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function benchRatio(quick: boolean): Promise<{ ratio: number; usLarge: number; examinedPerQuery: number }> {
  const large = quick ? 100_000 : 1_000_000;
  const small = Engine.open({ schema: SCHEMA });
  load(small, 10_000);
  const big = Engine.open({ schema: SCHEMA });
  load(big, large);
  // Interleave the measurements so both sizes see the same machine load.
  const s: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < 3; k++) {
    s.push(await queryMicros(small, 10_000, 5));
    b.push(await queryMicros(big, large, 5));
  }
  const med = (xs: number[]) => xs.sort((x, y) => x - y)[1];
  big.resetStats();
  await queryMicros(big, large, 1);
  const st = big.stats;
  if (st.collectionScans) throw new Error(`indexed bench queries scanned a collection (${st.collectionScans})`);
  const examinedPerQuery = st.docsExamined / st.requests;
  small.close();
  big.close();
  return { ratio: +(med(b) / med(s)).toFixed(2), usLarge: +med(b).toFixed(1), examinedPerQuery: +examinedPerQuery.toFixed(1) };
}

function measureRssHere(n: number): number {
  const gc = (globalThis as any).gc as (() => void) | undefined;
  const engine = Engine.open({ schema: SCHEMA });
  load(engine, n);
  if (gc) {
    gc();
    gc();
  }
  const rss = process.memoryUsage().rss / 1048576;
  if (engine.count('ledger') !== n) throw new Error('load failed');
  return Math.round(rss);
}

/** Always 1M documents (the figure's name), also in quick mode: a fresh child process, so only the engine's heap counts. */
function benchRss(): number {
  const n = 1_000_000;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename], {
    cwd: ROOT,
    env: { ...process.env, ENGINE_BENCH_CHILD: 'rss', ENGINE_BENCH_DOCS: String(n) },
    encoding: 'utf8',
    maxBuffer: 1 << 20
  });
  const m = /ENGINE_RSS_MB (\d+)/.exec(r.stdout || '');
  if (r.status === 0 && m) return Number(m[1]);
  // No child possible (e.g. tsx loader missing): measure in this process (includes the bench's own heap).
  return measureRssHere(n);
}

export async function benchEngine(opts: { quick: boolean }): Promise<Record<string, number>> {
  const { quick } = opts;
  const out: Record<string, number> = {};
  out.engine_get_by_id_per_s = await benchGetById(quick);
  const w = await benchWrites(quick);
  out.engine_insert_per_s = w.insert;
  out.engine_update_inc_per_s = w.update;
  const q = await benchRatio(quick);
  out.engine_indexed_query_ratio_1m_vs_10k = q.ratio;
  out.engine_indexed_query_us_1m = q.usLarge;
  out.engine_indexed_docs_examined_per_query = q.examinedPerQuery;
  out.engine_rss_mb_1m_docs = benchRss();
  return out;
}

if (process.env.ENGINE_BENCH_CHILD === 'rss') {
  const n = Number(process.env.ENGINE_BENCH_DOCS || 1_000_000);
  process.stdout.write(`ENGINE_RSS_MB ${measureRssHere(n)}\n`);
}
