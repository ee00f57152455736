// The console's frame (docs/console.md): roles checked on every operator action, every change
// audited with its target before and after, the owner managing operators, the audit browsed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestCloud, type TestCloud } from '../helpers/cloud';
import { ACTION_LABELS } from '../../cloudfunctions/common/ops/labels';
import { docForAudit, reduceForAudit } from '../../cloudfunctions/common/ops/audit';

const OWNER = 'oOwner01';
const OPERATOR = 'oOperator01';
const VIEWER = 'oViewer01';

function setup(): TestCloud {
  const cloud = createTestCloud();
  const at = new Date('2026-11-01T00:00:00Z');
  cloud.engine.insertMany('admins', [
    { _id: OWNER, name: '负责人', role: 'owner', createdAt: at },
    { _id: OPERATOR, name: '运营', role: 'operator', createdAt: new Date(+at + 1000) },
    { _id: VIEWER, name: '只读', role: 'viewer', createdAt: new Date(+at + 2000) },
  ]);
  return cloud;
}

const audit = (cloud: TestCloud) => cloud.engine.dump('opsAudit') as any[];

describe('roles', () => {
  let cloud: TestCloud;
  beforeAll(() => (cloud = setup()));

  test('a viewer reads but cannot change; the refused change is audited and nothing else is written', async () => {
    expect(await cloud.call('admin', { action: 'listCampaigns' }, VIEWER)).toMatchObject({ ok: true });
    const before = cloud.engine.dump('campaigns');
    const r = await cloud.call('admin', { action: 'createCampaign', id: 'v1', kind: 'manual', name: '补偿', rule: { maxPoints: 100 } }, VIEWER);
    expect(r).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(cloud.engine.dump('campaigns')).toEqual(before);
    expect(audit(cloud)).toEqual([expect.objectContaining({ actor: VIEWER, role: 'viewer', fn: 'admin', action: 'createCampaign', outcome: 'FORBIDDEN' })]);
  });

  test('reads are not audited; an operator change is, with its target before and after', async () => {
    const n = audit(cloud).length;
    await cloud.call('admin', { action: 'listCampaigns' }, OPERATOR);
    expect(audit(cloud)).toHaveLength(n);
    expect(await cloud.call('admin', { action: 'createCampaign', id: 'c1', kind: 'manual', name: '补偿', rule: { maxPoints: 100 } }, OPERATOR)).toMatchObject({ ok: true });
    expect(await cloud.call('admin', { action: 'publishCampaign', id: 'c1' }, OPERATOR)).toMatchObject({ ok: true });
    const rec = audit(cloud).find((a) => a.action === 'publishCampaign')!;
    expect(rec).toMatchObject({ actor: OPERATOR, role: 'operator', outcome: 'ok', target: { collection: 'campaigns', id: 'c1' } });
    expect(rec.before).toMatchObject({ status: 'draft' });
    expect(rec.after).toMatchObject({ status: 'published' });
  });

  test('a change that fails is audited with its code and the target unchanged', async () => {
    const r = await cloud.call('admin', { action: 'publishCampaign', id: 'nope' }, OPERATOR);
    expect(r.ok).toBe(false);
    const rec = audit(cloud).find((a) => a.action === 'publishCampaign' && a.outcome !== 'ok')!;
    expect(rec).toMatchObject({ outcome: r.code, before: null, after: null });
  });

  test('only the owner manages operators; nobody changes their own record', async () => {
    expect(await cloud.call('admin', { action: 'listOperators' }, OPERATOR)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const list = await cloud.call('admin', { action: 'listOperators' }, OWNER);
    expect(list.data.items.map((o: any) => [o.openid, o.roleLabel])).toEqual([
      [OWNER, '负责人'],
      [OPERATOR, '运营'],
      [VIEWER, '只读'],
    ]);
    const self = await cloud.call('admin', { action: 'saveOperator', openid: OWNER, name: '我', role: 'viewer' }, OWNER);
    expect(self).toMatchObject({ ok: false, code: 'INVALID_FIELD', field: 'openid', message: expect.stringContaining('不能修改自己的权限') });
    expect((cloud.engine.dump('admins') as any[]).find((a) => a._id === OWNER).role).toBe('owner');

    expect(await cloud.call('admin', { action: 'saveOperator', openid: 'oNewStaff01', name: '新同事', role: 'viewer' }, OWNER)).toMatchObject({ ok: true, data: { role: 'viewer', roleLabel: '只读' } });
    expect(await cloud.call('admin', { action: 'whoami' }, 'oNewStaff01')).toMatchObject({ ok: true, data: { role: 'viewer', name: '新同事' } });
    expect(await cloud.call('admin', { action: 'createCampaign', id: 'n1', kind: 'manual', name: 'x', rule: { maxPoints: 1 } }, 'oNewStaff01')).toMatchObject({ code: 'FORBIDDEN' });
    // Promoted, then disabled: the role takes effect on the next call, disabled is not an operator at all.
    await cloud.call('admin', { action: 'saveOperator', openid: 'oNewStaff01', name: '新同事', role: 'operator' }, OWNER);
    expect(await cloud.call('admin', { action: 'createCampaign', id: 'n1', kind: 'manual', name: 'x', rule: { maxPoints: 1 } }, 'oNewStaff01')).toMatchObject({ ok: true });
    await cloud.call('admin', { action: 'saveOperator', openid: 'oNewStaff01', name: '新同事', role: 'operator', disabled: true }, OWNER);
    expect(await cloud.call('admin', { action: 'whoami' }, 'oNewStaff01')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const rec = audit(cloud).filter((a) => a.action === 'saveOperator' && a.outcome === 'ok');
    expect(rec[0]).toMatchObject({ before: null, after: { role: 'viewer', name: '新同事' } });
    expect(rec[2]).toMatchObject({ before: { role: 'operator', disabled: false }, after: { disabled: true } });
  });

  test.each([
    [{ openid: 'oX', name: '短', role: 'viewer' }, 'BAD_REQUEST'],
    [{ openid: 'oLongEnough', name: '', role: 'viewer' }, 'BAD_REQUEST'],
    [{ openid: 'oLongEnough', name: '一'.repeat(21), role: 'viewer' }, 'BAD_REQUEST'],
    [{ openid: 'oLongEnough', name: '名', role: 'admin' }, 'BAD_REQUEST'],
  ])('saveOperator %j is %s and writes nothing', async (input, code) => {
    const before = cloud.engine.dump('admins');
    expect(await cloud.call('admin', { action: 'saveOperator', ...input }, OWNER)).toMatchObject({ ok: false, code });
    expect(cloud.engine.dump('admins')).toEqual(before);
  });
});

describe('audit log', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = setup();
    for (let i = 0; i < 7; i++) {
      await cloud.call('admin', { action: 'createCampaign', id: `m${i}`, kind: 'manual', name: `补偿${i}`, rule: { maxPoints: 10 } }, i % 2 ? OWNER : OPERATOR);
    }
    await cloud.call('admin', { action: 'publishCampaign', id: 'm0' }, OPERATOR);
  });

  test('newest first, paged without gaps or repeats, with Chinese labels', async () => {
    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const r = await cloud.call('admin', { action: 'auditLog', limit: 3, ...(cursor ? { cursor } : {}) }, OPERATOR);
      expect(r.ok).toBe(true);
      seen.push(...r.data.items);
      cursor = r.data.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen.map((s) => s.id)).size).toBe(8);
    expect(seen[0]).toMatchObject({ action: 'publishCampaign', label: '发布活动', roleLabel: '运营' });
    const times = seen.map((s) => +new Date(s.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('filters by actor, action, target and outcome', async () => {
    const by = async (f: object) => (await cloud.call('admin', { action: 'auditLog', ...f }, OPERATOR)).data.items;
    expect(await by({ actor: OWNER })).toHaveLength(3);
    expect(await by({ what: 'admin.publishCampaign' })).toHaveLength(1);
    // Its creation and its publication.
    expect((await by({ targetId: 'm0' })).map((r: any) => r.action)).toEqual(['publishCampaign', 'createCampaign']);
    expect(await by({ outcome: 'failed' })).toHaveLength(0);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(await by({ from: today, to: today })).toHaveLength(8);
    expect(await by({ from: '2020-01-01', to: '2020-01-02' })).toHaveLength(0);
  });

  test('a viewer may not browse it; an end before the start is refused', async () => {
    expect(await cloud.call('admin', { action: 'auditLog' }, VIEWER)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('admin', { action: 'auditLog', from: '2026-11-02', to: '2026-11-01' }, OPERATOR)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});

describe('what the audit keeps', () => {
  test('card codes and uploads are reduced to their size; addresses and phones masked', () => {
    expect(reduceForAudit({ id: 'i1', codes: ['A', 'B', 'C'], csv: 'x'.repeat(5000) })).toEqual({ id: 'i1', codes: '〔3 项，未记录〕', csv: '〔5000 字符，未记录〕' });
    const doc = docForAudit({ _id: 'o1', address: { name: '张三', phone: '13800001234', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' } }) as any;
    expect(doc.address).toEqual({ name: '张*', phone: '138****1234', province: '浙江省', city: '杭州市', district: '***', detail: '****' });
  });

  test('a large document keeps its top-level scalars only', () => {
    const doc = docForAudit({ _id: 'a', balance: 5, lots: 'x'.repeat(20_000), nested: { a: 1 } }) as any;
    expect(doc).toMatchObject({ _id: 'a', balance: 5 });
    expect(doc.nested).toBeUndefined();
  });
});

describe('every operator action', () => {
  test('has a Chinese label for the audit, and an effective role the handler knows', async () => {
    const root = path.join(__dirname, '../../cloudfunctions');
    const fns = fs.readdirSync(root).filter((d) => d !== 'common' && fs.existsSync(path.join(root, d, 'index.ts')));
    const missing: string[] = [];
    for (const fn of fns) {
      const mod = await import(path.join(root, fn, 'index.ts'));
      for (const a of mod.main.actions ?? []) {
        if (a.auth !== 'operator') continue;
        expect(['viewer', 'operator', 'owner']).toContain(a.role);
        if (!ACTION_LABELS[`${fn}.${a.name}`]) missing.push(`${fn}.${a.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
