// Play (积分玩法) through the runner: the real built `play` function, the real SDK, the engine.
//   game_draws_per_s             500 concurrent members drawing (points entry) until each has made
//                                its plays (a new client key each, every 4th retried once with the same key)
//   game_prize_oversell          prizes given past their stock (the top prize: stock 50), and shards below zero
//   game_cap_violations          members past the pool's per-day play cap
//   game_db_requests_per_draw    one points-entry, points-prize draw on a warm instance
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { Runner } from '../local/runtime/runner';
import { buildCloudFunctions } from '../scripts/build-cloud';

const OPS = 'oBenchOps';
const CAP = 12;

export async function benchGames(opts: { quick: boolean }): Promise<Record<string, number>> {
  const members = 500;
  const plays = opts.quick ? 6 : 14; // past the cap of 12: the cap is exercised
  await buildCloudFunctions(['user', 'points', 'admin', 'play']);
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  ['user', 'points', 'admin', 'play'].forEach((f) => runner.load(f));
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', createdAt: new Date() }]);
  const ok = (r: { result: unknown }, what: string) => {
    if (!(r.result as { ok?: boolean }).ok) throw new Error(`bench setup ${what}: ${JSON.stringify(r.result)}`);
    return (r.result as { data: any }).data;
  };
  const now = Date.now();
  const notice = { organiser: '压测', contact: '400', redeem: '即时', delivery: '入账', forfeit: '无' };
  const rule = {
    game: 'wheel', mode: 'odds', entry: { points: 10, freePerDay: 0, sources: [] }, fallback: 'none', budgetFen: 1_000_000, shards: 32, notice,
    prizes: [
      { id: 'top', name: '大奖', kind: 'points', points: 500, costFen: 500, count: 50, weight: 5 },
      { id: 'p1', name: '1 积分', kind: 'points', points: 1, costFen: 1, count: null, weight: 45 },
      { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 50 },
    ],
  };
  const window = { from: new Date(now - 3600_000).toISOString(), to: new Date(now + 86_400_000).toISOString() };
  ok(await runner.callAsMember('admin', { action: 'createCampaign', id: 'bench-wheel', kind: 'game', name: '压测转盘', rule, window, caps: [{ period: 'day', unit: 'times', limit: CAP }] }, OPS), 'create');
  ok(await runner.callAsMember('admin', { action: 'publishCampaign', id: 'bench-wheel' }, OPS), 'publish');
  const probeRule = { ...rule, prizes: [{ id: 'p5', name: '5 积分', kind: 'points', points: 5, costFen: 5, count: 1000, weight: 1 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 0 }] };
  ok(await runner.callAsMember('admin', { action: 'createCampaign', id: 'bench-probe', kind: 'game', name: '压测探针', rule: probeRule, window, caps: [] }, OPS), 'create probe');
  ok(await runner.callAsMember('admin', { action: 'publishCampaign', id: 'bench-probe' }, OPS), 'publish probe');
  const member = (i: number) => `oGameBench${i}`;
  for (let i = 0; i < members; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        await runner.callAsMember('user', { action: 'login' }, member(i + k));
        ok(await runner.callAsMember('points', { action: 'adjust', member: member(i + k), delta: 100_000, reason: 'bench', key: `bench:${i + k}` }, OPS), 'grant');
      }),
    );
  }
  // One points-entry, points-prize draw, warm (the instance has the pool, its seed and the rate).
  ok(await runner.callAsMember('play', { action: 'draw', pool: 'bench-probe', clientKey: 'probe-warm-1', pay: 'points' }, member(0)), 'warm');
  const probe = await runner.callAsMember('play', { action: 'draw', pool: 'bench-probe', clientKey: 'probe-count-1', pay: 'points' }, member(0));
  ok(probe, 'probe');

  let draws = 0;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: members }, async (_, c) => {
      for (let n = 0; n < plays; n++) {
        const call = () => runner.callAsMember('play', { action: 'draw', pool: 'bench-wheel', clientKey: `bench-${c}-${n}`, pay: 'points' }, member(c));
        const { result } = await call();
        if (n % 4 === 0) await call(); // a retry of the same key (a lost reply): answered, not drawn again
        const r = result as { ok: boolean; code?: string };
        if (r.ok) draws++;
        else if (r.code === 'LIMIT_EXCEEDED') refused++;
        else throw new Error(`draw failed: ${JSON.stringify(r)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const records = (engine.dump('draws') as { pool: string; member: string; prize: { id: string } }[]).filter((d) => d.pool === 'bench-wheel');
  const shards = (engine.dump('counterShards') as { counter: string; left: number; initial: Record<string, number>; remaining: Record<string, number> }[]).filter((s) => s.counter === 'game:bench-wheel');
  const given = records.filter((d) => d.prize.id === 'top').length;
  const taken = shards.reduce((s, x) => s + (x.initial.top ?? 0) - (x.remaining.top ?? 0), 0);
  const per = new Map<string, number>();
  for (const d of records) per.set(d.member, (per.get(d.member) ?? 0) + 1);
  engine.close();
  if (records.length !== draws) throw new Error(`bench: ${draws} draws answered, ${records.length} recorded`);
  return {
    game_draws_per_s: Math.round(draws / seconds),
    game_prize_oversell: Math.max(0, given - 50) + Math.abs(given - taken) + shards.filter((s) => s.left < 0).length,
    game_cap_violations: [...per.values()].filter((n) => n > CAP).length,
    game_db_requests_per_draw: probe.dbRequests,
    game_draws_refused_at_cap: refused,
  };
}

if (require.main === module) {
  benchGames({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(`BENCH_JSON ${JSON.stringify(r)}`))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
