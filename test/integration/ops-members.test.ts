// 会员 and 风控审核 through the built `admin` function (issue 13 §5–6; docs/api.md, docs/risk.md):
// member search, the member page and its sections, corrections with a preview equal to their
// effect; the risk queue built from real scans, lockouts, earnings and draws, and every action
// with its undo, bad input (a distinct code, nothing written), viewers refused.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { refreshCases } from '../../cloudfunctions/common/risk/queue';
import { PERSONAS } from '../../local/seed/personas';

const OPS = 'oOps';
const VIEWER = 'oViewer';
const HANGZHOU = { latitude: 30.27, longitude: 120.15 };
const GUANGZHOU = { latitude: 23.13, longitude: 113.26 };

let cloud: TestCloud;
let codes: string[];

async function ok(fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}
const admin = (data: Record<string, unknown>, openid = OPS) => cloud.call('admin', data, openid);
const scan = (code: string, openid: string, extra: Record<string, unknown> = {}) => cloud.call('codes', { action: 'scan', code, ...extra }, openid);
const account = (m: string) => (cloud.engine.dump('accounts') as any[]).find((a) => a._id === m);
const WRITTEN = ['ledger', 'accounts', 'holds', 'riskCases', 'codeBatches', 'codes'];
const snapshot = () => JSON.stringify(WRITTEN.map((c) => cloud.engine.dump(c)));
/** The reply's code, and that nothing was written. */
async function refused(data: Record<string, unknown>, code: string, openid = OPS) {
  const before = snapshot();
  const r = await admin(data, openid);
  expect({ action: data.action, r: { ok: r.ok, code: r.code } }).toEqual({ action: data.action, r: { ok: false, code } });
  expect(snapshot()).toBe(before);
  return r;
}

beforeAll(async () => {
  cloud = createTestCloud();
  makeOperator(cloud, OPS);
  cloud.engine.insertMany('admins', [{ _id: VIEWER, name: 'viewer', role: 'viewer', createdAt: new Date() }]);
  cloud.engine.insertMany('settings', [{ _id: 'brand', name: '山野茶事', domain: 'q.example.com', createdAt: new Date() }]);
  for (const m of ['oA', 'oB', 'oC', 'oD', 'oE', 'oF']) await ok('user', { action: 'login' }, m);
  await ok('user', { action: 'updateProfile', nickname: '林小雨', phone: '13800138000' }, 'oA');
  await ok('user', { action: 'updateProfile', nickname: '林大山' }, 'oB');
  await ok('codes', { action: 'upsertProduct', id: 'tea', name: '高山云雾', basePoints: 20 });
  await ok('codes', { action: 'upsertCampaign', id: 'c-B1', name: '扫码赚积分' });
  await ok('codes', { action: 'createBatch', id: 'B1', product: 'tea', campaign: 'c-B1', batchNo: 'AJ-2026-11', productionDate: '2026-11-01', size: 20 });
  let p;
  do p = await ok('codes', { action: 'generate', batch: 'B1' }); while (p.status === 'generating');
  await ok('codes', { action: 'assignRegion', batch: 'B1', provinces: ['33'] });
  await ok('codes', { action: 'activate', batch: 'B1' });
  codes = (cloud.engine.dump('codes') as any[]).filter((c) => c.batch === 'B1').sort((a, b) => a.seq - b.seq).map((c) => c._id);
  await ok('admin', { action: 'createCampaign', id: 'daily', kind: 'signin', name: '每日签到', rule: { cycle: 'rolling', basePoints: 5 } });
  await ok('admin', { action: 'publishCampaign', id: 'daily' });
});

describe('members: search, page, sections', () => {
  test('search by nickname prefix, exact phone and OPENID; phones masked for an operator', async () => {
    const byNick = await ok('admin', { action: 'searchMembers', q: '林' });
    expect(byNick.items.map((m: any) => m.nickname).sort()).toEqual(['林大山', '林小雨']);
    expect(byNick.items.find((m: any) => m.openid === 'oA').phone).toBe('138****8000');
    const byPhone = await ok('admin', { action: 'searchMembers', q: '13800138000' });
    expect(byPhone.items.map((m: any) => m.openid)).toEqual(['oA']);
    // Phone search is exact: a part of the number finds nobody.
    expect((await ok('admin', { action: 'searchMembers', q: '1380013', by: 'phone' }).catch((e) => e)).message ?? '').toContain('INVALID_FIELD');
    expect((await ok('admin', { action: 'searchMembers', q: 'oB' })).items.map((m: any) => m.openid)).toEqual(['oB']);
    expect((await ok('admin', { action: 'searchMembers', q: '无此人' })).items).toEqual([]);
    // No query: the newest members first, paged, with their totals.
    const newest = await ok('admin', { action: 'searchMembers', limit: 4 });
    expect(newest.items).toHaveLength(4);
    const rest = await ok('admin', { action: 'searchMembers', limit: 4, cursor: newest.nextCursor });
    expect([...newest.items, ...rest.items].map((m: any) => m.openid).sort()).toEqual(['oA', 'oB', 'oC', 'oD', 'oE', 'oF']);
    expect(newest.items[0]).toMatchObject({ balance: expect.any(Number), held: 0, debt: 0 });
  });

  test('nickname search pages with a cursor, never repeating a member', async () => {
    const first = await ok('admin', { action: 'searchMembers', q: '林', limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await ok('admin', { action: 'searchMembers', q: '林', limit: 1, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.items[0].openid).not.toBe(first.items[0].openid);
    expect(second.nextCursor).toBeNull();
  });

  test('the member page: totals, lots with expiry, tier; sections with filters and paging', async () => {
    expect(await scan(codes[0], 'oA')).toMatchObject({ ok: true, data: { outcome: 'earned', points: 20 } });
    await ok('earn', { action: 'signIn' }, 'oA');
    const d = await ok('admin', { action: 'memberDetail', openid: 'oA' });
    expect(d.points).toMatchObject({ balance: 25, held: 0, debt: 0, available: 25 });
    expect(d.lots.length).toBeGreaterThan(0);
    expect(d.lots[0]).toMatchObject({ lastValidDay: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    expect(d.tier).toMatchObject({ level: expect.any(String), name: expect.any(String) });
    expect(d.earnBlock).toBeNull();
    const all = await ok('admin', { action: 'memberSection', openid: 'oA', section: 'history' });
    expect(all.items.map((e: any) => e.kind).sort()).toEqual(['scan', 'signin']);
    const scans = await ok('admin', { action: 'memberSection', openid: 'oA', section: 'history', kinds: ['scan'] });
    expect(scans.items.map((e: any) => e.id)).toEqual([`scan:${codes[0]}`]);
    const paged = await ok('admin', { action: 'memberSection', openid: 'oA', section: 'history', limit: 1 });
    const rest = await ok('admin', { action: 'memberSection', openid: 'oA', section: 'history', limit: 1, cursor: paged.nextCursor });
    expect([...paged.items, ...rest.items].map((e: any) => e.id).sort()).toEqual(all.items.map((e: any) => e.id).sort());
    expect((await ok('admin', { action: 'memberSection', openid: 'oA', section: 'history', from: '2020-01-01', to: '2020-01-02' })).items).toEqual([]);
    expect((await ok('admin', { action: 'memberSection', openid: 'oA', section: 'signins' })).items).toHaveLength(1);
    expect((await ok('admin', { action: 'memberSection', openid: 'oA', section: 'scans' })).items).toEqual([expect.objectContaining({ id: codes[0], points: 20 })]);
    for (const section of ['draws', 'orders', 'risk']) expect((await ok('admin', { action: 'memberSection', openid: 'oA', section })).items).toEqual([]);
    await refused({ action: 'memberDetail', openid: 'oNobody' }, 'NOT_FOUND');
  });
});

describe('members: corrections with a preview that equals the effect', () => {
  test('adjust, penalty and reverse: the preview shows exactly the totals the operation then leaves', async () => {
    await ok('points', { action: 'adjust', member: 'oF', delta: 100, reason: '开户', key: 'oF-start' });
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ op: 'adjust', member: 'oF', delta: -30 }, { action: 'adjustMember', member: 'oF', delta: -30, reason: '客服更正', key: 'k1' }],
      [{ op: 'penalty', member: 'oF', amount: 100 }, { action: 'penalizeMember', member: 'oF', amount: 100, reason: '虚假订单', key: 'k2' }],
      [{ op: 'adjust', member: 'oF', delta: 50 }, { action: 'adjustMember', member: 'oF', delta: 50, reason: '补发', key: 'k3' }],
    ];
    for (const [p, act] of cases) {
      const pre = await ok('admin', { action: 'previewCorrection', ...p });
      const done = await ok('admin', act);
      const a = account('oF');
      expect({ p, after: pre.after }).toEqual({ p, after: { balance: a.balance, held: a.held, debt: a.debt, available: Math.max(0, a.balance - a.held) } });
      expect(done.delta).toBe(pre.delta);
    }
    // The penalty took 70 and owed 30; the credit of 50 repaid the 30 first.
    expect(account('oF')).toMatchObject({ balance: 20, debt: 0 });
    const pre = await ok('admin', { action: 'previewCorrection', op: 'reverse', entry: 'op:k3' });
    expect(pre).toMatchObject({ delta: -50, debtCreated: 30, entry: { id: 'op:k3', amount: 50 } });
    await ok('admin', { action: 'reverseEntry', entry: 'op:k3', reason: '误操作' });
    expect(account('oF')).toMatchObject({ balance: pre.after.balance, debt: pre.after.debt });
    // A reversed entry is not reversed twice (preview says so).
    await refused({ action: 'previewCorrection', op: 'reverse', entry: 'op:k3' }, 'NOT_REVERSIBLE');
    // A scan's claim is reversed through its module, not here.
    await refused({ action: 'previewCorrection', op: 'reverse', entry: `scan:${codes[0]}` }, 'NOT_REVERSIBLE');
    await refused({ action: 'reverseEntry', entry: `scan:${codes[0]}`, reason: '测试' }, 'NOT_REVERSIBLE');
  });

  test('bad input: a distinct code with the field named in Chinese, nothing written', async () => {
    const r1 = await refused({ action: 'adjustMember', member: 'oF', delta: 10, reason: '   ', key: 'bad1' }, 'INVALID_FIELD');
    expect(r1.message).toBe('原因：必填');
    expect((await refused({ action: 'adjustMember', member: 'oF', delta: 0, reason: '补发', key: 'bad2' }, 'INVALID_FIELD')).message).toBe('调整积分：不能为 0');
    expect((await refused({ action: 'adjustMember', member: 'oF', delta: 1.5, reason: '补发', key: 'bad3' }, 'INVALID_FIELD')).message).toBe('调整积分：须为整数');
    expect((await refused({ action: 'adjustMember', member: 'oF', delta: 10_000_001, reason: '补发', key: 'bad4' }, 'INVALID_FIELD')).message).toContain('调整积分：不能超过');
    expect((await refused({ action: 'penalizeMember', member: 'oF', amount: -5, reason: '罚', key: 'bad5' }, 'INVALID_FIELD')).message).toBe('扣罚积分：须大于 0');
    expect((await refused({ action: 'adjustMember', member: 'oF', delta: 10, reason: 'x'.repeat(201), key: 'bad6' }, 'INVALID_FIELD')).message).toBe('原因：最多 200 个字');
    await refused({ action: 'adjustMember', member: 'oF', delta: -1_000, reason: '扣回', key: 'bad7' }, 'INSUFFICIENT_POINTS');
    await refused({ action: 'adjustMember', member: 'oF', delta: 10, reason: '补发', key: 'has space' }, 'BAD_REQUEST');
    await refused({ action: 'reverseEntry', entry: 'no-such-entry', reason: '测试' }, 'NOT_FOUND');
  });

  test('a shopper is refused every member action; a viewer may read and preview but not correct', async () => {
    await refused({ action: 'searchMembers', q: '林' }, 'FORBIDDEN', 'oB');
    await refused({ action: 'searchMembers' }, 'FORBIDDEN', 'oB');
    await refused({ action: 'memberDetail', openid: 'oA' }, 'FORBIDDEN', 'oB');
    expect((await admin({ action: 'memberDetail', openid: 'oA' }, VIEWER)).ok).toBe(true);
    expect((await admin({ action: 'previewCorrection', op: 'adjust', member: 'oF', delta: 5 }, VIEWER)).ok).toBe(true);
    await refused({ action: 'adjustMember', member: 'oF', delta: 5, reason: '补发', key: 'v1' }, 'FORBIDDEN', VIEWER);
    await refused({ action: 'penalizeMember', member: 'oF', amount: 5, reason: '罚', key: 'v2' }, 'FORBIDDEN', VIEWER);
    await refused({ action: 'reverseEntry', entry: 'op:k1', reason: '误' }, 'FORBIDDEN', VIEWER);
  });
});

describe('risk: the queue from stored facts', () => {
  let queue: any;
  beforeAll(async () => {
    // Counterfeit: oB scans the code oA claimed. Diversion: oC scans in 广东 a code sold in 浙江.
    expect(await scan(codes[0], 'oB')).toMatchObject({ ok: true, data: { warning: true } });
    expect(await scan(codes[1], 'oC', { location: GUANGZHOU })).toMatchObject({ ok: true, data: { region: { diverted: true } } });
    expect(await scan(codes[2], 'oC', { location: HANGZHOU })).toMatchObject({ ok: true, data: { region: { diverted: false } } });
    // Brute force: oE guesses codes until locked out.
    const forged = codes[3].slice(0, 19) + (codes[3][19] === '0' ? '1' : '0');
    for (let i = 0; i < 6; i++) await scan(forged, 'oE');
    // Velocity: oD earns 3,000 in a day (the norm without roll-ups: 100 × 10, at least 1,000).
    await ledger.credit({ member: 'oD', amount: 3000, key: 'task:oD:big', source: { kind: 'task', ref: 'big' } });
    // A draw burst: 35 draws by oE today.
    const now = Date.now();
    cloud.engine.insertMany('draws', Array.from({ length: 35 }, (_, i) => ({ _id: `draw:p1:oE:${i}`, pool: 'p1', game: 'wheel', member: 'oE', status: 'drawn', paid: 'free', cost: 0, prize: { id: 'none', name: '谢谢参与', kind: 'none' }, createdAt: new Date(now - i * 1000) })));
    // The facts are in; the queue shows them once refreshed (the jobs tick, or an operator now).
    expect((await ok('admin', { action: 'riskQueue' })).items).toEqual([]);
    expect(await ok('admin', { action: 'refreshRiskQueue' })).toMatchObject({ created: 5 });
    queue = await ok('admin', { action: 'riskQueue' });
  });

  test('a read never writes: a viewer’s look at the queue leaves cases and checkpoint as they were; refreshing is an audited operator change', async () => {
    const before = JSON.stringify([cloud.engine.dump('riskCases'), cloud.engine.dump('jobRuns')]);
    const read = await ok('admin', { action: 'riskQueue' }, VIEWER);
    expect(read.refreshedAt).toEqual(expect.any(String));
    expect(JSON.stringify([cloud.engine.dump('riskCases'), cloud.engine.dump('jobRuns')])).toBe(before);
    await refused({ action: 'refreshRiskQueue' }, 'FORBIDDEN', VIEWER);
    expect(JSON.stringify([cloud.engine.dump('riskCases'), cloud.engine.dump('jobRuns')])).toBe(before);
    const audit = (cloud.engine.dump('opsAudit') as any[]).filter((r) => r.action === 'refreshRiskQueue');
    expect(audit.map((r) => [r.actor, r.outcome])).toEqual([[OPS, 'ok'], [VIEWER, 'FORBIDDEN']]);
  });

  test('one case per subject, each with its evidence', async () => {
    const ids = queue.items.map((c: any) => c.id).sort();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(ids).toEqual([`bruteforce:oE:${day}`, `counterfeit:${codes[0]}`, 'diversion:B1:44', `draws:oE:${day}`, `velocity:oD:${day}`].sort());
    expect(queue.open).toEqual({ bruteforce: 1, counterfeit: 1, diversion: 1, draws: 1, velocity: 1 });
    const cf = await ok('admin', { action: 'riskCase', case: `counterfeit:${codes[0]}` });
    expect(cf.members).toEqual(['oA', 'oB']);
    expect(cf.evidence.map((e: any) => e.id)).toEqual([`claim:${codes[0]}`, `counterfeit:${codes[0]}:oB`]);
    const v = await ok('admin', { action: 'riskCase', case: `velocity:oD:${day}` });
    expect(v.evidence[0]).toMatchObject({ member: 'oD', figure: 3000, norm: 1000 });
  });

  test('refreshing again (forced, or concurrently) makes no second case and changes nothing', async () => {
    const before = JSON.stringify(cloud.engine.dump('riskCases'));
    const [a, b] = await Promise.all([refreshCases(new Date()), refreshCases(new Date())]);
    expect(a.created + b.created).toBe(0);
    expect(JSON.stringify(cloud.engine.dump('riskCases'))).toBe(before);
    expect(cloud.engine.dump('riskCases')).toHaveLength(5);
    // Filters: by kind and status.
    expect((await ok('admin', { action: 'riskQueue', kind: 'diversion' })).items.map((c: any) => c.id)).toEqual(['diversion:B1:44']);
    expect((await ok('admin', { action: 'riskQueue', status: 'dismissed' })).items).toEqual([]);
  });
});

describe('risk: actions, each audited on the case and undone', () => {
  const cf = () => `counterfeit:${codes[0]}`;
  const day = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

  test('freeze holds the member\'s available points; unfreeze releases them', async () => {
    const pre = await ok('admin', { action: 'riskPreview', op: 'freeze', member: 'oA' });
    expect(pre).toMatchObject({ before: { available: 25 }, after: { held: 25, available: 0 } });
    const r = await ok('admin', { action: 'riskFreeze', case: cf(), member: 'oA', note: '疑似串码' });
    expect(r.hold).toMatchObject({ amount: 25, status: 'open' });
    expect(account('oA')).toMatchObject({ balance: 25, held: 25 });
    expect(r.case).toMatchObject({ status: 'actioned', actions: [expect.objectContaining({ action: 'freeze', by: OPS, note: '疑似串码', amount: 25 })] });
    await refused({ action: 'riskFreeze', case: cf(), member: 'oA', note: '再冻结' }, 'INSUFFICIENT_POINTS');
    await ok('admin', { action: 'riskUnfreeze', case: cf(), hold: r.hold.id, note: '核实无误' });
    expect(account('oA')).toMatchObject({ balance: 25, held: 0 });
    await refused({ action: 'riskUnfreeze', case: cf(), hold: r.hold.id, note: '再解冻' }, 'HOLD_NOT_OPEN');
    await refused({ action: 'riskUnfreeze', case: cf(), hold: 'not-this-case', note: '解冻' }, 'RISK_CASE_STATE');
  });

  test('claw back of points already spent makes debt; restore gives them back', async () => {
    await ledger.debit({ member: 'oA', amount: 15, key: 'spend:oA:1', source: { kind: 'game', ref: 'p1' } });
    // The claim's lot (scan) has 20 − what the spend took from it; the sign-in's lot expires at the same time.
    const pre = await ok('admin', { action: 'riskPreview', op: 'clawBack', entry: `scan:${codes[0]}` });
    const r = await ok('admin', { action: 'riskClawBack', case: cf(), entry: `scan:${codes[0]}`, note: '假冒扫码' });
    expect(r.entry).toMatchObject({ amount: 20, debtCreated: pre.debtCreated, balanceAfter: pre.after.balance, debtAfter: pre.after.debt });
    expect(account('oA').debt).toBeGreaterThan(0);
    expect(account('oA').debt).toBe(pre.debtCreated);
    // The code stays claimed: nobody earns with it again.
    expect((cloud.engine.dump('codes') as any[]).find((c) => c._id === codes[0]).claimedBy).toBe('oA');
    await refused({ action: 'riskClawBack', case: cf(), entry: 'task:oD:big', note: '不在本案' }, 'INVALID_FIELD');
    await refused({ action: 'riskClawBack', case: cf(), entry: 'spend:oA:1', note: '花费' }, 'NOT_REVERSIBLE');
    const before = account('oA');
    await ok('admin', { action: 'riskRestore', case: cf(), entry: `scan:${codes[0]}`, note: '复核为正品' });
    expect(account('oA')).toMatchObject({ balance: before.balance + 20, debt: 0 });
    await refused({ action: 'riskRestore', case: cf(), entry: `scan:${codes[0]}`, note: '再退' }, 'RISK_CASE_STATE');
  });

  test('a blocked member\'s scan and sign-in are refused (EARN_BLOCKED, nothing written) and allowed again after unblock', async () => {
    const bf = cf();
    await ok('admin', { action: 'riskBlock', case: bf, member: 'oB', note: '扫他人已领取的码' });
    expect((await ok('admin', { action: 'memberDetail', openid: 'oB' })).earnBlock).toMatchObject({ case: bf, by: OPS, reason: '扫他人已领取的码' });
    await refused({ action: 'riskBlock', case: bf, member: 'oB', note: '再封' }, 'RISK_CASE_STATE');
    const ledgerBefore = JSON.stringify([cloud.engine.dump('ledger'), cloud.engine.dump('codes').find((c: any) => c._id === codes[5])]);
    expect(await scan(codes[5], 'oB')).toMatchObject({ ok: false, code: 'EARN_BLOCKED', message: '该账号暂停获取积分，如有疑问请联系客服' });
    expect(await cloud.call('earn', { action: 'signIn' }, 'oB')).toMatchObject({ ok: false, code: 'EARN_BLOCKED' });
    expect(JSON.stringify([cloud.engine.dump('ledger'), cloud.engine.dump('codes').find((c: any) => c._id === codes[5])])).toBe(ledgerBefore);
    await ok('admin', { action: 'riskUnblock', case: bf, member: 'oB', note: '误判' });
    expect(await scan(codes[5], 'oB')).toMatchObject({ ok: true, data: { outcome: 'earned', points: 20 } });
    expect(await cloud.call('earn', { action: 'signIn' }, 'oB')).toMatchObject({ ok: true });
    await refused({ action: 'riskUnblock', case: bf, member: 'oB', note: '再解' }, 'RISK_CASE_STATE');
    await refused({ action: 'riskBlock', case: bf, member: 'oD', note: '不在本案' }, 'INVALID_FIELD');
  });

  test('void one code a case names: its scans answer CODE_VOID until unvoided', async () => {
    await refused({ action: 'riskVoidCode', case: 'diversion:B1:44', code: codes[7], note: '不在本案' }, 'INVALID_FIELD');
    await refused({ action: 'riskVoidCode', case: 'diversion:B1:44', code: 'not-a-code', note: '格式' }, 'BAD_REQUEST');
    await ok('admin', { action: 'riskVoidCode', case: 'diversion:B1:44', code: codes[1], note: '窜货码' });
    expect(await scan(codes[1], 'oC')).toMatchObject({ ok: false, code: 'CODE_VOID' });
    await refused({ action: 'riskVoidCode', case: 'diversion:B1:44', code: codes[1], note: '再作废' }, 'RISK_CASE_STATE');
    await ok('admin', { action: 'riskUnvoidCode', case: 'diversion:B1:44', code: codes[1], note: '复核后恢复' });
    expect(await scan(codes[1], 'oC')).toMatchObject({ ok: true, data: { repeat: true } });
    await refused({ action: 'riskUnvoidCode', case: 'diversion:B1:44', code: codes[1], note: '再恢复' }, 'RISK_CASE_STATE');
  });

  test('void the batch a diversion case names: its codes answer CODE_VOID', async () => {
    await refused({ action: 'riskVoidBatch', case: 'diversion:B1:44', batch: 'OTHER', note: '窜货' }, 'INVALID_FIELD');
    await ok('admin', { action: 'riskVoidBatch', case: 'diversion:B1:44', batch: 'B1', note: '窜货严重' });
    expect(await scan(codes[9], 'oB')).toMatchObject({ ok: false, code: 'CODE_VOID' });
  });

  test('dismiss with a note, reopen; bad input and viewers refused with nothing written', async () => {
    const v = `velocity:oD:${day()}`;
    expect((await refused({ action: 'riskDismiss', case: v, note: '' }, 'INVALID_FIELD')).message).toBe('备注：必填');
    await refused({ action: 'riskDismiss', case: 'velocity:nobody:2020-01-01', note: '无' }, 'NOT_FOUND');
    await refused({ action: 'riskDismiss', case: v, note: '正常' }, 'FORBIDDEN', VIEWER);
    await refused({ action: 'riskFreeze', case: v, member: 'oD', note: '冻结' }, 'FORBIDDEN', VIEWER);
    await refused({ action: 'riskBlock', case: v, member: 'oD', note: '封' }, 'FORBIDDEN', 'oB');
    expect((await admin({ action: 'riskQueue' }, VIEWER)).ok).toBe(true);
    const d = await ok('admin', { action: 'riskDismiss', case: v, note: '大额任务奖励，正常' });
    expect(d.case.status).toBe('dismissed');
    await refused({ action: 'riskDismiss', case: v, note: '再忽略' }, 'RISK_CASE_STATE');
    expect((await ok('admin', { action: 'riskQueue', status: 'dismissed' })).items.map((c: any) => c.id)).toEqual([v]);
    expect((await ok('admin', { action: 'riskReopen', case: v, note: '复查' })).case.status).toBe('open');
    await refused({ action: 'riskReopen', case: v, note: '再开' }, 'RISK_CASE_STATE');
  });
});

describe('risk: audit and closed accounts', () => {
  test('every risk change is in the operator audit with the case before and after', () => {
    const audit = (cloud.engine.dump('opsAudit') as any[]).filter((r) => r.fn === 'admin' && r.action === 'riskFreeze' && r.outcome === 'ok');
    expect(audit.length).toBeGreaterThan(0);
    expect(audit[0]).toMatchObject({ actor: OPS, target: { collection: 'riskCases', id: `counterfeit:${codes[0]}` } });
    expect(audit[0].before.status).toBe('open');
    expect(audit[0].after.status).toBe('actioned');
  });

  test('closing a member\'s account leaves no case naming their OPENID (a case keyed by it moves to the pseudonym)', async () => {
    const pre = await ok('user', { action: 'closurePreview' }, 'oD');
    await ok('user', { action: 'closeAccount', confirmForfeit: pre.forfeit }, 'oD');
    const cases = cloud.engine.dump('riskCases') as any[];
    expect(cases.filter((c) => JSON.stringify(c).includes('"oD"') || c._id.includes(':oD:'))).toEqual([]);
    const v = cases.find((c) => c.kind === 'velocity');
    expect(v._id).toMatch(/^velocity:x[0-9a-f]{24}:/);
    expect(v.members).toEqual([v.member]);
    expect(v.member).toMatch(/^x[0-9a-f]{24}$/);
    expect(cases).toHaveLength(5);
  });
});

test('the demo seed gives 风控审核 real cases (through the real scan) and leaves the personas\' balances alone', async () => {
  const { seedDemo } = await import('../../local/seed/demo');
  const { RISK_MEMBERS } = await import('../../local/seed/risk');
  const seeded = createTestCloud();
  expect(await seedDemo(seeded.runner)).toBe(true);
  const q = await seeded.call('admin', { action: 'riskQueue' }, 'oLOCAL-operator-ops');
  expect(q.ok).toBe(true);
  // Every kind the seed's facts make (the codes seed's claimed-then-rescanned code adds a counterfeit case of its own).
  expect([...new Set(q.data.items.map((c: any) => c.kind))].sort()).toEqual(['bruteforce', 'counterfeit', 'diversion', 'velocity']);
  expect(q.data.items.filter((c: any) => c.kind === 'counterfeit').map((c: any) => c.members)).toContain(3);
  // The risk facts are the demo members' own: no persona's points move for them.
  const personas = new Set(PERSONAS.map((p) => p.openid));
  expect((seeded.engine.dump('ledger') as any[]).filter((e) => e._id.startsWith('seed:risk') || (e.source?.kind === 'scan' && RISK_MEMBERS.some((m) => m.openid === e.member))).every((e) => !personas.has(e.member))).toBe(true);
  const found = await seeded.call('admin', { action: 'searchMembers', q: RISK_MEMBERS[0].nickname }, 'oLOCAL-operator-ops');
  expect(found.data.items.map((m: any) => m.openid)).toEqual([RISK_MEMBERS[0].openid]);
});
