// Operator-only actions, the timer job, and the platform services the runner provides.
import * as ledger from '../../cloudfunctions/common/ledger/service';
import * as queue from '../../cloudfunctions/common/risk/queue';
import { tick as runTick } from '../../cloudfunctions/common/services/scheduler';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { fireTrigger, allTriggers } from '../../local/runtime/timers';
import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';

describe('admin.listMembers', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = createTestCloud();
    makeOperator(cloud, 'oOps');
    for (let i = 0; i < 25; i++) await cloud.call('user', { action: 'login' }, `oShopper${String(i).padStart(2, '0')}`);
  });

  test('members are FORBIDDEN', async () => {
    expect(await cloud.call('admin', { action: 'listMembers' }, 'oShopper01')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test('a disabled operator is FORBIDDEN', async () => {
    cloud.engine.insertMany('admins', [{ _id: 'oFormer', disabled: true, createdAt: new Date() }]);
    expect(await cloud.call('admin', { action: 'listMembers' }, 'oFormer')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  test('operators page through every member once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await cloud.call('admin', { action: 'listMembers', limit: 10, ...(cursor ? { cursor } : {}) }, 'oOps');
      expect(r.ok).toBe(true);
      expect(r.data.total).toBe(25);
      seen.push(...r.data.items.map((m: any) => m.openid));
      r.data.items.forEach((m: any) => expect(m.balance).toBe(0));
      cursor = r.data.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    const times = seen.map((id) => cloud.engine.dump('members').find((m: any) => m._id === id) as any).map((m) => +new Date(m.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test.each([{ limit: 0 }, { limit: 51 }, { limit: 2.5 }, { limit: '10' }, { cursor: '' }, { cursor: 'bm9waXBl' }, { extra: 1 }])(
    'bad input %j is BAD_REQUEST',
    async (fields) => {
      expect(await cloud.call('admin', { action: 'listMembers', ...fields }, 'oOps')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    },
  );
});

describe('jobs timer', () => {
  const tick = () => allTriggers().find((t) => t.functionName === 'jobs' && t.name === 'tick')!;
  const shanghai = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);
  const nextDay = (day: string) => shanghaiDay(shanghaiDayStart(day).getTime() + 36 * 3600_000);

  test('ticks every 5 minutes', () => {
    expect(tick().cron).toBe('0 */5 * * * * *');
  });

  test('before 00:10 Shanghai the daily work is not due; after it runs once; later ticks skip it', async () => {
    const cloud = createTestCloud();
    await cloud.call('user', { action: 'login' }, 'oA');
    const tomorrow = nextDay(shanghaiDay());
    const early = await fireTrigger(cloud.runner, tick(), shanghai(tomorrow, '00:05'));
    expect(early.result).toMatchObject({ ok: true, data: { daily: 'not-due', risk: { created: 0, updated: 0, events: 0 }, today: { status: 'done', day: tomorrow, through: shanghai(tomorrow, '00:03').toISOString() } } });
    // Nothing of the daily work: only the checkpoints every tick keeps — the risk queue's and the live
    // roll-up's of today (docs/risk.md#the-queue, docs/metrics.md#today-so-far).
    expect(cloud.engine.dump('jobRuns').map((d: any) => d._id).sort()).toEqual(['ledgerToday', 'riskCases']);

    const due = await fireTrigger(cloud.runner, tick(), shanghai(tomorrow, '00:10'));
    expect(due.result).toMatchObject({
      ok: true,
      data: { daily: { day: tomorrow, expiry: { status: 'done' }, members: { day: shanghaiDay(), newMembers: 1, totalMembers: 1 } } },
    });
    const later = await fireTrigger(cloud.runner, tick(), shanghai(tomorrow, '00:15'));
    expect(later.result).toMatchObject({ ok: true, data: { daily: 'done-earlier' } });
    expect(cloud.engine.dump('metricsDaily')).toHaveLength(1);
  });

  test('a failing risk refresh is reported and the daily work behind it still runs', async () => {
    const cloud = createTestCloud();
    await cloud.call('user', { action: 'login' }, 'oA');
    const spy = jest.spyOn(queue, 'refreshCases').mockRejectedValueOnce(Object.assign(new Error('down'), { code: 'DATABASE_ERROR' }));
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const at = new Date(`${nextDay(shanghaiDay())}T00:10:00+08:00`);
      const r = await runTick(at);
      expect(r.risk).toEqual({ failed: 'DATABASE_ERROR' });
      expect(r.daily).toMatchObject({ expiry: { status: 'done' } });
    } finally {
      spy.mockRestore();
      quiet.mockRestore();
    }
  });

  test('every tick brings 风控审核 up to date from the facts', async () => {
    const cloud = createTestCloud();
    const tomorrow = nextDay(shanghaiDay());
    // 3,000 points in a day: past the velocity threshold of a system without roll-ups (1,000).
    await cloud.call('user', { action: 'login' }, 'oD');
    await ledger.credit({ member: 'oD', amount: 3000, key: 'task:oD:big', source: { kind: 'task', ref: 'big' }, now: shanghai(tomorrow, '01:00') });
    const r = await fireTrigger(cloud.runner, tick(), shanghai(tomorrow, '01:05'));
    expect(r.result).toMatchObject({ ok: true, data: { risk: { created: 1 } } });
    expect((cloud.engine.dump('riskCases') as { _id: string }[]).map((c) => c._id)).toEqual([`velocity:oD:${tomorrow}`]);
  });

  test('operators can run a given day again with the same figures; members cannot', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, 'oOps');
    await cloud.call('user', { action: 'login' }, 'oA');
    const today = shanghaiDay();
    const yesterday = shanghaiDay(shanghaiDayStart(today).getTime() - 12 * 3600_000);
    const r = await cloud.call('jobs', { action: 'runDaily', day: today }, 'oOps');
    expect(r).toMatchObject({ ok: true, data: { members: { day: yesterday, newMembers: 0, totalMembers: 0 } } });
    const again = await cloud.call('jobs', { action: 'runDaily', day: today }, 'oOps');
    expect(again.data.members).toEqual(r.data.members);
    expect(await cloud.call('jobs', { action: 'runDaily', day: today }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('jobs', { action: 'runDaily', day: '2026-13' }, 'oOps')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  // Operator mistakes: a day that does not exist, or one that has not begun in Shanghai, is refused
  // before anything is written; a later day would expire live points for everyone and be marked done.
  test.each(['2026-13-45', '0000-00-00', '2026-02-30', '2025-02-29', '1999-12-31', 'tomorrow', '2028-01-01'])(
    'runDaily for %s is BAD_REQUEST and writes nothing',
    async (given) => {
      const cloud = createTestCloud();
      makeOperator(cloud, 'oOps');
      await cloud.call('user', { action: 'login' }, 'oA');
      const credited = await cloud.call('points', { action: 'adjust', member: 'oA', delta: 500, reason: '补发', key: 'k-runDaily' }, 'oOps');
      expect(credited).toMatchObject({ ok: true });
      const before = JSON.stringify(cloud.engine.collectionNames().sort().map((c) => [c, cloud.engine.dump(c)]));
      const day = given === 'tomorrow' ? nextDay(shanghaiDay()) : given;
      const r = await cloud.call('jobs', { action: 'runDaily', day }, 'oOps');
      expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      expect(r.message).toMatch(/^day: /);
      expect(cloud.engine.dump('jobRuns')).toEqual([]);
      expect(cloud.engine.dump('accounts')).toEqual([expect.objectContaining({ _id: 'oA', balance: 500, expired: 0 })]);
      expect(JSON.stringify(cloud.engine.collectionNames().sort().map((c) => [c, cloud.engine.dump(c)]))).toBe(before);
    },
  );

  test('the scheduler refuses a later or impossible day itself, whoever calls it', async () => {
    const { runDaily } = await import('../../cloudfunctions/common/services/scheduler');
    const now = shanghai('2026-06-01', '12:00');
    await expect(runDaily('2026-06-02', now)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(runDaily('2026-02-30', now)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('days as input', () => {
  test.each([
    ['2026-13-45', '2026-11-01'],
    ['2026-11-01', '0000-00-00'],
    ['2026-02-30', '2026-03-01'],
    ['2026-11-1', '2026-11-02'],
    ['1999-12-31', '2000-01-02'],
  ])('points.dailyMetrics from %s to %s is BAD_REQUEST', async (from, to) => {
    const cloud = createTestCloud();
    makeOperator(cloud, 'oOps');
    const r = await cloud.call('points', { action: 'dailyMetrics', from, to }, 'oOps');
    expect(r).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  test('points.dailyMetrics over real days answers', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, 'oOps');
    const r = await cloud.call('points', { action: 'dailyMetrics', from: '2024-02-28', to: '2024-03-01' }, 'oOps');
    expect(r).toMatchObject({ ok: true });
    expect(r.data.days.map((d: any) => d.day)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  test.each([
    ['points', { action: 'setRate', pointsPerYuan: 100, effectiveFrom: '0000-01-01T00:00:00Z' }],
    ['mall', { action: 'exportOrders', from: '9999-12-31T23:59:59Z' }],
    ['codes', { action: 'upsertCampaign', id: 'c1', name: '活动', expiry: { kind: 'fixed', at: '2026-02-30T00:00:00Z' } }],
  ])('%s %j: an impossible or out-of-range date is BAD_REQUEST', async (fn, event) => {
    const cloud = createTestCloud();
    makeOperator(cloud, 'oOps');
    expect(await cloud.call(fn, event, 'oOps')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  // A console form's date: refused next to its field (docs/console.md#forms).
  test('codes createBatch with an impossible production date is INVALID_FIELD on that field', async () => {
    const cloud = createTestCloud();
    makeOperator(cloud, 'oOps');
    const event = { action: 'createBatch', id: 'b1', product: 'p1', batchNo: 'B-1', productionDate: '2026-02-30', size: 10 };
    expect(await cloud.call('codes', event, 'oOps')).toMatchObject({ ok: false, code: 'INVALID_FIELD', field: 'productionDate' });
  });
});

describe('platform services in the runner', () => {
  test('cloud.callFunction reaches another function with the caller’s identity', async () => {
    const cloud = createTestCloud();
    cloud.runner.register('relay', async (event: any) => {
      const sdk = require('wx-server-sdk');
      const res = await sdk.callFunction({ name: 'user', data: { action: event.inner } });
      return { inner: res.result, context: sdk.getWXContext() };
    });
    const { result } = await cloud.runner.callAsMember('relay', { inner: 'login' }, 'oRelay');
    expect((result as any).inner).toMatchObject({ ok: true, data: { member: { openid: 'oRelay' } } });
    expect((result as any).context).toMatchObject({ OPENID: 'oRelay', SOURCE: 'wx_client' });
  });

  test('cloud.openapi calls are recorded in the outbox, not sent', async () => {
    const cloud = createTestCloud();
    cloud.runner.register('notify', async () => {
      const sdk = require('wx-server-sdk');
      return sdk.openapi.subscribeMessage.send({ touser: 'oN', templateId: 'TPL', data: { thing1: { value: '积分即将过期' } } });
    });
    const { result } = await cloud.runner.callAsMember('notify', {}, 'oN');
    expect(result).toMatchObject({ errCode: 0 });
    const [entry] = cloud.engine.dump('outbox') as any[];
    expect(entry).toMatchObject({ api: 'subscribeMessage.send', openid: 'oN', functionName: 'notify', payload: { templateId: 'TPL' } });
  });

  test('database requests are counted per function and action', async () => {
    const cloud = createTestCloud();
    await cloud.call('user', { action: 'login' }, 'oS');
    await cloud.call('user', { action: 'login' }, 'oS');
    const stats = cloud.runner.stats.get('user.login')!;
    expect(stats.invocations).toBe(2);
    expect(stats.dbRequests).toBeGreaterThanOrEqual(4); // first: read, 2 inserts, re-read; repeat: 1
  });
});
