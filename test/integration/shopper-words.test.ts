// Issue 14 §1: what members and operators read is Chinese at the source. Cancel reasons, the
// ledger rows of a redemption and its return (naming the item), a scan's row (naming the product),
// the campaign's name instead of its id, and the operators' CSV (Chinese headers and states,
// Asia/Shanghai times, yuan).
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { ADDRESS, baseItem, member, OPS } from './mall-fixtures';

const LATIN_WORD = /[A-Za-z]{2,}/;
let n = 0;
const key = () => `words-key-${++n}`;

async function ok(cloud: TestCloud, fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

describe('mall orders in Chinese', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oA', 1000);
    await ok(cloud, 'mall', { action: 'createItem', id: 'cup', stock: 10, shards: 1, ...baseItem({ title: '山野青瓷茶杯' }) });
    await ok(cloud, 'mall', { action: 'createItem', id: 'pot', stock: 10, shards: 1, ...baseItem({ title: '紫砂壶', points: 200, cashFen: 990 }) });
  });

  test('a member’s cancel: reason 会员取消; the ledger rows name the item redeemed and returned', async () => {
    const { order } = await ok(cloud, 'mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA');
    const cancelled = await ok(cloud, 'mall', { action: 'cancel', id: order.id }, 'oA');
    expect(cancelled.order.cancel.reason).toBe('会员取消');
    const rows = (await ok(cloud, 'points', { action: 'history', limit: 10 }, 'oA')).items.filter((e: any) => e.source.kind === 'mall');
    expect(rows.map((e: any) => e.reason).sort()).toEqual([`兑换 山野青瓷茶杯 × 1 · 订单 ${order.no}`, `退回 山野青瓷茶杯 × 1（会员取消）· 订单 ${order.no}`].sort());
  });

  test('an unpaid order timed out: reason 超时未支付, the hold released with a Chinese reason', async () => {
    const { fireTrigger, allTriggers } = await import('../../local/runtime/timers');
    const { order } = await ok(cloud, 'mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oA');
    const tick = allTriggers().find((t) => t.functionName === 'jobs' && t.name === 'tick')!;
    await fireTrigger(cloud.runner, tick, new Date(Date.now() + 16 * 60_000));
    expect((await ok(cloud, 'mall', { action: 'order', id: order.id }, 'oA')).order.cancel).toMatchObject({ by: 'timeout', reason: '超时未支付' });
    const reasons = (cloud.engine.dump('ledger') as any[]).filter((e) => e.member === 'oA' && e.type !== 'adjust').map((e) => e.reason);
    expect(reasons).toContain(`兑换 紫砂壶 × 1 · 订单 ${order.no}`);
    for (const r of reasons) expect(r).not.toMatch(LATIN_WORD);
  });

  test('the operators’ CSV: Chinese headers and states, Shanghai times, yuan', async () => {
    const csv: string = (await ok(cloud, 'mall', { action: 'exportOrders', status: 'cancelled' })).csv;
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe('订单号,下单时间,状态,会员,商品编号,商品,数量,积分,现金(元),收货人,电话,地址,快递公司,运单号,卡码');
    expect(rows.length).toBe(2);
    const order = (cloud.engine.dump('mallOrders') as any[]).find((o) => o.item === 'pot');
    const shanghai = new Date(+new Date(order.createdAt) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const pot = rows.find((r) => r.includes('紫砂壶'))!;
    expect(pot).toContain(`,${shanghai},已取消,`);
    expect(pot).toContain(',9.90,');
  });
});

describe('scan rows name the product; entries name the campaign', () => {
  test('积分明细 and 积分详情: 扫码 <product>, the campaign’s name', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await cloud.call('user', { action: 'login' }, 'oA');
    await ok(cloud, 'admin', { action: 'createCampaign', id: 'spring', kind: 'scan', name: '春茶扫码', rule: { pointsByProduct: { tea: 30 } } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'spring' });
    await ok(cloud, 'codes', { action: 'upsertProduct', id: 'tea', name: '安吉白茶', basePoints: 20 });
    await ok(cloud, 'codes', { action: 'createBatch', id: 'B1', product: 'tea', campaign: 'spring', batchNo: 'B1', productionDate: '2026-11-01', size: 2 });
    while ((await ok(cloud, 'codes', { action: 'generate', batch: 'B1' })).status === 'generating');
    await ok(cloud, 'codes', { action: 'activate', batch: 'B1' });
    const code = (cloud.engine.dump('codes') as any[]).find((c) => c.batch === 'B1')._id;
    expect((await ok(cloud, 'codes', { action: 'scan', code }, 'oA')).points).toBe(30);
    const [row] = (await ok(cloud, 'points', { action: 'history', limit: 5 }, 'oA')).items;
    expect(row).toMatchObject({ reason: '扫码 安吉白茶 · 30', campaign: 'spring', campaignName: '春茶扫码' });
    const detail = await ok(cloud, 'points', { action: 'entry', id: row.id }, 'oA');
    expect(detail.entry.campaignName).toBe('春茶扫码');
    expect(detail.lots[0].campaignName).toBe('春茶扫码');
  });
});

describe('issue 14 §2: the in-app expiry reminder shows what is still due, or disappears', () => {
  test('spent points leave the reminder; none left, no reminder', async () => {
    const ledger = await import('../../cloudfunctions/common/ledger/service');
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await cloud.call('user', { action: 'login' }, 'm1');
    await ledger.credit({ member: 'm1', amount: 120, key: 'soon', source: { kind: 'task', ref: 't' }, expiry: { kind: 'rolling', days: 5 } });
    await ledger.credit({ member: 'm1', amount: 80, key: 'later', source: { kind: 'task', ref: 't' }, expiry: { kind: 'rolling', days: 300 } });
    await ok(cloud, 'jobs', { action: 'runDaily' });
    const first = (await ok(cloud, 'points', { action: 'summary' }, 'm1')) as any;
    expect(first.reminders.map((r: any) => r.points)).toEqual(expect.arrayContaining([120]));
    const day = first.reminders[0].day;
    expect(first.expiring[0]).toEqual({ day, points: 120 });
    // Spending takes the soonest-expiring points first: 100 of the 120.
    await ledger.debit({ member: 'm1', amount: 100, key: 'spend-1', source: { kind: 'mall', ref: 'x' } });
    const after = (await ok(cloud, 'points', { action: 'summary' }, 'm1')) as any;
    for (const r of after.reminders) expect(r).toMatchObject({ day, points: 20 });
    expect(after.reminders.length).toBeGreaterThan(0);
    await ledger.debit({ member: 'm1', amount: 20, key: 'spend-2', source: { kind: 'mall', ref: 'y' } });
    expect(((await ok(cloud, 'points', { action: 'summary' }, 'm1')) as any).reminders).toEqual([]);
  });
});
