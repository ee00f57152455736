// The operator console's codes actions (issue 13 §3): lists with pages, a batch's page, the code
// lookup (claimant masked, scans with time and place, region verdicts, risk events), form errors as
// INVALID_FIELD next to the field with nothing written, and roles (a viewer reads, never writes).
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { envKeys, makeCodes, pretty } from '../../cloudfunctions/common/codes/format';
import { maskNickname } from '../../cloudfunctions/common/codes/lookup';
import { RECENT_SCANS } from '../../cloudfunctions/common/codes/model';

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
    await ok(cloud, { action: 'lookup', code: codes[0] });
    expect(cloud.engine.stats.collectionScans).toBe(before);
  });
});
