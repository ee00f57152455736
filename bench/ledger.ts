// Ledger operations through the real SDK and the engine: throughput and database requests per
// operation (the cost metric: the cloud bills and waits per request), a mixed run checked against
// the ledger's invariants, and the size of a daily earner's account as the SDK sends it.
import { EJSON } from 'bson';
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { callStorage } from '../local/runtime/identity';
import { Runner } from '../local/runtime/runner';
import * as ledger from '../cloudfunctions/common/ledger/service';
import type { Account, Entry } from '../cloudfunctions/common/ledger/model';
import { seededRandom } from '../test/helpers/random';
import { invariantViolations } from '../test/helpers/ledger-invariants';
import { packLot } from '../cloudfunctions/common/ledger/lots';
import { shanghaiDay, shanghaiDayStart } from '../cloudfunctions/common/time';
import { fireTrigger } from '../local/runtime/timers';
import { buildCloudFunctions } from '../scripts/build-cloud';

const DAY = 86_400_000;
const task = (ref: string) => ({ kind: 'task', ref });

export async function benchLedger(opts: { quick: boolean }): Promise<Record<string, number>> {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  new Runner(engine); // installs the transport seam and the per-call request counter
  const members = 64;
  const now = new Date();
  for (let i = 0; i < members; i++) {
    engine.insertMany('accounts', [{ _id: `b${i}`, balance: 0, held: 0, debt: 0, earned: 0, spent: 0, expired: 0, penalized: 0, createdAt: now }]);
  }
  /** Database requests one call makes, counted like the runner counts a function's. */
  const counted = async (fn: () => Promise<unknown>) => {
    const store = { env: {}, functionName: 'bench', action: 'bench', requestId: '', dbRequests: 0, depth: 1 };
    await callStorage.run(store, fn);
    return store.dbRequests;
  };
  // Warm: the function instance has read the exchange-rate history once (it keeps it a minute).
  await ledger.credit({ member: 'b1', amount: 1, key: 'probe:warm', source: task('w') });
  const perCredit = await counted(() => ledger.credit({ member: 'b0', amount: 100, key: 'probe:c', source: task('c') }));
  const perDebit = await counted(() => ledger.debit({ member: 'b0', amount: 10, key: 'probe:d', source: task('d') }));
  const perHold = await counted(() => ledger.hold({ member: 'b0', amount: 10, key: 'probe:h', source: task('h') }));
  const perCommit = await counted(() => ledger.commitHold('probe:h'));
  const perReplay = await counted(() => ledger.credit({ member: 'b0', amount: 100, key: 'probe:c', source: task('c') }));

  /** `total` operations by 64 concurrent workers, one member each turn; operations per second. */
  const run = async (total: number, op: (i: number) => Promise<unknown>) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: members }, async () => {
        while (next < total) await op(next++);
      }),
    );
    return Math.round(total / ((performance.now() - started) / 1000));
  };
  const total = opts.quick ? 2_000 : 10_000;
  const creditRate = await run(total, (i) => ledger.credit({ member: `b${i % members}`, amount: 5, key: `bench:${i}`, source: task(String(i)) }));
  // Each member now holds 5 × total / 64 points: enough for `total` debits of 1 spread over them.
  const debitRate = await run(total, (i) => ledger.debit({ member: `b${i % members}`, amount: 1, key: `bench-d:${i}`, source: { kind: 'order', ref: String(i) } }));

  await mixedRun(opts.quick ? 2_000 : 10_000, members);
  const violations = invariantViolations(engine);
  engine.close();

  return {
    ledger_credit_per_s: creditRate,
    ledger_debit_per_s: debitRate,
    ledger_invariant_violations: violations.length,
    ledger_db_requests_per_credit: perCredit,
    ledger_db_requests_per_debit: perDebit,
    ledger_db_requests_per_hold: perHold,
    ledger_db_requests_per_commit: perCommit,
    ledger_db_requests_per_replay: perReplay,
    account_doc_kb_daily_earner: await dailyEarnerAccountKb(),
    ...(await benchExpiry(opts.quick)),
    ...(violations.length ? (console.error(violations.slice(0, 10)), {}) : {}),
  };
}

/**
 * Every operation, 64 members concurrently, some of them retried with their key (a lost reply);
 * refusals (not enough points, a settled hold, …) are part of the mix.
 */
async function mixedRun(total: number, members: number): Promise<void> {
  const rng = seededRandom(20261129);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const holds: string[] = [];
  const done: string[] = [];
  const ops = Array.from({ length: total }, (_, i) => {
    const member = `b${int(0, members - 1)}`;
    const key = `mix:${i}`;
    const roll = rng();
    // Parameters are drawn now, so a retry sends the same request; targets are picked when it runs.
    const amount = int(1, 50);
    const days = int(1, 400);
    const pickAt = rng();
    if (roll < 0.35) return () => ledger.credit({ member, amount, key, source: task(key), expiry: { kind: 'rolling', days } });
    if (roll < 0.6) return () => ledger.debit({ member, amount, key, source: { kind: 'order', ref: key } });
    if (roll < 0.72) return async () => (holds.push(key), ledger.hold({ member, amount, key, source: { kind: 'order', ref: key } }));
    if (roll < 0.84) {
      const commit = rng() < 0.5;
      return () => {
        const h = holds[Math.floor(pickAt * holds.length)];
        return h ? (commit ? ledger.commitHold(h) : ledger.releaseHold(h)) : Promise.resolve();
      };
    }
    if (roll < 0.92) {
      return () => {
        const target = done[Math.floor(pickAt * done.length)];
        return target ? ledger.reverse(target, { reason: 'bench', owner: 'order' }) : Promise.resolve();
      };
    }
    if (roll < 0.96) return () => ledger.penalty({ member, amount, key, reason: '违规', operator: 'bench' });
    const delta = amount - 25 || 1;
    return () => ledger.adjust({ member, delta, key, reason: '调整', operator: 'bench' });
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: members }, async () => {
      while (next < ops.length) {
        const i = next++;
        for (let attempt = 0; attempt < (i % 10 === 0 ? 2 : 1); attempt++) {
          try {
            const r = (await ops[i]()) as Entry | { entry: Entry } | undefined;
            const e = (r as { entry?: Entry })?.entry ?? (r as Entry | undefined);
            if (e?._id && (e.type === 'spend' || e.type === 'earn' || e.type === 'adjust')) done.push(e._id);
          } catch (e) {
            if (!['INSUFFICIENT_POINTS', 'HOLD_NOT_OPEN', 'NOT_REVERSIBLE', 'NOT_FOUND', 'HOLD_EXPIRED'].includes((e as { code?: string }).code ?? '')) throw e;
          }
        }
      }
    }),
  );
}

export { invariantViolations };

/**
 * A member who earned every day for a year under the default rolling policy: their account as the
 * SDK sends it (canonical EJSON, the form of every update that rewrites the lots), in kB.
 */
async function dailyEarnerAccountKb(): Promise<number> {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  new Runner(engine);
  const start = Date.now() - 365 * DAY;
  engine.insertMany('accounts', [{ _id: 'daily', balance: 0, held: 0, debt: 0, earned: 0, spent: 0, expired: 0, penalized: 0, createdAt: new Date(start) }]);
  for (let d = 0; d < 365; d++) {
    const at = new Date(start + d * DAY);
    // A scan and a sign-in a day, as a daily earner would; a spend now and then.
    await ledger.credit({ member: 'daily', amount: 20 + (d % 7) * 10, key: `scan:d${d}`, source: { kind: 'scan', ref: `d${d}` }, now: at });
    await ledger.credit({ member: 'daily', amount: 5, key: `signin:d${d}`, source: { kind: 'signin', ref: `d${d}` }, now: new Date(+at + 3_600_000) });
    if (d % 30 === 29) await ledger.debit({ member: 'daily', amount: 300, key: `spend:d${d}`, source: { kind: 'mall', ref: `d${d}` }, now: new Date(+at + 7_200_000) });
  }
  const account = engine.dump('accounts').find((a) => (a as Account)._id === 'daily');
  engine.close();
  return Math.round(Buffer.byteLength(EJSON.stringify(account, { relaxed: false })) / 102.4) / 10;
}

/** The cloud's limit for one `jobs` invocation (its timeout in the console, docs/deploy.md). */
const JOBS_TIME_LIMIT_MS = 20_000;

/**
 * The expiry run at scale: members × 10 lots due at the day's start (ten campaigns, one expiry day,
 * as a daily run meets them) plus one live lot each, expired through the built `jobs` function by
 * its timer, tick after tick (each within its time budget) until the day's work is done. Full mode:
 * 1,000,000 due lots over 100,000 members; --quick: 20,000 over 2,000.
 */
const benchExpiry = (quick: boolean) => benchExpiryFor(quick ? 2_000 : 100_000);

export async function benchExpiryFor(members: number): Promise<Record<string, number>> {
  const quick = members < 100_000;
  await buildCloudFunctions(['jobs']);
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  runner.load('jobs');
  const perMember = 10;
  const day = shanghaiDay();
  const cutoff = shanghaiDayStart(day);
  const live = new Date(+cutoff + 200 * DAY);
  const lot = (i: number, c: number, expiresAt: Date) => packLot({ _id: `lot:seed:${i}:${c}`, amount: 10, remaining: 10, held: 0, expired: 0, expiresAt, campaign: `c${c}`, rate: 100 });
  for (let start = 0; start < members; start += 10_000) {
    const docs = [];
    for (let i = start; i < Math.min(members, start + 10_000); i++) {
      const lots = [...Array.from({ length: perMember }, (_, c) => lot(i, c, cutoff)), lot(i, perMember, live)];
      docs.push({ _id: `x${String(i).padStart(6, '0')}`, balance: 10 * (perMember + 1), held: 0, debt: 0, earned: 10 * (perMember + 1), spent: 0, expired: 0, penalized: 0, lots, closed: [], nextExpiry: cutoff, createdAt: cutoff });
    }
    engine.insertMany('accounts', docs);
  }
  let rss = process.memoryUsage().rss;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 200);
  let invocations = 0;
  let dbRequests = 0;
  let longestMs = 0;
  const started = performance.now();
  for (let k = 0; ; k++) {
    const at = new Date(+cutoff + 10 * 60_000 + k * 5 * 60_000); // the 5-minute timer from 00:10
    const { result, dbRequests: n, ms } = await fireTrigger(runner, { functionName: 'jobs', name: 'tick', cron: '' }, at);
    invocations++;
    dbRequests += n;
    longestMs = Math.max(longestMs, ms);
    if (process.env.BENCH_DEBUG) console.error(k, Math.round(ms), n, JSON.stringify(result).slice(0, 300));
    const daily = (result as { data?: { daily?: unknown } } | null)?.data?.daily ?? (result as { daily?: unknown } | null)?.daily;
    if (daily === 'done-earlier' || (daily as { reminders?: unknown })?.reminders) break;
    if (k > 1000) throw new Error(`the expiry run did not finish: ${JSON.stringify(result)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rss = Math.max(rss, process.memoryUsage().rss);
  const expiredLots = (engine.dump('ledger') as Entry[]).reduce((s, e) => s + (e.type === 'expire' ? e.lots.length : 0), 0);
  engine.close();
  if (expiredLots !== members * perMember) throw new Error(`expired ${expiredLots} lots, expected ${members * perMember}`);
  if (longestMs > JOBS_TIME_LIMIT_MS) throw new Error(`a jobs invocation took ${Math.round(longestMs)} ms, past the ${JOBS_TIME_LIMIT_MS} ms limit`);
  return {
    [quick ? 'expiry_20k_lots_s' : 'expiry_1m_lots_s']: Math.round(seconds * 10) / 10,
    expiry_rss_mb: Math.round(rss / 1_048_576),
    expiry_invocations: invocations,
    expiry_db_requests: dbRequests,
    expiry_longest_invocation_ms: Math.round(longestMs),
  };
}
