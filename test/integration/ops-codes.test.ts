// The operator console's codes actions (issue 13 §3): lists with pages, a batch's page, the code
// lookup (claimant masked, scans with time and place, region verdicts, risk events), form errors as
// INVALID_FIELD next to the field with nothing written, and roles (a viewer reads, never writes).
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { envKeys, makeCodes, pretty } from '../../cloudfunctions/common/codes/format';
import { maskNickname } from '../../cloudfunctions/common/codes/lookup';
import { RECENT_SCANS } from '../../cloudfunctions/common/codes/model';
import { LABELS } from '../../cloudfunctions/common/codes/forms';

const OPS = 'oOps';
const HANGZHOU = { latitude: 30.27, longitude: 120.15 };
const GUANGZHOU = { latitude: 23.13, longitude: 113.26 };

async function ok(cloud: TestCloud, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call('codes', data, openid);
  if (!r.ok) throw new Error(`codes.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

async function brand(cloud: TestCloud) {
  makeOperator(cloud, OPS);
  cloud.engine.insertMany('settings', [{ _id: 'brand', name: '山野茶事', domain: 'q.example.com', createdAt: new Date() }]);
  await ok(cloud, { action: 'upsertProduct', id: 'tea', name: '高山云雾', spec: '250g 罐装', origin: '浙江·安吉', basePoints: 20 });
}

async function activeBatch(cloud: TestCloud, id: string, size: number) {
  await ok(cloud, { action: 'createBatch', id, product: 'tea', batchNo: `${id}-1`, productionDate: '2026-11-01', size });
  while ((await ok(cloud, { action: 'generate', batch: id })).status === 'generating');
  await ok(cloud, { action: 'activate', batch: id });
  return cloud.engine.dump('codes').filter((c: any) => c.batch === id).sort((a: any, b: any) => a.seq - b.seq).map((c: any) => c._id as string);
}

describe('lists and the batch page', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    await brand(cloud);
    for (let i = 0; i < 5; i++) await ok(cloud, { action: 'upsertProduct', id: `p${i}`, name: `产品${i}`, basePoints: i });
    for (let i = 0; i < 5; i++) await ok(cloud, { action: 'createBatch', id: `b${i}`, product: i % 2 ? 'tea' : `p${i}`, batchNo: `NO-${i}`, productionDate: '2026-11-01', size: 10 });
  });

  test('batches come a page at a time, newest first, with the product name; no page repeats or skips one', async () => {
    const first = await ok(cloud, { action: 'batches', limit: 2 });
    expect(first.items.map((b: any) => b.batchNo)).toEqual(['NO-4', 'NO-3']);
    expect(first.items[1]).toMatchObject({ batch: 'b3', product: 'tea', productName: '高山云雾', status: 'generating', size: 10, generated: 0, percent: 0 });
    const second = await ok(cloud, { action: 'batches', limit: 2, cursor: first.nextCursor });
    const third = await ok(cloud, { action: 'batches', limit: 2, cursor: second.nextCursor });
    expect([...second.items, ...third.items].map((b: any) => b._id ?? b.batch)).toEqual(['b2', 'b1', 'b0']);
    expect(third.nextCursor).toBeNull();
  });

  test('products come a page at a time; the batch page has its product name; unknown batch NOT_FOUND', async () => {
    const all = await ok(cloud, { action: 'products', limit: 100 });
    expect(all.items).toHaveLength(6);
    expect(all.nextCursor).toBeNull();
    const two = await ok(cloud, { action: 'products', limit: 2 });
    expect(two.items).toHaveLength(2);
    expect(two.nextCursor).toEqual(expect.any(String));
    expect(await ok(cloud, { action: 'batch', batch: 'b1' })).toMatchObject({ batch: 'b1', productName: '高山云雾', batchNo: 'NO-1', productionDate: '2026-11-01', regions: [] });
    expect(await cloud.call('codes', { action: 'batch', batch: 'nope' }, OPS)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('code lookup', () => {
  let cloud: TestCloud;
  let codes: string[];
  beforeAll(async () => {
    cloud = createTestCloud();
    await brand(cloud);
    codes = await activeBatch(cloud, 'L', 4);
    await ok(cloud, { action: 'assignRegion', batch: 'L', provinces: ['33'] });
    for (const m of ['oA', 'oB']) await cloud.call('user', { action: 'login' }, m);
    await cloud.call('user', { action: 'updateProfile', nickname: '山野爱茶人' }, 'oA');
  });

  test('masking keeps the first and last character', () => {
    expect([maskNickname('山野爱茶人'), maskNickname('阿明'), maskNickname('A'), maskNickname('')]).toEqual(['山***人', '阿*', 'A*', '']);
  });

  test('who claimed it (masked), every scan with time, province and verdict, and the risk events', async () => {
    await cloud.call('codes', { action: 'scan', code: codes[0], location: HANGZHOU }, 'oA');
    await cloud.call('codes', { action: 'scan', code: codes[0], location: GUANGZHOU }, 'oB');
    await cloud.call('codes', { action: 'scan', code: codes[0] }, 'oA');
    const r = await ok(cloud, { action: 'lookup', code: pretty(codes[0]).toLowerCase() });
    expect(r).toMatchObject({
      found: true, code: pretty(codes[0]), seq: 0,
      batch: { id: 'L', batchNo: 'L-1', status: 'active', product: { id: 'tea', name: '高山云雾' } },
      region: [{ code: '33', name: '浙江省' }],
      claim: { member: 'oA', points: 20, at: expect.any(String) },
      scans: { count: 3, distinct: 2 },
    });
    expect(r.claim.nickname).toBe('山***人');
    expect(r.recent.map((s: any) => [s.member, s.provinceName, s.verdict, s.claim])).toEqual([
      ['oA', '', 'unlocated', false],
      ['oB', '广东省', 'outside', false],
      ['oA', '浙江省', 'inside', true],
    ]);
    expect(r.risk.map((e: any) => e.kind).sort()).toEqual(['counterfeit', 'diversion']);
    expect(r.risk.every((e: any) => e.nickname.includes('*'))).toBe(true);
  });

  test('only the latest RECENT_SCANS scans are kept on the code', async () => {
    for (let i = 0; i < RECENT_SCANS + 3; i++) await cloud.call('codes', { action: 'scan', code: codes[1] }, 'oA');
    const doc = cloud.engine.dump('codes').find((c: any) => c._id === codes[1]) as any;
    expect(doc.recent).toHaveLength(RECENT_SCANS);
    expect(doc.scans).toBe(RECENT_SCANS + 3);
  });

  test('a code whose check fails is "forged", a valid one never issued "unknown"; reads go through indexes', async () => {
    const forged = codes[2].slice(0, 19) + (codes[2][19] === '0' ? '1' : '0');
    expect(await ok(cloud, { action: 'lookup', code: forged })).toEqual({ found: false, reason: 'forged', code: pretty(forged) });
    const [never] = makeCodes(envKeys(), 1);
    expect(await ok(cloud, { action: 'lookup', code: never })).toEqual({ found: false, reason: 'unknown', code: pretty(never) });
    const before = cloud.engine.stats.collectionScans;
    const { reply, dbRequests } = await cloud.callCounted('codes', { action: 'lookup', code: codes[0] }, OPS);
    expect(reply.ok).toBe(true);
    expect(cloud.engine.stats.collectionScans).toBe(before);
    // The caller's role 1; the code 1; its batch and risk events 2; the product and the members named 2.
    expect(dbRequests).toBe(6);
  });
});

/** Every collection the codes forms could write. */
const written = (cloud: TestCloud) => Object.fromEntries(['products', 'codeBatches', 'codes'].map((c) => [c, cloud.engine.dump(c)]));

describe('forms: each bad field answers its own Chinese reason, nothing written', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    await brand(cloud);
    await ok(cloud, { action: 'createBatch', id: 'F', product: 'tea', batchNo: 'F-1', productionDate: '2026-11-01', size: 30 });
    while ((await ok(cloud, { action: 'generate', batch: 'F' })).status === 'generating');
  });
  const refused = async (data: Record<string, unknown>) => {
    const before = written(cloud);
    const r = await cloud.call('codes', data, OPS);
    expect(written(cloud)).toEqual(before);
    expect(r.ok).toBe(false);
    return `${r.code} ${r.field ?? '-'} ${r.message}`;
  };
  const product = { action: 'createProduct', id: 'new-tea', name: '新茶', basePoints: 10 };
  const batch = { action: 'createBatch', id: 'new-b', product: 'tea', batchNo: 'N-1', productionDate: '2026-11-01', size: 10 };

  test.each([
    [{ ...product, id: '' }, '编号：不能为空'],
    [{ ...product, id: 'a b' }, '编号：只能包含英文字母、数字、_ 和 -'],
    [{ ...product, id: 'tea' }, '编号：已被使用'],
    [{ ...product, name: '  ' }, '名称：不能为空'],
    [{ ...product, name: '茶'.repeat(41) }, '名称：最多 40 个字'],
    [{ ...product, image: 'ftp://x/y.png' }, '图片地址：须以 https://、cloud:// 或 / 开头'],
    [{ ...product, basePoints: -1 }, '扫码积分：须为 0 到 100000 的整数'],
    [{ ...product, basePoints: 1.5 }, '扫码积分：须为 0 到 100000 的整数'],
    [{ ...batch, id: 'F' }, '编号：已被使用'],
    [{ ...batch, product: '' }, '产品：请选择产品'],
    [{ ...batch, product: 'nope' }, '产品：不存在'],
    [{ ...batch, campaign: 'nope' }, '活动：不存在'],
    [{ ...batch, batchNo: '' }, '批号：不能为空'],
    [{ ...batch, productionDate: '2026-02-30' }, '生产日期：须为有效日期（年-月-日）'],
    [{ ...batch, productionDate: '2098-01-01' }, '生产日期：不能晚于一年之后'],
    [{ action: 'assignRegion', batch: 'F', provinces: [] }, '销售区域：请至少选择一个省份'],
    [{ action: 'assignRegion', batch: 'F', provinces: ['33', '33'] }, '销售区域：省份重复'],
    [{ action: 'assignRegion', batch: 'F', provinces: ['33'], from: 3 }, '结束序号：请同时填写起始和结束序号'],
    [{ action: 'assignRegion', batch: 'F', provinces: ['33'], from: 3, to: 30 }, '结束序号：须为 0 到 29 的整数'],
    [{ action: 'assignRegion', batch: 'F', provinces: ['33'], from: 9, to: 3 }, '结束序号：不能小于起始序号'],
    [{ action: 'export', batch: 'F', format: 'csv', from: -1, to: 3 }, '起始序号：须为 0 到 29 的整数'],
    [{ action: 'lookup', code: ' ' }, '码：请输入码'],
    [{ action: 'lookup', code: 'UUUU-UUUU' }, '码：须为 20 位码：数字和英文字母（不含 U）'],
    [{ action: 'lookup', code: 'https://q.example.com/q/%E0%A4%A' }, '码：须为 20 位码：数字和英文字母（不含 U）'],
  ])('%j → %s', async (data, message) => {
    const field = Object.entries(LABELS).find(([, label]) => message.startsWith(`${label}：`))![0];
    expect(await refused(data)).toBe(`INVALID_FIELD ${field} ${message}`);
  });

  test('a size out of range keeps its own code; a void batch cannot take a region', async () => {
    expect(await refused({ ...batch, size: 1_000_001 })).toMatch(/^BATCH_SIZE_INVALID /);
    await ok(cloud, { action: 'createBatch', id: 'V', product: 'tea', batchNo: 'V-1', productionDate: '2026-11-01', size: 1 });
    while ((await ok(cloud, { action: 'generate', batch: 'V' })).status === 'generating');
    await ok(cloud, { action: 'void', batch: 'V' });
    expect(await refused({ action: 'assignRegion', batch: 'V', provinces: ['33'] })).toMatch(/^BATCH_STATE /);
  });

  test('a good product, batch and region are written', async () => {
    await ok(cloud, { ...product, name: ' 新茶 ', spec: '50g', origin: '福建' });
    expect(cloud.engine.dump('products').find((p: any) => p._id === 'new-tea')).toMatchObject({ name: '新茶', spec: '50g', origin: '福建', basePoints: 10 });
    expect(await ok(cloud, { action: 'assignRegion', batch: 'F', provinces: ['33', '44'], from: 0, to: 9 })).toMatchObject({ regions: [{ from: 0, to: 9, provinces: ['33', '44'] }] });
  });
});

describe('roles: a viewer reads the codes pages and changes nothing; changes are audited', () => {
  const VIEWER = 'oViewer';
  let cloud: TestCloud;
  let codes: string[];
  beforeAll(async () => {
    cloud = createTestCloud();
    await brand(cloud);
    cloud.engine.insertMany('admins', [{ _id: VIEWER, name: '只读', role: 'viewer', createdAt: new Date() }]);
    codes = await activeBatch(cloud, 'R', 3);
  });

  test.each([
    ['products', {}], ['batches', {}], ['batch', { batch: 'R' }], ['progress', { batch: 'R' }], ['stats', { batch: 'R' }], ['risk', {}], ['provinces', {}],
  ])('a viewer may read: %s', async (action, extra) => {
    expect(await cloud.call('codes', { action, ...extra }, VIEWER)).toMatchObject({ ok: true });
  });

  test('a viewer may look a code up', async () => {
    expect(await cloud.call('codes', { action: 'lookup', code: codes[0] }, VIEWER)).toMatchObject({ ok: true, data: { found: true } });
  });

  test.each([
    ['createProduct', { id: 'v-tea', name: '茶', basePoints: 1 }],
    ['upsertProduct', { id: 'tea', name: '改名', basePoints: 1 }],
    ['createBatch', { id: 'VB', product: 'tea', batchNo: 'x', productionDate: '2026-11-01', size: 5 }],
    ['generate', { batch: 'R' }],
    ['assignRegion', { batch: 'R', provinces: ['33'] }],
    ['activate', { batch: 'R' }],
    ['void', { batch: 'R' }],
    ['export', { batch: 'R', format: 'csv' }],
  ])('a viewer is refused: %s, nothing written', async (action, extra) => {
    const before = written(cloud);
    expect(await cloud.call('codes', { action, ...extra }, VIEWER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(written(cloud)).toEqual(before);
  });

  test('an operator\'s region change is audited with the batch before and after', async () => {
    await ok(cloud, { action: 'assignRegion', batch: 'R', provinces: ['44'] });
    const rec = (cloud.engine.dump('opsAudit') as any[]).filter((a) => a.action === 'assignRegion' && a.outcome === 'ok').pop();
    expect(rec).toMatchObject({ actor: OPS, fn: 'codes', target: { collection: 'codeBatches', id: 'R' }, before: { regions: [] }, after: { regions: [{ provinces: ['44'] }] } });
  });
});
