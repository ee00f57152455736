// Campaigns through the built functions: the operator lifecycle (draft, publish, immutable versions,
// audit), scanning under each version, caps per period, and the migration of legacy scan campaigns.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';

const OPS = 'oOps';
// Operators change campaigns through `admin` while `codes` scans: no instance cache between them here
// (in production another instance sees a change within 5 s; docs/codes.md).
const cacheMsBefore = process.env.CODES_CACHE_MS;
beforeAll(() => void (process.env.CODES_CACHE_MS = '0'));
afterAll(() => {
  if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
  else process.env.CODES_CACHE_MS = cacheMsBefore;
});

async function ok(cloud: TestCloud, fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

/** A product and an active batch of `size` codes under campaign `campaign` (which must exist). */
async function batchOf(cloud: TestCloud, campaign: string, size: number, batch = 'B1'): Promise<string[]> {
  await ok(cloud, 'codes', { action: 'upsertProduct', id: 'tea', name: '茶', basePoints: 20 });
  await ok(cloud, 'codes', { action: 'createBatch', id: batch, product: 'tea', campaign, batchNo: batch, productionDate: '2026-11-01', size });
  while ((await ok(cloud, 'codes', { action: 'generate', batch })).status === 'generating');
  await ok(cloud, 'codes', { action: 'activate', batch });
  return cloud.engine.dump('codes').filter((c: any) => c.batch === batch).sort((a: any, b: any) => a.seq - b.seq).map((c: any) => c._id);
}

const scan = (cloud: TestCloud, code: string, who: string) => cloud.call('codes', { action: 'scan', code }, who);

describe('operator lifecycle: drafts, immutable published versions, audit', () => {
  let cloud: TestCloud;
  let codes: string[];
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    for (const m of ['oA', 'oB', 'oC', 'oD']) await cloud.call('user', { action: 'login' }, m);
  });

  test('a draft earns nothing; published, scans earn under it and the entry records campaign and version', async () => {
    const draft = await ok(cloud, 'admin', { action: 'createCampaign', id: 'spring', kind: 'scan', name: '春茶扫码', rule: { pointsByProduct: { tea: 30 } } });
    expect(draft).toMatchObject({ _id: 'spring', status: 'draft', version: 1, draft: 1 });
    codes = await batchOf(cloud, 'spring', 6);
    expect((await scan(cloud, codes[0], 'oA')).data).toMatchObject({ outcome: 'queried', points: 0 });
    expect(await ok(cloud, 'admin', { action: 'publishCampaign', id: 'spring' })).toMatchObject({ status: 'published', version: 1, draft: null });
    expect((await scan(cloud, codes[1], 'oA')).data).toMatchObject({ outcome: 'earned', points: 30 });
    const entry = cloud.engine.dump('ledger').find((e: any) => e._id === `scan:${codes[1]}`) as any;
    expect(entry).toMatchObject({ campaign: 'spring', source: { kind: 'scan', ref: codes[1], version: 1 }, reason: '扫码 茶 · 30' });
  });

  test('editing a published campaign makes a draft version 2; version 1 stays live and unchanged until 2 is published', async () => {
    const v1Before = cloud.engine.dump('campaignVersions').find((v: any) => v._id === 'spring@1');
    const v2 = await ok(cloud, 'admin', { action: 'updateCampaign', id: 'spring', changes: { rule: { pointsByProduct: { tea: 50 } }, caps: [{ period: 'day', unit: 'times', limit: 2 }] } });
    expect(v2).toMatchObject({ _id: 'spring@2', version: 2, status: 'draft' });
    // A second edit changes the same draft.
    await ok(cloud, 'admin', { action: 'updateCampaign', id: 'spring', changes: { name: '春茶扫码 · 加倍' } });
    expect((await scan(cloud, codes[2], 'oB')).data).toMatchObject({ outcome: 'earned', points: 30 });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'spring' });
    expect((await scan(cloud, codes[3], 'oB')).data).toMatchObject({ outcome: 'earned', points: 50 });
    expect(cloud.engine.dump('ledger').find((e: any) => e._id === `scan:${codes[3]}`)).toMatchObject({ source: { version: 2 } });
    // v2 caps: two codes a day per member under this campaign (oB's version-1 scan counted none: v1 had no caps).
    expect((await scan(cloud, codes[4], 'oB')).data).toMatchObject({ outcome: 'earned' });
    expect((await scan(cloud, codes[5], 'oB')).data).toMatchObject({ outcome: 'dailyCap', points: 0 });
    expect(cloud.engine.dump('campaignVersions').find((v: any) => v._id === 'spring@1')).toEqual(v1Before);
    const got = await ok(cloud, 'admin', { action: 'getCampaign', id: 'spring' });
    expect(got.campaign).toMatchObject({ name: '春茶扫码 · 加倍', version: 2, status: 'published', draft: null });
    expect(got.versions.map((v: any) => [v.version, v.status])).toEqual([[2, 'published'], [1, 'published']]);
    expect(got.audit.map((a: any) => a.action)).toEqual(['publish', 'update', 'update', 'publish', 'create']);
    expect(got.audit[0]).toMatchObject({ operator: OPS, version: 2, before: { rule: { pointsByProduct: { tea: 30 } } }, after: { rule: { pointsByProduct: { tea: 50 } } } });
    expect((await ok(cloud, 'admin', { action: 'listCampaigns', kind: 'scan' })).items.map((c: any) => c._id)).toEqual(['spring']);
  });

  test('an ended campaign earns nothing and cannot be edited or published', async () => {
    await ok(cloud, 'admin', { action: 'endCampaign', id: 'spring' });
    expect((await scan(cloud, codes[5], 'oC')).data).toMatchObject({ outcome: 'queried', points: 0 });
    expect(await cloud.call('admin', { action: 'updateCampaign', id: 'spring', changes: { name: 'x' } }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await cloud.call('admin', { action: 'publishCampaign', id: 'spring' }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  test('bad input: members are FORBIDDEN; unknown or unopened kinds, bad rules, a past fixed expiry are BAD_REQUEST; nothing written', async () => {
    const before = ['campaigns', 'campaignVersions', 'campaignAudit'].map((c) => cloud.engine.dump(c));
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(await cloud.call('admin', { action: 'createCampaign', id: 'm', kind: 'scan', name: 'x', rule: {} }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    for (const bad of [
      { id: 'x1', kind: 'signin', name: '签到', rule: {} },
      { id: 'x2', kind: 'lottery', name: '抽奖', rule: {} },
      { id: 'x3', kind: 'scan', name: '扫码', rule: { pointsByProduct: { tea: -1 } } },
      { id: 'x4', kind: 'scan', name: '扫码', rule: {}, expiry: { kind: 'fixed', at: past } },
      { id: 'x5', kind: 'scan', name: '扫码', rule: {}, caps: [{ period: 'year', unit: 'points', limit: 1 }] },
      { id: 'x6', kind: 'manual', name: '人工', rule: { maxPoints: 0 } },
      { id: 'x7', kind: 'scan', name: '扫码', rule: {}, budget: 'no-such-budget' },
    ]) {
      const r = await cloud.call('admin', { action: 'createCampaign', ...bad }, OPS);
      expect([bad.id, r.ok, r.code]).toEqual([bad.id, false, bad.id === 'x7' ? 'NOT_FOUND' : 'BAD_REQUEST']);
    }
    const r = await cloud.call('admin', { action: 'createCampaign', id: 'x4', kind: 'scan', name: '扫码', rule: {}, expiry: { kind: 'fixed', at: past } }, OPS);
    expect(r.message).toMatch(/积分有效期 .* 已过/);
    expect(['campaigns', 'campaignVersions', 'campaignAudit'].map((c) => cloud.engine.dump(c))).toEqual(before);
  });

  test('a draft whose fixed expiry passed while it waited is refused at publish', async () => {
    const soon = new Date(Date.now() + 300).toISOString();
    await ok(cloud, 'admin', { action: 'createCampaign', id: 'late', kind: 'manual', name: '补偿', rule: { maxPoints: 100 }, expiry: { kind: 'fixed', at: soon } });
    await new Promise((r) => setTimeout(r, 400));
    expect(await cloud.call('admin', { action: 'publishCampaign', id: 'late' }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST', message: expect.stringContaining('已过') });
  });
});

test('caps per ISO week in times hold under a burst of one member\'s concurrent first scans', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  await ok(cloud, 'admin', { action: 'createCampaign', id: 'wk', kind: 'scan', name: '周上限', rule: {}, caps: [{ period: 'week', unit: 'times', limit: 3 }, { period: 'total', unit: 'points', limit: 1000 }] });
  await ok(cloud, 'admin', { action: 'publishCampaign', id: 'wk' });
  const codes = await batchOf(cloud, 'wk', 12);
  await cloud.call('user', { action: 'login' }, 'oW');
  const replies = await Promise.all(codes.map((c) => scan(cloud, c, 'oW')));
  expect(replies.filter((r) => r.ok && r.data.outcome === 'earned')).toHaveLength(3);
  const account = cloud.engine.dump('accounts').find((a: any) => a._id === 'oW') as any;
  expect(account.balance).toBe(60);
  expect(account.counters.wk).toEqual({ w: [expect.stringMatching(/^\d{4}-W\d\d$/), 60, 3], t: [60, 3] });
});

test('migration: codeCampaigns become published scan campaigns (version 1), red packets already paid are taken from the new budget; a second run skips them', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  cloud.engine.insertMany('codeCampaigns', [
    { _id: 'legacy', name: '老活动', dailyCap: 40, pointsByProduct: { tea: 25 }, redPacket: { probability: 0, amountFen: 100, dailyBudgetFen: 1000, totalBudgetFen: 5000 }, createdAt: new Date() },
  ]);
  cloud.engine.insertMany('redPacketBudgets', [{ _id: 'legacy', totalFen: 1200, day: '2026-11-01', dayFen: 100 }]);
  expect(await ok(cloud, 'codes', { action: 'migrateCampaigns' })).toEqual({ migrated: ['legacy'], skipped: [] });
  expect(await ok(cloud, 'codes', { action: 'migrateCampaigns' })).toEqual({ migrated: [], skipped: ['legacy'] });
  const c = cloud.engine.dump('campaigns').find((x: any) => x._id === 'legacy');
  expect(c).toMatchObject({ kind: 'scan', status: 'published', version: 1, caps: [{ period: 'day', unit: 'points', limit: 40 }], rule: { pointsByProduct: { tea: 25 } } });
  const shards = cloud.engine.dump('counterShards').filter((s: any) => s.counter === 'rp:legacy') as any[];
  expect(shards.reduce((s, x) => s + x.left, 0)).toBe(3800);
  const codes = await batchOf(cloud, 'legacy', 2);
  await cloud.call('user', { action: 'login' }, 'oL');
  expect((await scan(cloud, codes[0], 'oL')).data).toMatchObject({ outcome: 'earned', points: 25 });
  expect((await scan(cloud, codes[1], 'oL')).data).toMatchObject({ outcome: 'earned', points: 15 });
});

test('manual campaigns: operators grant points under the rule, the caps and their own key namespace; a burst of grants cannot pass a cap', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  await cloud.call('user', { action: 'login' }, 'oG');
  await ok(cloud, 'admin', { action: 'createCampaign', id: 'comp', kind: 'manual', name: '客服补偿', rule: { maxPoints: 100 }, caps: [{ period: 'day', unit: 'times', limit: 2 }] });
  const grant = (key: string, points = 50, member = 'oG') => cloud.call('admin', { action: 'grantPoints', campaign: 'comp', member, points, key }, OPS);
  expect(await grant('t-1')).toMatchObject({ ok: false, code: 'BAD_REQUEST' }); // a draft
  await ok(cloud, 'admin', { action: 'publishCampaign', id: 'comp' });
  expect(await grant('t-1', 101)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await grant('t-1', 10, 'oNobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  expect(await cloud.call('admin', { action: 'grantPoints', campaign: 'comp', member: 'oG', points: 5, key: 't-1' }, 'oG')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  const first = await grant('t-1');
  expect(first).toMatchObject({ ok: true, data: { points: 50, replayed: false, entry: { _id: 'manual:comp:t-1', operator: OPS, campaign: 'comp', source: { kind: 'manual', ref: 't-1', version: 1 } } } });
  expect(await grant('t-1')).toMatchObject({ ok: true, data: { replayed: true, entry: { _id: 'manual:comp:t-1' } } });
  // Eight different grants at once: the day's cap of 2 leaves exactly one more.
  const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => grant(`b-${i}`)));
  expect(burst.filter((r) => r.ok)).toHaveLength(1);
  expect(burst.filter((r) => !r.ok).every((r) => ['LIMIT_EXCEEDED', 'CONFLICT'].includes(r.code))).toBe(true);
  const account = cloud.engine.dump('accounts').find((a: any) => a._id === 'oG') as any;
  expect(account.balance).toBe(100);
  expect(account.counters.comp.d.slice(1)).toEqual([100, 2]);
});
