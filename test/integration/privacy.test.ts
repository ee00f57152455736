// Personal information (docs/privacy.md): closing an account with the ledger's invariants holding
// after pseudonymisation, the export, masking per role, retention, and the refusals.
import { invariantViolations } from '../helpers/ledger-invariants';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { seededRandom } from '../helpers/random';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import type { Entry, Lot } from '../../cloudfunctions/common/ledger/model';
import { unpackLots } from '../../cloudfunctions/common/ledger/lots';
import { runRetention } from '../../cloudfunctions/common/privacy/retention';
import { ADDRESS, baseItem, member, OPS } from './mall-fixtures';

const DAY = 86_400_000;
const SEED = Number(process.env.PRIVACY_SEED ?? 15_2026);
const src = (ref: string) => ({ kind: 'game', ref });

let cloud: TestCloud;
const account = (m: string) => (cloud.engine.dump('accounts') as any[]).find((a) => a._id === m);
const COLLECTIONS = ['members', 'accounts', 'ledger', 'holds', 'mallOrders', 'mallAddresses', 'closedAccounts', 'privacyAudit', 'codes', 'settings'];
const snapshot = () => JSON.stringify(COLLECTIONS.map((c) => cloud.engine.dump(c)));

/** balance = Σ remaining − debt, held = Σ lot held = open holds, replay of the entries, every member with an account. */
function checkLedger(label: string) {
  expect({ label, violations: invariantViolations(cloud.engine) }).toEqual({ label, violations: [] });
}

async function makeItem(id: string) {
  const r = await cloud.call('mall', { action: 'createItem', id, stock: 100, shards: 1, ...baseItem() }, OPS);
  expect(r.ok).toBe(true);
}

async function redeem(openid: string, item: string, key: string) {
  const r = await cloud.call('mall', { action: 'redeem', item, quantity: 1, clientKey: `client-${key}`, address: ADDRESS }, openid);
  expect(r).toMatchObject({ ok: true });
  return r.data.order.id as string;
}

async function finish(order: string) {
  expect(await cloud.call('mall', { action: 'ship', id: order, company: '顺丰', trackingNo: 'SF12345678' }, OPS)).toMatchObject({ ok: true });
  expect(await cloud.call('mall', { action: 'complete', id: order }, OPS)).toMatchObject({ ok: true });
}

const preview = (openid: string) => cloud.call('user', { action: 'closurePreview' }, openid);
const close = (openid: string, confirmForfeit: number, extra: Record<string, unknown> = {}) => cloud.call('user', { action: 'closeAccount', confirmForfeit, ...extra }, openid);

beforeEach(() => {
  cloud = createTestCloud();
  makeOperator(cloud, OPS);
});

describe('closing an account', () => {
  test(`seeded run (seed ${SEED}): after closure the books balance, replay holds, and nothing in the ledger names the OPENID`, async () => {
    console.log(`privacy closure seed ${SEED} (PRIVACY_SEED to replay)`);
    const rnd = seededRandom(SEED);
    const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const members = ['oClose', 'oStay1', 'oStay2'];
    for (const m of members) await member(cloud, m, 0);
    await makeItem('cup');
    const t0 = Date.now() - 40 * DAY;
    let n = 0;
    // Credits (some under keys that embed the member), debits, holds settled either way, a penalty, an expiry run.
    for (let i = 0; i < 60; i++) {
      const m = pick(members);
      const now = new Date(t0 + i * 12 * 3600_000);
      const r = rnd();
      const key = r < 0.3 ? `k:${m}:${n++}` : `k${n++}`;
      if (r < 0.5) await ledger.credit({ member: m, amount: 1 + Math.floor(rnd() * 300), key, source: src(m), expiry: { kind: 'rolling', days: 5 + Math.floor(rnd() * 60) }, now });
      else if (r < 0.7) await ledger.debit({ member: m, amount: 1 + Math.floor(rnd() * 50), key, source: src('x'), now }).catch((e) => expect(e.code).toBe('INSUFFICIENT_POINTS'));
      else if (r < 0.85) {
        const h = await ledger.hold({ member: m, amount: 1 + Math.floor(rnd() * 40), key, source: src('y'), now }).catch((e) => (expect(e.code).toBe('INSUFFICIENT_POINTS'), null));
        if (h) await (rnd() < 0.5 ? ledger.commitHold(h.hold._id, { now }) : ledger.releaseHold(h.hold._id, { now }));
      } else if (r < 0.9) await ledger.penalty({ member: m, amount: 1 + Math.floor(rnd() * 30), key, reason: '违规', operator: OPS, now });
      else await ledger.expireMember(m, `run${i}`, now);
    }
    await ledger.credit({ member: 'oClose', amount: 500, key: 'big:oClose', source: src('oClose'), expiry: { kind: 'rolling', days: 300 } });
    const order = await redeem('oClose', 'cup', 'order-1');
    await finish(order);
    await cloud.call('mall', { action: 'saveAddress', address: ADDRESS }, 'oClose');
    cloud.engine.insertMany('codes', [{ _id: 'CODE0000000000000001', batch: 'b1', seq: 0, claimedBy: 'oClose', claimedAt: new Date(), points: 10, scans: 2, scanners: ['oClose', 'oStay1'], warned: ['oClose'] }]);
    checkLedger('before');
    // The metrics roll-up has markers for the member (its distinct receivers and spenders).
    const { runLedgerRollup } = await import('../../cloudfunctions/common/services/rollups');
    await runLedgerRollup(new Date(), 60_000);
    const markersBefore = cloud.engine.count('metricsMembers');
    expect((cloud.engine.dump('metricsMembers') as any[]).some((m) => m.member === 'oClose')).toBe(true);
    // And the live roll-up of today has its active-member marker (entries settle 2 minutes after their time).
    const { runTodayRollup } = await import('../../cloudfunctions/common/services/rollups');
    await runTodayRollup(new Date(Date.now() + 3 * 60_000), 60_000);
    const activeBefore = cloud.engine.count('metricsActive');
    expect((cloud.engine.dump('metricsActive') as any[]).some((m) => m.member === 'oClose')).toBe(true);
    // The run made entries whose keys and lots embed the member (they must move to the pseudonym).
    expect((cloud.engine.dump('ledger') as Entry[]).filter((e) => e._id.includes('oClose') && e.member === 'oClose').length).toBeGreaterThan(2);
    const budgetBefore = (cloud.engine.dump('ledger') as Entry[]).reduce((s, e) => s + e.delta, 0);

    const p = await preview('oClose');
    expect(p).toMatchObject({ ok: true, data: { policy: 'forfeit', blocked: null } });
    const forfeit = p.data.forfeit;
    // What is still valid: lots past their expiry that the expiry run has not reached yet are lost anyway.
    expect(forfeit).toBe((unpackLots(account('oClose').lots) as Lot[]).filter((l) => +new Date(l.expiresAt) > Date.now()).reduce((s, l) => s + l.remaining - l.held, 0));
    const r = await close('oClose', forfeit);
    expect(r).toEqual({ ok: true, data: { closed: true, forfeited: forfeit } });
    expect(forfeit).toBeGreaterThan(0);
    checkLedger('after');

    // The OPENID appears nowhere in the ledger's documents, orders, codes or addresses.
    expect(cloud.engine.count('metricsMembers')).toBe(markersBefore);
    expect(cloud.engine.count('metricsActive')).toBe(activeBefore);
    for (const c of ['ledger', 'holds', 'accounts', 'mallOrders', 'mallAddresses', 'codes', 'members', 'mallLimits', 'riskEvents', 'metricsMembers', 'metricsActive']) {
      expect({ c, hit: JSON.stringify(cloud.engine.dump(c)).includes('oClose') }).toEqual({ c, hit: false });
    }
    // The forfeiture is an entry; the other members are untouched; the sum of deltas moved only by it.
    const entries = cloud.engine.dump('ledger') as Entry[];
    const closure = entries.filter((e) => e.source.kind === 'closure');
    expect(closure.reduce((s, e) => s + e.amount, 0)).toBe(r.data.forfeited);
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(budgetBefore - r.data.forfeited);
    const pseudo = closure[0]?.member ?? (cloud.engine.dump('accounts') as any[]).find((a) => a.closedAt)._id;
    expect(account(pseudo)).toMatchObject({ closedAt: expect.any(Date) });
    expect(cloud.engine.dump('mallOrders').find((o: any) => o._id === order)).toMatchObject({ member: pseudo, address: null, status: 'completed' });
    expect(cloud.engine.dump('codes')[0]).toMatchObject({ claimedBy: pseudo, scanners: ['oStay1', pseudo], warned: [pseudo] });

    // A closed account: cannot earn or spend, says it is closed, cannot be closed again.
    await expect(ledger.credit({ member: 'oClose', amount: 5, key: 'late', source: src('z') })).rejects.toMatchObject({ code: 'ACCOUNT_CLOSED' });
    await expect(ledger.debit({ member: 'oClose', amount: 1, key: 'late2', source: src('z') })).rejects.toMatchObject({ code: 'ACCOUNT_CLOSED' });
    expect(await cloud.call('points', { action: 'summary' }, 'oClose')).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
    await expect(ledger.credit({ member: 'oNeverSeen', amount: 5, key: 'late3', source: src('z') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await cloud.call('user', { action: 'getProfile' }, 'oClose')).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
    expect(await cloud.call('admin', { action: 'lookupMember', openid: 'oClose' }, OPS)).toMatchObject({ ok: true, data: { closed: true } });
    const before = snapshot();
    expect(await close('oClose', 0)).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
    expect(await cloud.call('user', { action: 'exportMyData' }, 'oClose')).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
    expect(snapshot()).toBe(before);

    // A new login with the same OPENID is a new member with nothing of the old one.
    const again = await cloud.call('user', { action: 'login' }, 'oClose');
    expect(again).toMatchObject({ ok: true, data: { created: true, points: { balance: 0, held: 0, debt: 0 } } });
    const fresh = await cloud.call('user', { action: 'exportMyData' }, 'oClose');
    expect(fresh.data).toMatchObject({ addresses: [], history: { items: [] }, orders: { items: [] }, scans: { items: [] } });
    checkLedger('new member');
  });

  test('a closure that died after the forfeiture is finished by calling again', async () => {
    await member(cloud, 'oA', 0);
    await ledger.credit({ member: 'oA', amount: 70, key: 'c1', source: src('a') });
    // The first call's mark and forfeiture, as if it died there (the mark as the SDK writes it).
    const { getDb } = await import('../../cloudfunctions/common/cloud');
    await getDb().collection('members').doc('oA').update({ data: { closing: { pseudonym: 'xdeadbeef', startedAt: new Date() } } });
    await ledger.debit({ member: 'oA', amount: 70, key: 'close:xdeadbeef:0:0', type: 'adjust', source: { kind: 'closure', ref: 'xdeadbeef' } });
    // The balance is 0 now; the retry needs no new confirmation.
    expect(await close('oA', 0)).toMatchObject({ ok: true, data: { closed: true, forfeited: 0 } });
    expect(account('xdeadbeef')).toMatchObject({ balance: 0 });
    expect(cloud.engine.count('members')).toBe(0);
    checkLedger('resumed');
  });

  test('refusals: open orders, open holds, a changed balance, the mustBeZero policy, another member — distinct codes, nothing changed', async () => {
    await member(cloud, 'oA', 1000);
    await member(cloud, 'oB', 0);
    await makeItem('cup');
    const order = await redeem('oA', 'cup', 'o1');
    let before = snapshot();
    expect(await preview('oA')).toMatchObject({ ok: true, data: { blocked: 'ORDERS_OPEN' } });
    expect(await close('oA', 900)).toMatchObject({ ok: false, code: 'ORDERS_OPEN' });
    expect(snapshot()).toBe(before);
    await finish(order);

    const { hold } = await ledger.hold({ member: 'oA', amount: 10, key: 'h1', source: src('checkout') });
    before = snapshot();
    expect(await close('oA', 900)).toMatchObject({ ok: false, code: 'ORDERS_OPEN' });
    expect(snapshot()).toBe(before);
    await ledger.releaseHold(hold._id);

    before = snapshot();
    expect(await close('oA', 899)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await close('oA', 900, { member: 'oB' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('user', { action: 'exportMyData', member: 'oB' }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('user', { action: 'closurePreview', member: 'oB' }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await close('oNobody', 0)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await close('oA', -1)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(snapshot()).toBe(before);

    expect(await cloud.call('admin', { action: 'setClosurePolicy', closurePolicy: 'mustBeZero' }, OPS)).toMatchObject({ ok: true });
    expect(await cloud.call('admin', { action: 'setClosurePolicy', closurePolicy: 'mustBeZero' }, 'oA')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    before = snapshot();
    expect(await close('oA', 900)).toMatchObject({ ok: false, code: 'POINTS_NOT_ZERO' });
    expect(snapshot()).toBe(before);
    // With nothing left it closes, and forfeits nothing.
    await ledger.debit({ member: 'oA', amount: 900, key: 'spend-all', source: src('x') });
    expect(await close('oA', 0)).toMatchObject({ ok: true, data: { forfeited: 0 } });
    expect(await cloud.call('user', { action: 'getProfile' }, 'oB')).toMatchObject({ ok: true });
    checkLedger('policy');
  });
});

describe('closing concurrently', () => {
  test('two calls at once close once: one forfeiture of the live points, the books balance', async () => {
    await member(cloud, 'oA', 0);
    await ledger.credit({ member: 'oA', amount: 300, key: 'c1', source: src('a') });
    await ledger.credit({ member: 'oA', amount: 200, key: 'c2', source: src('b'), expiry: { kind: 'rolling', days: 5 } });
    const replies = await Promise.all([close('oA', 500), close('oA', 500), close('oA', 500)]);
    for (const r of replies) expect(r.ok || r.code === 'ACCOUNT_CLOSED').toBe(true);
    expect(replies.some((r) => r.ok)).toBe(true);
    const forfeits = (cloud.engine.dump('ledger') as Entry[]).filter((e) => e.source.kind === 'closure');
    expect(forfeits.reduce((s, e) => s + e.amount, 0)).toBe(500);
    expect(cloud.engine.count('members')).toBe(0);
    expect(JSON.stringify(cloud.engine.dump('ledger'))).not.toContain('oA');
    expect(cloud.engine.dump('accounts')).toEqual([expect.objectContaining({ balance: 0, closedAt: expect.any(Date) })]);
    checkLedger('concurrent');
  });
});

describe('导出我的数据', () => {
  test('the export holds the profile, saved address, points and history, orders and scans — and only the caller’s', async () => {
    await member(cloud, 'oA', 1000);
    await member(cloud, 'oB', 500);
    await cloud.call('user', { action: 'updateProfile', nickname: '林小雨', phone: '13800138000', birthday: '1990-05-20' }, 'oA');
    await cloud.call('mall', { action: 'saveAddress', address: ADDRESS }, 'oA');
    await makeItem('cup');
    const order = await redeem('oA', 'cup', 'o1');
    await redeem('oB', 'cup', 'o2');
    cloud.engine.insertMany('codes', [
      { _id: 'CODE0000000000000001', batch: 'b1', seq: 0, claimedBy: 'oA', claimedAt: new Date(), points: 10, scans: 1 },
      { _id: 'CODE0000000000000002', batch: 'b1', seq: 1, claimedBy: 'oB', claimedAt: new Date(), points: 10, scans: 1 },
    ]);
    const r = await cloud.call('user', { action: 'exportMyData' }, 'oA');
    expect(r.ok).toBe(true);
    const d = r.data;
    expect(d.profile).toMatchObject({ openid: 'oA', nickname: '林小雨', phone: '13800138000', birthday: '1990-05-20' });
    expect(d.addresses).toEqual([ADDRESS]);
    expect(d.points).toMatchObject({ balance: 900, earned: 1000 });
    expect(d.history.items.map((e: any) => e.delta).sort()).toEqual([-100, 1000]);
    expect(d.orders.items).toEqual([expect.objectContaining({ id: order, no: expect.stringMatching(/^\d{8}-\d{6}$/), title: '山野茶杯', address: ADDRESS, status: 'toShip' })]);
    expect(d.scans.items).toEqual([expect.objectContaining({ code: 'CODE0000000000000001', points: 10 })]);
    expect(JSON.stringify(d)).not.toContain('oB');
    expect(cloud.engine.dump('privacyAudit')).toEqual([expect.objectContaining({ actor: 'oA', action: 'export', what: 'self' })]);
  });
});

describe('operators see personal data by role', () => {
  test('an operator sees 138****8000; an owner sees the number and the view is audited', async () => {
    await member(cloud, 'oA', 0);
    await cloud.call('user', { action: 'updateProfile', phone: '13800138000' }, 'oA');
    const masked = await cloud.call('admin', { action: 'listMembers' }, OPS);
    expect(masked.data.items.find((m: any) => m.openid === 'oA').phone).toBe('138****8000');
    expect(await cloud.call('admin', { action: 'lookupMember', openid: 'oA' }, OPS)).toMatchObject({ data: { closed: false, member: { phone: '138****8000' } } });
    expect(cloud.engine.count('privacyAudit')).toBe(0);

    cloud.engine.insertMany('admins', [{ _id: 'oOwner', name: 'owner', role: 'owner', createdAt: new Date() }]);
    const open = await cloud.call('admin', { action: 'listMembers' }, 'oOwner');
    expect(open.data.items.find((m: any) => m.openid === 'oA').phone).toBe('13800138000');
    expect(cloud.engine.dump('privacyAudit')).toEqual([expect.objectContaining({ actor: 'oOwner', role: 'owner', action: 'view', what: 'members', targets: ['oA'] })]);
    // A viewer (issue 13's role) is masked like an operator; an unknown role reads as operator.
    cloud.engine.insertMany('admins', [{ _id: 'oViewer', name: 'v', role: 'viewer', createdAt: new Date() }, { _id: 'oOdd', name: 'o', role: 'root', createdAt: new Date() }]);
    for (const who of ['oViewer', 'oOdd']) expect((await cloud.call('admin', { action: 'listMembers' }, who)).data.items[0].phone).toBe('138****8000');
  });
});

describe('retention', () => {
  test('the daily step removes what is past its time and masks old finished orders’ addresses; a second run finds nothing', async () => {
    const now = new Date();
    const old = new Date(+now - 200 * DAY);
    cloud.engine.insertMany('riskEvents', [
      { _id: 'r-old', kind: 'diversion', member: 'oA', ip: '1.2.3.4', province: '33', createdAt: old, day: '2026-01-01' },
      { _id: 'r-new', kind: 'diversion', member: 'oA', ip: '1.2.3.4', province: '33', createdAt: now, day: '2026-11-29' },
    ]);
    cloud.engine.insertMany('rateLimits', [
      { _id: 'm:oA:1', scans: 1, fails: 0, expiresAt: new Date(+now - 1000) },
      { _id: 'm:oA:2', scans: 1, fails: 0, expiresAt: new Date(+now + 600_000) },
    ]);
    cloud.engine.insertMany('reminders', [
      { _id: 'remind:oA:2026-01-01:3', member: 'oA', expiryDay: '2026-01-01', points: 1, leadDays: 3, status: 'sent', createdAt: old },
      { _id: 'remind:oA:2099-01-01:3', member: 'oA', expiryDay: '2099-01-01', points: 1, leadDays: 3, status: 'sent', createdAt: now },
    ]);
    cloud.engine.insertMany('mallOrders', [
      { _id: 'o-old', member: 'oA', status: 'completed', address: ADDRESS, createdAt: old, updatedAt: old },
      { _id: 'o-open', member: 'oA', status: 'toShip', address: ADDRESS, createdAt: old, updatedAt: old },
      { _id: 'o-recent', member: 'oA', status: 'completed', address: ADDRESS, createdAt: now, updatedAt: now },
    ]);
    // Risk cases: a closed one past its time goes; an open one stays however old (it awaits review).
    const longAgo = new Date(+now - 4 * 365 * DAY);
    cloud.engine.insertMany('riskCases', [
      { _id: 'c-dismissed-old', kind: 'diversion', status: 'dismissed', updatedAt: old, lastAt: old },
      { _id: 'c-dismissed-new', kind: 'diversion', status: 'dismissed', updatedAt: now, lastAt: now },
      { _id: 'c-actioned-200d', kind: 'velocity', status: 'actioned', updatedAt: old, lastAt: old },
      { _id: 'c-actioned-4y', kind: 'velocity', status: 'actioned', updatedAt: longAgo, lastAt: longAgo },
      { _id: 'c-open-4y', kind: 'counterfeit', status: 'open', updatedAt: longAgo, lastAt: longAgo },
    ]);
    const r = await runRetention(now);
    expect(r).toEqual({ riskEvents: 1, rateLimits: 1, reminders: 1, orderAddresses: 1, privacyAudit: 0, riskCases: 2 });
    expect((cloud.engine.dump('riskCases') as any[]).map((x) => x._id).sort()).toEqual(['c-actioned-200d', 'c-dismissed-new', 'c-open-4y']);
    expect(cloud.engine.dump('riskEvents').map((x: any) => x._id)).toEqual(['r-new']);
    expect(cloud.engine.dump('rateLimits').map((x: any) => x._id)).toEqual(['m:oA:2']);
    expect(cloud.engine.dump('reminders').map((x: any) => x._id)).toEqual(['remind:oA:2099-01-01:3']);
    const orders = new Map((cloud.engine.dump('mallOrders') as any[]).map((o) => [o._id, o]));
    expect(orders.get('o-old').address).toEqual({ name: '林**', phone: '138****8000', province: '浙江省', city: '杭州市', district: '***', detail: '****' });
    expect(orders.get('o-open').address).toEqual(ADDRESS);
    expect(orders.get('o-recent').address).toEqual(ADDRESS);
    expect(await runRetention(now)).toEqual({ riskEvents: 0, rateLimits: 0, reminders: 0, orderAddresses: 0, privacyAudit: 0, riskCases: 0 });
  });
});

describe('the mall’s operator order views', () => {
  test('adminOrders, adminOrder and exportOrders mask the address for an operator; an owner sees it and each view or export is audited', async () => {
    await member(cloud, 'oA', 1000);
    await makeItem('cup');
    const order = await redeem('oA', 'cup', 'o1');
    const masked = { name: '林**', phone: '138****8000', province: '浙江省', city: '杭州市', district: '***', detail: '****' };
    expect((await cloud.call('mall', { action: 'adminOrders', limit: 10 }, OPS)).data.items[0].address).toEqual(masked);
    expect((await cloud.call('mall', { action: 'adminOrder', id: order }, OPS)).data.order.address).toEqual(masked);
    const csv = (await cloud.call('mall', { action: 'exportOrders' }, OPS)).data.csv;
    expect(csv).toContain('138****8000');
    expect(csv).not.toContain('13800138000');
    expect(csv).not.toContain('龙井路');
    // The masked export is audited (it still names members); the masked views are not.
    expect(cloud.engine.dump('privacyAudit')).toEqual([expect.objectContaining({ actor: OPS, role: 'operator', action: 'export', what: 'orders', targets: [order] })]);

    cloud.engine.insertMany('admins', [{ _id: 'oOwner', name: 'owner', role: 'owner', createdAt: new Date() }]);
    expect((await cloud.call('mall', { action: 'adminOrders', limit: 10 }, 'oOwner')).data.items[0].address).toEqual(ADDRESS);
    expect((await cloud.call('mall', { action: 'adminOrder', id: order }, 'oOwner')).data.order.address).toEqual(ADDRESS);
    expect((await cloud.call('mall', { action: 'exportOrders' }, 'oOwner')).data.csv).toContain('13800138000');
    const owner = (cloud.engine.dump('privacyAudit') as any[]).filter((a) => a.actor === 'oOwner').map((a) => a.action);
    expect(owner).toEqual(['view', 'view', 'export']);
  });
});

describe('scan locations: the province only', () => {
  test('a scan with coordinates (inside and outside the sales region) stores the province and never the coordinates', async () => {
    const op = async (data: Record<string, unknown>) => {
      const r = await cloud.call('codes', data, OPS);
      expect(r).toMatchObject({ ok: true });
      return r.data;
    };
    await op({ action: 'upsertProduct', id: 'tea', name: '高山云雾', image: 'https://img.example/tea.png', spec: '250g', origin: '浙江·安吉', basePoints: 20 });
    await op({ action: 'upsertCampaign', id: 'c-B1', name: '扫码赚积分' });
    await op({ action: 'createBatch', id: 'B1', product: 'tea', campaign: 'c-B1', batchNo: 'AJ-2026-11', productionDate: '2026-11-01', size: 2 });
    let p;
    do p = await op({ action: 'generate', batch: 'B1' }); while (p.status === 'generating');
    await op({ action: 'activate', batch: 'B1' });
    await op({ action: 'assignRegion', batch: 'B1', provinces: ['33'] });
    const codes = (cloud.engine.dump('codes') as any[]).sort((a, b) => a.seq - b.seq).map((c) => c._id as string);
    await member(cloud, 'oA', 0);
    const inside = await cloud.call('codes', { action: 'scan', code: codes[0], location: { latitude: 30.2741, longitude: 120.1551 } }, 'oA');
    expect(inside.data.region).toMatchObject({ province: '33' });
    const outside = await cloud.call('codes', { action: 'scan', code: codes[1], location: { latitude: 23.1291, longitude: 113.2644 } }, 'oA');
    expect(outside.data.region).toMatchObject({ province: '44', diverted: true });
    expect(cloud.engine.dump('riskEvents')).toEqual([expect.objectContaining({ kind: 'diversion', province: '44' })]);
    // Closed (and not logged in again): the next scan is refused as closed and claims nothing.
    expect(await cloud.call('user', { action: 'closeAccount', confirmForfeit: 40 }, 'oA')).toMatchObject({ ok: true });
    // The risk event stays for review under the pseudonym, without the IP.
    const risk = cloud.engine.dump('riskEvents') as any[];
    expect(risk).toEqual([expect.objectContaining({ kind: 'diversion', province: '44', ip: '', member: expect.stringMatching(/^x[0-9a-f]{24}$/) })]);
    expect(JSON.stringify(risk)).not.toContain('oA');
    const claimed = JSON.stringify(cloud.engine.dump('codes'));
    await op({ action: 'createBatch', id: 'B2', product: 'tea', campaign: 'c-B1', batchNo: 'AJ-2026-12', productionDate: '2026-11-01', size: 1 });
    do p = await op({ action: 'generate', batch: 'B2' }); while (p.status === 'generating');
    await op({ action: 'activate', batch: 'B2' });
    const fresh = (cloud.engine.dump('codes') as any[]).find((c) => c.batch === 'B2')._id;
    expect(await cloud.call('codes', { action: 'scan', code: fresh }, 'oA')).toMatchObject({ ok: false, code: 'ACCOUNT_CLOSED' });
    expect((cloud.engine.dump('codes') as any[]).find((c) => c._id === fresh).claimedBy).toBe('');
    expect(JSON.stringify((cloud.engine.dump('codes') as any[]).filter((c) => c.batch === 'B1'))).toBe(claimed);
    for (const c of cloud.engine.collectionNames()) {
      const text = JSON.stringify(cloud.engine.dump(c));
      for (const coordinate of ['30.2741', '120.1551', '23.1291', '113.2644', 'latitude', 'longitude']) expect({ c, coordinate, stored: text.includes(coordinate) }).toEqual({ c, coordinate, stored: false });
    }
  });
});
