// The console's mall actions (issue 13 §4): picture upload (decided by magic bytes, bounded size),
// the item form's Chinese field errors with nothing written, the operator's item search and state
// filter, and batch shipping from a CSV (preview, apply, idempotent rows, partial refusals).
import fs from 'node:fs';
import path from 'node:path';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { ADDRESS, baseItem, hour, member, OPS } from './mall-fixtures';

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const chunks = (b: Buffer) => b.toString('base64').match(/.{1,10000}/g) ?? [];

let n = 0;
const key = () => `ops-mall-${++n}-${Math.random().toString(36).slice(2, 8)}`;
const written = (cloud: TestCloud) => ['mallItems', 'counters', 'counterShards', 'mallAudit', 'mallCodes'].map((c) => cloud.engine.dump(c).length);

describe('item pictures', () => {
  let cloud: TestCloud;
  beforeAll(() => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
  });

  test('a PNG is stored through cloud.uploadFile under its content; the same picture twice is one file', async () => {
    const r = await cloud.call('mall', { action: 'uploadImage', data: chunks(PNG), name: 'cup.png' }, OPS);
    expect(r).toMatchObject({ ok: true, data: { type: 'png', bytes: PNG.length } });
    expect(r.data.fileID).toMatch(/^cloud:\/\/local\/mall-images\/[0-9a-f]{32}\.png$/);
    const file = path.join(cloud.runner.filesDir, r.data.fileID.replace('cloud://local/', ''));
    expect(fs.readFileSync(file).equals(PNG)).toBe(true);
    const again = await cloud.call('mall', { action: 'uploadImage', data: chunks(PNG) }, OPS);
    expect(again.data.fileID).toBe(r.data.fileID);
    // JPEG, GIF and WebP by their first bytes.
    for (const [type, head] of [['jpg', [0xff, 0xd8, 0xff, 0xe0]], ['gif', [...Buffer.from('GIF89a')]], ['webp', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')]]] as const) {
      const r2 = await cloud.call('mall', { action: 'uploadImage', data: chunks(Buffer.from([...head, 1, 2, 3])) }, OPS);
      expect(r2).toMatchObject({ ok: true, data: { type } });
    }
  });

  test.each([
    ['a text file named .png', chunks(Buffer.from('hello, this is not a picture')), '图片：这个文件不是图片，只支持 JPG、PNG、GIF、WEBP'],
    ['an SVG (script-capable, refused)', chunks(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>')), '图片：这个文件不是图片，只支持 JPG、PNG、GIF、WEBP'],
    ['an empty file', [''], '图片：文件是空的'],
    ['not base64', ['%%%%'], '图片：文件已损坏，请重新选择'],
    ['600 KB', chunks(Buffer.concat([PNG, Buffer.alloc(600 * 1024)])), '图片：不能超过 512 KB（这个文件 601 KB），请压缩后再上传'],
  ])('%s is refused with a Chinese message; nothing stored', async (_what, data, message) => {
    const before = fs.existsSync(cloud.runner.filesDir) ? fs.readdirSync(path.join(cloud.runner.filesDir, 'mall-images')).length : 0;
    expect(await cloud.call('mall', { action: 'uploadImage', data, name: 'photo.png' }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message, field: 'images' });
    expect(fs.readdirSync(path.join(cloud.runner.filesDir, 'mall-images'))).toHaveLength(before);
  });

  test('members cannot upload', async () => {
    expect(await cloud.call('mall', { action: 'uploadImage', data: chunks(PNG) }, 'oShopper')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('the item form', () => {
  let cloud: TestCloud;
  beforeAll(() => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
  });

  test.each([
    [{ title: '' }, '标题：不能为空'],
    [{ title: '   ' }, '标题：不能为空'],
    [{ title: '茶'.repeat(41) }, '标题：不能超过 40 个字'],
    [{ category: '' }, '分类：不能为空'],
    [{ points: 0 }, '积分：不能小于 1'],
    [{ points: 10_000_001 }, '积分：不能超过 10,000,000'],
    [{ points: 1.5 }, '积分：必须是整数'],
    [{ points: '100' }, '积分：必须是数字'],
    [{ cashFen: 12.5 }, '现金：必须是整数（单位：分）'],
    [{ cashFen: -1 }, '现金：不能为负数'],
    [{ stock: -1 }, '库存：不能为负数'],
    [{ perOrderMax: 0 }, '每单上限：不能小于 1'],
    [{ kind: 'gift' }, '类型：请选择 实物、优惠券、卡密 或 红包'],
    [{ listAt: '2030-01-02T00:00:00.000Z', delistAt: '2030-01-01T00:00:00.000Z' }, '下架时间：必须晚于上架时间'],
    [{ delistAt: '2020-01-01T00:00:00.000Z' }, '下架时间：不能早于现在'],
    [{ listAt: 'tomorrow' }, '上架时间：必须是 2000–2099 年间的时间'],
    [{ kind: 'redPacket', redPacketFen: 0 }, '红包金额：红包商品需要填写金额'],
    [{ kind: 'cardCode', stock: 5 }, '库存：虚拟商品的库存来自上传的卡码，请填 0'],
    [{ images: ['javascript:alert(1)'] }, '图片：地址无效，请重新上传'],
    [{ images: Array(10).fill('cloud://local/mall-images/a.png') }, '图片：最多 9 张'],
    [{ id: 'has space' }, '商品编号：只能是 1–64 位字母、数字、_ 或 -'],
  ])('%j → INVALID_FIELD %s, nothing written', async (over, message) => {
    const before = written(cloud);
    // The reply names the field the message is about (the form puts it there).
    const field = message.startsWith('下架时间') ? 'delistAt' : message.startsWith('库存') ? 'stock' : message.startsWith('红包金额') ? 'redPacketFen' : Object.keys(over)[0];
    expect(await cloud.call('mall', { action: 'createItem', stock: 1, ...baseItem(over) }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message, field });
    expect(written(cloud)).toEqual(before);
  });

  test('a new item without an id gets one; edits are checked against the stored item; nothing written on a bad edit', async () => {
    const r = await cloud.call('mall', { action: 'createItem', stock: 3, ...baseItem({ title: '青瓷茶杯', images: ['cloud://local/mall-images/x.png'] }) }, OPS);
    expect(r).toMatchObject({ ok: true, data: { title: '青瓷茶杯', stockLeft: 3, images: ['cloud://local/mall-images/x.png'] } });
    const id = r.data.id;
    expect(id).toMatch(/^i[a-z0-9]+$/);
    expect(await cloud.call('mall', { action: 'createItem', id, stock: 1, ...baseItem() }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', field: 'id', message: `商品编号：${id} 已被使用` });
    const listAt = new Date(Date.now() + 2 * hour).toISOString();
    expect(await cloud.call('mall', { action: 'updateItem', id, changes: { listAt } }, OPS)).toMatchObject({ ok: true, data: { state: 'upcoming' } });
    const before = written(cloud);
    const stored = JSON.stringify(cloud.engine.dump('mallItems'));
    for (const [changes, message] of [
      [{ delistAt: new Date(Date.now() + hour).toISOString() }, '下架时间：必须晚于上架时间'],
      [{ cashFen: 0.5 }, '现金：必须是整数（单位：分）'],
      [{ title: '' }, '标题：不能为空'],
    ] as const) {
      expect(await cloud.call('mall', { action: 'updateItem', id, changes }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message, field: Object.keys(changes)[0] });
    }
    expect(written(cloud)).toEqual(before);
    expect(JSON.stringify(cloud.engine.dump('mallItems'))).toBe(stored);
    expect(await cloud.call('mall', { action: 'addStock', id, units: -3 }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '追加库存：至少 1 件' });
  });

  test('card codes: pasted lines checked in Chinese; a physical item has no pool', async () => {
    const card = await cloud.call('mall', { action: 'createItem', stock: 0, ...baseItem({ kind: 'cardCode', title: '茶饮券' }) }, OPS);
    expect(await cloud.call('mall', { action: 'addCodes', id: card.data.id, codes: ['GOOD-0001', 'no'] }, OPS)).toEqual({
      ok: false,
      code: 'INVALID_FIELD',
      message: '卡码：第 2 个（no）格式不对：应为 4–64 位字母、数字、_ 或 -',
      field: 'codes',
    });
    expect(await cloud.call('mall', { action: 'addCodes', id: card.data.id, codes: [' ', ''] }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '卡码：不能为空' });
    const ok = await cloud.call('mall', { action: 'addCodes', id: card.data.id, codes: ['GOOD-0001', ' GOOD-0002 ', 'GOOD-0001'] }, OPS);
    expect(ok).toMatchObject({ ok: true, data: { added: 2, item: { stockLeft: 2 } } });
    const phys = (cloud.engine.dump('mallItems') as any[]).find((i) => i.kind === 'physical')._id;
    expect(await cloud.call('mall', { action: 'addCodes', id: phys, codes: ['GOOD-0003'] }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '卡码：只有优惠券和卡密商品可以上传卡码' });
  });

  test('operators search by title and filter by listing state', async () => {
    const now = Date.now();
    await cloud.call('mall', { action: 'createItem', id: 'hid', stock: 1, ...baseItem({ title: '隐藏的壶', visible: false }) }, OPS);
    await cloud.call('mall', { action: 'createItem', id: 'soon', stock: 1, ...baseItem({ title: '新茶(预售)', listAt: new Date(now + hour).toISOString() }) }, OPS);
    await cloud.call('mall', { action: 'createItem', id: 'ending', stock: 1, ...baseItem({ title: '茶壶', delistAt: new Date(now + 300).toISOString() }) }, OPS);
    await new Promise((r) => setTimeout(r, 400));
    const ids = async (q: Record<string, unknown>) => (await cloud.call('mall', { action: 'adminItems', limit: 50, ...q }, OPS)).data.items.map((i: any) => i.id).sort();
    expect(await ids({ q: '壶' })).toEqual(['ending', 'hid']);
    expect(await ids({ q: '(预售' })).toEqual(['soon']);
    expect(await ids({ state: 'hidden' })).toEqual(['hid']);
    // (The item made upcoming by the test before is upcoming too.)
    expect(await ids({ state: 'upcoming' })).toEqual([expect.stringMatching(/^i/), 'soon']);
    expect(await ids({ state: 'delisted' })).toEqual(['ending']);
    expect(await ids({ state: 'onSale', q: '茶' })).toEqual(expect.arrayContaining([expect.stringMatching(/^i/)]));
    expect(await ids({ state: 'onSale' })).not.toEqual(expect.arrayContaining(['hid', 'soon', 'ending']));
  });
});

describe('batch shipping from a CSV', () => {
  let cloud: TestCloud;
  const orders: string[] = [];
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await member(cloud, 'oBuyer', 10_000);
    await cloud.call('mall', { action: 'createItem', id: 'pot', stock: 10, ...baseItem({ title: '紫砂壶' }) }, OPS);
    for (let i = 0; i < 4; i++) {
      const r = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oBuyer');
      expect(r.ok).toBe(true);
      orders.push(r.data.order.id);
    }
    await cloud.call('mall', { action: 'adminCancel', id: orders[3], reason: '缺货' }, OPS);
  });

  const file = () => [
    '\uFEFF订单号,快递公司,运单号',
    `${orders[0]},顺丰速运,SF1000000001`,
    `"${orders[1]}",中通快递,ZT2000000002`,
    '',
    `${orders[2]},圆通,bad no`,
    `${orders[0]},顺丰速运,SF1000000009`,
    'oNoSuchOrder1,顺丰速运,SF1000000003',
    `${orders[3]},顺丰速运,SF1000000004`,
    `${orders[2]}\t韵达\t`,
  ];

  test('the preview says what will ship and why rows are refused, and changes nothing', async () => {
    const before = JSON.stringify(cloud.engine.dump('mallOrders'));
    const r = await cloud.call('mall', { action: 'previewShipBatch', lines: file() }, OPS);
    expect(r.ok).toBe(true);
    expect(r.data.counts).toEqual({ ship: 2, shipped: 0, already: 0, refused: 5 });
    expect(r.data.rows.map((x: any) => [x.line, x.outcome, x.reason ?? null])).toEqual([
      [2, 'ship', null],
      [3, 'ship', null],
      [5, 'refused', '运单号应为 6–40 位字母、数字或 -'],
      [6, 'refused', '与第 2 行是同一订单'],
      [7, 'refused', '订单不存在'],
      [8, 'refused', '订单已取消，不能发货'],
      [9, 'refused', '缺少运单号'],
    ]);
    expect(r.data.rows[0]).toMatchObject({ order: orders[0], company: '顺丰速运', trackingNo: 'SF1000000001', title: '紫砂壶' });
    expect(JSON.stringify(cloud.engine.dump('mallOrders'))).toBe(before);
  });

  test('apply ships the good rows; the same file again ships nothing twice; a changed number is refused', async () => {
    const r = await cloud.call('mall', { action: 'shipBatch', lines: file() }, OPS);
    expect(r.data.counts).toEqual({ ship: 0, shipped: 2, already: 0, refused: 5 });
    const stored = (id: string) => (cloud.engine.dump('mallOrders') as any[]).find((o) => o._id === id);
    expect(stored(orders[0])).toMatchObject({ status: 'shipped', logistics: { company: '顺丰速运', trackingNo: 'SF1000000001' } });
    expect(stored(orders[1])).toMatchObject({ status: 'shipped', logistics: { company: '中通快递', trackingNo: 'ZT2000000002' } });
    expect(stored(orders[2]).status).toBe('toShip');
    const snapshot = JSON.stringify(cloud.engine.dump('mallOrders'));
    const audits = cloud.engine.dump('mallAudit').length;
    const again = await cloud.call('mall', { action: 'shipBatch', lines: file() }, OPS);
    expect(again.data.counts).toEqual({ ship: 0, shipped: 0, already: 2, refused: 5 });
    expect(again.data.rows[0]).toMatchObject({ outcome: 'already', reason: '运单号相同，不会重复发货' });
    expect(JSON.stringify(cloud.engine.dump('mallOrders'))).toBe(snapshot);
    expect(cloud.engine.dump('mallAudit')).toHaveLength(audits);
    const changed = await cloud.call('mall', { action: 'shipBatch', lines: [`${orders[0]},顺丰速运,SF1999999999`, `${orders[2]},圆通速递,YT3000000003`] }, OPS);
    expect(changed.data.rows.map((x: any) => [x.outcome, x.reason ?? null])).toEqual([
      ['refused', '已发货（顺丰速运 SF1000000001），不能改运单号'],
      ['shipped', null],
    ]);
  });

  test('rows may name orders by the 订单号 the CSV export writes (20261129-483920)', async () => {
    const r = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oBuyer');
    const no = r.data.order.no;
    expect(no).toMatch(/^\d{8}-\d{6}$/);
    const preview = await cloud.call('mall', { action: 'previewShipBatch', lines: [`${no},顺丰速运,SF6000000006`, '20000101-000001,顺丰速运,SF6000000007'] }, OPS);
    expect(preview.data.rows.map((x: any) => [x.outcome, x.reason ?? null])).toEqual([
      ['ship', null],
      ['refused', '订单不存在'],
    ]);
    const shipped = await cloud.call('mall', { action: 'shipBatch', lines: [`${no},顺丰速运,SF6000000006`] }, OPS);
    expect(shipped.data.counts.shipped).toBe(1);
    expect((cloud.engine.dump('mallOrders') as any[]).find((o) => o._id === r.data.order.id)).toMatchObject({ status: 'shipped', logistics: { trackingNo: 'SF6000000006' } });
  });

  test('concurrent imports of one file ship each order once', async () => {
    const r = await cloud.call('mall', { action: 'redeem', item: 'pot', quantity: 1, clientKey: key(), address: ADDRESS }, 'oBuyer');
    const lines = [`${r.data.order.id},顺丰速运,SF5000000005`];
    const replies = await Promise.all([1, 2, 3].map(() => cloud.call('mall', { action: 'shipBatch', lines }, OPS)));
    const outcomes = replies.map((x) => x.data.rows[0].outcome).sort();
    expect(outcomes.filter((o) => o === 'shipped')).toHaveLength(1);
    expect(outcomes.every((o) => o === 'shipped' || o === 'already')).toBe(true);
    expect((cloud.engine.dump('mallAudit') as any[]).filter((a) => a.action === 'shipOrder' && a.target === r.data.order.id)).toHaveLength(1);
  });

  test('an empty or oversized file is refused in Chinese; members are refused', async () => {
    expect(await cloud.call('mall', { action: 'previewShipBatch', lines: ['', ' '] }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '发货文件：是空的' });
    const big = Array.from({ length: 502 }, (_, i) => `o${i}x,顺丰速运,SF${100000 + i}`);
    expect(await cloud.call('mall', { action: 'shipBatch', lines: big }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '发货文件：一次最多 500 行，请分批导入' });
    expect(await cloud.call('mall', { action: 'shipBatch', lines: [`${orders[2]},圆通,YT1234567`] }, 'oBuyer')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('mall', { action: 'previewShipBatch', lines: [`${orders[2]},圆通,YT1234567`] }, 'oBuyer')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });
});

describe('roles (docs/console.md)', () => {
  let cloud: TestCloud;
  const VIEWER = 'oViewerMall';
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    cloud.engine.insertMany('admins', [{ _id: VIEWER, name: '只读', role: 'viewer', createdAt: new Date() }]);
    await cloud.call('mall', { action: 'createItem', id: 'cup', stock: 2, ...baseItem() }, OPS);
  });

  test('a viewer lists items and previews a shipment, but every change is refused and nothing is written', async () => {
    expect(await cloud.call('mall', { action: 'adminItems', q: '茶', limit: 10 }, VIEWER)).toMatchObject({ ok: true });
    expect(await cloud.call('mall', { action: 'previewShipBatch', lines: ['oNoSuch1,顺丰速运,SF1234567'] }, VIEWER)).toMatchObject({ ok: true, data: { counts: { refused: 1 } } });
    const before = written(cloud);
    const files = fs.existsSync(path.join(cloud.runner.filesDir, 'mall-images')) ? fs.readdirSync(path.join(cloud.runner.filesDir, 'mall-images')).length : 0;
    for (const event of [
      { action: 'createItem', stock: 1, ...baseItem() },
      { action: 'updateItem', id: 'cup', changes: { title: '改名' } },
      { action: 'addStock', id: 'cup', units: 5 },
      { action: 'uploadImage', data: chunks(PNG) },
      { action: 'shipBatch', lines: ['oNoSuch1,顺丰速运,SF1234567'] },
    ]) {
      expect(await cloud.call('mall', event, VIEWER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(written(cloud).slice(0, 3)).toEqual(before.slice(0, 3));
    expect(fs.existsSync(path.join(cloud.runner.filesDir, 'mall-images')) ? fs.readdirSync(path.join(cloud.runner.filesDir, 'mall-images')).length : 0).toBe(files);
    // Each refusal is in the console's audit.
    expect((cloud.engine.dump('opsAudit') as any[]).filter((a) => a.actor === VIEWER && a.outcome === 'FORBIDDEN').map((a) => a.action)).toEqual(['createItem', 'updateItem', 'addStock', 'uploadImage', 'shipBatch']);
  });

  test('an operator change is audited with the item before and after; a refused field too, with the item unchanged', async () => {
    expect(await cloud.call('mall', { action: 'updateItem', id: 'cup', changes: { title: '青瓷杯' } }, OPS)).toMatchObject({ ok: true });
    expect(await cloud.call('mall', { action: 'updateItem', id: 'cup', changes: { title: '' } }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', field: 'title', message: '标题：不能为空' });
    const recs = (cloud.engine.dump('opsAudit') as any[]).filter((a) => a.actor === OPS && a.action === 'updateItem');
    expect(recs[0]).toMatchObject({ outcome: 'ok', target: { collection: 'mallItems', id: 'cup' }, before: { title: '山野茶杯' }, after: { title: '青瓷杯' } });
    expect(recs[1]).toMatchObject({ outcome: 'INVALID_FIELD', before: { title: '青瓷杯' }, after: { title: '青瓷杯' } });
  });
});
