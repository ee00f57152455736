// The ledger service through the real SDK and the engine.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import * as service from '../../cloudfunctions/common/ledger/service';
import { createBudget } from '../../cloudfunctions/common/ledger/budgets';
import { unpackLots } from '../../cloudfunctions/common/ledger/lots';

const DAY = 86_400_000;
// Operations answer {entry, replayed}; these tests look at the entries (ledger-keys tests `replayed`).
const entryOf = <A extends unknown[]>(op: (...a: A) => Promise<{ entry: service.Outcome['entry'] }>) => (...a: A) => op(...a).then((o) => o.entry);
const ledger = {
  ...service,
  credit: entryOf(service.credit),
  debit: entryOf(service.debit),
  commitHold: entryOf(service.commitHold),
  releaseHold: entryOf(service.releaseHold),
  reverse: entryOf(service.reverse),
  penalty: entryOf(service.penalty),
  adjust: entryOf(service.adjust),
};
const src = (ref: string) => ({ kind: 'task', ref });

let cloud: TestCloud;
const account = (m: string) => cloud.engine.dump('accounts').find((a: any) => a._id === m) as any;
const lots = (m: string) => unpackLots((cloud.engine.dump('accounts') as any[]).find((a) => a._id === m)?.lots) as any[];
const sumRemaining = (m: string) => lots(m).reduce((s, l) => s + l.remaining, 0);

beforeEach(async () => {
  cloud = createTestCloud();
  await cloud.call('user', { action: 'login' }, 'm1');
});

test('credit creates a lot; a retry with the same key returns the first entry and changes nothing', async () => {
  const e1 = await ledger.credit({ member: 'm1', amount: 100, key: 'k1', source: src('a') });
  const e2 = await ledger.credit({ member: 'm1', amount: 100, key: 'k1', source: src('a') });
  expect(e2).toEqual(e1);
  expect(account('m1').balance).toBe(100);
  expect(lots('m1')).toHaveLength(1);
  await expect(ledger.credit({ member: 'm1', amount: 101, key: 'k1', source: src('a') })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
});

test('debit takes soonest-expiring lots first and records them; insufficient changes nothing', async () => {
  const now = new Date();
  await ledger.credit({ member: 'm1', amount: 50, key: 'late', source: src('a'), expiry: { kind: 'rolling', days: 300 }, now });
  await ledger.credit({ member: 'm1', amount: 30, key: 'soon', source: src('b'), expiry: { kind: 'rolling', days: 10 }, now });
  const d = await ledger.debit({ member: 'm1', amount: 40, key: 'd1', source: src('order') });
  expect(d.lots).toEqual([
    { lotId: 'lot:soon', amount: 30 },
    { lotId: 'lot:late', amount: 10 },
  ]);
  expect(account('m1').balance).toBe(40);
  await expect(ledger.debit({ member: 'm1', amount: 41, key: 'd2', source: src('order') })).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
  expect(account('m1').balance).toBe(40);
  expect(sumRemaining('m1')).toBe(40);
});

test('hold → commit spends; hold → release returns; a settled hold cannot be settled the other way', async () => {
  await ledger.credit({ member: 'm1', amount: 100, key: 'c', source: src('a') });
  const { hold } = await ledger.hold({ member: 'm1', amount: 60, key: 'h1', source: src('checkout') });
  expect(account('m1')).toMatchObject({ balance: 100, held: 60 });
  await expect(ledger.debit({ member: 'm1', amount: 50, key: 'd', source: src('x') })).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS' });
  await ledger.commitHold(hold._id);
  expect(account('m1')).toMatchObject({ balance: 40, held: 0 });
  await expect(ledger.releaseHold(hold._id)).rejects.toMatchObject({ code: 'HOLD_NOT_OPEN' });
  const again = await ledger.commitHold(hold._id);
  expect(again._id).toBe('commit:h1');

  await ledger.hold({ member: 'm1', amount: 40, key: 'h2', source: src('checkout') });
  await ledger.releaseHold('h2');
  expect(account('m1')).toMatchObject({ balance: 40, held: 0 });
});

test('timed-out holds are released by the sweep', async () => {
  await ledger.credit({ member: 'm1', amount: 100, key: 'c', source: src('a') });
  await ledger.hold({ member: 'm1', amount: 70, key: 'h', source: src('checkout'), ttlSeconds: 60 });
  expect(await ledger.releaseExpiredHolds(new Date(Date.now() + 30_000))).toBe(0);
  expect(await ledger.releaseExpiredHolds(new Date(Date.now() + 61_000))).toBe(1);
  expect(account('m1')).toMatchObject({ balance: 100, held: 0 });
  await expect(ledger.commitHold('h')).rejects.toMatchObject({ code: 'HOLD_NOT_OPEN' });
});

test('penalty beyond the balance creates debt that the next credit repays first', async () => {
  await ledger.credit({ member: 'm1', amount: 30, key: 'c1', source: src('a') });
  await ledger.penalty({ member: 'm1', amount: 50, key: 'p1', reason: '虚假订单', operator: 'ops' });
  expect(account('m1')).toMatchObject({ balance: -20, debt: 20 });
  const c2 = await ledger.credit({ member: 'm1', amount: 50, key: 'c2', source: src('a') });
  expect(c2.debtRepaid).toBe(20);
  expect(account('m1')).toMatchObject({ balance: 30, debt: 0 });
  expect(sumRemaining('m1')).toBe(30);
});

test('reversing a spend restores exactly its lots; reversing a spent credit creates debt', async () => {
  await ledger.credit({ member: 'm1', amount: 100, key: 'c1', source: src('a') });
  await ledger.debit({ member: 'm1', amount: 70, key: 'd1', source: src('order') });
  const r = await ledger.reverse('d1', { reason: '退款' });
  expect(r.lots).toEqual([{ lotId: 'lot:c1', amount: 70 }]);
  expect(account('m1').balance).toBe(100);
  await ledger.debit({ member: 'm1', amount: 80, key: 'd2', source: src('order') });
  const rc = await ledger.reverse('c1', { reason: '撤销发放' });
  expect(rc.debtCreated).toBe(80);
  expect(account('m1')).toMatchObject({ balance: -80, debt: 80 });
  expect((await ledger.reverse('c1', { reason: '撤销发放' }))._id).toBe('reverse:c1');
  await expect(ledger.reverse('reverse:c1', { reason: 'x' })).rejects.toMatchObject({ code: 'NOT_REVERSIBLE' });
});

test('budget A is a hard stop under concurrency', async () => {
  await createBudget({ id: 'b1', campaign: 'spring', cap: 1000, shards: 4, operator: 'ops' });
  const members = Array.from({ length: 10 }, (_, i) => `bm${i}`);
  for (const m of members) await cloud.call('user', { action: 'login' }, m);
  const results = await Promise.allSettled(
    Array.from({ length: 60 }, (_, i) =>
      ledger.credit({ member: members[i % 10], amount: 30, key: `bc${i}`, source: src('scan'), campaign: 'spring', budget: 'b1' }),
    ),
  );
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.filter((r) => r.status === 'rejected' && (r.reason as any).code === 'BUDGET_EXHAUSTED').length;
  expect(ok + refused).toBe(60);
  expect(ok).toBe(33); // 33 × 30 = 990 ≤ 1000 < 34 × 30
  const issued = (cloud.engine.dump('counterShards') as any[]).filter((x) => x.counter.startsWith('budget:')).reduce((s, x) => s + x.cap - x.left, 0);
  expect(issued).toBe(990);
});

test('expiry job expires due lots once, with a reminder first', async () => {
  const past = new Date(Date.now() - 40 * DAY);
  await ledger.credit({ member: 'm1', amount: 100, key: 'old', source: src('a'), expiry: { kind: 'rolling', days: 10 }, now: past });
  await ledger.credit({ member: 'm1', amount: 5, key: 'new', source: src('a') });
  makeOperator(cloud, 'ops');
  const r1 = await cloud.call('jobs', { action: 'runDaily' }, 'ops');
  expect(r1).toMatchObject({ ok: true, data: { expiry: { status: 'done', members: 1, points: 100 } } });
  expect(account('m1')).toMatchObject({ balance: 5, expired: 100 });
  expect((cloud.engine.dump('reminders') as any[]).some((r) => r.member === 'm1')).toBe(true);
  const r2 = await cloud.call('jobs', { action: 'runDaily' }, 'ops');
  expect(r2.ok).toBe(true);
  expect(account('m1').balance).toBe(5);
  expect((cloud.engine.dump('ledger') as any[]).filter((e) => e.type === 'expire')).toHaveLength(1);
});

test('points function: summary, history pages, entry detail, operator tools', async () => {
  makeOperator(cloud, 'ops');
  for (let i = 0; i < 5; i++) await ledger.credit({ member: 'm1', amount: 10 + i, key: `h${i}`, source: src('scan'), expiry: { kind: 'rolling', days: 5 + i } });
  const s = await cloud.call('points', { action: 'summary' }, 'm1');
  expect(s).toMatchObject({ ok: true, data: { balance: 60, available: 60, pointsPerYuan: 100, valueFen: 60 } });
  expect(s.data.expiring).toHaveLength(5);
  const p1 = await cloud.call('points', { action: 'history', limit: 3 }, 'm1');
  expect(p1.data.items).toHaveLength(3);
  const p2 = await cloud.call('points', { action: 'history', limit: 3, cursor: p1.data.nextCursor }, 'm1');
  expect(p2.data.items).toHaveLength(2);
  expect(p2.data.nextCursor).toBeNull();
  const d = await cloud.call('points', { action: 'entry', id: 'h0' }, 'm1');
  expect(d).toMatchObject({ ok: true, data: { entry: { id: 'h0', amount: 10 }, lots: [{ id: 'lot:h0', points: 10 }] } });
  expect(await cloud.call('points', { action: 'entry', id: 'h0' }, 'someoneElse')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  expect(await cloud.call('points', { action: 'adjust', member: 'm1', delta: 5, reason: '补偿', key: 'adj1' }, 'm1')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  expect(await cloud.call('points', { action: 'adjust', member: 'm1', delta: 5, reason: '补偿', key: 'adj1' }, 'ops')).toMatchObject({ ok: true, data: { type: 'adjust', operator: 'ops' } });
  const m = await cloud.call('points', { action: 'metrics', campaign: '' }, 'ops');
  expect(m).toMatchObject({ ok: true, data: { B: 65, outstanding: 65, liabilityFen: 65 } });
});

test('the expiry run stops at its time budget and resumes from its checkpoint, each member expired once', async () => {
  const { runExpiry } = await import('../../cloudfunctions/common/ledger/expiry-job');
  const { shanghaiDay, shanghaiDayStart } = await import('../../cloudfunctions/common/time');
  const past = new Date(Date.now() - 40 * DAY);
  const members = Array.from({ length: 25 }, (_, i) => `x${String(i).padStart(2, '0')}`);
  for (const m of members) {
    await cloud.call('user', { action: 'login' }, m);
    await ledger.credit({ member: m, amount: 10, key: `${m}:a`, source: src('a'), expiry: { kind: 'rolling', days: 3 }, now: past });
    await ledger.credit({ member: m, amount: 7, key: `${m}:b`, source: src('b'), expiry: { kind: 'rolling', days: 5 }, now: past });
  }
  const day = shanghaiDay();
  let ticks = 0;
  const clock = () => ticks++; // every look at the clock costs 1 ms of budget
  let run = await runExpiry(day, shanghaiDayStart(day), 6, clock);
  let calls = 1;
  while (run.status !== 'done') {
    run = await runExpiry(day, shanghaiDayStart(day), 6, clock);
    calls++;
  }
  expect(calls).toBeGreaterThan(3);
  expect(run).toMatchObject({ members: 25, points: 25 * 17 });
  const expires = (cloud.engine.dump('ledger') as any[]).filter((e) => e.type === 'expire');
  expect(expires).toHaveLength(25);
  for (const m of members) expect(account(m)).toMatchObject({ balance: 0, expired: 17 });
  const again = await runExpiry(day, shanghaiDayStart(day), 1000);
  expect(again).toMatchObject({ status: 'done', members: 25, points: 425 });
});

test('exchange rate: dated history, scheduled at least 5 minutes ahead, recorded on each lot', async () => {
  const { setRate, rateHistory } = await import('../../cloudfunctions/common/ledger/settings');
  const now = new Date();
  await expect(setRate(200, new Date(+now + 60_000), now)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  await expect(setRate(200, new Date(+now - DAY), now)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  await expect(setRate(0, new Date(+now + DAY), now)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  await setRate(200, new Date(+now + 10 * 60_000), now);
  await setRate(50, new Date(+now + DAY), now);
  expect((await rateHistory()).map((h) => h.pointsPerYuan)).toEqual([200, 50]);
  const before = await ledger.credit({ member: 'm1', amount: 100, key: 'r0', source: src('a'), now });
  const after = await ledger.credit({ member: 'm1', amount: 100, key: 'r1', source: src('a'), now: new Date(+now + 11 * 60_000) });
  const later = await ledger.credit({ member: 'm1', amount: 100, key: 'r2', source: src('a'), now: new Date(+now + 2 * DAY) });
  expect([before.rate, after.rate, later.rate]).toEqual([100, 200, 50]);
  expect(lots('m1').map((l) => l.rate).sort((a, b) => a - b)).toEqual([50, 100, 200]);
  makeOperator(cloud, 'ops');
  // Liability per lot at its own rate: 100/100 + 100/200 + 100/50 yuan = ¥3.50.
  expect(await cloud.call('points', { action: 'metrics' }, 'ops')).toMatchObject({ ok: true, data: { outstanding: 300, liabilityFen: 350 } });
  expect(await cloud.call('points', { action: 'rates' }, 'ops')).toMatchObject({ ok: true, data: { history: [{ pointsPerYuan: 200 }, { pointsPerYuan: 50 }] } });
});

test('daily metrics: issued, spent, expired, penalized and spenders per Shanghai day', async () => {
  const { shanghaiDay, shanghaiDayStart } = await import('../../cloudfunctions/common/time');
  makeOperator(cloud, 'ops');
  await cloud.call('user', { action: 'login' }, 'm2');
  const today = shanghaiDay();
  const yesterday = shanghaiDay(+shanghaiDayStart(today) - 1);
  // 23:59 yesterday and 00:01 today, Shanghai: the boundary decides the day.
  const lateYesterday = new Date(+shanghaiDayStart(today) - 60_000);
  const earlyToday = new Date(+shanghaiDayStart(today) + 60_000);
  await ledger.credit({ member: 'm1', amount: 100, key: 'd1', source: src('a'), now: lateYesterday });
  await ledger.credit({ member: 'm2', amount: 50, key: 'd2', source: src('a'), now: earlyToday });
  await ledger.debit({ member: 'm1', amount: 30, key: 'd3', source: src('o'), now: earlyToday });
  await ledger.debit({ member: 'm2', amount: 20, key: 'd4', source: src('o'), now: earlyToday });
  await ledger.penalty({ member: 'm1', amount: 5, key: 'd5', reason: '违规', operator: 'ops', now: earlyToday });
  const r = await cloud.call('points', { action: 'dailyMetrics', from: yesterday, to: today }, 'ops');
  expect(r).toMatchObject({
    ok: true,
    data: {
      days: [
        { day: yesterday, issued: 100, spent: 0, spenders: 0 },
        { day: today, issued: 50, spent: 50, penalized: 5, spenders: 2 },
      ],
    },
  });
  expect(await cloud.call('points', { action: 'dailyMetrics', from: today, to: yesterday }, 'ops')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await cloud.call('points', { action: 'dailyMetrics', from: '2026-01-01', to: '2026-12-31' }, 'ops')).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await cloud.call('points', { action: 'dailyMetrics', from: today, to: today }, 'm1')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
});

test('reminders 30 and 7 days ahead, once each; sent with a subscription credit, otherwise in-app', async () => {
  const { reminderTemplateId } = await import('../../cloudfunctions/common/ledger/reminders');
  const { runReminders } = await import('../../cloudfunctions/common/ledger/reminder-jobs');
  const now = new Date();
  // Lots valid for 5 days (inside both lead times) and 20 days (inside 30 only); another member's 60 days.
  await ledger.credit({ member: 'm1', amount: 40, key: 'soon', source: src('a'), expiry: { kind: 'rolling', days: 5 }, now });
  await ledger.credit({ member: 'm1', amount: 25, key: 'later', source: src('a'), expiry: { kind: 'rolling', days: 20 }, now });
  await cloud.call('user', { action: 'login' }, 'm2');
  await ledger.credit({ member: 'm2', amount: 9, key: 'far', source: src('a'), expiry: { kind: 'rolling', days: 60 }, now });
  // One accepted subscription: exactly one message goes out, the rest stay in-app.
  const sub = await cloud.call('points', { action: 'subscribeReminders', key: 'accept-1', templateId: reminderTemplateId() }, 'm1');
  expect(sub).toMatchObject({ ok: true, data: { credits: 1, accepted: true } });

  expect(await runReminders(now)).toEqual({ created: 3 });
  const reminders = cloud.engine.dump('reminders') as any[];
  expect(reminders.map((r) => [r.member, r.leadDays, r.points]).sort()).toEqual([
    ['m1', 30, 25],
    ['m1', 30, 40],
    ['m1', 7, 40],
  ]);
  expect(reminders.filter((r) => r.status === 'sent')).toHaveLength(1);
  const outbox = cloud.engine.dump('outbox') as any[];
  expect(outbox).toHaveLength(1);
  expect(outbox[0]).toMatchObject({ api: 'subscribeMessage.send', payload: { touser: 'm1', templateId: reminderTemplateId() } });

  expect(await runReminders(now)).toEqual({ created: 0 }); // once per member, day and lead time
  const summary = await cloud.call('points', { action: 'summary' }, 'm1');
  expect(summary.data.reminderCredits).toBe(0);
  expect(summary.data.reminders).toHaveLength(2); // the in-app ones
});

describe('lots in the account', () => {
  test('lots are stored packed; an account with lots stored as objects (older form) keeps working and is repacked by its next write', async () => {
    await ledger.credit({ member: 'm1', amount: 10, key: 'packed', source: src('a') });
    expect(typeof account('m1').lots[0]).toBe('string');
    const now = Date.now();
    const legacy = [
      { _id: 'lot:old-due', amount: 40, remaining: 40, held: 0, expired: 0, expiresAt: new Date(now - DAY), createdAt: new Date(now - 30 * DAY), campaign: '', rate: 100 },
      { _id: 'lot:old-live', amount: 60, remaining: 60, held: 0, expired: 0, expiresAt: new Date(now + 30 * DAY), createdAt: new Date(now - 30 * DAY), campaign: 'spring', rate: 100 },
    ];
    await cloud.call('user', { action: 'login' }, 'm2');
    const { getDb } = await import('../../cloudfunctions/common/cloud');
    await getDb().collection('accounts').doc('m2').update({ data: { lots: getDb().command.set(legacy), balance: 100, earned: 100, nextExpiry: new Date(now - DAY) } });
    makeOperator(cloud, 'ops');
    const run = await cloud.call('jobs', { action: 'runDaily' }, 'ops');
    expect(run).toMatchObject({ ok: true, data: { expiry: { status: 'done', members: 1, points: 40 } } });
    expect((cloud.engine.dump('reminders') as any[]).some((r) => r.member === 'm2')).toBe(true);
    expect(account('m2').lots.every((l: unknown) => typeof l === 'string')).toBe(true);
    expect(lots('m2').map((l) => [l._id, l.remaining, l.expired])).toEqual([['lot:old-live', 60, 0]]); // the due one expired and folded
    expect(account('m2').closed).toEqual([{ campaign: '', amount: 40, expired: 40 }]);
    const d = await ledger.debit({ member: 'm2', amount: 15, key: 'd-m2', source: src('order') });
    expect(d.lots).toEqual([{ lotId: 'lot:old-live', amount: 15 }]);
    // (points.metrics reads the roll-ups of entries, which these injected lots never had: see metrics.test.)
    expect(account('m2')).toMatchObject({ balance: 45, spent: 15, expired: 40 });
  });

  test('an empty lot stays until its expiry, then the next write folds it into its campaign totals', async () => {
    const past = new Date(Date.now() - 40 * DAY);
    await ledger.credit({ member: 'm1', amount: 30, key: 'old', source: src('a'), campaign: 'spring', expiry: { kind: 'rolling', days: 10 }, now: past });
    await ledger.debit({ member: 'm1', amount: 30, key: 'spend-old', source: src('order'), now: new Date(+past + DAY) });
    // Empty but not yet past its expiry at that write: still in the account (a refund could restore it).
    expect(lots('m1').map((l) => l._id)).toEqual(['lot:old']);
    expect(account('m1').nextExpiry).toBeNull();
    await ledger.credit({ member: 'm1', amount: 5, key: 'new', source: src('a') });
    expect(lots('m1').map((l) => l._id)).toEqual(['lot:new']);
    expect(account('m1').closed).toEqual([{ campaign: 'spring', amount: 30, expired: 0 }]);
    expect(+new Date(account('m1').nextExpiry)).toBe(+new Date(lots('m1')[0].expiresAt));

    // A refund of the spend: its lot is gone (empty and expired), so the points expire at once —
    // after a reminder — and the campaign's totals count them as expired.
    const r = await ledger.reverse('spend-old', { reason: '退款' });
    expect(r).toMatchObject({ delta: 0, expiredLots: [{ lotId: 'lot:old', amount: 30 }] });
    expect(account('m1')).toMatchObject({ balance: 5, spent: 0, expired: 30, closed: [{ campaign: 'spring', amount: 30, expired: 30 }] });
    expect((cloud.engine.dump('reminders') as any[]).some((x) => x.member === 'm1')).toBe(true);
    makeOperator(cloud, 'ops');
    const m = await cloud.call('points', { action: 'metrics', campaign: 'spring' }, 'ops');
    expect(m.data).toMatchObject({ B: 30, spent: 0, expired: 30, outstanding: 0, D: 0 });
    // Reversing the credit of a folded lot: nothing left in it, so all of it becomes debt.
    const rc = await ledger.reverse('old', { reason: '撤销' });
    expect(rc).toMatchObject({ delta: -30, lots: [], debtCreated: 30 });
  });

  test('a credit joins the live lot with the same expiry, rate and campaign; reversing one takes back what its lot has', async () => {
    const now = new Date();
    const a = await ledger.credit({ member: 'm1', amount: 100, key: 'a', source: src('scan'), now });
    const b = await ledger.credit({ member: 'm1', amount: 50, key: 'b', source: src('scan'), now: new Date(+now + 1000) });
    const c = await ledger.credit({ member: 'm1', amount: 7, key: 'c', source: src('scan'), campaign: 'spring', now });
    expect(a.lots).toEqual([{ lotId: 'lot:a', amount: 100 }]);
    expect(b.lots).toEqual([{ lotId: 'lot:a', amount: 50 }]); // same day's expiry, same rate, no campaign
    expect(c.lots).toEqual([{ lotId: 'lot:c', amount: 7 }]); // another campaign: a lot of its own
    expect(lots('m1').map((l) => [l._id, l.amount, l.remaining])).toEqual([['lot:a', 150, 150], ['lot:c', 7, 7]]);
    await ledger.debit({ member: 'm1', amount: 120, key: 'spend', source: src('order'), now });
    // FIFO inside the joined lot is not kept apart: undoing credit b takes back what the lot has.
    const r = await ledger.reverse('b', { reason: '撤销', now });
    expect(r).toMatchObject({ delta: -50, lots: [{ lotId: 'lot:a', amount: 30 }], debtCreated: 20 });
    expect(account('m1')).toMatchObject({ balance: -13, debt: 20 });
    // The lot's story (entry detail) comes from its first credit.
    const d = await cloud.call('points', { action: 'entry', id: 'spend' }, 'm1');
    expect(d.data.lots[0]).toMatchObject({ id: 'lot:a', source: { kind: 'task', ref: 'scan' } });
  });

  test('credit, debit and hold are five or six requests whatever the number of lots', async () => {
    const count = async (work: () => Promise<unknown>) => {
      const before = cloud.engine.stats.requests;
      await work();
      return cloud.engine.stats.requests - before;
    };
    for (let i = 0; i < 20; i++) await ledger.credit({ member: 'm1', amount: 10, key: `c${i}`, source: src('a'), expiry: { kind: 'rolling', days: 5 + i } });
    expect(await count(() => ledger.credit({ member: 'm1', amount: 10, key: 'c-next', source: src('a') }))).toBe(5);
    expect(await count(() => ledger.debit({ member: 'm1', amount: 150, key: 'd-many', source: src('order') }))).toBe(5);
    expect(await count(() => ledger.hold({ member: 'm1', amount: 20, key: 'h', source: src('order') }))).toBe(6);
    expect(await count(() => ledger.commitHold('h'))).toBe(7);
  });
});
