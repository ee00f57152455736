// Seeded randomized concurrency: 500 members draw from two pools (odds and deck, prize stock 50
// each) with retries, crashes (a call dies at a random request) and lost replies (a request is
// applied but its reply lost). Afterwards, and after the sweep: prizes given = stock taken ≤ stock,
// no cap passed, points conserved (Σ entry debits and Σ prize credits match the draw records),
// every paid draw has exactly one result. A failure prints its seed:
// PLAY_SEED=<seed> npx jest test/integration/play-random
import { Engine, loadSchema } from '../../local/engine';
import { latencyFromEnv } from '../../local/engine/engine';
import { SCHEMA_PATH } from '../../local/cloud';
import { Runner } from '../../local/runtime/runner';
import { callStorage } from '../../local/runtime/identity';
import { seededRandom } from '../helpers/random';
import { unpackLots } from '../../cloudfunctions/common/ledger/lots';
import type { TestCloud } from '../helpers/cloud';
import { member, OPS, pool, publishPool, shardsOf } from './play-fixtures';

const SEED = Number(process.env.PLAY_SEED ?? Date.now() % 1_000_000);
const MEMBERS = 500;
const CAP = 4;

function cloudWithTxTimeout(ms: number): TestCloud {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH), transactionTimeoutMs: ms, documentedTransactionsOnly: true, latencyMs: latencyFromEnv() });
  const runner = new Runner(engine).loadAll();
  const callCounted = async (fn: string, data: Record<string, unknown>, openid = 'oTEST-member') => {
    const { result, dbRequests } = await runner.callAsMember(fn, data, openid);
    return { reply: result as any, dbRequests };
  };
  return { engine, runner, callCounted, call: async (fn, data, openid) => (await callCounted(fn, data, openid)).reply };
}

/** Faults in `play` calls: some calls die at a random request; some requests' replies are lost. */
function faults(cloud: TestCloud, random: () => number) {
  const send = cloud.engine.send.bind(cloud.engine);
  const plan = new WeakMap<object, { dieAt: number; n: number; dead: boolean }>();
  let on = true;
  cloud.engine.send = (async (action: string, params: Record<string, any>) => {
    const call = callStorage.getStore();
    if (!on || !call || call.functionName !== 'play') return send(action, params);
    let p = plan.get(call);
    if (!p) plan.set(call, (p = { dieAt: random() < 0.08 ? 1 + Math.floor(random() * 14) : -1, n: 0, dead: false }));
    if (p.dead) throw new Error('injected crash: the function process died');
    p.n++;
    if (p.n === p.dieAt) {
      p.dead = true;
      throw new Error('injected crash: the function process died');
    }
    if (random() < 0.01) {
      await send(action, params);
      throw new Error('injected: the reply was lost');
    }
    return send(action, params);
  }) as typeof cloud.engine.send;
  return { off: () => void (on = false) };
}

describe(`play under concurrency, crashes and lost replies (PLAY_SEED=${SEED})`, () => {
  let cloud: TestCloud;
  const random = seededRandom(SEED);
  const cacheMsBefore = process.env.CODES_CACHE_MS;
  // The injected crashes and lost replies make the function log thousands of "unexpected error"
  // stacks (its answer is INTERNAL, which the test expects of a dead call): kept out of the output.
  let quiet: jest.SpyInstance;
  beforeAll(() => {
    quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => {
    quiet.mockRestore();
    if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
    else process.env.CODES_CACHE_MS = cacheMsBefore;
  });

  beforeAll(async () => {
    // A dead process's transaction is aborted after this; with a modelled round trip a live one takes
    // longer, so the timeout grows with it (else live draws time out and answer INTERNAL).
    cloud = cloudWithTxTimeout(300 + 500 * latencyFromEnv());
    cloud.engine.insertMany('admins', [{ _id: OPS, name: 'ops', createdAt: new Date() }]);
    const caps = [{ period: 'day', unit: 'times', limit: CAP }];
    const odds = pool({ prizes: [{ id: 'p50', name: '50 积分', kind: 'points', points: 50, costFen: 50, count: 50, weight: 30 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 70 }], shards: 4 });
    const deck = pool({ mode: 'deck', fallback: undefined, prizes: [{ id: 'p50', name: '50 积分', kind: 'points', points: 50, costFen: 50, count: 50, weight: 0 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: 250, weight: 0 }], shards: 4 });
    expect(await publishPool(cloud, 'rOdds', odds, { caps })).toMatchObject({ ok: true });
    expect(await publishPool(cloud, 'rDeck', deck, { caps })).toMatchObject({ ok: true });
    const points = Array.from({ length: MEMBERS }, () => (random() < 0.1 ? 15 : 60));
    for (let i = 0; i < MEMBERS; i += 25) await Promise.all(points.slice(i, i + 25).map((n, k) => member(cloud, `oP${i + k}`, n)));
  }, 120_000);

  test('prizes given = stock taken ≤ stock; caps hold; points conserved; each paid draw has one result', async () => {
    const f = faults(cloud, random);
    const outcomes = { ok: 0, refused: {} as Record<string, number>, errors: 0 };
    await Promise.all(
      Array.from({ length: MEMBERS }, async (_, i) => {
        const who = `oP${i}`;
        const plays = 1 + Math.floor(random() * 6);
        for (let k = 0; k < plays; k++) {
          const p = random() < 0.5 ? 'rOdds' : 'rDeck';
          const pay = random() < 0.25 ? 'free' : 'points';
          const clientKey = `k-${SEED}-${i}-${k}`;
          // Retries with the same key after an error (a crash or a lost reply), sometimes a double tap at once.
          const once = () => cloud.call('play', { action: 'draw', pool: p, clientKey, pay }, who).catch(() => ({ ok: false, code: 'CRASH' }));
          for (let attempt = 0; attempt < 4; attempt++) {
            const rs = await Promise.all(random() < 0.1 ? [once(), once()] : [once()]);
            const r = rs.find((x: any) => x.ok) ?? rs[0];
            if (r.ok) {
              outcomes.ok++;
              break;
            }
            if (!['CRASH', 'INTERNAL', 'CONFLICT'].includes(r.code)) {
              outcomes.refused[r.code] = (outcomes.refused[r.code] ?? 0) + 1;
              break;
            }
            if (attempt === 3) outcomes.errors++;
          }
        }
      }),
    );
    f.off();
    await new Promise((r) => setTimeout(r, 400)); // dead calls' transactions time out
    expect(await cloud.call('play', { action: 'deliverStale', olderThanSeconds: 0 }, OPS)).toMatchObject({ ok: true });
    console.log(`PLAY_SEED=${SEED}: ${JSON.stringify(outcomes)}`);

    const draws = cloud.engine.dump('draws') as any[];
    const ledger = cloud.engine.dump('ledger') as any[];
    // Every draw delivered after the sweep.
    expect(draws.filter((d) => d.status !== 'fulfilled')).toEqual([]);
    for (const p of ['rOdds', 'rDeck']) {
      const shards = shardsOf(cloud, p);
      shards.forEach((s) => {
        expect(s.left).toBeGreaterThanOrEqual(0);
        expect(s.remaining.p50).toBeGreaterThanOrEqual(0);
      });
      const taken = shards.reduce((n, s) => n + (s.initial.p50 ?? 0) - (s.remaining.p50 ?? 0), 0);
      const given = draws.filter((d) => d.pool === p && d.prize.id === 'p50').length;
      expect(given).toBe(taken);
      expect(given).toBeLessThanOrEqual(50);
      // The chain of each shard: seq 1..n, every record's prev is the one before.
      for (const s of shards) {
        const rs = draws.filter((d) => d.pool === p && d.shard === Number(s._id.split('#')[1])).sort((a, b) => a.seq - b.seq);
        expect(rs.map((r) => r.seq)).toEqual(rs.map((_, k) => k + 1));
        rs.forEach((r, k) => k > 0 && expect(r.prev).toBe(rs[k - 1].hash));
        expect(s.seq).toBe(rs.length);
      }
    }
    // Caps: no member passed CAP draws in a pool today.
    const per = new Map<string, number>();
    for (const d of draws) per.set(`${d.pool}:${d.member}`, (per.get(`${d.pool}:${d.member}`) ?? 0) + 1);
    expect(Math.max(...per.values())).toBeLessThanOrEqual(CAP);
    // Every paid draw has exactly one spend entry under its key, and every spend of a game has its draw.
    const spends = ledger.filter((e) => e.type === 'spend' && e.source.kind === 'game');
    const paid = draws.filter((d) => d.paid === 'points');
    expect(new Set(spends.map((e) => e._id))).toEqual(new Set(paid.map((d) => d._id)));
    // Every points prize has exactly one credit; no credit without a draw.
    const prizes = ledger.filter((e) => e.type === 'earn' && e.source.kind === 'game');
    expect(prizes.map((e) => e._id).sort()).toEqual(draws.filter((d) => d.prize.kind === 'points').map((d) => `prize:${d._id}`).sort());
    // Points conserved.
    const accounts = cloud.engine.dump('accounts') as any[];
    const issued = ledger.filter((e) => e.type === 'adjust').reduce((s, e) => s + e.amount, 0);
    const balance = accounts.reduce((s, a) => s + a.balance, 0);
    const debits = paid.reduce((s, d) => s + d.cost, 0);
    const credits = draws.filter((d) => d.prize.kind === 'points').reduce((s, d) => s + d.prize.points, 0);
    expect(spends.reduce((s, e) => s + e.amount, 0)).toBe(debits);
    expect(balance).toBe(issued - debits + credits);
    // The ledger's own invariant after debits and credits made in one transaction: balance = Σ lots remaining − debt.
    for (const a of accounts) expect(unpackLots(a.lots).reduce((s: number, l: any) => s + l.remaining, 0) - (a.debt ?? 0)).toBe(a.balance);
  }, 300_000);
});
