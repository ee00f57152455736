// Tier benefits beyond multipliers (docs/tiers.md): birthday points (the member's birthday, the daily
// step, once a year) and tier-only mall items. The clock is moved with jest's fake Date.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { birthdaysOn } from '../../cloudfunctions/common/earn/birthday';
import { ADDRESS, baseItem, member } from './mall-fixtures';

const OPS = 'oOps';
const FAKE = { doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] as any };
const clock = (shanghai: string) => jest.useFakeTimers({ ...FAKE, now: new Date(`${shanghai}+08:00`) });
afterAll(() => jest.useRealTimers());

export const SCHEME = {
  tiers: [
    { level: 'normal', name: '普通会员', minGrowth: 0, benefits: { earnMultiplier: 1, signinMultiplier: 1 } },
    { level: 'gold', name: '金卡会员', minGrowth: 2000, benefits: { earnMultiplier: 1.5, signinMultiplier: 1.5, birthdayPoints: 200, extraPlaysPerDay: 2 } },
  ],
  growth: { orderPerYuan: 1, scan: 0, signin: 0 },
  cycleMonths: 12,
  remindDays: 15,
};

async function ok(cloud: TestCloud, fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

export function makeGold(cloud: TestCloud, member: string) {
  cloud.engine.insertMany('memberTiers', [{ _id: member, level: 'gold', levelAtCycleStart: 'gold', cycleStart: '2027-01-01', cycleEnd: '2028-01-01', growthInCycle: 2500, lifetimeGrowth: 2500, seq: 1, updatedAt: new Date() }]);
}

describe('birthday points', () => {
  test('29 February birthdays are kept on 28 February in other years', () => {
    expect(birthdaysOn('2027-02-28')).toEqual(['02-28', '02-29']);
    expect(birthdaysOn('2028-02-28')).toEqual(['02-28']);
    expect(birthdaysOn('2028-02-29')).toEqual(['02-29']);
  });

  test('the birthday is validated and set once; the daily step credits the tier\'s points once a year', async () => {
    clock('2027-05-20T09:00:00');
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    for (const m of ['oG', 'oN', 'oX']) await cloud.call('user', { action: 'login' }, m);
    await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
    makeGold(cloud, 'oG');
    makeGold(cloud, 'oX');

    for (const bad of ['2027-05-21', '1990-02-30', '1899-12-31', '1990-5-20', '']) {
      expect(await cloud.call('user', { action: 'updateProfile', birthday: bad }, 'oG')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    }
    expect(await ok(cloud, 'user', { action: 'updateProfile', birthday: '1990-05-20' }, 'oG')).toMatchObject({ member: { birthday: '1990-05-20' } });
    await ok(cloud, 'user', { action: 'updateProfile', birthday: '1990-05-20' }, 'oG'); // the same again is fine
    const before = JSON.stringify(cloud.engine.dump('members'));
    expect(await cloud.call('user', { action: 'updateProfile', birthday: '1990-05-19', nickname: '改名' }, 'oG')).toMatchObject({ ok: false, code: 'BIRTHDAY_LOCKED' });
    expect(JSON.stringify(cloud.engine.dump('members'))).toBe(before);
    await ok(cloud, 'user', { action: 'updateProfile', birthday: '1985-05-20' }, 'oN'); // 普通会员: 0 birthday points
    await ok(cloud, 'user', { action: 'updateProfile', birthday: '1990-05-21' }, 'oX'); // tomorrow

    const r = await ok(cloud, 'jobs', { action: 'runDaily', day: '2027-05-20' });
    expect(r.birthdays).toEqual({ credited: 1, points: 200 });
    const entries = () => (cloud.engine.dump('ledger') as any[]).filter((e) => e.source.kind === 'birthday');
    expect(entries()).toHaveLength(1);
    expect(entries()[0]).toMatchObject({ _id: 'birthday:oG:2027', member: 'oG', amount: 200, source: { kind: 'birthday', ref: '2027', tier: 'gold' }, reason: '生日礼遇 · 金卡会员 200 积分' });
    // A rerun of the day pays nothing more.
    expect((await ok(cloud, 'jobs', { action: 'runDaily', day: '2027-05-20' })).birthdays).toEqual({ credited: 0, points: 0 });
    clock('2027-05-21T09:00:00');
    expect((await ok(cloud, 'jobs', { action: 'runDaily', day: '2027-05-21' })).birthdays).toEqual({ credited: 1, points: 200 });
    expect(entries().map((e) => e._id).sort()).toEqual(['birthday:oG:2027', 'birthday:oX:2027']);
  });
});

describe('tier-only mall items', () => {
  test('listed to their tiers only; redeem refuses other tiers with TIER_ONLY_ITEM and takes nothing', async () => {
    jest.useRealTimers();
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
    await member(cloud, 'oG', 1000);
    await member(cloud, 'oN', 1000);
    makeGold(cloud, 'oG');
    await ok(cloud, 'mall', { action: 'createItem', id: 'gold-tea', ...baseItem({ title: '金卡专享茶', tiers: ['gold'] }), stock: 5 });
    await ok(cloud, 'mall', { action: 'createItem', id: 'cup', ...baseItem(), stock: 5 });
    await ok(cloud, 'mall', { action: 'createItem', id: 'mug', ...baseItem({ tiers: [] }), stock: 5 });
    expect(await cloud.call('mall', { action: 'createItem', id: 'bad', ...baseItem({ tiers: ['金卡'] }), stock: 5 }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: '会员专享：等级无效' });
    const ids = async (m: string) => ((await ok(cloud, 'mall', { action: 'items', limit: 20 }, m)).items as { id: string }[]).map((i) => i.id).sort();
    expect(await ids('oG')).toEqual(['cup', 'gold-tea', 'mug']);
    expect(await ids('oN')).toEqual(['cup', 'mug']);
    expect((await ok(cloud, 'mall', { action: 'adminItems', limit: 20 })).items).toHaveLength(3);

    const before = JSON.stringify([cloud.engine.dump('mallOrders'), cloud.engine.dump('counterShards'), cloud.engine.dump('accounts')]);
    expect(await cloud.call('mall', { action: 'redeem', item: 'gold-tea', quantity: 1, clientKey: 'key-n-0001', address: ADDRESS }, 'oN')).toMatchObject({ ok: false, code: 'TIER_ONLY_ITEM' });
    expect(JSON.stringify([cloud.engine.dump('mallOrders'), cloud.engine.dump('counterShards'), cloud.engine.dump('accounts')])).toBe(before);
    expect(await cloud.call('mall', { action: 'redeem', item: 'gold-tea', quantity: 1, clientKey: 'key-g-0001', address: ADDRESS }, 'oG')).toMatchObject({ ok: true });
    // A member with no tier state yet is of the first tier: an item for 普通会员 is theirs.
    await ok(cloud, 'mall', { action: 'createItem', id: 'starter', ...baseItem({ tiers: ['normal'] }), stock: 5 });
    expect(await ids('oN')).toEqual(['cup', 'mug', 'starter']);
    expect(await cloud.call('mall', { action: 'redeem', item: 'starter', quantity: 1, clientKey: 'key-n-0002', address: ADDRESS }, 'oN')).toMatchObject({ ok: true });
    expect(await cloud.call('mall', { action: 'redeem', item: 'starter', quantity: 1, clientKey: 'key-g-0002', address: ADDRESS }, 'oG')).toMatchObject({ ok: false, code: 'TIER_ONLY_ITEM' });
  });

  test('labelled in the list and the detail (金卡专享); a member below the tier is told why and how, not a generic error', async () => {
    jest.useRealTimers();
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
    await member(cloud, 'oG', 1000);
    await member(cloud, 'oN', 1000);
    makeGold(cloud, 'oG');
    await ok(cloud, 'mall', { action: 'createItem', id: 'gold-tea', ...baseItem({ title: '金卡专享茶', tiers: ['gold'] }), stock: 5 });
    await ok(cloud, 'mall', { action: 'createItem', id: 'cup', ...baseItem(), stock: 5 });
    const listed = (await ok(cloud, 'mall', { action: 'items', limit: 20 }, 'oG')).items as any[];
    expect(listed.find((i) => i.id === 'gold-tea').tierOnly).toEqual({ label: '金卡专享', eligible: true, memberTier: '金卡会员', lowestTier: '金卡会员' });
    expect(listed.find((i) => i.id === 'cup').tierOnly).toBeNull();
    const mine = (await ok(cloud, 'mall', { action: 'item', id: 'gold-tea' }, 'oG')).item;
    expect(mine.tierOnly).toMatchObject({ label: '金卡专享', eligible: true });
    const theirs = (await ok(cloud, 'mall', { action: 'item', id: 'gold-tea' }, 'oN')).item;
    expect(theirs.tierOnly).toEqual({ label: '金卡专享', eligible: false, memberTier: '普通会员', lowestTier: '金卡会员' });
    const { tierOnlyReason } = await import('../../src/utils/tier-only');
    expect(tierOnlyReason(theirs.tierOnly)).toBe('你当前为普通会员，升级至金卡会员即可兑换');
    expect((await ok(cloud, 'mall', { action: 'item', id: 'cup' }, 'oN')).item.tierOnly).toBeNull();
    // The redemption itself (e.g. from a page opened before a downgrade) refuses saying why, in Chinese, which the page shows.
    const { describeError, CloudError } = await import('../../src/services/errors');
    const r = await cloud.call('mall', { action: 'redeem', item: 'gold-tea', quantity: 1, clientKey: 'key-n-0009', address: ADDRESS }, 'oN');
    expect(r).toMatchObject({ ok: false, code: 'TIER_ONLY_ITEM', message: '该商品为金卡专享，你当前为普通会员' });
    expect(describeError(new CloudError(r.code, r.message))).toBe('该商品为金卡专享，你当前为普通会员');
  });

  test('labels: one tier, a tier and all above it, a set of tiers', async () => {
    const { tierOnlyLabel } = await import('../../cloudfunctions/common/tiers/rules');
    const scheme = { tiers: ['普通会员', '银卡会员', '金卡会员', '黑金会员'].map((name, i) => ({ level: `l${i}`, name })) } as any;
    expect(tierOnlyLabel(scheme, ['l2'])).toBe('金卡专享');
    expect(tierOnlyLabel(scheme, ['l3', 'l2'])).toBe('金卡及以上专享');
    expect(tierOnlyLabel(scheme, ['l1', 'l3'])).toBe('银卡、黑金专享');
    expect(tierOnlyLabel(scheme, ['gone'])).toBe('会员专享');
    expect(tierOnlyLabel(scheme, [])).toBeNull();
  });
});

describe('the tier keep reminder', () => {
  test('a subscribe message sent only by the jobs\' daily work: one acceptance = one message, at most one per cycle, only when short within remindDays', async () => {
    clock('2027-12-20T09:00:00');
    const cloud = createTestCloud();
    makeOperator(cloud, OPS);
    for (const m of ['oG', 'oK', 'oL']) await cloud.call('user', { action: 'login' }, m);
    await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
    const state = (id: string, growth: number, cycleEnd: string) => ({ _id: id, level: 'gold', levelAtCycleStart: 'gold', cycleStart: '2027-01-01', cycleEnd, growthInCycle: growth, lifetimeGrowth: growth, seq: 1, updatedAt: new Date() });
    // oG short by 1900, cycle ends in 12 days; oK has kept the tier; oL's cycle ends in 40 days.
    cloud.engine.insertMany('memberTiers', [state('oG', 100, '2028-01-01'), state('oK', 2100, '2028-01-01'), state('oL', 100, '2028-01-29')]);
    const mine = await ok(cloud, 'tiers', { action: 'mine' }, 'oG');
    expect(mine.reminder).toMatchObject({ short: 1900 });
    const templateId = mine.templateId;
    expect(await ok(cloud, 'tiers', { action: 'subscribeKeep', key: 'k1', templateId }, 'oG')).toEqual({ credits: 1, accepted: true });
    expect(await ok(cloud, 'tiers', { action: 'subscribeKeep', key: 'k1', templateId }, 'oG')).toEqual({ credits: 1, accepted: true }); // a retried report
    expect(await ok(cloud, 'tiers', { action: 'subscribeKeep', key: 'k2', templateId: 'nope' }, 'oG')).toEqual({ credits: 0, accepted: false });
    await ok(cloud, 'tiers', { action: 'subscribeKeep', key: 'k2', templateId }, 'oG'); // two acceptances
    for (const m of ['oK', 'oL']) await ok(cloud, 'tiers', { action: 'subscribeKeep', key: 'k1', templateId }, m);
    // Nothing sends it but the jobs: the member's actions did not.
    expect(cloud.engine.dump('outbox')).toEqual([]);

    expect((await ok(cloud, 'jobs', { action: 'runDaily', day: '2027-12-20' })).tierReminders).toEqual({ sent: 1 });
    const out = () => (cloud.engine.dump('outbox') as any[]).filter((o) => o.payload.page === 'packages/tiers/index');
    expect(out()).toEqual([expect.objectContaining({ api: 'subscribeMessage.send', payload: expect.objectContaining({ touser: 'oG', templateId, data: { thing1: { value: '金卡会员' }, thing2: { value: '还差 1900 成长值保级' }, date3: { value: '2027-12-31' } } }) })]);
    // Once per cycle, though oG has a second credit: the next days send nothing more.
    clock('2027-12-21T09:00:00');
    expect((await ok(cloud, 'jobs', { action: 'runDaily', day: '2027-12-21' })).tierReminders).toEqual({ sent: 0 });
    expect(out()).toHaveLength(1);
    expect((cloud.engine.dump('tierSubscriptions') as any[]).find((s) => s._id === 'oG').credits).toBe(1);
  });
});
