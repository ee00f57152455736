// Defects a review found in the mall and the checkout (issue 9 §1–§3), each reproduced through the
// built functions: card items with quantity > 1, late payment callbacks, the callback's fee, a
// failed-payment callback, quantities spread over flash-sale shards, concurrent first checkout
// holds, and keys reused with other parameters.
import { LOCAL_CHECKOUT_SECRET } from '../../local/runtime/identity';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { account, ADDRESS, baseItem, member, OPS, stockLeft, stockShards } from './mall-fixtures';

async function create(cloud: TestCloud, id: string, stock: number, over: Record<string, unknown> = {}, shards = 1) {
  expect(await cloud.call('mall', { action: 'createItem', id, stock, shards, ...baseItem(over) }, OPS)).toMatchObject({ ok: true });
}

const redeem = (cloud: TestCloud, who: string, data: Record<string, unknown>) => cloud.call('mall', { action: 'redeem', quantity: 1, address: ADDRESS, ...data }, who);
const pay = (cloud: TestCloud, event: Record<string, unknown>) => cloud.runner.invoke('mallpay', event, { SOURCE: 'wx_pay' }).then((r) => r.result as any);
const codes = (cloud: TestCloud, item: string) => cloud.engine.dump('mallCodes').filter((c: any) => c.item === item) as any[];
const refundsOf = (cloud: TestCloud, id: string) => (cloud.engine.dump('outbox') as any[]).filter((o) => o.api === 'cloudPay.refund' && o.payload.outTradeNo === id).length;

describe('card items with quantity > 1: exactly `quantity` codes; stock, pool and points agree', () => {
  test('points only: quantity 2 delivers two codes, takes 2 units and 2 × the points', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCard', 1000);
    await create(cloud, 'drink-card', 0, { kind: 'cardCode', points: 50 });
    await cloud.call('mall', { action: 'addCodes', id: 'drink-card', codes: ['DC-1', 'DC-2', 'DC-3'] }, OPS);
    const r = await redeem(cloud, 'oCard', { item: 'drink-card', quantity: 2, clientKey: 'card-two-1', address: undefined });
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'completed', points: 100 } } });
    expect(r.data.order.codes).toHaveLength(2);
    const assigned = codes(cloud, 'drink-card').filter((c) => c.status === 'assigned');
    expect(assigned.map((c) => c.code).sort()).toEqual([...r.data.order.codes].sort());
    expect(r.data.order.code).toBe(r.data.order.codes.join('、'));
    expect(stockLeft(cloud, 'drink-card')).toBe(1);
    expect(account(cloud, 'oCard')).toMatchObject({ balance: 900, spent: 100 });
    // Not enough codes for 2: sold out, nothing taken.
    expect(await redeem(cloud, 'oCard', { item: 'drink-card', quantity: 2, clientKey: 'card-two-2', address: undefined })).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    expect(codes(cloud, 'drink-card').filter((c) => c.status === 'assigned')).toHaveLength(2);
    expect(stockLeft(cloud, 'drink-card')).toBe(1);
    expect(account(cloud, 'oCard')).toMatchObject({ balance: 900, spent: 100 });
  });

  test('points + cash: the paid delivery claims two codes', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oCard', 1000);
    await create(cloud, 'pc-card', 0, { kind: 'cardCode', points: 50, cashFen: 100 });
    await cloud.call('mall', { action: 'addCodes', id: 'pc-card', codes: ['PC-1', 'PC-2', 'PC-3'] }, OPS);
    const r = await redeem(cloud, 'oCard', { item: 'pc-card', quantity: 2, clientKey: 'pc-card-1', address: undefined });
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'unpaid' }, payment: { totalFee: 200 } } });
    const paid = await pay(cloud, { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: r.data.order.id, totalFee: 200, transactionId: 'T1' });
    expect(paid).toMatchObject({ ok: true, order: { status: 'completed' } });
    expect(paid.order.codes).toHaveLength(2);
    expect(codes(cloud, 'pc-card').filter((c) => c.status === 'assigned').map((c) => c.code).sort()).toEqual([...paid.order.codes].sort());
    expect(stockLeft(cloud, 'pc-card')).toBe(1);
    expect(account(cloud, 'oCard')).toMatchObject({ balance: 900, held: 0, spent: 100 });
  });
});

describe('payment callbacks', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oPay', 100_000);
    await create(cloud, 'pot', 100, { points: 10, cashFen: 990 });
  });
  const order = async (clientKey: string) => {
    const r = await redeem(cloud, 'oPay', { item: 'pot', clientKey });
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'unpaid' } } });
    return r.data.order.id as string;
  };
  const success = (id: string, over: Record<string, unknown> = {}) => ({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990, transactionId: `T-${id}`, ...over });

  test('late success callbacks after a cancel, racing each other: one refund per order', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => order(`late-cb-${i}`)));
    for (const id of ids) expect(await cloud.call('mall', { action: 'cancel', id }, 'oPay')).toMatchObject({ ok: true });
    const replies = await Promise.all(ids.flatMap((id) => [pay(cloud, success(id)), pay(cloud, success(id)), pay(cloud, success(id))]));
    expect(replies.every((r) => r.errcode === 0 && r.ok === false && r.code === 'ORDER_STATE')).toBe(true);
    expect(ids.map((id) => refundsOf(cloud, id))).toEqual(ids.map(() => 1));
    expect(await pay(cloud, success(ids[0]))).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    expect(refundsOf(cloud, ids[0])).toBe(1);
  });

  test('late success callbacks after the payment window, racing each other: one cancel, one refund', async () => {
    const { paymentCallback } = await import('../../cloudfunctions/common/mall/orders');
    const id = await order('late-window-1');
    const later = new Date(Date.now() + 16 * 60_000);
    const replies = await Promise.all(Array.from({ length: 4 }, () => paymentCallback(success(id) as any, later)));
    expect(replies.every((r) => !r.ok && r.code === 'ORDER_EXPIRED')).toBe(true);
    expect(refundsOf(cloud, id)).toBe(1);
  });

  test.each([['a string', '990'], ['missing', undefined], ['fractional', 990.5], ['NaN', Number.NaN]])('a totalFee that is %s is refused, the order stays unpaid', async (_what, fee) => {
    const id = await order(`fee-case-${String(_what).replace(/\W/g, '')}`);
    const event: Record<string, unknown> = success(id, { totalFee: fee });
    if (fee === undefined) delete event.totalFee;
    expect(await pay(cloud, event)).toMatchObject({ errcode: 0, ok: false, code: 'BAD_REQUEST' });
    expect((cloud.engine.dump('mallOrders') as any[]).find((o) => o._id === id)).toMatchObject({ status: 'unpaid' });
    expect(await pay(cloud, success(id))).toMatchObject({ ok: true, order: { status: 'toShip' } });
  });

  test('a failed-payment callback changes nothing', async () => {
    const id = await order('failed-cb-1');
    const before = JSON.stringify((cloud.engine.dump('mallOrders') as any[]).find((o) => o._id === id));
    expect(await pay(cloud, { returnCode: 'SUCCESS', resultCode: 'FAIL', outTradeNo: id, totalFee: 990 })).toMatchObject({ errcode: 0, ok: false, code: 'ORDER_STATE' });
    expect(JSON.stringify((cloud.engine.dump('mallOrders') as any[]).find((o) => o._id === id))).toBe(before);
  });
});

describe('flash-sale shards', () => {
  test('a quantity-2 request takes across shards when no single shard has 2 left; never oversold', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oFlash', 10_000);
    await create(cloud, 'flash', 4, { points: 10, flashSale: true }, 4); // 1 unit per shard
    expect(await redeem(cloud, 'oFlash', { item: 'flash', quantity: 2, clientKey: 'flash-two-1' })).toMatchObject({ ok: true, data: { order: { status: 'toShip', quantity: 2 } } });
    expect(await redeem(cloud, 'oFlash', { item: 'flash', quantity: 2, clientKey: 'flash-two-2' })).toMatchObject({ ok: true });
    expect(await redeem(cloud, 'oFlash', { item: 'flash', quantity: 1, clientKey: 'flash-two-3' })).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    const shards = stockShards(cloud, 'flash');
    expect(shards.map((s) => s.left)).toEqual([0, 0, 0, 0]);
    expect(account(cloud, 'oFlash')).toMatchObject({ spent: 40 });
    // Cancelling gives each unit back to the shard it came from.
    const [o] = (cloud.engine.dump('mallOrders') as any[]).filter((x) => x.clientKey === 'flash-two-1');
    expect(await cloud.call('mall', { action: 'cancel', id: o._id }, 'oFlash')).toMatchObject({ ok: true });
    const after = stockShards(cloud, 'flash');
    expect(after.reduce((n, s) => n + s.left, 0)).toBe(2);
    expect(after.every((s) => s.left <= 1 && s.left + s.sold === 1)).toBe(true);
  });
});

describe('keys reused with other parameters', () => {
  const brand = (cloud: TestCloud, data: Record<string, unknown>) => cloud.runner.invoke('checkout', { ...data, secret: LOCAL_CHECKOUT_SECRET }, { SOURCE: 'wx_http' }).then((r) => r.result as any);

  test('two concurrent first checkout holds of one brand order with different amounts: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const cloud = createTestCloud();
      makeOperator(cloud, OPS);
      await member(cloud, 'oBrand', 5000);
      const [a, b] = await Promise.all([
        brand(cloud, { action: 'hold', brandOrderId: 'SO-RACE', member: 'oBrand', amountFen: 2990, points: 1000 }),
        brand(cloud, { action: 'hold', brandOrderId: 'SO-RACE', member: 'oBrand', amountFen: 3990, points: 1000 }),
      ]);
      expect([a, b].filter((r) => r.ok)).toHaveLength(1);
      expect([a, b].find((r) => !r.ok)).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
      const winner = [a, b].find((r) => r.ok);
      expect(cloud.engine.dump('checkoutOrders')).toMatchObject([{ _id: 'SO-RACE', amountFen: winner.data.amountFen }]);
      expect(account(cloud, 'oBrand')).toMatchObject({ held: 1000 });
    }
  });

  test('a refunded checkout with another reason is IDEMPOTENCY_MISMATCH', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oBrand', 5000);
    await brand(cloud, { action: 'hold', brandOrderId: 'SO-R', member: 'oBrand', amountFen: 2990, points: 1000 });
    await brand(cloud, { action: 'commit', brandOrderId: 'SO-R' });
    expect(await brand(cloud, { action: 'refund', brandOrderId: 'SO-R', reason: '退货' })).toMatchObject({ ok: true });
    expect(await brand(cloud, { action: 'refund', brandOrderId: 'SO-R', reason: '退货' })).toMatchObject({ ok: true, data: { status: 'refunded' } });
    expect(await brand(cloud, { action: 'refund', brandOrderId: 'SO-R', reason: '价保' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
  });

  test('a mall redemption key with another address (or quantity, or item) is IDEMPOTENCY_MISMATCH', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oKey', 5000);
    await create(cloud, 'cup', 10);
    await create(cloud, 'mug', 10);
    expect(await redeem(cloud, 'oKey', { item: 'cup', clientKey: 'same-key-1' })).toMatchObject({ ok: true });
    expect(await redeem(cloud, 'oKey', { item: 'cup', clientKey: 'same-key-1' })).toMatchObject({ ok: true });
    expect(await redeem(cloud, 'oKey', { item: 'cup', clientKey: 'same-key-1', address: { ...ADDRESS, detail: '龙井路 2 号' } })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(await redeem(cloud, 'oKey', { item: 'cup', clientKey: 'same-key-1', quantity: 2 })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(await redeem(cloud, 'oKey', { item: 'mug', clientKey: 'same-key-1' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(await redeem(cloud, 'oKey', { item: 'nope', clientKey: 'same-key-1' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(stockLeft(cloud, 'cup')).toBe(9);
    expect(account(cloud, 'oKey')).toMatchObject({ spent: 100 });
  });
});

describe('stock on the shared counter', () => {
  test('migrateStock carries each old shard over exactly; an order made before gives its unit back to its migrated shard', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oOld', 1000);
    const now = new Date();
    // An item as it was before the counter: its shards in mallStock, one unit sold to an order that names its shard.
    cloud.engine.insertMany('mallItems', [{ _id: 'old-cup', ...baseItem(), listAt: null, delistAt: null, stock: 5, shards: 2, createdAt: now, updatedAt: now, updatedBy: OPS }]);
    cloud.engine.insertMany('mallStock', [
      { _id: 'old-cup#0', item: 'old-cup', left: 2, sold: 1 },
      { _id: 'old-cup#1', item: 'old-cup', left: 2, sold: 0 },
    ]);
    const ledger = await import('../../cloudfunctions/common/ledger/service');
    await ledger.debit({ member: 'oOld', amount: 100, key: 'mall:oOldOrder1', source: { kind: 'mall', ref: 'oOldOrder1' } });
    cloud.engine.insertMany('mallOrders', [
      { _id: 'oOldOrder1', member: 'oOld', clientKey: 'old-key-1', item: 'old-cup', title: '山野茶杯', image: '', kind: 'physical', quantity: 1, points: 100, cashFen: 0, status: 'toShip', address: ADDRESS, hold: 'mall:oOldOrder1', shard: 'old-cup#0', returned: false, createdAt: now, updatedAt: now },
    ]);
    expect(await cloud.call('mall', { action: 'migrateStock' }, 'oOld')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('mall', { action: 'migrateStock' }, OPS)).toMatchObject({ ok: true, data: { migrated: 1 } });
    expect(await cloud.call('mall', { action: 'migrateStock' }, OPS)).toMatchObject({ ok: true, data: { migrated: 0 } }); // once
    expect(stockShards(cloud, 'old-cup').map((s) => [s._id, s.cap, s.left])).toEqual([['mall:old-cup#0', 3, 2], ['mall:old-cup#1', 2, 2]]);
    expect((await cloud.call('mall', { action: 'item', id: 'old-cup' }, 'oOld')).data.item).toMatchObject({ stockLeft: 4, sold: 1 });
    expect(await cloud.call('mall', { action: 'cancel', id: 'oOldOrder1' }, 'oOld')).toMatchObject({ ok: true, data: { order: { status: 'cancelled' } } });
    expect(stockShards(cloud, 'old-cup').map((s) => s.left)).toEqual([3, 2]);
    expect(account(cloud, 'oOld')).toMatchObject({ balance: 1000, spent: 0 });
    expect(await redeem(cloud, 'oOld', { item: 'old-cup', quantity: 2, clientKey: 'old-key-2' })).toMatchObject({ ok: true });
    expect(stockLeft(cloud, 'old-cup')).toBe(3);
  });
});

describe('campaign budgets on the shared counter', () => {
  test('64 concurrent credits racing a budget\'s last points: issued never passes the cap; a budget made before the counter moves onto it with its figures', async () => {
    const { createBudget, budgetStatus } = await import('../../cloudfunctions/common/ledger/budgets');
    const ledger = await import('../../cloudfunctions/common/ledger/service');
    const cloud = createTestCloud();
    const members = Array.from({ length: 64 }, (_, i) => `oBud${i}`);
    for (const m of members) await cloud.call('user', { action: 'login' }, m);
    const cap = 64 * 2 + 5;
    await createBudget({ id: 'last', campaign: 'c-last', cap, shards: 8, operator: OPS });
    const credit = (m: string, key: string, budget: string) => ledger.credit({ member: m, amount: 3, key, source: { kind: 'scan', ref: key }, campaign: 'c-last', budget });
    const replies = await Promise.allSettled(members.flatMap((m) => [0, 1, 2].map((n) => credit(m, `last:${m}:${n}`, 'last'))));
    const ok = replies.filter((r) => r.status === 'fulfilled').length;
    expect(replies.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'BUDGET_EXHAUSTED')).toBe(true);
    expect(ok).toBe(Math.floor(cap / 3)); // every point that fits is issued, none past the cap
    expect((await budgetStatus('last')).issued).toBe(ok * 3);

    // Made before the counter: the budget and its shards as they were, 40 of 50 issued.
    cloud.engine.insertMany('budgets', [{ _id: 'old', campaign: 'c-old', cap: 50, shards: 2, createdAt: new Date(), createdBy: OPS }]);
    cloud.engine.insertMany('budgetShards', [
      { _id: 'old#0', budget: 'old', cap: 25, issued: 25 },
      { _id: 'old#1', budget: 'old', cap: 25, issued: 15 },
    ]);
    expect((await budgetStatus('old')).issued).toBe(40);
    for (const n of [1, 2, 3]) await credit(`oBud${n}`, `old:${n}`, 'old');
    await expect(credit('oBud4', 'old:4', 'old')).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    expect((await budgetStatus('old')).issued).toBe(49);
    expect(stockShardsOfCounter(cloud, 'budget:old').map((s) => [s.cap, s.left])).toEqual([[25, 0], [25, 1]]);
  });
});

const stockShardsOfCounter = (cloud: TestCloud, counter: string) => (cloud.engine.dump('counterShards') as any[]).filter((s) => s.counter === counter);
