// Defects a review found in the mall and the checkout (issue 9 §1–§3), each reproduced through the
// built functions: card items with quantity > 1, late payment callbacks, the callback's fee, a
// failed-payment callback, quantities spread over flash-sale shards, concurrent first checkout
// holds, and keys reused with other parameters.
import { LOCAL_CHECKOUT_SECRET } from '../../local/runtime/identity';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { account, ADDRESS, baseItem, member, OPS, stockLeft } from './mall-fixtures';

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
    const shards = (cloud.engine.dump('mallStock') as any[]).filter((s) => s.item === 'flash');
    expect(shards.map((s) => s.left)).toEqual([0, 0, 0, 0]);
    expect(account(cloud, 'oFlash')).toMatchObject({ spent: 40 });
    // Cancelling gives each unit back to the shard it came from.
    const [o] = (cloud.engine.dump('mallOrders') as any[]).filter((x) => x.clientKey === 'flash-two-1');
    expect(await cloud.call('mall', { action: 'cancel', id: o._id }, 'oFlash')).toMatchObject({ ok: true });
    const after = (cloud.engine.dump('mallStock') as any[]).filter((s) => s.item === 'flash');
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
