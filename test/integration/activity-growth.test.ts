// Growth value from scans and sign-ins (issue 11 §4, docs/tiers.md#growth-from-scans-and-sign-ins):
// the scheme may now give growth per scan / sign-in; the jobs tick posts it after the fact, keyed per
// ledger entry (never twice, whatever the reruns), and takes it back when the entry is reversed —
// while a sign-in stays ≤ 6 requests and a scan ≤ 7 (neither path writes growth).
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { postActivityGrowth, SETTLE_MS } from '../../cloudfunctions/common/tiers/activity';
import { replay, initialState, type Scheme } from '../../cloudfunctions/common/tiers/rules';

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

const SCHEME = {
  tiers: [
    { level: 'normal', name: '普通会员', minGrowth: 0, benefits: { earnMultiplier: 1, signinMultiplier: 1 } },
    { level: 'silver', name: '银卡会员', minGrowth: 10, benefits: { earnMultiplier: 1, signinMultiplier: 1 } },
  ],
  growth: { orderPerYuan: 1, scan: 5, signin: 2 },
  cycleMonths: 12,
  remindDays: 15,
};
const settled = () => new Date(Date.now() + SETTLE_MS + 1_000);
const growthOf = (cloud: TestCloud, m: string) => (cloud.engine.dump('growthEntries') as any[]).filter((g) => g.member === m);
const tierOf = (cloud: TestCloud, m: string) => cloud.engine.dump('memberTiers').find((t: any) => t._id === m) as any;

test('scans and sign-ins give the configured growth once each, after the fact; a reversal takes it back; the paths stay ≤ 6 / ≤ 7 requests', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  for (const m of ['oA', 'oB', 'oC']) await cloud.call('user', { action: 'login' }, m);
  const saved = await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
  expect(saved.growth).toEqual({ orderPerYuan: 1, scan: 5, signin: 2 });
  await ok(cloud, 'admin', { action: 'createCampaign', id: 'daily', kind: 'signin', name: '每日签到', rule: { cycle: 'rolling', basePoints: 5, streakBonuses: [], cumulativeBonuses: [], makeUp: { enabled: false, windowDays: 1, perMonth: 0, costPoints: 0, paysBase: true } } });
  await ok(cloud, 'admin', { action: 'publishCampaign', id: 'daily' });
  await ok(cloud, 'codes', { action: 'upsertProduct', id: 'tea', name: '茶', basePoints: 20 });
  await ok(cloud, 'admin', { action: 'createCampaign', id: 'scan-c', kind: 'scan', name: '扫码', rule: {} });
  await ok(cloud, 'admin', { action: 'publishCampaign', id: 'scan-c' });
  await ok(cloud, 'codes', { action: 'createBatch', id: 'B1', product: 'tea', campaign: 'scan-c', batchNo: 'B1', productionDate: '2026-11-01', size: 6 });
  while ((await ok(cloud, 'codes', { action: 'generate', batch: 'B1' })).status === 'generating');
  await ok(cloud, 'codes', { action: 'activate', batch: 'B1' });
  const codes = (cloud.engine.dump('codes') as any[]).sort((a, b) => a.seq - b.seq).map((c) => c._id as string);

  // Warm instances (the campaign, the scheme, rate limits), as in production; then count.
  process.env.CODES_CACHE_MS = '60000';
  await ok(cloud, 'earn', { action: 'signIn' }, 'oC');
  await ok(cloud, 'codes', { action: 'scan', code: codes[0] }, 'oC');
  await ok(cloud, 'codes', { action: 'scan', code: codes[0] }, 'oA');
  const signin = await cloud.callCounted('earn', { action: 'signIn' }, 'oA');
  const scan = await cloud.callCounted('codes', { action: 'scan', code: codes[1] }, 'oA');
  process.env.CODES_CACHE_MS = '0';
  expect(signin.reply).toMatchObject({ ok: true, data: { points: 5 } });
  expect(scan.reply).toMatchObject({ ok: true, data: { outcome: 'earned', repeat: false } });
  console.log(`with scan/sign-in growth configured: sign-in ${signin.dbRequests} requests, scan ${scan.dbRequests}`);
  expect(signin.dbRequests).toBeLessThanOrEqual(6);
  expect(scan.dbRequests).toBeLessThanOrEqual(7);
  await ok(cloud, 'codes', { action: 'scan', code: codes[2] }, 'oA');
  await ok(cloud, 'codes', { action: 'scan', code: codes[3] }, 'oB');
  expect(growthOf(cloud, 'oA')).toEqual([]); // nothing on the paths themselves

  // Not settled yet: nothing posted.
  expect(await postActivityGrowth(new Date())).toMatchObject({ posted: 0, caughtUp: true });
  const first = await postActivityGrowth(settled());
  expect(first).toMatchObject({ posted: 6, caughtUp: true }); // oC sign-in + scan, oA sign-in + 2 scans, oB scan
  const a = growthOf(cloud, 'oA');
  expect(a.map((g) => [g.source.kind, g.delta]).sort()).toEqual([['scan', 5], ['scan', 5], ['signin', 2]]);
  expect(a.every((g) => g._id.startsWith('growth:activity:'))).toBe(true);
  expect(tierOf(cloud, 'oA')).toMatchObject({ level: 'silver', growthInCycle: 12 });
  expect((cloud.engine.dump('tierChanges') as any[]).filter((c) => c.member === 'oA').map((c) => c.reason)).toEqual(['upgrade']);
  expect(tierOf(cloud, 'oB')).toMatchObject({ level: 'normal', growthInCycle: 5 });

  // Reruns — the cursor lost, two ticks at once — post nothing twice.
  const before = JSON.stringify([cloud.engine.dump('growthEntries'), cloud.engine.dump('memberTiers')]);
  const { getDb } = await import('../../cloudfunctions/common/cloud');
  await getDb().collection('jobRuns').doc('growth-activity').remove();
  await Promise.all([postActivityGrowth(settled()), postActivityGrowth(settled())]);
  expect(JSON.stringify([cloud.engine.dump('growthEntries'), cloud.engine.dump('memberTiers')])).toBe(before);

  // An operator reverses oA's sign-in, and a scan credit is reversed by its owner (the codes module's
  // path, called here directly): their growth goes back, and the upgrade with it.
  const signinEntry = (cloud.engine.dump('ledger') as any[]).find((e) => e.member === 'oA' && e.source.kind === 'signin' && e.type === 'earn');
  const scanEntry = (cloud.engine.dump('ledger') as any[]).find((e) => e.member === 'oA' && e.source.kind === 'scan' && e.type === 'earn');
  await ok(cloud, 'points', { action: 'reverse', entry: signinEntry._id, reason: '误发' });
  const ledger = await import('../../cloudfunctions/common/ledger/service');
  await ledger.reverse(scanEntry._id, { reason: '异常扫码', owner: 'scan' });
  await postActivityGrowth(settled());
  await postActivityGrowth(settled());
  const back = growthOf(cloud, 'oA').filter((g) => g.delta < 0);
  expect(back.sort((x, y) => x.delta - y.delta)).toEqual([
    expect.objectContaining({ _id: `growth:activity-rev:reverse:${scanEntry._id}`, delta: -5, source: { kind: 'scan', ref: `reverse:${scanEntry._id}` } }),
    expect.objectContaining({ _id: `growth:activity-rev:reverse:${signinEntry._id}`, delta: -2, source: { kind: 'signin', ref: `reverse:${signinEntry._id}` } }),
  ]);
  expect(tierOf(cloud, 'oA')).toMatchObject({ level: 'normal', growthInCycle: 5 });
  expect((cloud.engine.dump('tierChanges') as any[]).filter((c) => c.member === 'oA').map((c) => c.reason)).toEqual(['upgrade', 'refund']);

  // The stored tier state is the replay of the member's growth entries.
  const scheme = cloud.engine.dump('tierSchemes').find((s: any) => s._id === 'current') as unknown as Scheme;
  const entries = growthOf(cloud, 'oA').sort((x, y) => x.seq - y.seq);
  const replayed = replay(scheme, initialState(scheme, tierOf(cloud, 'oA').cycleStart), entries.map((g) => ({ kind: 'growth' as const, seq: g.seq, delta: g.delta, inCycle: g.inCycle, day: tierOf(cloud, 'oA').cycleStart })) as any);
  expect(replayed).toMatchObject({ level: 'normal', growthInCycle: 5, lifetimeGrowth: 5 });
});

test('with no scan / sign-in growth in the scheme the tick reads no entry, and turning it on later pays nothing for the time it was off', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  await cloud.call('user', { action: 'login' }, 'oA');
  await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME, growth: { orderPerYuan: 1, scan: 0, signin: 0 } });
  await ok(cloud, 'points', { action: 'adjust', member: 'oA', delta: 10, reason: 'x', key: 'k1' });
  expect(await postActivityGrowth(settled())).toMatchObject({ entries: 0, caughtUp: true });
  await ok(cloud, 'admin', { action: 'createCampaign', id: 'daily', kind: 'signin', name: '每日签到', rule: { cycle: 'rolling', basePoints: 5, streakBonuses: [], cumulativeBonuses: [], makeUp: { enabled: false, windowDays: 1, perMonth: 0, costPoints: 0, paysBase: true } } });
  await ok(cloud, 'admin', { action: 'publishCampaign', id: 'daily' });
  await ok(cloud, 'earn', { action: 'signIn' }, 'oA');
  // Growth off when the sign-in settles: the cursor passes it.
  expect(await postActivityGrowth(settled())).toMatchObject({ entries: 0, caughtUp: true });
  await ok(cloud, 'tiers', { action: 'saveScheme', ...SCHEME });
  expect(await postActivityGrowth(new Date(Date.now() + 2 * SETTLE_MS))).toMatchObject({ posted: 0 });
  expect(growthOf(cloud, 'oA')).toEqual([]);
});
