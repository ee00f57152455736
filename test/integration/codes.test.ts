// One-item-one-code through the built `codes` function, the real SDK and the engine.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { envKeys, makeCodes, pretty } from '../../cloudfunctions/common/codes/format';
import { LIMITS, windowStart } from '../../cloudfunctions/common/codes/limits';
import { shanghaiDay } from '../../cloudfunctions/common/time';

const OPS = 'oOps';
const HANGZHOU = { latitude: 30.27, longitude: 120.15 };
const GUANGZHOU = { latitude: 23.13, longitude: 113.26 };

async function ok(cloud: TestCloud, fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

/** A brand with a product, a campaign and an active batch of `size` codes; returns the codes by seq. */
async function setUp(cloud: TestCloud, o: { batch?: string; size?: number; campaign?: Record<string, unknown>; activate?: boolean } = {}) {
  const batch = o.batch ?? 'B1';
  makeOperatorOnce(cloud);
  await ok(cloud, 'codes', { action: 'upsertProduct', id: 'tea', name: '高山云雾', image: 'https://img.example/tea.png', spec: '250g 罐装', origin: '浙江·安吉', basePoints: 20 });
  await ok(cloud, 'codes', { action: 'upsertCampaign', id: `c-${batch}`, name: '扫码赚积分', ...(o.campaign ?? {}) });
  await ok(cloud, 'codes', { action: 'createBatch', id: batch, product: 'tea', campaign: `c-${batch}`, batchNo: 'AJ-2026-11', productionDate: '2026-11-01', size: o.size ?? 10 });
  let p;
  do p = await ok(cloud, 'codes', { action: 'generate', batch }); while (p.status === 'generating');
  if (o.activate !== false) await ok(cloud, 'codes', { action: 'activate', batch });
  return cloud.engine.dump('codes').filter((c: any) => c.batch === batch).sort((a: any, b: any) => a.seq - b.seq).map((c: any) => c._id as string);
}
const operators = new WeakSet<TestCloud>();
function makeOperatorOnce(cloud: TestCloud) {
  if (operators.has(cloud)) return;
  operators.add(cloud);
  makeOperator(cloud, OPS);
  cloud.engine.insertMany('settings', [{ _id: 'brand', name: '山野茶事', domain: 'q.example.com', createdAt: new Date() }]);
}
const login = (cloud: TestCloud, openid: string) => cloud.call('user', { action: 'login' }, openid);
const scan = (cloud: TestCloud, code: string, openid: string, extra: Record<string, unknown> = {}) => cloud.call('codes', { action: 'scan', code, ...extra }, openid);
/** Every collection a scan writes but the rate-limit counters, in full: an update of an existing code or account shows too. */
const writesBesidesCounters = (cloud: TestCloud) =>
  Object.fromEntries(['codes', 'ledger', 'accounts', 'riskEvents', 'scanStats', 'payouts'].map((c) => [c, cloud.engine.dump(c)]));

describe('scan: first scan, repeats, counterfeits', () => {
  let cloud: TestCloud;
  let codes: string[];
  beforeAll(async () => {
    cloud = createTestCloud();
    codes = await setUp(cloud);
    for (const m of ['oA', 'oB', 'oC']) await login(cloud, m);
  });

  test('the first valid scan claims the code and credits its points under scan:<code>, with trace data', async () => {
    const r = await scan(cloud, pretty(codes[0]).toLowerCase(), 'oA');
    expect(r).toMatchObject({
      ok: true,
      data: {
        outcome: 'earned', points: 20, entry: `scan:${codes[0]}`, balance: 20, repeat: false, warning: false, scans: 1,
        trace: { name: '高山云雾', image: 'https://img.example/tea.png', spec: '250g 罐装', origin: '浙江·安吉', batchNo: 'AJ-2026-11', productionDate: '2026-11-01' },
      },
    });
    const entry = cloud.engine.dump('ledger').find((e: any) => e._id === `scan:${codes[0]}`) as any;
    expect(entry).toMatchObject({ member: 'oA', amount: 20, source: { kind: 'scan', ref: codes[0] }, campaign: 'c-B1' });
    // Told at the moment of earning until when the points are valid: the last day of the lot the credit created.
    expect(r.data.validUntil).toBe(shanghaiDay(+entry.expiresAt - 1));
    expect(r.data.validUntil > shanghaiDay()).toBe(true);
    // Written blind inside the credit's transaction, with update operators ($inc, $min, $addToSet).
    const code = cloud.engine.dump('codes').find((c: any) => c._id === codes[0]) as any;
    expect(code).toMatchObject({ claimedBy: 'oA', points: 20, scans: 1, scanners: ['oA'], winScans: 1, claimedAt: expect.any(Date), firstScanAt: expect.any(Date), lastScanAt: expect.any(Date) });
    expect(+code.firstScanAt).toBe(+code.claimedAt);
  });

  test('the same member again gets the same points and entry, plus the count message; nothing is credited twice', async () => {
    const r = await scan(cloud, codes[0], 'oA');
    expect(r.data).toMatchObject({ outcome: 'earned', points: 20, entry: `scan:${codes[0]}`, balance: 20, repeat: true, scans: 2, warning: false });
    // The claimant's repeat says again until when those points are valid.
    const entry = cloud.engine.dump('ledger').find((e: any) => e._id === `scan:${codes[0]}`) as any;
    expect(r.data.validUntil).toBe(shanghaiDay(+entry.expiresAt - 1));
    expect(r.data.message).toMatch(/^此码已被查询 2 次，首次查询时间 \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(cloud.engine.dump('ledger').filter((e: any) => e.source?.ref === codes[0])).toHaveLength(1);
  });

  test('another member on a claimed code is warned and a counterfeit risk event is recorded', async () => {
    const r = await scan(cloud, codes[0], 'oB');
    expect(r.data).toMatchObject({ outcome: 'queried', points: 0, repeat: true, scans: 3, warning: true, distinctScanners: 2 });
    expect(r.data.message).toContain('此码已被查询 3 次');
    expect(cloud.engine.dump('riskEvents')).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'counterfeit', code: codes[0], member: 'oB', batch: 'B1', product: 'tea' })]));
  });

  test('past the threshold even the claimant is warned', async () => {
    await scan(cloud, codes[0], 'oA');
    const r = await scan(cloud, codes[0], 'oA');
    expect(r.data).toMatchObject({ scans: 5, warning: true, outcome: 'earned', points: 20 });
  });

  test('operators see risk counts by batch, product and region, and scan stats per day', async () => {
    const risk = await ok(cloud, 'codes', { action: 'risk' });
    expect(risk.byBatch).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'counterfeit', key: 'B1' })]));
    expect(risk.byProduct).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'counterfeit', key: 'tea' })]));
    const stats = await ok(cloud, 'codes', { action: 'stats', batch: 'B1' });
    expect(stats.days).toHaveLength(1);
    expect(stats.days[0]).toMatchObject({ scans: 5, claims: 1, points: 20 });
    expect(await cloud.call('codes', { action: 'risk' }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test('one member scanning one code 5 times at once: one claim, the others answered as repeats, every scan counted', async () => {
    await login(cloud, 'oTwin');
    const replies = await Promise.all(Array.from({ length: 5 }, () => scan(cloud, codes[2], 'oTwin')));
    expect(replies.every((r) => r.ok && r.data.outcome === 'earned' && r.data.points === 20)).toBe(true);
    expect(replies.filter((r) => !r.data.repeat)).toHaveLength(1);
    const code = cloud.engine.dump('codes').find((c: any) => c._id === codes[2]) as any;
    expect(code).toMatchObject({ claimedBy: 'oTwin', scans: 5 });
    expect(cloud.engine.dump('ledger').filter((e: any) => e._id === `scan:${codes[2]}`)).toHaveLength(1);
  });

  test('100 members scanning one code at once: exactly one credit', async () => {
    const members = Array.from({ length: 100 }, (_, i) => `oRace${i}`);
    for (const m of members) await login(cloud, m);
    const replies = await Promise.all(members.map((m) => scan(cloud, codes[1], m)));
    const earned = replies.filter((r) => r.ok && r.data.outcome === 'earned');
    expect(earned).toHaveLength(1);
    replies.forEach((r) => expect(r.ok ? ['earned', 'queried'] : ['RATE_LIMITED']).toContain(r.ok ? r.data.outcome : r.code));
    expect(cloud.engine.dump('ledger').filter((e: any) => e._id === `scan:${codes[1]}`)).toHaveLength(1);
    const winner = earned[0].data;
    const code = cloud.engine.dump('codes').find((c: any) => c._id === codes[1]) as any;
    const account = cloud.engine.dump('accounts').find((a: any) => a._id === code.claimedBy) as any;
    expect(account.balance).toBe(winner.points);
    expect(cloud.engine.dump('accounts').filter((a: any) => a._id.startsWith('oRace') && a.balance > 0)).toHaveLength(1);
  });
});

describe('scan: bad input, limits and lockout', () => {
  let cloud: TestCloud;
  let codes: string[];
  beforeAll(async () => {
    cloud = createTestCloud();
    codes = await setUp(cloud, { size: 5 });
    await login(cloud, 'oBad');
    await login(cloud, 'oLock');
  });

  test.each([
    ['', 'CODE_EMPTY'],
    [' - ', 'CODE_EMPTY'],
    ['1'.repeat(21), 'CODE_TOO_LONG'],
    ['1'.repeat(65), 'CODE_TOO_LONG'],
    ['123', 'CODE_MALFORMED'],
    ['1234567890ABCDEFGHU*', 'CODE_MALFORMED'],
  ])('%j → %s, nothing written but rate-limit counters', async (code, expected) => {
    const before = writesBesidesCounters(cloud);
    expect(await scan(cloud, code, 'oBad')).toMatchObject({ ok: false, code: expected });
    expect(writesBesidesCounters(cloud)).toEqual(before);
  });

  test('wrong checksum, unknown key, unknown code and a bad location: distinct codes, nothing written', async () => {
    const before = writesBesidesCounters(cloud);
    const c = codes[0];
    const lastChar = c[19] === '0' ? '1' : '0';
    expect(await scan(cloud, c.slice(0, 19) + lastChar, 'oLock')).toMatchObject({ ok: false, code: 'CODE_FORGED' });
    expect(await scan(cloud, 'Z' + c.slice(1), 'oLock')).toMatchObject({ ok: false, code: 'CODE_UNKNOWN_KEY' });
    const neverIssued = makeCodes(envKeys(), 1)[0];
    expect(await scan(cloud, neverIssued, 'oLock')).toMatchObject({ ok: false, code: 'CODE_UNKNOWN' });
    for (const location of ['here', { latitude: 'x', longitude: 1 }, { latitude: 100, longitude: 1 }, [1, 2]]) {
      expect(await scan(cloud, c, 'oBad', { location })).toMatchObject({ ok: false, code: 'LOCATION_INVALID' });
    }
    expect(await scan(cloud, c, 'oBad', { extra: 1 })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(writesBesidesCounters(cloud)).toEqual(before);
    expect(cloud.engine.dump('rateLimits').length).toBeGreaterThan(0);
  });

  test('a member without a points account (never logged in) is NOT_FOUND before any credit; nothing written', async () => {
    const before = writesBesidesCounters(cloud);
    const { reply, dbRequests } = await cloud.callCounted('codes', { action: 'scan', code: codes[4] }, 'oNobody');
    expect(reply).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringContaining('no points account') });
    expect(dbRequests).toBeLessThanOrEqual(4); // the pre-read, the product and campaign when not cached, the closed-account tombstone (privacy): no transaction
    expect(writesBesidesCounters(cloud)).toEqual(before);
  });

  test(`after ${LIMITS.memberFails} failed verifications the member is locked out, even for a valid code`, async () => {
    const c = codes[1];
    const forged = c.slice(0, 19) + (c[19] === '0' ? '1' : '0');
    // oLock already has 3 failures from the test above.
    expect(await scan(cloud, forged, 'oLock')).toMatchObject({ ok: false, code: 'CODE_FORGED' });
    expect(await scan(cloud, forged, 'oLock')).toMatchObject({ ok: false, code: 'CODE_FORGED' });
    expect(await scan(cloud, c, 'oLock')).toMatchObject({ ok: false, code: 'SCAN_LOCKED' });
    expect(cloud.engine.dump('riskEvents')).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'bruteforce', member: 'oLock' })]));
    expect(cloud.engine.dump('ledger').filter((e: any) => e.member === 'oLock')).toHaveLength(0);
    // Another member is not affected.
    expect(await scan(cloud, c, 'oBad')).toMatchObject({ ok: true, data: { outcome: 'earned' } });
  });

  test(`one code scanned more than ${LIMITS.codeScans} times in a window is RATE_LIMITED`, async () => {
    const replies = [];
    for (let i = 0; i <= LIMITS.codeScans; i++) {
      await login(cloud, `oCrowd${i}`);
      replies.push(await scan(cloud, codes[3], `oCrowd${i}`));
    }
    expect(replies.slice(0, LIMITS.codeScans).every((r) => r.ok)).toBe(true);
    expect(replies[LIMITS.codeScans]).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    const code = cloud.engine.dump('codes').find((c: any) => c._id === codes[3]) as any;
    expect(code.scans).toBe(LIMITS.codeScans);
  });

  test('an inactive (not yet activated) batch or a void batch earns nothing', async () => {
    const pending = await setUp(cloud, { batch: 'B2', size: 3, activate: false });
    await login(cloud, 'oX');
    expect(await scan(cloud, pending[0], 'oX')).toMatchObject({ ok: false, code: 'CODE_INACTIVE' });
    await ok(cloud, 'codes', { action: 'void', batch: 'B2' });
    expect(await scan(cloud, pending[0], 'oX')).toMatchObject({ ok: false, code: 'CODE_VOID' });
    await ok(cloud, 'codes', { action: 'void', batch: 'B1' });
    expect(await scan(cloud, codes[2], 'oX')).toMatchObject({ ok: false, code: 'CODE_VOID' });
    expect(await cloud.call('codes', { action: 'activate', batch: 'B1' }, OPS)).toMatchObject({ ok: false, code: 'BATCH_STATE' });
    expect(cloud.engine.dump('ledger').filter((e: any) => e.member === 'oX')).toHaveLength(0);
    expect(cloud.engine.dump('codes').filter((c: any) => c.claimedBy === 'oX')).toHaveLength(0);
  });
});

describe('campaign rules: daily cap, budget, multipliers, regions', () => {
  test('the daily cap limits a member per Shanghai day; the capped code stays unclaimed', async () => {
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { size: 4, campaign: { dailyCap: 50 } });
    await login(cloud, 'oA');
    await login(cloud, 'oB');
    expect((await scan(cloud, codes[0], 'oA')).data).toMatchObject({ outcome: 'earned', points: 20 });
    expect((await scan(cloud, codes[1], 'oA')).data).toMatchObject({ outcome: 'earned', points: 20 });
    expect((await scan(cloud, codes[2], 'oA')).data).toMatchObject({ outcome: 'earned', points: 10 });
    const capped = (await scan(cloud, codes[3], 'oA')).data;
    expect(capped).toMatchObject({ outcome: 'dailyCap', points: 0, scans: 1 });
    expect((await scan(cloud, codes[3], 'oB')).data).toMatchObject({ outcome: 'earned', points: 20, scans: 2, firstScanAt: capped.firstScanAt, distinctScanners: 2 });
    const code = cloud.engine.dump('codes').find((c: any) => c._id === codes[3]) as any;
    expect(code).toMatchObject({ claimedBy: 'oB', scans: 2, scanners: ['oA', 'oB'] });
    expect(new Date(code.firstScanAt).toISOString()).toBe(capped.firstScanAt);
  });

  test('the campaign budget is never passed; a refused credit leaves the code unclaimed', async () => {
    const cloud = createTestCloud();
    makeOperatorOnce(cloud);
    await ok(cloud, 'points', { action: 'createBudget', id: 'bud', campaign: 'c-B1', cap: 45, shards: 2 });
    const codes = await setUp(cloud, { size: 4, campaign: { budget: 'bud', expiry: { kind: 'yearEnd' } } });
    for (const m of ['oA', 'oB', 'oC']) await login(cloud, m);
    expect((await scan(cloud, codes[0], 'oA')).data).toMatchObject({ outcome: 'earned', points: 20 });
    expect((await scan(cloud, codes[1], 'oB')).data).toMatchObject({ outcome: 'earned', points: 20 });
    expect(await scan(cloud, codes[2], 'oC')).toMatchObject({ ok: false, code: 'BUDGET_EXHAUSTED' });
    const code = cloud.engine.dump('codes').find((c: any) => c._id === codes[2]) as any;
    expect(code.claimedBy).toBe('');
    const issued = (cloud.engine.dump('counterShards') as any[]).filter((x) => x.counter.startsWith('budget:')).reduce((s, x) => s + x.cap - x.left, 0);
    expect(issued).toBe(40);
    const credit = cloud.engine.dump('ledger').find((e: any) => e._id === `scan:${codes[0]}`) as any;
    expect(new Date(credit.expiresAt).toISOString()).toMatch(/-12-31T16:00:00.000Z$/);
  });

  test('a multiplier window in force multiplies the base points', async () => {
    const cloud = createTestCloud();
    const now = Date.now();
    const codes = await setUp(cloud, { size: 1, campaign: { multipliers: [{ from: new Date(now - 3600_000).toISOString(), to: new Date(now + 3600_000).toISOString(), factor: 3 }] } });
    await login(cloud, 'oA');
    expect((await scan(cloud, codes[0], 'oA')).data).toMatchObject({ outcome: 'earned', points: 60 });
  });

  test('a scan outside the sales region records a diversion; whether it earns is the campaign setting', async () => {
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { size: 4, campaign: { creditOutsideRegion: false } });
    await ok(cloud, 'codes', { action: 'assignRegion', batch: 'B1', provinces: ['33'] });
    await ok(cloud, 'codes', { action: 'assignRegion', batch: 'B1', provinces: ['44'], from: 3, to: 3 });
    expect(await cloud.call('codes', { action: 'assignRegion', batch: 'B1', provinces: ['99'] }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', field: 'provinces', message: '销售区域：含有未知的省份' });
    await login(cloud, 'oA');
    const inside = await scan(cloud, codes[0], 'oA', { location: HANGZHOU });
    expect(inside.data).toMatchObject({ outcome: 'earned', region: { province: '33', provinceName: '浙江省', diverted: false } });
    const outside = await scan(cloud, codes[1], 'oA', { location: GUANGZHOU });
    expect(outside.data).toMatchObject({ outcome: 'diverted', points: 0, region: { province: '44', diverted: true, allowed: ['33'] } });
    expect((await scan(cloud, codes[3], 'oA', { location: GUANGZHOU })).data).toMatchObject({ outcome: 'earned', region: { diverted: false } });
    const events = cloud.engine.dump('riskEvents').filter((e: any) => e.kind === 'diversion');
    expect(events).toEqual([expect.objectContaining({ code: codes[1], province: '44', batch: 'B1' })]);
    const risk = await ok(cloud, 'codes', { action: 'risk', kind: 'diversion' });
    expect(risk.byProvince).toEqual([{ kind: 'diversion', key: '44', count: 1 }]);
  });
});

describe('database requests per scan (docs/codes.md#cost-per-scan-database-requests)', () => {
  let cloud: TestCloud;
  let codes: string[];
  const counted = async (code: string, openid: string) => {
    const scansBefore = cloud.engine.stats.collectionScans;
    const { reply, dbRequests } = await cloud.callCounted('codes', { action: 'scan', code }, openid);
    if (!reply.ok) throw new Error(JSON.stringify(reply));
    expect(cloud.engine.stats.collectionScans).toBe(scansBefore); // the pre-read's lookups go through indexes
    return { data: reply.data, dbRequests };
  };
  beforeAll(async () => {
    cloud = createTestCloud();
    codes = await setUp(cloud, { size: 8 });
    for (const m of ['oA', 'oB']) await login(cloud, m);
    // oB's rate-limit counter for the window and the day's statistics exist (steady state).
    await scan(cloud, codes[0], 'oA');
    await scan(cloud, codes[0], 'oB');
  });

  test('a first scan: the pre-read, then the credit with the claim in its transaction — at most 7', async () => {
    const { data, dbRequests } = await counted(codes[1], 'oB');
    expect(data).toMatchObject({ outcome: 'earned', repeat: false, points: 20 });
    expect(dbRequests).toBeLessThanOrEqual(7);
  });

  test('a repeat scan: 4 (pre-read, the code, the counters, the statistics); +1 when first warned', async () => {
    expect(await counted(codes[1], 'oB')).toMatchObject({ data: { outcome: 'earned', repeat: true, balance: 20 }, dbRequests: 4 });
    expect(await counted(codes[1], 'oA')).toMatchObject({ data: { outcome: 'queried', warning: true }, dbRequests: 5 });
    expect(await counted(codes[1], 'oA')).toMatchObject({ data: { outcome: 'queried', warning: true }, dbRequests: 4 });
    expect(cloud.engine.dump('riskEvents').filter((e: any) => e.code === codes[1])).toHaveLength(1);
  });

  test('a forged code: 2 (the member\'s counter bumped, then read back; +1 each with a client IP); no pre-read', async () => {
    const c = codes[2];
    const { reply, dbRequests } = await cloud.callCounted('codes', { action: 'scan', code: c.slice(0, 19) + (c[19] === '0' ? '1' : '0') }, 'oB');
    expect(reply).toMatchObject({ ok: false, code: 'CODE_FORGED' });
    expect(dbRequests).toBe(2);
  });

  test('a first scan in a campaign with a daily cap costs the same', async () => {
    const capped = createTestCloud();
    const cs = await setUp(capped, { size: 2, campaign: { dailyCap: 100 } });
    await login(capped, 'oA');
    await scan(capped, cs[0], 'oA');
    const { reply, dbRequests } = await capped.callCounted('codes', { action: 'scan', code: cs[1] }, 'oA');
    expect(reply.data).toMatchObject({ outcome: 'earned', points: 20 });
    expect(dbRequests).toBeLessThanOrEqual(7);
  });
});

describe('scan: the member\'s scan state on the account', () => {
  test('one member scanning many codes at once never earns above the daily cap', async () => {
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { size: 10, campaign: { dailyCap: 90 } });
    await login(cloud, 'oA');
    const replies = await Promise.all(codes.map((c) => scan(cloud, c, 'oA')));
    expect(replies.every((r) => r.ok)).toBe(true);
    const earned = replies.filter((r) => r.data.outcome === 'earned').map((r) => r.data.points);
    expect(earned.reduce((s, p) => s + p, 0)).toBe(90);
    expect(earned.sort()).toEqual([10, 20, 20, 20, 20]);
    expect(replies.filter((r) => r.data.outcome === 'dailyCap')).toHaveLength(5);
    const claimed = cloud.engine.dump('codes').filter((c: any) => c.claimedBy === 'oA') as any[];
    expect(claimed.reduce((s, c) => s + c.points, 0)).toBe(90);
    const account = cloud.engine.dump('accounts').find((a: any) => a._id === 'oA') as any;
    expect(account).toMatchObject({ balance: 90, counters: { 'c-B1': { d: [shanghaiDay(new Date()), 90, 5] }, '@scan': { r: [windowStart(new Date()), 5] } } });
  });

  test(`a member's claims count towards their scan rate (${LIMITS.memberScans} per window); claims write no counter`, async () => {
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { size: LIMITS.memberScans + 1 });
    await login(cloud, 'oA');
    // Not across a window boundary: the claims of the last window would not count.
    const left = windowStart(new Date()) + LIMITS.windowMs - Date.now();
    if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
    for (let i = 0; i < LIMITS.memberScans; i++) {
      const r = await cloud.runner.callAsMember('codes', { action: 'scan', code: codes[i] }, 'oA', { CLIENTIP: '10.1.2.3' });
      expect(r.result).toMatchObject({ ok: true, data: { outcome: 'earned' } });
    }
    expect(cloud.engine.dump('rateLimits')).toHaveLength(0);
    expect(await scan(cloud, codes[LIMITS.memberScans], 'oA')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    const account = cloud.engine.dump('accounts').find((a: any) => a._id === 'oA') as any;
    expect(account.counters['@scan']).toEqual({ r: [windowStart(new Date()), LIMITS.memberScans] });
  });
});

describe('batches', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperatorOnce(cloud);
    await ok(cloud, 'codes', { action: 'upsertProduct', id: 'tea', name: '高山云雾', basePoints: 20 });
  });

  test.each([0, -1, 1_000_001, 2.5, '10', null])('size %j is BATCH_SIZE_INVALID and creates nothing', async (size) => {
    expect(await cloud.call('codes', { action: 'createBatch', id: 'bad', product: 'tea', batchNo: 'x', productionDate: '2026-11-01', size }, OPS)).toMatchObject({ ok: false, code: 'BATCH_SIZE_INVALID' });
    expect(cloud.engine.dump('codeBatches')).toHaveLength(0);
  });

  test('members may not manage batches; an unknown product is the form\'s problem', async () => {
    expect(await cloud.call('codes', { action: 'createBatch', id: 'b', product: 'tea', batchNo: 'x', productionDate: '2026-11-01', size: 5 }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('codes', { action: 'createBatch', id: 'b', product: 'nope', batchNo: 'x', productionDate: '2026-11-01', size: 5 }, OPS)).toMatchObject({ ok: false, code: 'INVALID_FIELD', field: 'product', message: '产品：不存在' });
  });

  test('generation goes in chunks of 1000 with progress; activation waits for the last chunk', async () => {
    await ok(cloud, 'codes', { action: 'createBatch', id: 'G', product: 'tea', batchNo: 'G-1', productionDate: '2026-11-01', size: 2500 });
    expect(await cloud.call('codes', { action: 'activate', batch: 'G' }, OPS)).toMatchObject({ ok: false, code: 'BATCH_STATE' });
    const { dbRequests } = await cloud.callCounted('codes', { action: 'generate', batch: 'G', maxChunks: 1 }, OPS);
    expect(await ok(cloud, 'codes', { action: 'progress', batch: 'G' })).toMatchObject({ generated: 1000, size: 2500, percent: 40, status: 'generating' });
    expect(dbRequests).toBeLessThan(10);
    expect(await ok(cloud, 'codes', { action: 'generate', batch: 'G' })).toMatchObject({ generated: 2500, status: 'ready', percent: 100 });
    const codes = cloud.engine.dump('codes').filter((c: any) => c.batch === 'G');
    expect(codes).toHaveLength(2500);
    expect(new Set(codes.map((c: any) => c.seq)).size).toBe(2500);
    expect(await ok(cloud, 'codes', { action: 'activate', batch: 'G' })).toMatchObject({ status: 'active' });
  });

  test('two generate calls at once: one writes, the other answers busy; every seq exactly once', async () => {
    await ok(cloud, 'codes', { action: 'createBatch', id: 'P', product: 'tea', batchNo: 'P-1', productionDate: '2026-11-01', size: 3000 });
    const [a, b] = await Promise.all([
      cloud.call('codes', { action: 'generate', batch: 'P', maxChunks: 2 }, OPS),
      cloud.call('codes', { action: 'generate', batch: 'P', maxChunks: 2 }, OPS),
    ]);
    expect([a.data.busy, b.data.busy].filter(Boolean)).toHaveLength(1);
    while ((await ok(cloud, 'codes', { action: 'generate', batch: 'P' })).status === 'generating');
    const seqs = cloud.engine.dump('codes').filter((c: any) => c.batch === 'P').map((c: any) => c.seq);
    expect(seqs).toHaveLength(3000);
    expect(new Set(seqs).size).toBe(3000);
    expect(await cloud.call('codes', { action: 'progress', batch: 'nope' }, OPS)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const provinces = await ok(cloud, 'codes', { action: 'provinces' }, 'oA');
    expect(provinces.provinces).toEqual(expect.arrayContaining([{ code: '33', name: '浙江省' }]));
  });

  test('a run that died after inserting a chunk but before recording it is cleaned up by the next', async () => {
    await ok(cloud, 'codes', { action: 'createBatch', id: 'D', product: 'tea', batchNo: 'D-1', productionDate: '2026-11-01', size: 1500 });
    cloud.engine.insertMany('codes', makeCodes(envKeys(), 3).map((c, i) => ({ _id: c, batch: 'D', seq: i, claimedBy: '', scans: 0 })));
    expect(await ok(cloud, 'codes', { action: 'generate', batch: 'D' })).toMatchObject({ generated: 1500, status: 'ready' });
    expect(cloud.engine.dump('codes').filter((c: any) => c.batch === 'D')).toHaveLength(1500);
  });

  test('export CSV and PDF of a range through cloud.uploadFile; unknown batch is NOT_FOUND', async () => {
    const csv = await ok(cloud, 'codes', { action: 'export', batch: 'G', format: 'csv', from: 0, to: 99 });
    expect(csv).toMatchObject({ count: 100, fileID: expect.stringMatching(/^cloud:\/\/local\/code-exports\//) });
    const fs = await import('node:fs');
    const path = await import('node:path');
    const text = fs.readFileSync(path.join(cloud.runner.filesDir, csv.fileID.replace('cloud://local/', '')), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('seq,code,printed,url');
    expect(lines[1]).toMatch(/^0,[0-9A-Z]{20},[0-9A-Z-]{24},https:\/\/q\.example\.com\/q\/[0-9A-Z]{20}$/);
    const pdf = await ok(cloud, 'codes', { action: 'export', batch: 'G', format: 'pdf', from: 0, to: 47 });
    expect(pdf.count).toBe(48);
    const bytes = fs.readFileSync(path.join(cloud.runner.filesDir, pdf.fileID.replace('cloud://local/', '')));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await cloud.call('codes', { action: 'export', batch: 'nope', format: 'csv' }, OPS)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await cloud.call('codes', { action: 'export', batch: 'G', format: 'xls' }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});

describe('issue 9 §2: a burst cannot pass a limit that is checked before it is counted', () => {
  test(`40 concurrent forged codes from one member and one IP: at most ${LIMITS.memberFails} answer CODE_FORGED, the rest SCAN_LOCKED`, async () => {
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { size: 2 });
    await login(cloud, 'oGuess');
    const c = codes[0];
    const forged = Array.from({ length: 40 }, (_, i) => c.slice(0, 18) + '0123456789ABCDEFGHJK'[i % 20] + (c[19] === '0' ? '1' : '0'));
    const replies = await Promise.all(forged.map((f) => cloud.runner.callAsMember('codes', { action: 'scan', code: f }, 'oGuess', { CLIENTIP: '10.9.9.9' })));
    const codesOf = replies.map((r: any) => (r.result.ok ? 'ok' : r.result.code));
    const forgedAnswers = codesOf.filter((x) => x === 'CODE_FORGED').length;
    // Counted before checked: in-process the whole burst may be counted before any read-back, so
    // even none may be answered as forged; never more than the limit.
    expect(forgedAnswers).toBeLessThanOrEqual(LIMITS.memberFails);
    expect(codesOf.filter((x) => x !== 'CODE_FORGED').every((x) => x === 'SCAN_LOCKED')).toBe(true);
    // Every guess was counted, once.
    const m = cloud.engine.dump('rateLimits').find((x: any) => x.scope === 'm') as any;
    expect(m.fails).toBe(40);
    expect(cloud.engine.dump('riskEvents').filter((e: any) => e.kind === 'bruteforce')).toHaveLength(1);
    expect(await scan(cloud, codes[1], 'oGuess')).toMatchObject({ ok: false, code: 'SCAN_LOCKED' });
  });
});

describe('issue 9 §2: the per-member scan limit holds under a burst of first scans', () => {
  test(`${LIMITS.memberScans + 10} concurrent first scans by one member claim at most ${LIMITS.memberScans} codes`, async () => {
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { size: LIMITS.memberScans + 10 });
    await login(cloud, 'oBurst');
    // Not across a window boundary: claims of the last window would not count.
    const left = windowStart(new Date()) + LIMITS.windowMs - Date.now();
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 50));
    const replies = await Promise.all(codes.map((c) => scan(cloud, c, 'oBurst')));
    const claimed = cloud.engine.dump('codes').filter((c: any) => c.claimedBy === 'oBurst');
    expect(claimed.length).toBeLessThanOrEqual(LIMITS.memberScans);
    expect(claimed.length).toBeGreaterThan(0);
    expect(replies.filter((r) => !r.ok).every((r) => ['RATE_LIMITED', 'CONFLICT'].includes(r.code))).toBe(true);
    const entries = cloud.engine.dump('ledger').filter((e: any) => e.member === 'oBurst');
    expect(entries).toHaveLength(claimed.length);
  });
});

describe('issue 9 §4: a campaign whose fixed expiry is already past is refused', () => {
  test('upsertCampaign with a past fixed expiry: BAD_REQUEST with a clear message, nothing saved', async () => {
    const cloud = createTestCloud();
    makeOperatorOnce(cloud);
    const past = new Date(Date.now() - 86_400_000).toISOString();
    const r = await cloud.call('codes', { action: 'upsertCampaign', id: 'old', name: '过期活动', expiry: { kind: 'fixed', at: past } }, OPS);
    expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST', message: expect.stringContaining('已过') });
    expect(cloud.engine.dump('campaigns')).toHaveLength(0);
    expect(cloud.engine.dump('codeCampaigns')).toHaveLength(0);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await cloud.call('codes', { action: 'upsertCampaign', id: 'ok', name: '有效活动', expiry: { kind: 'fixed', at: future } }, OPS)).toMatchObject({ ok: true });
  });
});

describe('a scan campaign that grants game plays (docs/codes.md#game-plays-for-a-first-scan)', () => {
  const cacheMsBefore = process.env.CODES_CACHE_MS;
  beforeAll(() => void (process.env.CODES_CACHE_MS = '0')); // the operator changes the campaign mid-test
  afterAll(() => {
    if (cacheMsBefore === undefined) delete process.env.CODES_CACHE_MS;
    else process.env.CODES_CACHE_MS = cacheMsBefore;
  });
  test('a genuine first scan grants the plays once (key scan:<code>); a rescan by the claimant completes a missing grant; publish checks the pool', async () => {
    const { pool, publishPool } = await import('./play-fixtures');
    const cloud = createTestCloud();
    const codes = await setUp(cloud, { batch: 'GP', size: 6 });
    for (const m of ['oA', 'oB']) await login(cloud, m);
    const plays = (m: string) => (cloud.engine.dump('accounts').find((a: any) => a._id === m) as any)?.playGrants?.pscan ?? 0;
    const grantPlays = async (p: string) => {
      const rule = { ...(cloud.engine.dump('campaigns').find((c: any) => c._id === 'c-GP') as any).rule, grantPlays: { pool: p, n: 2 } };
      await ok(cloud, 'admin', { action: 'updateCampaign', id: 'c-GP', changes: { rule } });
      return cloud.call('admin', { action: 'publishCampaign', id: 'c-GP' }, OPS);
    };
    // Claimed before the campaign granted anything (as if the process died between the claim and the grant).
    expect(await scan(cloud, codes[0], 'oA')).toMatchObject({ ok: true, data: { outcome: 'earned' } });
    expect(await grantPlays('no-such-pool')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await publishPool(cloud, 'ptask', pool({ entry: { points: 10, freePerDay: 0, sources: ['task'] } }))).toMatchObject({ ok: true });
    expect(await grantPlays('ptask')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await publishPool(cloud, 'pscan', pool({ entry: { points: 10, freePerDay: 0, sources: ['scan'] } }))).toMatchObject({ ok: true });
    expect(await grantPlays('pscan')).toMatchObject({ ok: true });
    expect(await scan(cloud, codes[2], 'oA')).toMatchObject({ ok: true, data: { plays: { pool: 'pscan', n: 2 } } });
    // Measured in steady state: the campaign, pool and seed (just read) cached as on the cloud.
    process.env.CODES_CACHE_MS = '60000';

    const first = await cloud.callCounted('codes', { action: 'scan', code: codes[1] }, 'oB');
    expect(first.reply).toMatchObject({ ok: true, data: { outcome: 'earned', repeat: false, plays: { pool: 'pscan', n: 2 } } });
    console.log(`db requests of a first scan whose campaign grants plays: ${first.dbRequests}`);
    expect(first.dbRequests).toBeLessThanOrEqual(12); // ≤ 7 of any first scan + the grant's transaction (5)
    expect(plays('oB')).toBe(2);
    const again = await cloud.callCounted('codes', { action: 'scan', code: codes[1] }, 'oB');
    expect(again.reply.data.plays).toBeUndefined(); // already granted: nothing more
    console.log(`db requests of the claimant's repeat scan whose campaign grants plays: ${again.dbRequests}`);
    expect(await scan(cloud, codes[1], 'oA')).toMatchObject({ ok: true, data: { outcome: 'queried' } });
    expect(plays('oB')).toBe(2);
    expect(plays('oA')).toBe(2); // codes[2]'s
    // The claimant's rescan completes the grant its claim never made.
    expect(await scan(cloud, codes[0], 'oA')).toMatchObject({ ok: true, data: { repeat: true, plays: { pool: 'pscan', n: 2 } } });
    expect(await scan(cloud, codes[0], 'oA')).toMatchObject({ ok: true, data: { repeat: true } });
    expect(plays('oA')).toBe(4);
    expect((cloud.engine.dump('playGrants') as any[]).map((g) => g._id).sort()).toEqual([codes[0], codes[1], codes[2]].map((c) => `pscan:scan:${c}`).sort());
    expect(await cloud.call('play', { action: 'draw', pool: 'pscan', clientKey: 'key-scan-0001', pay: 'granted' }, 'oB')).toMatchObject({ ok: true, data: { draw: { paid: 'granted' } } });
  });
});
