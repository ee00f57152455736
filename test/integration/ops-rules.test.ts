// The console's campaigns-and-rules actions (cloudfunctions/admin/rules-actions.ts) through the built
// admin function: the campaign form with Chinese field errors and nothing written, validate →
// simulate → diff → publish on real scans and brand orders, the scheduled exchange rate (lots keep
// the rate of their time), checkout rules, expiry policies; shoppers refused.
import { LOCAL_ORDERS_SECRET } from '../../local/runtime/identity';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';

const OPS = 'oOps';
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
const brand = (cloud: TestCloud, data: Record<string, unknown>) => cloud.runner.invoke('orders', { ...data, secret: LOCAL_ORDERS_SECRET }, { SOURCE: 'wx_http' }).then((r) => r.result as any);
const snapshot = (cloud: TestCloud, ...cols: string[]) => JSON.stringify(cols.map((c) => cloud.engine.dump(c)));

const form = (over: Record<string, unknown> = {}) => ({ id: 'spring', kind: 'scan', name: '春茶扫码', window: { from: null, to: null }, rule: { pointsByProduct: { tea: 30 } }, caps: [], ...over });

describe('saveCampaign: the form, validated with a Chinese message per field', () => {
  let cloud: TestCloud;
  beforeAll(() => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
  });

  const bad: [string, Record<string, unknown>, string, string][] = [
    ['empty name', form({ name: '' }), '活动名称：不能为空', 'name'],
    ['name too long', form({ name: '茶'.repeat(41) }), '活动名称：不能超过 40 个字', 'name'],
    ['bad id', form({ id: 'a b' }), '活动编号：只能包含字母、数字、_ 和 -', 'id'],
    ['end before start', form({ window: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' } }), '结束时间：活动结束时间必须晚于开始时间', 'window.to'],
    ['points over bounds', form({ rule: { pointsByProduct: { tea: 100_001 } } }), '各产品积分：不能大于 100000', 'rule.pointsByProduct'],
    ['red packet too large', form({ rule: { redPacket: { probability: 0.1, amountFen: 20_001, dailyBudgetFen: 100, totalBudgetFen: 100 } } }), '红包金额：不能大于 20000', 'rule.redPacket.amountFen'],
    ['sign-in without base points', form({ kind: 'signin', rule: { cycle: 'week' } }), '每日签到积分：必填', 'rule.basePoints'],
    ['expiry already past', form({ expiry: { kind: 'fixed', at: '2020-01-01T00:00:00Z' } }), '积分有效期：积分有效期 2020-01-01T00:00:00.000Z 已过：此活动发放的积分会立即过期', 'expiry'],
    ['unknown budget', form({ budget: 'nope' }), '预算（A）：没有编号为 nope 的预算', 'budget'],
    ['a cap of 0', form({ caps: [{ period: 'day', unit: 'points', limit: 0 }] }), '每人上限：不能小于 1', 'caps'],
  ];
  test.each(bad)('%s → INVALID_FIELD on its field, nothing written', async (_name, campaign, message, field) => {
    const before = snapshot(cloud, 'campaigns', 'campaignVersions', 'campaignAudit');
    expect(await cloud.call('admin', { action: 'saveCampaign', create: true, campaign }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message, field });
    expect(snapshot(cloud, 'campaigns', 'campaignVersions', 'campaignAudit')).toBe(before);
  });

  test('create, then the id again is refused; saving edits the draft (clearing an optional field)', async () => {
    expect(await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: form({ expiry: { kind: 'rolling', days: 90 } }) })).toMatchObject({ _id: 'spring', status: 'draft', version: 1 });
    expect(await cloud.call('admin', { action: 'saveCampaign', create: true, campaign: form() }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '活动编号：已被使用，请换一个' });
    const v = await ok(cloud, 'admin', { action: 'saveCampaign', campaign: form({ name: '春茶扫码 · 改' }) });
    expect(v).toMatchObject({ version: 1, name: '春茶扫码 · 改' });
    expect(v.expiry).toBeUndefined();
    // The head of a never-published campaign follows its draft: the cleared field is gone there too.
    expect((cloud.engine.dump('campaigns').find((c: any) => c._id === 'spring') as any).expiry).toBeUndefined();
    expect(await cloud.call('admin', { action: 'saveCampaign', campaign: form({ kind: 'order', rule: { pointsPerYuan: 1 } }) }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '活动类型：创建后不能更改' });
  });

  test('a shopper is refused every action, and nothing is written', async () => {
    await cloud.call('user', { action: 'login' }, 'oShopper');
    const before = snapshot(cloud, 'campaigns', 'settings');
    for (const a of [
      { action: 'saveCampaign', create: true, campaign: form({ id: 'x' }) },
      { action: 'simulateCampaign', id: 'spring' },
      { action: 'scheduleRate', pointsPerYuan: 50, effectiveFrom: new Date(Date.now() + 86_400_000).toISOString() },
      { action: 'saveCheckoutRules', stepPoints: 10, maxSharePercent: 20 },
      { action: 'rateSchedule' },
    ]) {
      expect(await cloud.call('admin', a, 'oShopper')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(snapshot(cloud, 'campaigns', 'settings')).toBe(before);
  });
});

describe('roles: a viewer reads everything and changes nothing; changes are audited with their target', () => {
  test('viewer: reads answered, every change FORBIDDEN, nothing written', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    cloud.engine.insertMany('admins', [{ _id: 'oViewer', name: '只读', role: 'viewer', createdAt: new Date() }]);
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: form() });
    for (const a of [{ action: 'validateCampaign', id: 'spring' }, { action: 'simulateCampaign', id: 'spring' }, { action: 'campaignDiff', id: 'spring' }, { action: 'rateSchedule' }, { action: 'checkoutSettings' }, { action: 'expiryPolicies' }]) {
      expect(await cloud.call('admin', a, 'oViewer')).toMatchObject({ ok: true });
    }
    const before = snapshot(cloud, 'campaigns', 'campaignVersions', 'settings');
    for (const a of [
      { action: 'saveCampaign', campaign: form({ name: '改' }) },
      { action: 'scheduleRate', pointsPerYuan: 50, effectiveFrom: new Date(Date.now() + 86_400_000).toISOString() },
      { action: 'cancelRateChange', effectiveFrom: new Date(Date.now() + 86_400_000).toISOString() },
      { action: 'saveCheckoutRules', stepPoints: 10, maxSharePercent: 20 },
    ]) {
      expect(await cloud.call('admin', a, 'oViewer')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(snapshot(cloud, 'campaigns', 'campaignVersions', 'settings')).toBe(before);
  });

  test('an operator\'s scheduleRate and saveCampaign are in opsAudit with before / after of their document', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: form() });
    await ok(cloud, 'admin', { action: 'scheduleRate', pointsPerYuan: 50, effectiveFrom: new Date(Date.now() + 86_400_000).toISOString() });
    const audit = cloud.engine.dump('opsAudit') as any[];
    expect(audit.find((r) => r.action === 'saveCampaign')).toMatchObject({ outcome: 'ok', target: { collection: 'campaigns', id: 'spring' }, before: null, after: expect.objectContaining({ name: '春茶扫码' }) });
    expect(audit.find((r) => r.action === 'scheduleRate')).toMatchObject({ outcome: 'ok', target: { collection: 'settings', id: 'exchangeRate' }, before: null, after: expect.objectContaining({ history: [expect.objectContaining({ pointsPerYuan: 50 })] }) });
  });
});

describe('validate → simulate → diff → publish on real scans', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    for (const m of ['oA', 'oB']) await cloud.call('user', { action: 'login' }, m);
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: form() });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'spring' });
    await ok(cloud, 'codes', { action: 'upsertProduct', id: 'tea', name: '茶', basePoints: 20 });
    await ok(cloud, 'codes', { action: 'createBatch', id: 'B1', product: 'tea', campaign: 'spring', batchNo: 'B1', productionDate: '2026-11-01', size: 5 });
    while ((await ok(cloud, 'codes', { action: 'generate', batch: 'B1' })).status === 'generating');
    await ok(cloud, 'codes', { action: 'activate', batch: 'B1' });
    const codes = cloud.engine.dump('codes').sort((a: any, b: any) => a.seq - b.seq).map((c: any) => c._id);
    for (const [code, who] of [[codes[0], 'oA'], [codes[1], 'oA'], [codes[2], 'oA'], [codes[3], 'oB']]) {
      expect((await cloud.call('codes', { action: 'scan', code }, who)).data).toMatchObject({ outcome: 'earned', points: 30 });
    }
  });

  test('a published campaign without a draft: nothing to publish, no diff', async () => {
    expect(await ok(cloud, 'admin', { action: 'validateCampaign', id: 'spring' })).toEqual({ valid: false, problems: ['没有待发布的草稿'], version: 1 });
    expect(await ok(cloud, 'admin', { action: 'campaignDiff', id: 'spring' })).toEqual({ draftVersion: null, publishedVersion: 1, rows: [] });
  });

  test('the draft (50 a scan, once a day) against the published (30) over the same four claims', async () => {
    await ok(cloud, 'admin', { action: 'saveCampaign', campaign: form({ rule: { pointsByProduct: { tea: 50 } }, caps: [{ period: 'day', unit: 'times', limit: 1 }] }) });
    expect(await ok(cloud, 'admin', { action: 'validateCampaign', id: 'spring' })).toEqual({ valid: true, problems: [], version: 2 });
    const { reply, dbRequests } = await cloud.callCounted('admin', { action: 'simulateCampaign', id: 'spring' }, OPS);
    const sim = reply.data;
    // The role check, head, draft, batches, products, the batch's diversions and claims (one page), the rate history, the spend, the markers.
    console.log(`simulateCampaign: ${dbRequests} database requests for ${sim.facts} facts`);
    expect(dbRequests).toBeLessThanOrEqual(12);
    expect(sim).toMatchObject({ kind: 'scan', facts: 4, truncated: false, spent: 0 });
    expect(sim.published).toMatchObject({ version: 1, issued: 120, credits: 4, receivers: 2, liabilityFen: 120, redemptionRate: 0, usageRate: 0, daysToA: null });
    expect(sim.draft).toMatchObject({ version: 2, issued: 100, credits: 2, nothing: 2, receivers: 2, liabilityFen: 100 });
    expect(await ok(cloud, 'admin', { action: 'campaignDiff', id: 'spring' })).toEqual({
      draftVersion: 2,
      publishedVersion: 1,
      rows: [
        { field: 'rule.pointsByProduct', label: '各产品积分', before: 'tea：30 分', after: 'tea：50 分' },
        { field: 'caps', label: '每人上限', before: '不限', after: '每日最多 1 次' },
      ],
    });
    expect(await ok(cloud, 'admin', { action: 'publishCampaign', id: 'spring' })).toMatchObject({ version: 2, draft: null });
  });

  test('kinds with no replayable facts are refused with the reason; an unknown campaign is NOT_FOUND', async () => {
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: { id: 'gift', kind: 'manual', name: '补偿', rule: { maxPoints: 100 } } });
    expect(await cloud.call('admin', { action: 'simulateCampaign', id: 'gift' }, OPS)).toEqual({ ok: false, code: 'BAD_REQUEST', message: '此类型活动没有可回放的历史数据，暂不支持模拟' });
    expect(await cloud.call('admin', { action: 'simulateCampaign', id: 'nope' }, OPS)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('simulate order earning on brand order reports', () => {
  test('orders paid in the window, the spend of the campaign\'s points and its spenders from the roll-up', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    for (const m of ['oA', 'oB']) await cloud.call('user', { action: 'login' }, m);
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: { id: 'shop', kind: 'order', name: '消费积分', rule: { pointsPerYuan: 1 } } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'shop' });
    const paidAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    for (const [id, m, fen] of [['SO-1', 'oA', 12_345], ['SO-2', 'oB', 5_000]] as const) {
      expect(await brand(cloud, { action: 'paid', orderId: id, member: m, paidFen: fen, shippingFen: 0, items: [{ sku: 'a', category: 'tea', paidFen: fen }], paidAt })).toMatchObject({ ok: true });
    }
    // An order older than the window is not replayed.
    await brand(cloud, { action: 'paid', orderId: 'SO-0', member: 'oA', paidFen: 9_900, shippingFen: 0, items: [{ sku: 'a', category: 'tea', paidFen: 9_900 }], paidAt: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    // The roll-up's figures for the window: 60 of the campaign's points spent, by oB.
    const day = new Date(Date.now() + 8 * 3_600_000 - 3 * 86_400_000).toISOString().slice(0, 10);
    cloud.engine.insertMany('metricsDaily', [{ _id: `ledger:${day}:c:shop`, scope: 'c:shop', day, spent: 60 }]);
    cloud.engine.insertMany('metricsMembers', [{ _id: 'c:shop|oB', s: day }]);
    await ok(cloud, 'admin', { action: 'saveCampaign', campaign: { id: 'shop', kind: 'order', name: '消费积分', rule: { pointsPerYuan: 2 } } });
    const sim = await ok(cloud, 'admin', { action: 'simulateCampaign', id: 'shop' });
    expect(sim).toMatchObject({ kind: 'order', facts: 2, spent: 60 });
    expect(sim.published).toMatchObject({ issued: 123 + 50, receivers: 2, redemptionRate: 0.3468, usageRate: 0.5 });
    expect(sim.draft).toMatchObject({ issued: 246 + 100, receivers: 2, liabilityFen: 346, redemptionRate: 0.1734, usageRate: 0.5 });
  });
});

describe('simulate sign-ins on the sign-in credits', () => {
  test('today\'s sign-ins replayed through a draft with a higher base', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    const rule = { cycle: 'rolling', basePoints: 5, makeUp: { enabled: true, windowDays: 3, perMonth: 2, costPoints: 0, paysBase: true } };
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: { id: 'daily', kind: 'signin', name: '每日签到', rule } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'daily' });
    for (const m of ['oA', 'oB', 'oC']) {
      await cloud.call('user', { action: 'login' }, m);
      expect(await ok(cloud, 'earn', { action: 'signIn' }, m)).toMatchObject({ points: 5 });
    }
    const facts = 3;
    await ok(cloud, 'admin', { action: 'saveCampaign', campaign: { id: 'daily', kind: 'signin', name: '每日签到', rule: { ...rule, basePoints: 8 }, caps: [{ period: 'day', unit: 'times', limit: 1 }] } });
    const sim = await ok(cloud, 'admin', { action: 'simulateCampaign', id: 'daily' });
    expect(sim).toMatchObject({ kind: 'signin', facts, truncated: false });
    expect(sim.published).toMatchObject({ issued: 5 * facts, receivers: 3 });
    expect(sim.draft).toMatchObject({ issued: 8 * 3, credits: 3, receivers: 3 });
  });
});

describe('simulate: bounded, paginated reads', () => {
  /** `n` brand orders of ¥1 each in the window, seven to an instant (ties across page boundaries). */
  function orders(cloud: TestCloud, n: number) {
    const base = Date.now() - 5 * 86_400_000;
    const docs = Array.from({ length: n }, (_, i) => ({
      _id: `SO-${String(i).padStart(6, '0')}`,
      member: `oM${i % 50}`,
      status: 'posted',
      paidAt: new Date(base + Math.floor(i / 7) * 1000),
      campaign: 'shop',
      items: [{ sku: 'a', category: 'tea', paidFen: 100 }],
      tier: '',
      tierName: '',
      tierMultiplier: 1,
    }));
    cloud.engine.insertMany('orderEarnings', docs);
  }
  async function setUp(n: number) {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: { id: 'shop', kind: 'order', name: '消费积分', rule: { pointsPerYuan: 1 } } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'shop' });
    await ok(cloud, 'admin', { action: 'saveCampaign', campaign: { id: 'shop', kind: 'order', name: '消费积分', rule: { pointsPerYuan: 3 } } });
    orders(cloud, n);
    return cloud;
  }

  test('2,503 orders over three pages of 1,000: each replayed exactly once', async () => {
    const cloud = await setUp(2_503);
    const { reply, dbRequests } = await cloud.callCounted('admin', { action: 'simulateCampaign', id: 'shop' }, OPS);
    expect(reply.data).toMatchObject({ facts: 2_503, truncated: false, published: { issued: 2_503, credits: 2_503, receivers: 50 }, draft: { issued: 3 * 2_503 } });
    console.log(`simulateCampaign: ${dbRequests} database requests for 2,503 orders`);
  });

  test('past 10,000 facts: the earliest 10,000, and the answer says so', async () => {
    const cloud = await setUp(10_003);
    const r = await ok(cloud, 'admin', { action: 'simulateCampaign', id: 'shop' });
    expect(r).toMatchObject({ facts: 10_000, truncated: true, published: { issued: 10_000 } });
  });
});

describe('the exchange rate: history, a scheduled change, cancel', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await cloud.call('user', { action: 'login' }, 'oA');
  });
  const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

  test('bad input → INVALID_FIELD with the field, nothing written', async () => {
    const before = snapshot(cloud, 'settings');
    for (const [input, message, field] of [
      [{ pointsPerYuan: 0, effectiveFrom: inHours(24) }, '兑换比例：须为 1 到 100000 之间的整数（每 1 元对应的积分）', 'pointsPerYuan'],
      [{ pointsPerYuan: 1.5, effectiveFrom: inHours(24) }, '兑换比例：须为 1 到 100000 之间的整数（每 1 元对应的积分）', 'pointsPerYuan'],
      [{ pointsPerYuan: 50, effectiveFrom: 'tomorrow' }, '生效时间：须为有效的日期时间', 'effectiveFrom'],
      [{ pointsPerYuan: 50, effectiveFrom: inHours(-1) }, '生效时间：须至少在 5 分钟之后（已发放的积分按发放时的比例计算，不能改动过去）', 'effectiveFrom'],
    ] as const) {
      expect(await cloud.call('admin', { action: 'scheduleRate', ...input }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message, field });
    }
    expect(snapshot(cloud, 'settings')).toBe(before);
  });

  test('a change scheduled for tomorrow: today\'s rate stays in force and on new lots; the view lists it as scheduled', async () => {
    const at = inHours(24);
    const view = await ok(cloud, 'admin', { action: 'scheduleRate', pointsPerYuan: 50, effectiveFrom: at });
    expect(view.current).toEqual({ pointsPerYuan: 100, effectiveFrom: null });
    expect(view.rows).toEqual([{ pointsPerYuan: 50, effectiveFrom: at, state: 'scheduled' }]);
    expect(await cloud.call('admin', { action: 'scheduleRate', pointsPerYuan: 40, effectiveFrom: at }, OPS)).toMatchObject({ code: 'INVALID_FIELD', message: '生效时间：这个时间已有一次调整' });
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: { id: 'gift', kind: 'manual', name: '补偿', rule: { maxPoints: 100 } } });
    await ok(cloud, 'admin', { action: 'publishCampaign', id: 'gift' });
    const g = await ok(cloud, 'admin', { action: 'grantPoints', campaign: 'gift', member: 'oA', points: 10, key: 'k1' });
    expect(g.entry.rate).toBe(100);
    const lot = cloud.engine.dump('accounts').find((a: any) => a._id === 'oA') as any;
    expect(JSON.stringify(lot.lots)).toContain('100'); // the lot keeps the rate of its time
    expect(await ok(cloud, 'admin', { action: 'rateSchedule' })).toEqual(view);
  });

  test('cancel: a scheduled change goes; one never scheduled is NOT_FOUND', async () => {
    const { rows } = await ok(cloud, 'admin', { action: 'rateSchedule' });
    expect(await ok(cloud, 'admin', { action: 'cancelRateChange', effectiveFrom: rows[0].effectiveFrom })).toEqual({ current: { pointsPerYuan: 100, effectiveFrom: null }, rows: [] });
    expect(await cloud.call('admin', { action: 'cancelRateChange', effectiveFrom: inHours(3) }, OPS)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('checkout rules and expiry policies', () => {
  test('checkout rules: bad input per field, nothing written; a good save reads back', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    const before = snapshot(cloud, 'settings', 'mallAudit');
    expect(await cloud.call('admin', { action: 'saveCheckoutRules', stepPoints: 0, maxSharePercent: 50 }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message: '抵扣步长：须为 1 到 100000 之间的整数', field: 'stepPoints' });
    expect(await cloud.call('admin', { action: 'saveCheckoutRules', stepPoints: 100, maxSharePercent: 101 }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message: '最高抵扣比例：须为 1 到 100 之间的整数（百分比）', field: 'maxSharePercent' });
    expect(snapshot(cloud, 'settings', 'mallAudit')).toBe(before);
    expect(await ok(cloud, 'admin', { action: 'checkoutSettings' })).toEqual({ pointsPerYuan: 100, stepPoints: 100, maxSharePercent: 50 });
    expect(await ok(cloud, 'admin', { action: 'saveCheckoutRules', stepPoints: 10, maxSharePercent: 30 })).toEqual({ pointsPerYuan: 100, stepPoints: 10, maxSharePercent: 30 });
  });

  test('expiry policies: the default and each campaign\'s, in words', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await ok(cloud, 'admin', { action: 'saveCampaign', create: true, campaign: form({ expiry: { kind: 'yearEnd' } }) });
    const r = await ok(cloud, 'admin', { action: 'expiryPolicies' });
    expect(r.default).toEqual({ policy: { kind: 'rolling', days: 365 }, text: '默认（发放后 365 天）' });
    expect(r.campaigns).toEqual([{ id: 'spring', name: '春茶扫码', kind: 'scan', status: 'draft', expiry: { kind: 'yearEnd' }, text: '当年年底清零' }]);
  });
});

describe('the tier scheme from the console (saveTierScheme)', () => {
  const tier = (level: string, name: string, minGrowth: number, earn = 1) => ({ level, name, minGrowth, benefits: { earnMultiplier: earn, signinMultiplier: 1 } });
  const scheme = (tiers: unknown[], more: Record<string, unknown> = {}) => ({ tiers, growth: { orderPerYuan: 1, scan: 0, signin: 0 }, cycleMonths: 12, remindDays: 15, ...more });

  test('bad input → INVALID_FIELD on the row\'s field, nothing written; a good one is saved and audited', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    const before = snapshot(cloud, 'tierSchemes');
    for (const [s, message, field] of [
      [scheme([tier('normal', '普通', 100)]), '等级：第一个等级的成长值门槛须为 0', 'tiers'],
      [scheme([tier('normal', '普通', 0), tier('silver', '银卡', 0)]), '等级：成长值门槛须逐级升高', 'tiers'],
      [scheme([tier('normal', '', 0)]), '第 1 级等级名称：不能为空', 'tiers.0.name'],
      [scheme([tier('normal', '普通', 0), tier('gold', '金卡', 500, 11)]), '第 2 级积分倍数：不能大于 10', 'tiers.1.benefits.earnMultiplier'],
      [scheme([tier('normal', '普通', 0)], { cycleMonths: 0 }), '等级周期（月）：不能小于 1', 'cycleMonths'],
      [scheme([tier('normal', '普通', 0)], { growth: { orderPerYuan: 1, scan: 101, signin: 0 } }), '扫码成长值：不能大于 100', 'growth.scan'],
    ] as const) {
      expect(await cloud.call('admin', { action: 'saveTierScheme', scheme: s }, OPS)).toEqual({ ok: false, code: 'INVALID_FIELD', message, field });
    }
    expect(snapshot(cloud, 'tierSchemes')).toBe(before);
    const saved = await ok(cloud, 'admin', { action: 'saveTierScheme', scheme: scheme([tier('normal', '普通', 0), tier('gold', '金卡', 500, 1.5)]) });
    expect(saved).toMatchObject({ version: 1, tiers: [{ level: 'normal' }, { level: 'gold', benefits: { earnMultiplier: 1.5 } }] });
    expect(await ok(cloud, 'tiers', { action: 'scheme' })).toMatchObject({ version: 1 });
    // Every attempt is audited (the refused ones with their code); the save with before / after.
    const trail = (cloud.engine.dump('opsAudit') as any[]).filter((r) => r.action === 'saveTierScheme');
    expect(trail.map((r) => r.outcome)).toEqual([...Array(6).fill('INVALID_FIELD'), 'ok']);
    expect(trail[6]).toMatchObject({ target: { collection: 'tierSchemes', id: 'current' }, before: null, after: expect.objectContaining({ version: 1 }) });
  });
});

