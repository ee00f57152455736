// The points mall through the built functions: catalog and listing window, redemption (idempotent,
// limits, virtual codes), points+cash with the simulated payment and its timeout, orders and
// fulfilment, and the brand checkout API.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { LOCAL_CHECKOUT_SECRET } from '../../local/runtime/identity';
import { account, ADDRESS, baseItem, hour, member, OPS, stockLeft } from './mall-fixtures';

async function create(cloud: TestCloud, id: string, stock: number, over: Record<string, unknown> = {}, shards = 1) {
  const r = await cloud.call('mall', { action: 'createItem', id, stock, shards, ...baseItem(over) }, OPS);
  expect(r).toMatchObject({ ok: true });
  return r.data;
}

let n = 0;
const key = () => `test-key-${++n}-${Math.random().toString(36).slice(2, 8)}`;

describe('catalog', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oA', 1000);
  });

  test('operators create items (audited); members cannot', async () => {
    await create(cloud, 'cup', 10);
    expect(cloud.engine.dump('mallAudit').some((a: any) => a.action === 'createItem' && a.target === 'cup' && a.operator === OPS)).toBe(true);
    expect(await cloud.call('mall', { action: 'createItem', id: 'x', stock: 1, ...baseItem() }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('mall', { action: 'createItem', id: 'cup', stock: 1, ...baseItem() }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '商品编号：cup 已被使用' });
  });

  test.each([
    { points: 0 },
    { points: 1.5 },
    { perOrderMax: 0 },
    { kind: 'gift' },
    { title: '' },
    { listAt: '2026-01-02T00:00:00.000Z', delistAt: '2026-01-01T00:00:00.000Z' },
    { kind: 'redPacket', redPacketFen: 0 },
  ])('bad item %j is INVALID_FIELD (Chinese, by field) and creates nothing', async (over) => {
    const before = cloud.engine.dump('mallItems').length;
    expect(await cloud.call('mall', { action: 'createItem', id: `bad${++n}`, stock: 1, ...baseItem(over) }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD' });
    expect(cloud.engine.dump('mallItems')).toHaveLength(before);
  });

  test('listing state follows the window at read time; hidden items are not listed', async () => {
    const now = Date.now();
    await create(cloud, 'soon', 5, { listAt: new Date(now + hour).toISOString(), flashSale: true, sortWeight: 5 });
    // A new item may not end before it starts selling (INVALID_FIELD); delisting an existing one now is an edit.
    await create(cloud, 'gone', 5);
    expect(await cloud.call('mall', { action: 'updateItem', id: 'gone', changes: { delistAt: new Date(now - hour).toISOString() } }, OPS)).toMatchObject({ ok: true });
    await create(cloud, 'secret', 5, { visible: false });
    const r = await cloud.call('mall', { action: 'items', limit: 50 }, 'oA');
    const ids = r.data.items.map((i: any) => i.id);
    expect(ids).toEqual(['soon', 'cup']);
    expect(r.data.items[0]).toMatchObject({ state: 'upcoming', flashSale: true, stockLeft: 5 });
    expect(await cloud.call('mall', { action: 'redeem', item: 'soon', quantity: 1, clientKey: key() }, 'oA')).toMatchObject({ ok: false, code: 'ITEM_NOT_STARTED' });
    expect(await cloud.call('mall', { action: 'redeem', item: 'gone', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA')).toMatchObject({ ok: false, code: 'ITEM_UNAVAILABLE' });
    expect(await cloud.call('mall', { action: 'redeem', item: 'secret', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA')).toMatchObject({ ok: false, code: 'ITEM_UNAVAILABLE' });
    expect(await cloud.call('mall', { action: 'item', id: 'secret' }, 'oA')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // Delisting later takes effect without anyone pressing a button.
    await cloud.call('mall', { action: 'updateItem', id: 'cup', changes: { delistAt: new Date(now + 50).toISOString() } }, OPS);
    await new Promise((r) => setTimeout(r, 80));
    expect((await cloud.call('mall', { action: 'items', limit: 50 }, 'oA')).data.items.map((i: any) => i.id)).toEqual(['soon']);
    expect(account(cloud, 'oA')).toMatchObject({ balance: 1000, held: 0 });
    expect(cloud.engine.dump('mallOrders')).toHaveLength(0);
  });

  test('categories and paging', async () => {
    for (let i = 0; i < 5; i++) await create(cloud, `tea${i}`, 3, { category: '茶叶', sortWeight: -i });
    expect((await cloud.call('mall', { action: 'categories' }, 'oA')).data.categories).toEqual(['茶叶', '茶器']);
    const p1 = await cloud.call('mall', { action: 'items', category: '茶叶', limit: 3 }, 'oA');
    const p2 = await cloud.call('mall', { action: 'items', category: '茶叶', limit: 3, cursor: p1.data.nextCursor }, 'oA');
    expect([...p1.data.items, ...p2.data.items].map((i: any) => i.id)).toEqual(['tea0', 'tea1', 'tea2', 'tea3', 'tea4']);
    expect(p2.data.nextCursor).toBeNull();
  });
});

describe('redemption', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oA', 1000);
    await member(cloud, 'oPoor', 50);
    await create(cloud, 'cup', 3, { perMemberLimit: 2 });
  });

  test('a physical item: points spent, stock taken, order toShip; a retry with the key answers the same order', async () => {
    const k = key();
    const r = await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: k, address: ADDRESS }, 'oA');
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'toShip', points: 100, address: ADDRESS } } });
    const again = await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: k, address: ADDRESS }, 'oA');
    expect(again.data.order.id).toBe(r.data.order.id);
    expect(await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 2, clientKey: k, address: ADDRESS }, 'oA')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(account(cloud, 'oA')).toMatchObject({ balance: 900, held: 0, spent: 100 });
    expect(stockLeft(cloud, 'cup')).toBe(2);
  });

  test.each([
    [{ quantity: 0 }, 'BAD_REQUEST'],
    [{ quantity: -1 }, 'BAD_REQUEST'],
    [{ quantity: 1.5 }, 'BAD_REQUEST'],
    [{ quantity: 1, address: undefined }, 'ADDRESS_INVALID'],
    [{ quantity: 1, address: { ...ADDRESS, phone: '123' } }, 'ADDRESS_INVALID'],
    [{ quantity: 1, address: { ...ADDRESS, detail: '' } }, 'ADDRESS_INVALID'],
    [{ quantity: 1, address: { ...ADDRESS, province: '火星', city: 'abc', district: '😀' } }, 'ADDRESS_REGION_UNKNOWN'],
    [{ quantity: 1, address: { ...ADDRESS, district: '南山区' } }, 'ADDRESS_REGION_UNKNOWN'],
    [{ quantity: 1, address: { ...ADDRESS, name: '林'.repeat(21) } }, 'TEXT_TOO_LONG'],
    [{ quantity: 1, address: { ...ADDRESS, detail: '路'.repeat(121) } }, 'TEXT_TOO_LONG'],
    [{ quantity: 3 }, 'LIMIT_EXCEEDED'],
    [{ quantity: 1, item: 'nope' }, 'NOT_FOUND'],
  ])('%j → %s, nothing held or taken', async (over, code) => {
    const before = { ...account(cloud, 'oA') };
    const left = stockLeft(cloud, 'cup');
    const r = await cloud.call('mall', { action: 'redeem', item: 'cup', clientKey: key(), address: ADDRESS, ...over }, 'oA');
    expect(r).toMatchObject({ ok: false, code });
    expect(account(cloud, 'oA')).toMatchObject({ balance: before.balance, held: before.held });
    expect(stockLeft(cloud, 'cup')).toBe(left);
  });

  test('order numbers people can read (20261129-483920): on the order, its list, the ledger rows and the CSV; the redemption still costs 10 requests', async () => {
    await create(cloud, 'mug', 5); // as the bench's probe: no per-member limit, one shard
    const k = key();
    const { reply, dbRequests } = await cloud.callCounted('mall', { action: 'redeem', item: 'mug', quantity: 1, clientKey: k, address: ADDRESS }, 'oA');
    expect(dbRequests).toBe(10);
    const { id, no } = reply.data.order;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).replace(/-/g, '');
    expect(no).toMatch(new RegExp(`^${today}-\\d{6}$`));
    expect(no).not.toBe(`${today}-000000`);
    // The retry answers the same number; the order page and the list show it.
    expect((await cloud.call('mall', { action: 'redeem', item: 'mug', quantity: 1, clientKey: k, address: ADDRESS }, 'oA')).data.order.no).toBe(no);
    expect((await cloud.call('mall', { action: 'order', id }, 'oA')).data.order.no).toBe(no);
    expect((await cloud.call('mall', { action: 'orders' }, 'oA')).data.items.find((o: any) => o.id === id).no).toBe(no);
    // The ledger row names it, and so does the row that gives the points back.
    const rows = () => cloud.engine.dump('ledger').filter((e: any) => e.source?.ref === id).map((e: any) => e.reason);
    expect(rows()).toEqual([`兑换 山野茶杯 × 1 · 订单 ${no}`]);
    expect(await cloud.call('mall', { action: 'cancel', id }, 'oA')).toMatchObject({ ok: true });
    expect(rows()).toContain(`退回 山野茶杯 × 1（会员取消）· 订单 ${no}`);
    const csv = (await cloud.call('mall', { action: 'exportOrders', status: 'cancelled' }, OPS)).data.csv as string;
    expect(csv.split('\n').some((line) => line.startsWith(`${no},`))).toBe(true);
  });

  test('saveAddress refuses a division that does not exist and over-long text; nothing is stored', async () => {
    const save = (address: Record<string, string>) => cloud.call('mall', { action: 'saveAddress', address }, 'oA');
    expect(await save({ ...ADDRESS, province: '火星', city: 'abc', district: '😀' })).toMatchObject({ ok: false, code: 'ADDRESS_REGION_UNKNOWN' });
    expect(await save({ ...ADDRESS, detail: '路'.repeat(121) })).toMatchObject({ ok: false, code: 'TEXT_TOO_LONG', message: expect.stringContaining('detail') });
    expect((cloud.engine.dump('mallAddresses') as any[]).filter((a) => a._id === 'oA')).toEqual([]);
    expect(await save({ ...ADDRESS, province: '北京市', city: '北京市', district: '东城区' })).toMatchObject({ ok: true });
  });

  test('insufficient points: the unit goes back; the same key answers the same failure', async () => {
    const k = key();
    expect(await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: k, address: ADDRESS }, 'oPoor')).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' });
    expect(await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: k, address: ADDRESS }, 'oPoor')).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' });
    expect(stockLeft(cloud, 'cup')).toBe(2);
    expect(account(cloud, 'oPoor')).toMatchObject({ balance: 50, held: 0 });
    expect((cloud.engine.dump('mallLimits') as any[]).find((l) => l._id === 'cup:oPoor')?.count ?? 0).toBe(0);
  });

  test('per-member limit holds under concurrent retries and new keys', async () => {
    const keys = [key(), key(), key()];
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: keys[i % 3], address: ADDRESS }, 'oA')),
    );
    const orders = new Set(replies.filter((r) => r.ok).map((r) => r.data.order.id));
    // oA already has 1 of a limit of 2: one more order at most, and stock 2 left.
    expect(orders.size).toBe(1);
    expect(replies.filter((r) => !r.ok).every((r) => ['LIMIT_EXCEEDED', 'SOLD_OUT'].includes(r.code))).toBe(true);
    expect((cloud.engine.dump('mallLimits') as any[]).find((l) => l._id === 'cup:oA').count).toBe(2);
    expect(account(cloud, 'oA')).toMatchObject({ balance: 800, held: 0 });
  });

  test('member cancels before shipping: points restored by reversal, stock and limit returned; not after shipping', async () => {
    const list = await cloud.call('mall', { action: 'orders', status: 'toShip', limit: 10 }, 'oA');
    expect(list.data.items).toHaveLength(2);
    const [first, second] = list.data.items;
    const c = await cloud.call('mall', { action: 'cancel', id: first.id }, 'oA');
    expect(c).toMatchObject({ ok: true, data: { order: { status: 'cancelled' } } });
    expect(account(cloud, 'oA')).toMatchObject({ balance: 900, held: 0, spent: 100 });
    expect(stockLeft(cloud, 'cup')).toBe(2);
    expect((cloud.engine.dump('mallLimits') as any[]).find((l) => l._id === 'cup:oA').count).toBe(1);
    expect((cloud.engine.dump('ledger') as any[]).some((e) => e.type === 'reverse' && e.ref === `mall:${first.id}`)).toBe(true);
    // Cancelling again changes nothing.
    expect(await cloud.call('mall', { action: 'cancel', id: first.id }, 'oA')).toMatchObject({ ok: true });
    expect(account(cloud, 'oA')).toMatchObject({ balance: 900 });
    expect(stockLeft(cloud, 'cup')).toBe(2);
    // Another member cannot see or cancel it.
    expect(await cloud.call('mall', { action: 'cancel', id: second.id }, 'oPoor')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // Shipped: not cancellable by the member; operators complete it.
    expect(await cloud.call('mall', { action: 'ship', id: second.id, company: '顺丰', trackingNo: 'SF1234567890' }, OPS)).toMatchObject({ ok: true, data: { order: { status: 'shipped' } } });
    expect(await cloud.call('mall', { action: 'cancel', id: second.id }, 'oA')).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    expect(await cloud.call('mall', { action: 'ship', id: second.id, company: '顺丰', trackingNo: 'SF1234567890' }, OPS)).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    const detail = await cloud.call('mall', { action: 'order', id: second.id }, 'oA');
    expect(detail.data.order.logistics).toMatchObject({ company: '顺丰', trackingNo: 'SF1234567890' });
    expect(await cloud.call('mall', { action: 'complete', id: second.id }, OPS)).toMatchObject({ ok: true, data: { order: { status: 'completed' } } });
  });

  test('operators list, cancel with a reason, and export CSV', async () => {
    const r = await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: key(), address: { ...ADDRESS, name: '=HYPERLINK("x")' } }, 'oA');
    expect(r.ok).toBe(true);
    const list = await cloud.call('mall', { action: 'adminOrders', status: 'toShip', limit: 10 }, OPS);
    expect(list.data.items.map((o: any) => o.member)).toEqual(['oA']);
    expect(await cloud.call('mall', { action: 'adminCancel', id: r.data.order.id }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await cloud.call('mall', { action: 'adminCancel', id: r.data.order.id, reason: '缺货' }, OPS)).toMatchObject({ ok: true, data: { order: { status: 'cancelled', cancel: { reason: '缺货', by: 'operator' } } } });
    // Masked for an operator (docs/privacy.md); the owner's export carries the address, audited.
    expect((await cloud.call('mall', { action: 'exportOrders' }, OPS)).data.csv).toContain('138****8000');
    cloud.engine.insertMany('admins', [{ _id: 'oOwner', name: 'owner', role: 'owner', createdAt: new Date() }]);
    const csv = await cloud.call('mall', { action: 'exportOrders' }, 'oOwner');
    const lines = csv.data.csv.trim().split('\n');
    expect(lines[0]).toMatch(/^订单号,下单时间,状态,会员/);
    expect(lines).toHaveLength(1 + csv.data.rows);
    expect(csv.data.csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(await cloud.call('mall', { action: 'exportOrders' }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('virtual items, points+cash and payment', () => {
  let cloud: TestCloud;
  const pay = (event: Record<string, unknown>) => cloud.runner.invoke('mallpay', event, { SOURCE: 'wx_pay' }).then((r) => r.result as any);
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oA', 1000);
    await create(cloud, 'card', 0, { kind: 'cardCode', title: '茶饮卡' });
    await create(cloud, 'pot', 2, { title: '紫砂壶', points: 200, cashFen: 990 });
  });

  test('card codes: the pool is the stock; a redemption delivers one code at once', async () => {
    const added = await cloud.call('mall', { action: 'addCodes', id: 'card', codes: ['CARD-0001', 'CARD-0002', 'CARD-0001'] }, OPS);
    expect(added).toMatchObject({ ok: true, data: { added: 2, duplicates: 1, item: { stockLeft: 2 } } });
    const r = await cloud.call('mall', { action: 'redeem', item: 'card', quantity: 1, clientKey: key() }, 'oA');
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'completed' } } });
    expect(['CARD-0001', 'CARD-0002']).toContain(r.data.order.code);
    expect(await cloud.call('mall', { action: 'cancel', id: r.data.order.id }, 'oA')).toMatchObject({ ok: false, code: 'ORDER_STATE' });
  });

  test('points+cash: unpaid until the payment callback; paid once; a forged or repeated callback changes nothing', async () => {
    const r = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA');
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'unpaid' }, payment: { provider: 'simulated', totalFee: 990 } } });
    const id = r.data.order.id;
    expect(account(cloud, 'oA')).toMatchObject({ held: 200 });
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'FAIL', outTradeNo: id })).toMatchObject({ errcode: 0, ok: false });
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: 'oUnknown', totalFee: 990 })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await cloud.runner.callAsMember('mallpay', { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990 }, 'oA')).result).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990, transactionId: 'SIM1' })).toMatchObject({ ok: true, order: { status: 'toShip' } });
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990, transactionId: 'SIM1' })).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0, spent: 100 + 200 });
    // Cancelling a paid order refunds the cash too.
    expect(await cloud.call('mall', { action: 'cancel', id }, 'oA')).toMatchObject({ ok: true });
    expect((cloud.engine.dump('outbox') as any[]).some((o) => o.api === 'cloudPay.refund' && o.payload.outTradeNo === id)).toBe(true);
    expect(account(cloud, 'oA')).toMatchObject({ spent: 100 });
  });

  test('redeeming again while an unpaid order of the item holds points leads to that order: nothing frozen or taken twice', async () => {
    await member(cloud, 'oB', 450); // enough for two holds of 200: the second try must still not freeze again
    const first = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oB');
    const id = first.data.order.id;
    // The payment failed (or the member closed it): the order stays 待付款, its 200 points frozen.
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'FAIL', outTradeNo: id })).toMatchObject({ ok: false });
    const left = stockLeft(cloud, 'pot');
    for (let i = 0; i < 3; i++) {
      const again = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oB');
      expect(again).toMatchObject({ ok: true, data: { unpaid: true, order: { id, status: 'unpaid' } } });
      expect(again.data.payment).toBeUndefined();
    }
    expect(account(cloud, 'oB')).toMatchObject({ balance: 450, held: 200 });
    expect(stockLeft(cloud, 'pot')).toBe(left);
    expect((cloud.engine.dump('mallOrders') as any[]).filter((o) => o.member === 'oB')).toHaveLength(1);
    // 去支付 from that order works; once it is cancelled a new redemption makes a new order.
    expect(await cloud.call('mall', { action: 'pay', id }, 'oB')).toMatchObject({ ok: true, data: { payment: { provider: 'simulated' } } });
    expect(await cloud.call('mall', { action: 'cancel', id }, 'oB')).toMatchObject({ ok: true });
    const fresh = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oB');
    expect(fresh).toMatchObject({ ok: true, data: { order: { status: 'unpaid' }, payment: { provider: 'simulated' } } });
    expect(fresh.data.order.id).not.toBe(id);
    expect(fresh.data.unpaid).toBeUndefined();
    expect(await cloud.call('mall', { action: 'cancel', id: fresh.data.order.id }, 'oB')).toMatchObject({ ok: true });
  });

  test('a payment that arrives after the member cancelled is refused and refunded', async () => {
    const r = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA');
    const id = r.data.order.id;
    expect(await cloud.call('mall', { action: 'cancel', id }, 'oA')).toMatchObject({ ok: true, data: { order: { status: 'cancelled' } } });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0 });
    const refunds = () => (cloud.engine.dump('outbox') as any[]).filter((o) => o.api === 'cloudPay.refund' && o.payload.outTradeNo === id).length;
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990 })).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    expect(refunds()).toBe(1);
    expect(await cloud.call('mall', { action: 'pay', id }, 'oA')).toMatchObject({ ok: false, code: 'ORDER_STATE' });
  });

  test('an unpaid order times out on the jobs tick: hold released, stock returned; a late payment is refused and refunded', async () => {
    const { fireTrigger, allTriggers } = await import('../../local/runtime/timers');
    const r = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA');
    const id = r.data.order.id;
    const left = stockLeft(cloud, 'pot');
    const tick = allTriggers().find((t) => t.functionName === 'jobs' && t.name === 'tick')!;
    const fired = await fireTrigger(cloud.runner, tick, new Date(Date.now() + 16 * 60_000));
    expect(fired.result).toMatchObject({ ok: true, data: { orders: { ordersTimedOut: 1 } } });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0 });
    expect(stockLeft(cloud, 'pot')).toBe(left + 1);
    expect((await cloud.call('mall', { action: 'order', id }, 'oA')).data.order).toMatchObject({ status: 'cancelled', cancel: { by: 'timeout' } });
    expect(await pay({ returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: id, totalFee: 990 })).toMatchObject({ ok: false, code: 'ORDER_EXPIRED' });
  });
});

describe('checkout API (server to server)', () => {
  let cloud: TestCloud;
  const call = (data: Record<string, unknown>, secret: string | null = LOCAL_CHECKOUT_SECRET) =>
    cloud.runner.invoke('checkout', { ...data, ...(secret === null ? {} : { secret }) }, { SOURCE: 'wx_http' }).then((r) => r.result as any);
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oA', 5000);
  });

  test('without or with a wrong secret, or as a member: refused, nothing held', async () => {
    expect(await call({ action: 'quote', member: 'oA', amountFen: 10000 }, null)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await call({ action: 'quote', member: 'oA', amountFen: 10000 }, 'guess')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('checkout', { action: 'hold', brandOrderId: 'B1', member: 'oA', amountFen: 10000, points: 100, secret: LOCAL_CHECKOUT_SECRET }, 'oA')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0 });
  });

  test('quote: the lesser of available and the share cap, in multiples of the step', async () => {
    // Defaults: 100 points = ¥1, step 100, at most 50%.
    expect((await call({ action: 'quote', member: 'oA', amountFen: 2990 })).data).toMatchObject({ maxPoints: 1400, maxDeductFen: 1400, available: 5000 });
    expect((await call({ action: 'quote', member: 'oA', amountFen: 100000 })).data).toMatchObject({ maxPoints: 5000 });
  });

  test('hold → commit → refund restores the lots; idempotent by brand order id; step and cap enforced', async () => {
    expect(await call({ action: 'hold', brandOrderId: 'B2', member: 'oA', amountFen: 2990, points: 150 })).toMatchObject({ ok: false, code: 'STEP_MISMATCH' });
    expect(await call({ action: 'hold', brandOrderId: 'B2', member: 'oA', amountFen: 2990, points: 1500 })).toMatchObject({ ok: false, code: 'DEDUCTION_TOO_LARGE' });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0 });
    const h = await call({ action: 'hold', brandOrderId: 'B2', member: 'oA', amountFen: 2990, points: 1400 });
    expect(h).toMatchObject({ ok: true, data: { status: 'held', points: 1400, deductFen: 1400 } });
    expect(await call({ action: 'hold', brandOrderId: 'B2', member: 'oA', amountFen: 2990, points: 1400 })).toMatchObject({ ok: true, data: { status: 'held' } });
    expect(await call({ action: 'hold', brandOrderId: 'B2', member: 'oA', amountFen: 2990, points: 1300 })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(account(cloud, 'oA')).toMatchObject({ held: 1400, balance: 5000 });
    expect(await call({ action: 'commit', brandOrderId: 'B2' })).toMatchObject({ ok: true, data: { status: 'committed' } });
    expect(await call({ action: 'commit', brandOrderId: 'B2' })).toMatchObject({ ok: true, data: { status: 'committed' } });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0, balance: 3600 });
    expect(await call({ action: 'cancel', brandOrderId: 'B2' })).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    expect(await call({ action: 'refund', brandOrderId: 'B2', reason: '退货' })).toMatchObject({ ok: true, data: { status: 'refunded' } });
    expect(await call({ action: 'refund', brandOrderId: 'B2', reason: '退货' })).toMatchObject({ ok: true, data: { status: 'refunded' } });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0, balance: 5000, spent: 0 });
  });

  test('hold → cancel releases', async () => {
    await call({ action: 'hold', brandOrderId: 'B3', member: 'oA', amountFen: 1000, points: 500 });
    expect(account(cloud, 'oA')).toMatchObject({ held: 500 });
    expect(await call({ action: 'cancel', brandOrderId: 'B3' })).toMatchObject({ ok: true, data: { status: 'cancelled' } });
    expect(await call({ action: 'commit', brandOrderId: 'B3' })).toMatchObject({ ok: false, code: 'ORDER_STATE' });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0, balance: 5000 });
    expect(await call({ action: 'commit', brandOrderId: 'nope' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  test('a commit after the timeout sweep released the hold is ORDER_EXPIRED: no deduction without the points', async () => {
    const { releaseExpiredHolds } = await import('../../cloudfunctions/common/ledger/service');
    await call({ action: 'hold', brandOrderId: 'B4', member: 'oA', amountFen: 1000, points: 500 });
    expect(await releaseExpiredHolds(new Date(Date.now() + 24 * hour))).toBe(1);
    expect(await call({ action: 'commit', brandOrderId: 'B4' })).toMatchObject({ ok: false, code: 'ORDER_EXPIRED' });
    expect(account(cloud, 'oA')).toMatchObject({ held: 0, balance: 5000 });
    expect((cloud.engine.dump('checkoutOrders') as any[]).find((c) => c._id === 'B4')).toMatchObject({ status: 'held' });
    // The brand cancels it: the hold is already released; the record says so.
    expect(await call({ action: 'cancel', brandOrderId: 'B4' })).toMatchObject({ ok: true, data: { status: 'cancelled' } });
  });
});

describe('red packet items', () => {
  test('a redeemed red packet is paid once through the payout outbox; a retry answers the same order', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oR', 1000);
    await create(cloud, 'hongbao', 10, { kind: 'redPacket', redPacketFen: 188, points: 300, category: '红包' });
    const clientKey = key();
    const first = await cloud.call('mall', { action: 'redeem', item: 'hongbao', quantity: 2, clientKey }, 'oR');
    expect(first).toMatchObject({ ok: true, data: { order: { status: 'completed', redPacket: { amountFen: 376 } } } });
    const again = await cloud.call('mall', { action: 'redeem', item: 'hongbao', quantity: 2, clientKey }, 'oR');
    expect(again.data.order.id).toBe(first.data.order.id);
    const payouts = cloud.engine.dump('payouts') as any[];
    expect(payouts).toHaveLength(1);
    expect(payouts[0]).toMatchObject({ _id: first.data.order.redPacket.payout, member: 'oR', amountFen: 376, campaign: 'mall', status: 'paid' });
    expect(account(cloud, 'oR').balance).toBe(400);
  });
});

describe('what points have bought (首页: 已兑换 N 件好礼，价值 ¥X)', () => {
  test('units and value of orders that kept their points: paid, to ship, completed; not cancelled or unpaid', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oV', 2000);
    await create(cloud, 'cup', 10, { points: 200 });
    await create(cloud, 'pot', 10, { points: 100, cashFen: 2990 });
    expect(await cloud.call('mall', { action: 'redeemed' }, 'oV')).toMatchObject({ ok: true, data: { units: 0, valueFen: 0 } });
    const r1 = await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 2, clientKey: key(), address: ADDRESS }, 'oV');
    const r2 = await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: key(), address: ADDRESS }, 'oV');
    await cloud.call('mall', { action: 'cancel', id: r2.data.order.id }, 'oV');
    const unpaid = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oV');
    expect(await cloud.call('mall', { action: 'redeemed' }, 'oV')).toMatchObject({ ok: true, data: { units: 2, points: 400, cashFen: 0, valueFen: 400 } }); // 100 points a yuan
    await cloud.runner.invoke('mallpay', { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: unpaid.data.order.id, totalFee: 2990, transactionId: 'SIMV' }, { SOURCE: 'wx_pay' });
    const { reply, dbRequests } = await cloud.callCounted('mall', { action: 'redeemed' }, 'oV');
    expect(reply).toMatchObject({ ok: true, data: { units: 3, points: 500, cashFen: 2990, valueFen: 500 + 2990 } });
    expect(dbRequests).toBeLessThanOrEqual(2);
    expect(r1.data.order.status).toBe('toShip');
  });
});
