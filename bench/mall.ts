// The mall through the runner: the real built `mall` function, the real SDK, the engine.
// 500 concurrent clients redeem an item with stock 1,000 until it is sold out (throughput, oversell,
// orders created), one redemption's database requests, 500 clients racing one flash-sale item
// (latency p99), and 64 concurrent credits racing a campaign budget's last points on the shared
// counter (`budget_overissue`: points issued past the budget's cap, must be 0).
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { Runner } from '../local/runtime/runner';
import { buildCloudFunctions } from '../scripts/build-cloud';
import { budgetStatus, createBudget } from '../cloudfunctions/common/ledger/budgets';
import * as ledger from '../cloudfunctions/common/ledger/service';
import { AppError } from '../cloudfunctions/common/errors';

export const OPS = 'oBenchOps';
export const ADDRESS = { name: '压测', phone: '13800138000', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' };

export const item = (over: Record<string, unknown>) => ({
  action: 'createItem',
  title: '压测商品',
  images: [],
  description: '',
  category: 'bench',
  kind: 'physical',
  points: 10,
  cashFen: 0,
  redPacketFen: 0,
  perMemberLimit: 0,
  perOrderMax: 5,
  listAt: null,
  delistAt: null,
  flashSale: false,
  sortWeight: 0,
  visible: true,
  shards: 1,
  ...over,
});

/** An engine and runner with the mall loaded, an operator, and `clients` members holding 100,000 points each. */
export async function openMall(clients: number) {
  await buildCloudFunctions(['user', 'points', 'mall']);
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  ['user', 'points', 'mall'].forEach((f) => runner.load(f));
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', createdAt: new Date() }]);
  const member = (i: number) => `oMallBench${i}`;
  const ok = (r: { result: unknown }) => {
    if (!(r.result as { ok?: boolean }).ok) throw new Error(`bench setup failed: ${JSON.stringify(r.result)}`);
  };
  for (let i = 0; i < clients; i++) {
    await runner.callAsMember('user', { action: 'login' }, member(i));
    ok(await runner.callAsMember('points', { action: 'adjust', member: member(i), delta: 100_000, reason: 'bench', key: `bench:${i}` }, OPS));
  }
  return { engine, runner, member, ok };
}

export async function benchMall(opts: { quick: boolean }): Promise<Record<string, number>> {
  const clients = opts.quick ? 200 : 500;
  const stock = opts.quick ? 400 : 1000;
  const { engine, runner, member, ok } = await openMall(clients);
  ok(await runner.callAsMember('mall', item({ id: 'bench-probe', stock: 10 }), OPS));
  ok(await runner.callAsMember('mall', item({ id: 'bench-hot', stock, shards: 8 }), OPS));
  ok(await runner.callAsMember('mall', item({ id: 'bench-flash', stock: 100, shards: 8, perMemberLimit: 1, flashSale: true }), OPS));

  const probe = await runner.callAsMember('mall', { action: 'redeem', item: 'bench-probe', quantity: 1, clientKey: 'bench-probe-1', address: ADDRESS }, member(0));
  ok(probe);
  const dbRequestsPerRedeem = probe.dbRequests;

  // Every client redeems again and again (a new key each time) until the item is sold out.
  let attempts = 0;
  let created = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = 0; ; n++) {
        attempts++;
        const { result } = await runner.callAsMember('mall', { action: 'redeem', item: 'bench-hot', quantity: 1, clientKey: `bench-${c}-${n}`, address: ADDRESS }, member(c));
        const r = result as { ok: boolean; code?: string };
        if (r.ok) created++;
        else if (r.code === 'SOLD_OUT') return;
        else throw new Error(`redeem failed: ${JSON.stringify(r)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const shards = (engine.dump('counterShards') as { counter: string; left: number }[]).filter((s) => s.counter === 'mall:bench-hot');
  const orders = (engine.dump('mallOrders') as { item: string; status: string }[]).filter((o) => o.item === 'bench-hot' && o.status === 'toShip').length;
  const oversell = Math.max(0, orders - stock) + shards.filter((s) => s.left < 0).length;

  // 500 clients race one flash-sale item at the same instant.
  const latencies = await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const t = performance.now();
      await runner.callAsMember('mall', { action: 'redeem', item: 'bench-flash', quantity: 1, clientKey: `flash-${c}`, address: ADDRESS }, member(c));
      return performance.now() - t;
    }),
  );
  latencies.sort((a, b) => a - b);

  // A campaign budget with its last points left: 64 members credit at once, again and again, until
  // the budget refuses them all; what was issued must never pass the cap.
  const cap = 64 * 7 + 5; // not a multiple of the credit: the last credits cannot all fit
  await createBudget({ id: 'bench-budget', campaign: 'bench', cap, shards: 8, operator: OPS });
  let credited = 0;
  await Promise.all(
    Array.from({ length: 64 }, async (_, c) => {
      for (let n = 0; ; n++) {
        try {
          await ledger.credit({ member: member(c), amount: 3, key: `bench-budget:${c}:${n}`, source: { kind: 'scan', ref: `b${c}-${n}` }, campaign: 'bench', budget: 'bench-budget' });
          credited += 3;
        } catch (e) {
          if (e instanceof AppError && e.code === 'BUDGET_EXHAUSTED') return;
          throw e;
        }
      }
    }),
  );
  const { issued } = await budgetStatus('bench-budget');
  const issuedEntries = (engine.dump('ledger') as { campaign?: string; type: string; amount: number }[]).filter((e) => e.campaign === 'bench' && e.type === 'earn').reduce((n, e) => n + e.amount, 0);
  engine.close();
  return {
    mall_redeem_attempts_per_s: Math.round(attempts / seconds),
    mall_oversell: oversell,
    mall_orders_created: orders,
    mall_db_requests_per_redeem: dbRequestsPerRedeem,
    budget_overissue: Math.max(0, issued - cap, issuedEntries - cap, credited - cap) + Math.abs(issued - issuedEntries),
    mall_flash_sale_p99_ms: Math.round(latencies[Math.floor(latencies.length * 0.99) - 1] ?? latencies[latencies.length - 1]),
  };
}
