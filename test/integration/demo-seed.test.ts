// The demo seed adds up (issue 14 §2, §5): it writes through the real functions, so every spend is
// a real order, members registered before their first points, and they carry the persona names the
// start-up banner prints.
import { createTestCloud, type TestCloud } from '../helpers/cloud';
import { PERSONAS } from '../../local/seed/personas';

let cloud: TestCloud;
beforeAll(async () => {
  const { seedDemo } = await import('../../local/seed/demo');
  cloud = createTestCloud();
  expect(await seedDemo(cloud.runner)).toBe(true);
});

const ok = async (fn: string, data: Record<string, unknown>, openid: string) => {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data;
};

test('demo members carry the persona names the banner prints', async () => {
  for (const p of PERSONAS) expect((await ok('user', { action: 'getProfile' }, p.openid)).member.nickname).toBe(p.nickname);
});

test('every member registered before their first points, order, scan or sign-in', () => {
  const members = cloud.engine.dump('members') as { _id: string; createdAt: Date }[];
  const firsts = new Map<string, number>();
  const note = (member: string, at: Date) => firsts.set(member, Math.min(firsts.get(member) ?? Infinity, +new Date(at)));
  for (const e of cloud.engine.dump('ledger') as { member: string; createdAt: Date }[]) note(e.member, e.createdAt);
  for (const o of cloud.engine.dump('mallOrders') as { member: string; createdAt: Date }[]) note(o.member, o.createdAt);
  for (const m of members) if (firsts.has(m._id)) expect({ m: m._id, registeredFirst: +new Date(m.createdAt) <= firsts.get(m._id)! }).toEqual({ m: m._id, registeredFirst: true });
  expect(firsts.size).toBeGreaterThanOrEqual(3);
});

test('every spend in the ledger is a real order of that member (carol: 使用 with 我的订单 to show for it)', async () => {
  const carol = PERSONAS.find((p) => p.id === 'carol')!.openid;
  const orders = (await ok('mall', { action: 'orders' }, carol)).items as { id: string; no: string; points: number; title: string }[];
  expect(orders.length).toBeGreaterThan(0);
  const all = (cloud.engine.dump('ledger') as any[]).filter((e) => e.type === 'spend');
  // A spend is a mall order or a sign-in make-up's cost (bob's), never a made-up "order" reference.
  for (const e of all) expect(['mall', 'signin']).toContain(e.source.kind);
  const spends = all.filter((e) => e.source.kind === 'mall');
  expect(spends.length).toBeGreaterThan(0);
  const allOrders = cloud.engine.dump('mallOrders') as any[];
  for (const e of spends) {
    const order = allOrders.find((o) => o._id === e.source.ref);
    expect(order).toMatchObject({ member: e.member, points: e.amount });
    expect(e.reason).toBe(`兑换 ${order.title} × ${order.quantity} · 订单 ${order.no}`);
  }
  const carolSpent = spends.filter((e) => e.member === carol).reduce((n, e) => n + e.amount, 0);
  expect(carolSpent).toBe(orders.reduce((n, o) => n + o.points, 0));
  // What 首页 says she has bought adds up with those orders.
  expect(await ok('mall', { action: 'redeemed' }, carol)).toMatchObject({ units: 3, points: 300 });
});
