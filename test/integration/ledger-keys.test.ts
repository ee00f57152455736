// Issue 9 §1 and §3: operator keys in their own namespace, fingerprints over every parameter,
// bounds on every amount and total, and entries owned by a module reversed only through it.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { shanghaiDay } from '../../cloudfunctions/common/time';
import { ERROR_CODES } from '../../cloudfunctions/common/errors';
import { MAX_POINTS, SOURCE_KINDS } from '../../cloudfunctions/common/ledger/sources';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { getDb } from '../../cloudfunctions/common/cloud';
import { ADDRESS, baseItem, member, OPS } from './mall-fixtures';

const DAY = 86_400_000;
let cloud: TestCloud;
const account = (m: string) => cloud.engine.dump('accounts').find((a: any) => a._id === m) as any;
const entry = (id: string) => cloud.engine.dump('ledger').find((e: any) => e._id === id) as any;
const adjust = (data: Record<string, unknown>, as = OPS) => cloud.call('points', { action: 'adjust', member: 'm1', delta: 5, reason: '补偿', key: 'k1', ...data }, as);

beforeEach(async () => {
  cloud = createTestCloud();
  makeOperator(cloud, OPS);
  makeOperator(cloud, 'oOps2');
  await cloud.call('user', { action: 'login' }, 'm1');
});

describe('operator keys live in their own namespace', () => {
  test('an adjust keyed like the expiry run\'s own entry does not block the run', async () => {
    await ledger.credit({ member: 'm1', amount: 100, key: 'old', source: { kind: 'task', ref: 'a' }, expiry: { kind: 'rolling', days: 10 }, now: new Date(Date.now() - 40 * DAY) });
    const squat = await adjust({ key: `expire:expiry:${shanghaiDay()}:m1` });
    expect(squat).toMatchObject({ ok: true, data: { _id: `op:expire:expiry:${shanghaiDay()}:m1` } });
    const run = await cloud.call('jobs', { action: 'runDaily' }, OPS);
    expect(run).toMatchObject({ ok: true, data: { expiry: { status: 'done', members: 1, points: 100 } } });
    expect(account('m1')).toMatchObject({ balance: 5, expired: 100 });
  });

  test('an adjust keyed scan:<code> leaves the code\'s claim to its scanner', async () => {
    const squat = await adjust({ key: 'scan:CODE1' });
    expect(squat.ok).toBe(true);
    await cloud.call('user', { action: 'login' }, 'm2');
    const claim = await ledger.credit({ member: 'm2', amount: 20, key: 'scan:CODE1', source: { kind: 'scan', ref: 'CODE1' } });
    expect(claim).toMatchObject({ entry: { _id: 'scan:CODE1', member: 'm2', amount: 20 }, replayed: false });
    expect(account('m2').balance).toBe(20);
  });

  test('penalty keys too; the key stays at most 120 characters before its prefix', async () => {
    await ledger.credit({ member: 'm1', amount: 50, key: 'c', source: { kind: 'task', ref: 'a' } });
    const p = await cloud.call('points', { action: 'penalty', member: 'm1', amount: 10, reason: '违规', key: 'mall:o1' }, OPS);
    expect(p).toMatchObject({ ok: true, data: { _id: 'op:mall:o1' } });
    expect(entry('mall:o1')).toBeUndefined();
    expect(await adjust({ key: 'x'.repeat(121) })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(await adjust({ key: 'x'.repeat(120) })).toMatchObject({ ok: true });
  });
});

describe('fingerprints cover every parameter', () => {
  test('the same adjust key with another reason, operator, delta or member is IDEMPOTENCY_MISMATCH', async () => {
    await cloud.call('user', { action: 'login' }, 'm2');
    const first = await adjust({});
    expect(first.ok).toBe(true);
    expect(await adjust({})).toEqual(first); // the same request: its first answer
    expect(await adjust({ reason: '另一个原因' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(await adjust({}, 'oOps2')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(await adjust({ delta: 6 })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(await adjust({ member: 'm2' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(account('m1').balance).toBe(5);
  });

  test('a negative adjust and a penalty likewise', async () => {
    await ledger.credit({ member: 'm1', amount: 50, key: 'c', source: { kind: 'task', ref: 'a' } });
    expect((await adjust({ delta: -5, key: 'neg' })).ok).toBe(true);
    expect(await adjust({ delta: -5, key: 'neg', reason: '别的' })).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    const pen = { action: 'penalty', member: 'm1', amount: 3, reason: '违规', key: 'pen' };
    expect((await cloud.call('points', pen, OPS)).ok).toBe(true);
    expect(await cloud.call('points', pen, 'oOps2')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_MISMATCH' });
    expect(account('m1').balance).toBe(42);
  });

  test('a debit or hold key with another reason is IDEMPOTENCY_MISMATCH; the same request replays', async () => {
    await ledger.credit({ member: 'm1', amount: 50, key: 'c', source: { kind: 'task', ref: 'a' } });
    const d = { member: 'm1', amount: 5, key: 'd', source: { kind: 'order', ref: 'o' }, reason: 'a' };
    await ledger.debit(d);
    await expect(ledger.debit({ ...d, reason: 'b' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
    const h = { member: 'm1', amount: 5, key: 'h', source: { kind: 'order', ref: 'o' }, reason: 'a' };
    await ledger.hold(h);
    await expect(ledger.hold({ ...h, reason: 'b' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
    expect(await ledger.hold(h)).toMatchObject({ entry: { _id: 'h' }, replayed: true, hold: { _id: 'h', status: 'open' } });
  });
});

describe('replays are reported in the result', () => {
  test('a first call answers replayed: false, a retry with the same key the same entry with replayed: true', async () => {
    const req = { member: 'm1', amount: 9, key: 'r1', source: { kind: 'task', ref: 't' } };
    const first = await ledger.credit(req);
    const again = await ledger.credit(req);
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ entry: first.entry, replayed: true });
    const d = { member: 'm1', amount: 2, key: 'r2', source: { kind: 'order', ref: 'o' } };
    expect((await ledger.debit(d)).replayed).toBe(false);
    expect((await ledger.debit(d)).replayed).toBe(true);
    await ledger.hold({ ...d, key: 'r3' });
    expect((await ledger.commitHold('r3')).replayed).toBe(false);
    expect((await ledger.commitHold('r3')).replayed).toBe(true);
  });
});

describe('bounds', () => {
  test('2^53 and anything past an operation\'s maximum is refused by points and by the ledger', async () => {
    for (const delta of [2 ** 53, 2 ** 53 - 1, MAX_POINTS.adjust + 1, -(MAX_POINTS.adjust + 1)]) {
      expect(await adjust({ delta, key: `big${delta}` })).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
      await expect(ledger.adjust({ member: 'm1', delta, key: `big${delta}`, reason: 'x', operator: OPS })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(await cloud.call('points', { action: 'penalty', member: 'm1', amount: MAX_POINTS.penalty + 1, reason: 'x', key: 'p' }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    for (const op of ['credit', 'debit', 'hold'] as const) {
      await expect(ledger[op]({ member: 'm1', amount: MAX_POINTS[op] + 1, key: `over-${op}`, source: { kind: 'task', ref: 'a' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(await adjust({ delta: MAX_POINTS.adjust, key: 'max' })).toMatchObject({ ok: true });
    expect(account('m1').balance).toBe(MAX_POINTS.adjust);
    expect(cloud.engine.dump('ledger').filter((e: any) => e.member === 'm1')).toHaveLength(1);
  });

  test('a credit that would take a total past Number.MAX_SAFE_INTEGER is refused and changes nothing', async () => {
    await ledger.credit({ member: 'm1', amount: 10, key: 'c0', source: { kind: 'task', ref: 'a' } });
    // A member whose lifetime earnings are near the limit (planted: no real history gets there).
    const near = Number.MAX_SAFE_INTEGER - 5;
    await getDb().collection('accounts').doc('m1').update({ data: { earned: near } });
    const before = account('m1');
    await expect(ledger.credit({ member: 'm1', amount: 6, key: 'c1', source: { kind: 'task', ref: 'a' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(account('m1')).toEqual(before);
    expect(entry('c1')).toBeUndefined();
    await ledger.credit({ member: 'm1', amount: 5, key: 'c2', source: { kind: 'task', ref: 'a' } });
    expect(account('m1').earned).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('a source kind outside the closed list is refused', async () => {
    await expect(ledger.credit({ member: 'm1', amount: 1, key: 'x', source: { kind: 'mystery', ref: 'a' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(Object.keys(SOURCE_KINDS)).toEqual(expect.arrayContaining(['scan', 'signin', 'task', 'order', 'checkout', 'mall', 'game', 'ops', 'expiry']));
    expect(ERROR_CODES).toContain('NOT_REVERSIBLE');
  });
});

describe('entries owned by a module are reversed only through it', () => {
  test('points.reverse of a mall order\'s spend is NOT_REVERSIBLE and the order is untouched; cancelling the order returns the points', async () => {
    expect((await cloud.call('mall', { action: 'createItem', id: 'cup', stock: 5, shards: 1, ...baseItem() }, OPS)).ok).toBe(true);
    await member(cloud, 'oA', 300);
    const r = await cloud.call('mall', { action: 'redeem', item: 'cup', quantity: 1, clientKey: 'ledger-keys-1', address: ADDRESS }, 'oA');
    expect(r).toMatchObject({ ok: true, data: { order: { status: 'toShip' } } });
    const order = r.data.order;
    const spend = cloud.engine.dump('ledger').find((e: any) => e.member === 'oA' && e.source.kind === 'mall') as any;
    expect(spend).toBeTruthy();
    const ordersBefore = cloud.engine.dump('mallOrders');
    const rev = await cloud.call('points', { action: 'reverse', entry: spend._id, reason: '误操作' }, OPS);
    expect(rev).toMatchObject({ ok: false, code: 'NOT_REVERSIBLE' });
    expect(cloud.engine.dump('mallOrders')).toEqual(ordersBefore);
    expect(cloud.engine.dump('accounts').find((a: any) => a._id === 'oA')).toMatchObject({ balance: 200 });
    expect(entry(`reverse:${spend._id}`)).toBeUndefined();
    const c = await cloud.call('mall', { action: 'cancel', id: order.id }, 'oA');
    expect(c).toMatchObject({ ok: true, data: { order: { status: 'cancelled' } } });
    expect(cloud.engine.dump('accounts').find((a: any) => a._id === 'oA')).toMatchObject({ balance: 300 });
  });

  test('scan and checkout entries need their owner; other kinds reverse through points', async () => {
    const { entry: scan } = await ledger.credit({ member: 'm1', amount: 20, key: 'scan:C9', source: { kind: 'scan', ref: 'C9' } });
    await expect(ledger.reverse(scan._id, { reason: 'x' })).rejects.toMatchObject({ code: 'NOT_REVERSIBLE' });
    await ledger.hold({ member: 'm1', amount: 5, key: 'checkout:b1', source: { kind: 'checkout', ref: 'b1' } });
    const { entry: commit } = await ledger.commitHold('checkout:b1');
    await expect(ledger.reverse(commit._id, { reason: 'x', owner: 'mall' })).rejects.toMatchObject({ code: 'NOT_REVERSIBLE' });
    expect((await ledger.reverse(commit._id, { reason: 'refund', owner: 'checkout' })).entry.delta).toBe(5);
    const { entry: task } = await ledger.credit({ member: 'm1', amount: 7, key: 'task1', source: { kind: 'task', ref: 't' } });
    expect(await cloud.call('points', { action: 'reverse', entry: task._id, reason: '重复发放' }, OPS)).toMatchObject({ ok: true, data: { delta: -7 } });
    expect(account('m1').balance).toBe(20);
  });
});

describe('what other modules read, through the ledger (access.ts)', () => {
  test('open an account, available points, totals, a hold\'s status, joins that never carry the lots', async () => {
    const access = await import('../../cloudfunctions/common/ledger/access');
    expect(await access.openAccount('m9')).toBe(true);
    expect(await access.openAccount('m9')).toBe(false);
    await ledger.credit({ member: 'm9', amount: 30, key: 'c9', source: { kind: 'task', ref: 't' } });
    await ledger.hold({ member: 'm9', amount: 12, key: 'h9', source: { kind: 'order', ref: 'o' } });
    expect(await access.availablePoints('m9')).toEqual({ balance: 30, held: 12, available: 18 });
    expect(await access.availablePoints('nobody')).toBeNull();
    expect(await access.holdStatus('h9')).toBe('open');
    await ledger.commitHold('h9');
    expect(await access.holdStatus('h9')).toBe('committed');
    expect(await access.holdStatus('none')).toBeNull();
    expect([...(await access.accountTotals(['m9', 'm1']))]).toEqual([
      ['m9', { _id: 'm9', balance: 18, held: 0, debt: 0 }],
      ['m1', { _id: 'm1', balance: 0, held: 0, debt: 0 }],
    ]);
    const { list } = await getDb()
      .collection('members')
      .aggregate()
      .match({ _id: 'm1' })
      .lookup(access.accountJoin('m9', { balance: 1, held: 1 }, 'account'))
      .lookup(access.entryJoin('c9', 'entry'))
      .end();
    expect(list[0]).toMatchObject({ account: [{ _id: 'm9', balance: 18, held: 0 }], entry: [{ _id: 'c9', amount: 30 }] });
    expect(list[0].account[0].lots).toBeUndefined();
  });
});
