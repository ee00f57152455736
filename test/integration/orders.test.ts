// The brand's orders earning points through the built `orders` and `tiers` functions: pending points
// that cannot be spent, posting after delivery + the return window, refunds before and after posting
// (spent points become debt), idempotency, bad input writing nothing, tier multipliers and growth.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { LOCAL_ORDERS_SECRET } from '../../local/runtime/identity';
import { postOrder } from '../../cloudfunctions/common/orders/service';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { replay, initialState, type Scheme } from '../../cloudfunctions/common/tiers/rules';

const OPS = 'oOps';
const DAY = 86_400_000;
const cacheMsBefore = process.env.CODES_CACHE_MS;
beforeAll(() => void (process.env.CODES_CACHE_MS = '0'));
afterAll(() => {
  if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
  else process.env.CODES_CACHE_MS = cacheMsBefore;
});

export const brand = (cloud: TestCloud, data: Record<string, unknown>, secret: string | null = LOCAL_ORDERS_SECRET) =>
  cloud.runner.invoke('orders', { ...data, ...(secret === null ? {} : { secret }) }, { SOURCE: 'wx_http' }).then((r) => r.result as any);

async function ok(cloud: TestCloud, fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

export const SCHEME = {
  tiers: [
    { level: 'normal', name: '普通会员', minGrowth: 0, benefits: { earnMultiplier: 1, signinMultiplier: 1 } },
    { level: 'silver', name: '银卡会员', minGrowth: 500, benefits: { earnMultiplier: 1.2, signinMultiplier: 1.2, extraPlaysPerDay: 1 } },
    { level: 'gold', name: '金卡会员', minGrowth: 2000, benefits: { earnMultiplier: 1.5, signinMultiplier: 1.5, birthdayPoints: 200, extraPlaysPerDay: 2 } },
    { level: 'black', name: '黑金会员', minGrowth: 8000, benefits: { earnMultiplier: 2, signinMultiplier: 2, birthdayPoints: 500, extraPlaysPerDay: 3, exclusiveItems: ['black-tea'] } },
  ],
  growth: { orderPerYuan: 1, scan: 0, signin: 0 },
  cycleMonths: 12,
  remindDays: 15,
};

export async function setUp(cloud: TestCloud, rule: Record<string, unknown> = {}, caps: unknown[] = []) {
  makeOperator(cloud, OPS);
  await ok(cloud, 'admin', { action: 'createCampaign', id: 'shop', kind: 'order', name: '商城消费积分', rule: { pointsPerYuan: 1, excludedCategories: ['gift-card'], returnDays: 7, ...rule }, caps });
  await ok(cloud, 'admin', { action: 'publishCampaign', id: 'shop' });
  await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const paidEvent = (orderId: string, member: string, items: { sku: string; category?: string; paidFen: number }[], shippingFen = 0) => ({
  action: 'paid',
  orderId,
  member,
  paidFen: items.reduce((s, i) => s + i.paidFen, 0) + shippingFen,
  shippingFen,
  items: items.map((i) => ({ category: 'tea', ...i })),
  paidAt: hoursAgo(48),
});
const account = (cloud: TestCloud, m: string) => cloud.engine.dump('accounts').find((a: any) => a._id === m) as any;
const order = (cloud: TestCloud, id: string) => cloud.engine.dump('orderEarnings').find((o: any) => o._id === id) as any;
const later = () => new Date(Date.now() + 9 * DAY);

describe('order earning', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    for (const m of ['oA', 'oB', 'oC']) await cloud.call('user', { action: 'login' }, m);
    await setUp(cloud);
  });

  test('paid: points pending (冻结), not spendable; the member sees them; a retry answers the same, other content is IDEMPOTENCY_MISMATCH', async () => {
    const ev = paidEvent('SO-1', 'oA', [{ sku: 'tea-1', paidFen: 12_800 }, { sku: 'card', category: 'gift-card', paidFen: 5_000 }], 1_000);
    const r = await brand(cloud, ev);
    expect(r).toMatchObject({ ok: true, data: { orderId: 'SO-1', status: 'pending', points: 128, pending: 128, posted: 0, replayed: false } });
    expect(r.data.why).toBe('订单 SO-1 · 实付 ¥128.00 × 1');
    expect(account(cloud, 'oA').balance ?? 0).toBe(0);
    await expect(ledger.debit({ member: 'oA', amount: 1, key: 'try-spend', source: { kind: 'mall', ref: 'x' } })).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
    expect((await brand(cloud, ev)).data).toMatchObject({ points: 128, replayed: true });
    expect(await brand(cloud, { ...ev, paidFen: ev.paidFen + 1, shippingFen: 1_001 })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    const mine = await ok(cloud, 'orders', { action: 'pending' }, 'oA');
    expect(mine).toMatchObject({ total: 128, orders: [{ orderId: 'SO-1', points: 128, delivered: false, availableOn: null }] });
    // growth from the items' fen (shipping excluded): 178 yuan → 178
    expect(cloud.engine.dump('growthEntries')).toContainEqual(expect.objectContaining({ _id: 'growth:order:SO-1', member: 'oA', delta: 178 }));
  });

  test('delivered sets the day they become available; posting before it does nothing, after it credits once with the order in the record', async () => {
    const d = await brand(cloud, { action: 'delivered', orderId: 'SO-1', deliveredAt: hoursAgo(24) });
    expect(d.ok).toBe(true);
    expect(d.data.availableOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await brand(cloud, { action: 'delivered', orderId: 'SO-1', deliveredAt: hoursAgo(23) })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect((await ok(cloud, 'orders', { action: 'postDue' })).posted).toBe(0);
    expect((await ok(cloud, 'orders', { action: 'pending' }, 'oA')).orders[0]).toMatchObject({ delivered: true, availableOn: d.data.availableOn });
    expect(await postOrder('SO-1', later())).toBe('posted');
    expect(await postOrder('SO-1', later())).toBe('not-due'); // again: nothing
    expect(account(cloud, 'oA')).toMatchObject({ balance: 128, debt: 0 });
    const e = cloud.engine.dump('ledger').find((x: any) => x._id === 'order:SO-1') as any;
    expect(e).toMatchObject({ amount: 128, campaign: 'shop', source: { kind: 'order', ref: 'SO-1', version: 1, tier: 'normal', multiplier: 1 }, reason: '订单 SO-1 · 实付 ¥128.00 × 1' });
    expect(order(cloud, 'SO-1')).toMatchObject({ status: 'posted', posted: 128, pending: 0 });
    // Order credits are owned by the orders module: an operator's whole reversal would bypass the order's refunds.
    expect(await cloud.call('points', { action: 'reverse', entry: 'order:SO-1', reason: '测试' }, OPS)).toMatchObject({ ok: false, code: 'NOT_REVERSIBLE' });
    await expect(ledger.reversePart('order:SO-1', { key: 'x-part', amount: 129, reason: 'r', owner: 'order' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(ledger.reversePart('order:SO-1', { key: 'x-part', amount: 1, reason: 'r', owner: 'mall' })).rejects.toMatchObject({ code: 'NOT_REVERSIBLE' });
  });

  test('refund before posting shrinks the pending credit; after posting reverses proportionally and spent points become debt', async () => {
    await brand(cloud, paidEvent('SO-2', 'oB', [{ sku: 'a', paidFen: 10_000 }, { sku: 'b', paidFen: 3_000 }]));
    const r1 = await brand(cloud, { action: 'refunded', orderId: 'SO-2', refundId: 'R1', items: [{ sku: 'a', fen: 2_500 }] });
    expect(r1.data).toMatchObject({ pending: 130 - 25, refunds: { R1: { points: 25, stage: 'pending' } } });
    expect((await brand(cloud, { action: 'refunded', orderId: 'SO-2', refundId: 'R1', items: [{ sku: 'a', fen: 2_500 }] })).data.replayed).toBe(true);
    expect(await brand(cloud, { action: 'refunded', orderId: 'SO-2', refundId: 'R1', items: [{ sku: 'a', fen: 2_000 }] })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    await brand(cloud, { action: 'delivered', orderId: 'SO-2', deliveredAt: hoursAgo(24) });
    expect(await postOrder('SO-2', later())).toBe('posted');
    expect(account(cloud, 'oB')).toMatchObject({ balance: 105 });
    const posting = cloud.engine.dump('ledger').find((x: any) => x._id === 'order:SO-2') as any;
    expect(posting.reason).toBe('订单 SO-2 · 实付 ¥130.00 × 1 · 扣除退款后 105');
    await ledger.debit({ member: 'oB', amount: 100, key: 'spend-b', source: { kind: 'mall', ref: 'm1' } });
    // after posting: b refunded in full (30 points) → 5 left in the lot, 25 owed
    const r2 = await brand(cloud, { action: 'refunded', orderId: 'SO-2', refundId: 'R2', items: [{ sku: 'b', fen: 3_000 }] });
    expect(r2.data).toMatchObject({ reversed: 30, refunds: { R2: { points: 30, stage: 'posted' } } });
    expect(account(cloud, 'oB')).toMatchObject({ balance: -25, debt: 25 });
    expect(cloud.engine.dump('ledger').find((x: any) => x._id === 'order-refund:SO-2:R2')).toMatchObject({ type: 'reverse', amount: 30, delta: -30, debtCreated: 25, ref: 'order:SO-2' });
    // the rest of a: 75 points; all back, debt grows — never floored at 0
    await brand(cloud, { action: 'refunded', orderId: 'SO-2', refundId: 'R3', items: [{ sku: 'a', fen: 7_500 }] });
    expect(account(cloud, 'oB')).toMatchObject({ balance: -100, debt: 100 });
    expect(order(cloud, 'SO-2')).toMatchObject({ posted: 105, reversed: 105 });
    // and growth went back exactly: 130 − 130
    const g = (cloud.engine.dump('growthEntries') as any[]).filter((x) => x.member === 'oB').reduce((s, x) => s + x.delta, 0);
    expect(g).toBe(0);
  });

  test('bad input: each refused with its code, nothing written', async () => {
    const before = JSON.stringify([cloud.engine.dump('orderEarnings'), cloud.engine.dump('ledger'), cloud.engine.dump('growthEntries'), cloud.engine.dump('memberTiers')]);
    const ev = paidEvent('SO-BAD', 'oC', [{ sku: 'a', paidFen: 1_000 }]);
    expect(await brand(cloud, ev, null)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await brand(cloud, ev, 'wrong')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('orders', { ...ev, secret: LOCAL_ORDERS_SECRET }, 'oC')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await brand(cloud, { ...ev, items: [{ sku: 'a', category: 't', paidFen: -5 }], paidFen: -5 })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await brand(cloud, { ...ev, items: [{ sku: 'a', category: 't', paidFen: 10.5 }], paidFen: 10.5 })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await brand(cloud, { ...ev, paidFen: 999 })).toMatchObject({ ok: false, code: 'BAD_REQUEST' }); // items + shipping ≠ paid
    expect(await brand(cloud, { ...ev, paidAt: new Date(Date.now() + DAY).toISOString() })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await brand(cloud, { ...ev, member: 'oNobody' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await brand(cloud, { action: 'delivered', orderId: 'SO-NONE', deliveredAt: hoursAgo(1) })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await brand(cloud, { action: 'refunded', orderId: 'SO-NONE', refundId: 'R', items: [{ sku: 'a', fen: 1 }] })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await brand(cloud, { action: 'refunded', orderId: 'SO-1', refundId: 'R9', items: [{ sku: 'nope', fen: 1 }] })).toMatchObject({ ok: false, code: 'ORDER_ITEM_UNKNOWN' });
    expect(await brand(cloud, { action: 'refunded', orderId: 'SO-1', refundId: 'R9', items: [{ sku: 'tea-1', fen: 12_801 }] })).toMatchObject({ ok: false, code: 'REFUND_TOO_LARGE' });
    expect(await brand(cloud, { action: 'refunded', orderId: 'SO-1', refundId: 'R9', items: [{ sku: 'tea-1', fen: 0 }] })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await brand(cloud, { action: 'refunded', orderId: 'SO-1', refundId: 'R9', items: [] })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(JSON.stringify([cloud.engine.dump('orderEarnings'), cloud.engine.dump('ledger'), cloud.engine.dump('growthEntries'), cloud.engine.dump('memberTiers')])).toBe(before);
  });
});

describe('tiers and caps', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    for (const m of ['oT', 'oD']) await cloud.call('user', { action: 'login' }, m);
    await setUp(cloud, { maxPerOrder: 5_000 }, [{ period: 'day', unit: 'points', limit: 1_000 }]);
  });

  test('growth upgrades at once; the next order earns with the tier multiplier and records it; tierOf for other earn paths', async () => {
    expect((await ok(cloud, 'tiers', { action: 'badge' }, 'oT'))).toEqual({ tier: 'normal', name: '普通会员', earnMultiplier: 1, signinMultiplier: 1, extraPlaysPerDay: 0, birthdayPoints: 0 });
    await brand(cloud, paidEvent('T-1', 'oT', [{ sku: 'a', paidFen: 60_000 }])); // 600 growth → silver; 600 points (normal)
    expect(order(cloud, 'T-1')).toMatchObject({ points: 600, tier: 'normal' });
    expect((await ok(cloud, 'tiers', { action: 'badge' }, 'oT'))).toMatchObject({ tier: 'silver', name: '银卡会员', earnMultiplier: 1.2 });
    const r = await brand(cloud, paidEvent('T-2', 'oT', [{ sku: 'a', paidFen: 10_000 }]));
    expect(r.data).toMatchObject({ points: 120, tier: 'silver', multiplier: 1.2 });
    expect(r.data.why).toBe('订单 T-2 · 实付 ¥100.00 × 1 · 银卡会员 1.2 倍');
    // the day cap (1,000): 600 + 120 earned, a third order of 500 gets 280
    const r3 = await brand(cloud, paidEvent('T-3', 'oT', [{ sku: 'a', paidFen: 20_000 }, { sku: 'b', paidFen: 21_667 }]));
    expect(r3.data.points).toBe(280);
    expect(order(cloud, 'T-3').items.map((i: any) => i.points)).toEqual([134, 146]); // the cap split by share
    const page = await ok(cloud, 'tiers', { action: 'mine' }, 'oT');
    expect(page).toMatchObject({ current: { tier: 'silver' }, next: { tier: 'gold', minGrowth: 2000 }, growthInCycle: 600 + 100 + 416 });
    expect(page.next.short).toBe(2000 - 1116);
    expect(page.history[0]).toMatchObject({ from: '普通会员', to: '银卡会员', reason: 'upgrade', reasonText: '成长值达标，立即升级' });
    expect(page.tiers).toHaveLength(4);
  });

  test('a campaign for some tiers only (its audience) gives the other members nothing', async () => {
    await ok(cloud, 'admin', { action: 'updateCampaign', id: 'shop', changes: { audience: { tiers: ['gold', 'black'] } } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'shop' });
    const r = await brand(cloud, paidEvent('T-AUD', 'oD', [{ sku: 'a', paidFen: 10_000 }]));
    expect(r.data).toMatchObject({ points: 0, status: 'closed', why: '订单 T-AUD · 普通会员不在活动范围', growth: 100 });
    await ok(cloud, 'admin', { action: 'updateCampaign', id: 'shop', changes: { audience: {} } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'shop' });
  });

  test('a refund of the upgrading order takes the tier back (not below the cycle start); tier changes replay from the growth entries', async () => {
    await brand(cloud, { action: 'refunded', orderId: 'T-1', refundId: 'R1', items: [{ sku: 'a', fen: 60_000 }] });
    expect((await ok(cloud, 'tiers', { action: 'badge' }, 'oT')).tier).toBe('silver'); // 516 growth left ≥ 500
    await brand(cloud, { action: 'refunded', orderId: 'T-3', refundId: 'R1', items: [{ sku: 'b', fen: 21_667 }] });
    expect((await ok(cloud, 'tiers', { action: 'badge' }, 'oT')).tier).toBe('normal'); // 300
    const stored = cloud.engine.dump('memberTiers').find((m: any) => m._id === 'oT') as any;
    const growth = (cloud.engine.dump('growthEntries') as any[]).filter((g) => g.member === 'oT');
    const cycles = (cloud.engine.dump('tierChanges') as any[]).filter((c) => c.member === 'oT' && c.reason.startsWith('cycle'));
    const tiersFull = (await ok(cloud, 'tiers', { action: 'scheme' })) as Scheme;
    const replayed = replay(tiersFull, initialState(tiersFull, stored.cycleStart), [
      ...growth.map((g) => ({ seq: g.seq, kind: 'growth' as const, delta: g.delta, inCycle: g.inCycle })),
      ...cycles.map((c) => ({ seq: c.seq, kind: 'cycle' as const, day: c.day })),
    ]);
    const { _id, updatedAt, orderCounters, ...state } = stored;
    expect(replayed).toEqual(state);
    expect((await ok(cloud, 'tiers', { action: 'mine' }, 'oT')).history.map((h: any) => h.reason)).toEqual(['refund', 'upgrade']);
  });
});

test('the demo seed reports brand orders through the real functions: one posted, one 冻结中, 银卡', async () => {
  const { seedDemo } = await import('../../local/seed/demo');
  const cloud = createTestCloud();
  expect(await seedDemo(cloud.runner)).toBe(true);
  const bob = 'oLOCAL-shopper-bob';
  expect(order(cloud, 'SO-20261115-0008')).toMatchObject({ status: 'posted', posted: 588 });
  expect(await ok(cloud, 'orders', { action: 'pending' }, bob)).toMatchObject({ total: 153, orders: [{ orderId: 'SO-20261120-0012', points: 153, delivered: false }] });
  expect((await ok(cloud, 'tiers', { action: 'badge' }, bob)).name).toBe('银卡会员');
  expect((await ok(cloud, 'tiers', { action: 'badge' }, 'oLOCAL-shopper-alice')).name).toBe('普通会员');
});

test('the cycle end: the daily pass keeps a tier whose growth reached it, else one level down, recorded and replayable', async () => {
  const { grow, closeDueCycles, saveScheme } = await import('../../cloudfunctions/common/tiers/service');
  const cloud = createTestCloud();
  await saveScheme({ ...SCHEME, tiers: SCHEME.tiers.map((t) => ({ ...t, benefits: { birthdayPoints: 0, extraPlaysPerDay: 0, exclusiveItems: [], ...t.benefits } })) } as any, OPS);
  const yearAgo = new Date(Date.now() - 370 * DAY);
  await grow({ member: 'oK', key: 'g1', delta: 9000, source: { kind: 'order', ref: 'x' }, now: yearAgo }); // 黑金
  await grow({ member: 'oK', key: 'g1', delta: 9000, source: { kind: 'order', ref: 'x' }, now: yearAgo }); // a retry: nothing
  await expect(grow({ member: 'oK', key: 'g1', delta: 10, source: { kind: 'order', ref: 'x' }, now: yearAgo })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
  await grow({ member: 'oS', key: 'g2', delta: 600, source: { kind: 'order', ref: 'y' }, now: yearAgo }); // 银卡, and again next cycle
  expect(await closeDueCycles(new Date(), 2_000, 1)).toEqual({ closed: 2 }); // page after page
  expect(await closeDueCycles()).toEqual({ closed: 0 });
  const st = (m: string) => cloud.engine.dump('memberTiers').find((x: any) => x._id === m) as any;
  expect(st('oK')).toMatchObject({ level: 'black', growthInCycle: 0, lifetimeGrowth: 9000 }); // 9000 ≥ 8000: kept
  expect(st('oS')).toMatchObject({ level: 'silver' });
  // another year without growth: one level down each, never two
  const later = new Date(Date.now() + 370 * DAY);
  await closeDueCycles(later);
  expect(st('oK').level).toBe('gold');
  expect(st('oS').level).toBe('normal');
  const changes = (cloud.engine.dump('tierChanges') as any[]).filter((c) => c.member === 'oK').sort((a, b) => a.seq - b.seq);
  expect(changes.map((c) => [c.reason, c.reasonText])).toEqual([
    ['upgrade', '成长值达标，立即升级'],
    ['cycle-keep', '周期结束，保级成功'],
    ['cycle-down', '周期结束未达保级成长值，降一级'],
  ]);
  const scheme = { ...SCHEME, version: 1, tiers: SCHEME.tiers.map((t) => ({ ...t, benefits: { birthdayPoints: 0, extraPlaysPerDay: 0, exclusiveItems: [], ...t.benefits } })) } as unknown as Scheme;
  const growth = (cloud.engine.dump('growthEntries') as any[]).filter((g) => g.member === 'oK');
  const { _id, updatedAt, ...state } = st('oK');
  expect(
    replay(scheme, initialState(scheme, growth[0].cycleStart), [
      ...growth.map((g) => ({ seq: g.seq, kind: 'growth' as const, delta: g.delta, inCycle: g.inCycle })),
      ...changes.filter((c) => c.reason.startsWith('cycle')).map((c) => ({ seq: c.seq, kind: 'cycle' as const, day: c.day })),
    ]),
  ).toEqual(state);
});

test('concurrent first reports of one order with different content: exactly one is recorded, the rest replay it or are IDEMPOTENCY_MISMATCH', async () => {
  const cloud = createTestCloud();
  await cloud.call('user', { action: 'login' }, 'oP');
  await setUp(cloud);
  for (let round = 0; round < 5; round++) {
    const id = `RACE-${round}`;
    const a = paidEvent(id, 'oP', [{ sku: 'a', paidFen: 10_000 }]);
    const b = paidEvent(id, 'oP', [{ sku: 'a', paidFen: 20_000 }]);
    const replies = await Promise.all([a, b, a, b, a, b].map((e) => brand(cloud, e)));
    const stored = order(cloud, id);
    const winner = stored.paidFen === 10_000 ? 'a' : 'b';
    replies.forEach((r, i) => {
      const mine = i % 2 === 0 ? 'a' : 'b';
      if (mine === winner) expect(r).toMatchObject({ ok: true, data: { orderId: id, points: stored.points } });
      else expect(r).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    });
    expect((cloud.engine.dump('growthEntries') as any[]).filter((g) => g._id === `growth:order:${id}`)).toHaveLength(1);
  }
  const st = cloud.engine.dump('memberTiers').find((m: any) => m._id === 'oP') as any;
  expect(st.lifetimeGrowth).toBe((cloud.engine.dump('orderEarnings') as any[]).reduce((s, o) => s + o.growth, 0));
});

test('closing an account: points 冻结中 block it (ORDERS_OPEN); once posted, orders, growth and tier changes move to the pseudonym and the tier state goes', async () => {
  const cloud = createTestCloud();
  await cloud.call('user', { action: 'login' }, 'oZ');
  await setUp(cloud);
  await brand(cloud, paidEvent('Z-1', 'oZ', [{ sku: 'a', paidFen: 60_000 }]));
  expect((await cloud.call('user', { action: 'closurePreview' }, 'oZ')).data).toMatchObject({ blocked: 'ORDERS_OPEN' });
  expect(await cloud.call('user', { action: 'closeAccount', confirmForfeit: 0 }, 'oZ')).toMatchObject({ ok: false, code: 'ORDERS_OPEN' });
  await brand(cloud, { action: 'delivered', orderId: 'Z-1', deliveredAt: hoursAgo(24) });
  await postOrder('Z-1', later());
  const exported = (await cloud.call('user', { action: 'exportMyData' }, 'oZ')).data;
  expect(exported.brandOrders.items).toEqual([expect.objectContaining({ id: 'Z-1', points: 600, posted: 600, status: 'posted' })]);
  expect(exported.tier).toMatchObject({ level: 'silver', lifetimeGrowth: 600, growth: { items: [expect.objectContaining({ id: 'growth:order:Z-1', delta: 600 })] } });
  const p = (await cloud.call('user', { action: 'closurePreview' }, 'oZ')).data;
  expect(p).toMatchObject({ blocked: null, forfeit: 600 });
  expect(await cloud.call('user', { action: 'closeAccount', confirmForfeit: 600 }, 'oZ')).toMatchObject({ ok: true });
  const mine = JSON.stringify([cloud.engine.dump('orderEarnings'), cloud.engine.dump('growthEntries'), cloud.engine.dump('tierChanges'), cloud.engine.dump('memberTiers')]);
  expect(mine).not.toContain('oZ');
  expect(order(cloud, 'Z-1').member).toMatch(/^x[0-9a-f]{24}$/);
  expect(cloud.engine.dump('memberTiers')).toHaveLength(0);
  // The brand reporting for the closed account: ACCOUNT_CLOSED, nothing written.
  expect(await brand(cloud, paidEvent('Z-2', 'oZ', [{ sku: 'a', paidFen: 100 }]))).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
});
