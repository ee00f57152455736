// Seeded randomized concurrency: many members race for little stock. Whatever the interleaving,
// exactly the stock is sold, no shard goes below zero, no member passes the limit, and points are
// conserved (Σ balance + Σ spent = Σ issued). A failure prints its seed:
// MALL_SEED=<seed> npx jest test/integration/mall-random
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { baseItem, member, stockShards } from './mall-fixtures';
import { seededRandom } from '../helpers/random';

const SEED = Number(process.env.MALL_SEED ?? Date.now() % 1_000_000);
const ADDRESS = { name: '王大山', phone: '13900139000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 8 栋' };
const OPS = 'oOps';


function conservation(cloud: TestCloud) {
  const accounts = cloud.engine.dump('accounts') as any[];
  const sum = (k: string) => accounts.reduce((s, a) => s + (a[k] ?? 0), 0);
  return { balance: sum('balance'), spent: sum('spent'), earned: sum('earned'), held: sum('held') };
}

function checkStock(cloud: TestCloud, item: string, stock: number) {
  const shards = stockShards(cloud, item);
  shards.forEach((s) => expect(s.left).toBeGreaterThanOrEqual(0));
  const live = (cloud.engine.dump('mallOrders') as any[]).filter((o) => o.item === item && ['toShip', 'unpaid', 'shipped', 'completed'].includes(o.status));
  const sold = live.reduce((n, o) => n + o.quantity, 0);
  expect(shards.reduce((n, s) => n + s.sold, 0)).toBe(sold);
  expect(shards.reduce((n, s) => n + s.left, 0)).toBe(stock - sold);
  return { live, sold };
}

describe(`mall under concurrency (MALL_SEED=${SEED})`, () => {
  let cloud: TestCloud;
  const random = seededRandom(SEED);
  const MEMBERS = 500;
  const issued = new Map<string, number>();

  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    const ids = Array.from({ length: MEMBERS }, (_, i) => `oR${i}`);
    await Promise.all(
      ids.map(async (id) => {
        // Some cannot afford even one unit.
        const points = random() < 0.15 ? 50 : 100 + Math.floor(random() * 400);
        issued.set(id, points);
        await member(cloud, id, points);
      }),
    );
    expect(await cloud.call('mall', { action: 'createItem', id: 'hot', stock: 100, shards: 1, ...baseItem({ points: 100, perMemberLimit: 2 }) }, OPS)).toMatchObject({ ok: true });
    expect(
      await cloud.call('mall', { action: 'createItem', id: 'flash', stock: 100, shards: 8, ...baseItem({ points: 60, perMemberLimit: 1, flashSale: true }) }, OPS),
    ).toMatchObject({ ok: true });
  }, 60_000);

  test('500 members vs stock 100: exactly 100 sold, never oversold, limits hold, points conserved', async () => {
    const replies = await Promise.all(
      Array.from({ length: MEMBERS }, async (_, i) => {
        const id = `oR${i}`;
        const quantity = random() < 0.2 ? 2 : 1;
        const clientKey = `key-${SEED}-${i}-a`; // ≥ 8 characters whatever the seed
        const retries = random() < 0.3 ? 2 : 0; // lost replies retried with the same key, concurrently
        const calls = Array.from({ length: 1 + retries }, () => cloud.call('mall', { action: 'redeem', item: 'hot', quantity, clientKey, address: ADDRESS }, id));
        const rs = await Promise.all(calls);
        const ids = new Set(rs.filter((r) => r.ok).map((r) => r.data.order.id));
        expect(ids.size).toBeLessThanOrEqual(1);
        // Every reply for one key is the same answer.
        expect(new Set(rs.map((r) => (r.ok ? r.data.order.status : r.code))).size).toBe(1);
        return rs[0];
      }),
    );
    for (const r of replies.filter((x) => !x.ok)) expect(['SOLD_OUT', 'INSUFFICIENT_POINTS', 'LIMIT_EXCEEDED']).toContain(r.code);
    const { sold } = checkStock(cloud, 'hot', 100);
    expect(sold).toBe(100);
    for (const l of cloud.engine.dump('mallLimits') as any[]) expect(l.count).toBeLessThanOrEqual(2);
    const c = conservation(cloud);
    expect(c.held).toBe(0);
    expect(c.balance + c.spent).toBe([...issued.values()].reduce((a, b) => a + b, 0));
    expect(c.spent).toBe(100 * 100);
  }, 60_000);

  test('flash sale over 8 shards with a limit of 1 and double taps: exactly the stock, one each', async () => {
    const replies = await Promise.all(
      Array.from({ length: MEMBERS }, (_, i) =>
        Promise.all([
          cloud.call('mall', { action: 'redeem', item: 'flash', quantity: 1, clientKey: `flash-${SEED}-${i}-1`, address: ADDRESS }, `oR${i}`),
          cloud.call('mall', { action: 'redeem', item: 'flash', quantity: 1, clientKey: `flash-${SEED}-${i}-2`, address: ADDRESS }, `oR${i}`),
        ]),
      ),
    );
    const { live, sold } = checkStock(cloud, 'flash', 100);
    expect(sold).toBe(100);
    const perMember = new Map<string, number>();
    for (const o of live) perMember.set(o.member, (perMember.get(o.member) ?? 0) + o.quantity);
    for (const n of perMember.values()) expect(n).toBe(1);
    expect(replies.flat().filter((r) => r.ok)).toHaveLength(sold);
  }, 60_000);

  test('cancelling returns exactly what was taken', async () => {
    const before = conservation(cloud);
    const live = (cloud.engine.dump('mallOrders') as any[]).filter((o) => o.item === 'hot' && o.status === 'toShip');
    const victims = live.filter(() => random() < 0.3);
    const points = victims.reduce((n, o) => n + o.points, 0);
    const units = victims.reduce((n, o) => n + o.quantity, 0);
    await Promise.all(victims.map((o) => Promise.all([cloud.call('mall', { action: 'cancel', id: o._id }, o.member), cloud.call('mall', { action: 'cancel', id: o._id }, o.member)])));
    const after = conservation(cloud);
    expect(after.spent).toBe(before.spent - points);
    expect(after.balance).toBe(before.balance + points);
    const { sold } = checkStock(cloud, 'hot', 100);
    expect(sold).toBe(100 - units);
    expect(after.balance + after.spent).toBe([...issued.values()].reduce((a, b) => a + b, 0));
  }, 60_000);
});
