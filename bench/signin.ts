// Daily sign-in through the runner: the real built `earn` function, the real SDK, the engine
// (docs/earn.md). What each figure measures:
// - signin_db_requests: one member's sign-in at steady state (the instance's campaign and exchange
//   rate cached): the account's sign-in state + the ledger credit with the state in its transaction.
//   The campaign has no budget; signin_db_requests_with_budget is the same under a budgeted one.
// - signin_per_s: first sign-ins of distinct members, 64 concurrent clients.
// - signin_double_credits: 64 members tapping 5 times at once each (320 concurrent calls): credits
//   beyond one per member and day, plus members left with none (must be 0).
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { Runner } from '../local/runtime/runner';
import { buildCloudFunctions } from '../scripts/build-cloud';

const OPS = 'oBenchOps';
const RULE = { cycle: 'rolling', basePoints: 5, streakBonuses: [{ day: 3, points: 10 }], cumulativeBonuses: [{ days: 15, points: 50 }] };

function openCloud() {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  for (const fn of ['user', 'admin', 'points', 'earn']) runner.load(fn);
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', createdAt: new Date() }]);
  const call = async (fn: string, data: Record<string, unknown>, who = OPS) => {
    const r = await runner.callAsMember(fn, data, who);
    if (!(r.result as { ok?: boolean }).ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r.result)}`);
    return r;
  };
  return { engine, runner, call };
}

export async function benchSignin(opts: { quick: boolean }): Promise<Record<string, number>> {
  await buildCloudFunctions(['user', 'admin', 'points', 'earn']);
  const out: Record<string, number> = {};
  const { engine, runner, call } = openCloud();
  await call('admin', { action: 'createCampaign', id: 'daily', kind: 'signin', name: '每日签到', rule: RULE });
  await call('admin', { action: 'publishCampaign', id: 'daily' });

  const members = opts.quick ? 2_000 : 8_000;
  const member = (i: number) => `oSignBench${i}`;
  for (let i = 0; i < members + 66; i++) await runner.callAsMember('user', { action: 'login' }, member(i));

  // Steady state: the first sign-in warms the instance's caches; the second is measured.
  await call('earn', { action: 'signIn' }, member(members + 64));
  out.signin_db_requests = (await call('earn', { action: 'signIn' }, member(members + 65))).dbRequests;

  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < members) {
        const i = next++;
        const { result } = await runner.callAsMember('earn', { action: 'signIn' }, member(i));
        if (!(result as { ok?: boolean }).ok) failures++;
      }
    }),
  );
  out.signin_per_s = Math.round(members / ((performance.now() - started) / 1000));
  out.signin_failures = failures;

  // 64 members × 5 taps at once (members who have not signed today: a second cloud).
  {
    const burst = openCloud();
    await burst.call('admin', { action: 'createCampaign', id: 'daily', kind: 'signin', name: '每日签到', rule: RULE });
    await burst.call('admin', { action: 'publishCampaign', id: 'daily' });
    const tappers = Array.from({ length: 64 }, (_, i) => `oTap${i}`);
    for (const m of tappers) await burst.runner.callAsMember('user', { action: 'login' }, m);
    const replies = await Promise.all(tappers.flatMap((m) => Array.from({ length: 5 }, () => burst.runner.callAsMember('earn', { action: 'signIn' }, m))));
    const refused = replies.filter((r) => !(r.result as { ok?: boolean }).ok).length;
    const entries = burst.engine.dump('ledger').filter((e) => (e as { source?: { kind: string } }).source?.kind === 'signin') as { member: string; source: { ref: string } }[];
    const perMemberDay = new Map<string, number>();
    for (const e of entries) perMemberDay.set(`${e.member}|${e.source.ref}`, (perMemberDay.get(`${e.member}|${e.source.ref}`) ?? 0) + 1);
    const missing = tappers.filter((m) => !entries.some((e) => e.member === m)).length;
    out.signin_double_credits = [...perMemberDay.values()].reduce((s, n) => s + n - 1, 0) + missing;
    out.signin_burst_refused = refused;

    // The same sign-in under a budgeted campaign (reported): the budget counter adds its requests.
    await burst.call('points', { action: 'createBudget', id: 'b', campaign: 'daily2', cap: 1_000_000, shards: 8 });
    await burst.call('admin', { action: 'createCampaign', id: 'daily2', kind: 'signin', name: '每日签到', rule: RULE, budget: 'b' });
    await burst.call('admin', { action: 'endCampaign', id: 'daily' });
    await burst.call('admin', { action: 'publishCampaign', id: 'daily2' });
    await burst.runner.callAsMember('user', { action: 'login' }, 'oBudget1');
    await burst.runner.callAsMember('user', { action: 'login' }, 'oBudget2');
    await new Promise((r) => setTimeout(r, Number(process.env.CODES_CACHE_MS ?? 5_000) + 50)); // the instance's campaign cache turns over
    await burst.call('earn', { action: 'signIn' }, 'oBudget1');
    out.signin_db_requests_with_budget = (await burst.call('earn', { action: 'signIn' }, 'oBudget2')).dbRequests;
    burst.engine.close();
  }
  engine.close();
  return out;
}

// Run alone: npx tsx bench/signin.ts [--quick]
if (require.main === module) {
  benchSignin({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(`BENCH_JSON ${JSON.stringify(r)}`))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
