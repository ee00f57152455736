// The brand's orders through the runner: the real built `orders` function, the real SDK, the engine.
// 64 concurrent brand-server callers report `paid` for 64 members (each with a tier and an order
// campaign live): orders recorded per second, and one report's database requests.
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { Runner } from '../local/runtime/runner';
import { LOCAL_ORDERS_SECRET } from '../local/runtime/identity';
import { buildCloudFunctions } from '../scripts/build-cloud';

const OPS = 'oBenchOps';
const FUNCTIONS = ['user', 'admin', 'orders', 'tiers'];
const CONCURRENCY = 64;

export async function benchOrders(opts: { quick: boolean }): Promise<Record<string, number>> {
  const total = opts.quick ? 1_000 : 4_000;
  await buildCloudFunctions(FUNCTIONS);
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  FUNCTIONS.forEach((f) => runner.load(f));
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', createdAt: new Date() }]);
  const ok = <R extends { result: unknown }>(r: R): R => {
    if (!(r.result as { ok?: boolean }).ok) throw new Error(`bench failed: ${JSON.stringify(r.result)}`);
    return r;
  };
  ok(await runner.callAsMember('admin', { action: 'createCampaign', id: 'bench-shop', kind: 'order', name: '压测订单', rule: { pointsPerYuan: 1, returnDays: 7 }, caps: [{ period: 'day', unit: 'points', limit: 100_000_000 }] }, OPS));
  ok(await runner.callAsMember('admin', { action: 'publishCampaign', id: 'bench-shop' }, OPS));
  ok(
    await runner.callAsMember(
      'tiers',
      {
        action: 'saveScheme',
        tiers: [
          { level: 'normal', name: '普通会员', minGrowth: 0, benefits: { earnMultiplier: 1, signinMultiplier: 1 } },
          { level: 'gold', name: '金卡会员', minGrowth: 5_000, benefits: { earnMultiplier: 1.5, signinMultiplier: 1.5 } },
        ],
        growth: { orderPerYuan: 1 },
      },
      OPS,
    ),
  );
  const member = (i: number) => `oOrderBench${i}`;
  for (let i = 0; i < CONCURRENCY; i++) await runner.callAsMember('user', { action: 'login' }, member(i));
  const paidAt = new Date(Date.now() - 60_000).toISOString();
  const report = (id: string, m: string) =>
    runner.invoke(
      'orders',
      {
        action: 'paid',
        orderId: id,
        member: m,
        paidFen: 13_600,
        shippingFen: 800,
        items: [
          { sku: 'tea-250', category: 'tea', paidFen: 9_800 },
          { sku: 'cup', category: 'ware', paidFen: 3_000 },
        ],
        paidAt,
        secret: LOCAL_ORDERS_SECRET,
      },
      { SOURCE: 'wx_http' },
    );
  ok(await report('bench-warm', member(0))); // the instance caches the campaign and the tier scheme (5 s)
  const probe = ok(await report('bench-probe', member(0)));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let k = next++; k < total; k = next++) ok(await report(`bench-${k}`, member(w)));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { order_earn_per_s: Math.round(total / seconds), order_earn_db_requests: probe.dbRequests };
}

if (require.main === module) {
  benchOrders({ quick: process.argv.includes('--quick') }).then((r) => console.log(JSON.stringify(r)));
}
