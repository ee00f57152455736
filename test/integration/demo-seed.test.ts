// The demo seed adds up (issue 14 §2, §5): it writes through the real functions, so every spend is
// a real order, members registered before their first points, and they carry the persona names the
// start-up banner prints.
import { createTestCloud, type TestCloud } from '../helpers/cloud';
import { PERSONAS } from '../../local/seed/personas';

let cloud: TestCloud;
beforeAll(async () => {
  const { seedDemo } = await import('../../local/seed/demo');
  cloud = createTestCloud();
  expect(await seedDemo(cloud.runner)).toBe(true);
});

const ok = async (fn: string, data: Record<string, unknown>, openid: string) => {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data;
};

test('demo members carry the persona names the banner prints', async () => {
  for (const p of PERSONAS) expect((await ok('user', { action: 'getProfile' }, p.openid)).member.nickname).toBe(p.nickname);
});

test('every member registered before their first points, order, scan or sign-in', () => {
  const members = cloud.engine.dump('members') as { _id: string; createdAt: Date }[];
  const firsts = new Map<string, number>();
  const note = (member: string, at: Date) => firsts.set(member, Math.min(firsts.get(member) ?? Infinity, +new Date(at)));
  for (const e of cloud.engine.dump('ledger') as { member: string; createdAt: Date }[]) note(e.member, e.createdAt);
  for (const o of cloud.engine.dump('mallOrders') as { member: string; createdAt: Date }[]) note(o.member, o.createdAt);
  for (const m of members) if (firsts.has(m._id)) expect({ m: m._id, registeredFirst: +new Date(m.createdAt) <= firsts.get(m._id)! }).toEqual({ m: m._id, registeredFirst: true });
  expect(firsts.size).toBeGreaterThanOrEqual(3);
});

test('every spend in the ledger is a real order of that member (carol: 使用 with 我的订单 to show for it)', async () => {
  const carol = PERSONAS.find((p) => p.id === 'carol')!.openid;
  const orders = (await ok('mall', { action: 'orders' }, carol)).items as { id: string; no: string; points: number; title: string }[];
  expect(orders.length).toBeGreaterThan(0);
  const all = (cloud.engine.dump('ledger') as any[]).filter((e) => e.type === 'spend');
  // A spend is a mall order or a sign-in make-up's cost (bob's), never a made-up "order" reference.
  for (const e of all) expect(['mall', 'signin']).toContain(e.source.kind);
  const spends = all.filter((e) => e.source.kind === 'mall');
  expect(spends.length).toBeGreaterThan(0);
  const allOrders = cloud.engine.dump('mallOrders') as any[];
  for (const e of spends) {
    const order = allOrders.find((o) => o._id === e.source.ref);
    expect(order).toMatchObject({ member: e.member, points: e.amount });
    expect(e.reason).toBe(`兑换 ${order.title} × ${order.quantity} · 订单 ${order.no}`);
  }
  const carolSpent = spends.filter((e) => e.member === carol).reduce((n, e) => n + e.amount, 0);
  expect(carolSpent).toBe(orders.reduce((n, o) => n + o.points, 0));
  // What 首页 says she has bought adds up with those orders.
  expect(await ok('mall', { action: 'redeemed' }, carol)).toMatchObject({ units: 3, points: 300 });
});

// issue 14 §2: the seed writes only through the real functions. Each credit has the record the
// service that made it keeps, so no page can contradict another.
const ledgerRows = () => cloud.engine.dump('ledger') as { _id: string; member: string; type: string; amount: number; createdAt: Date; source: { kind: string; ref: string }; reason: string }[];

test('no ledger entry was written around the services (no seed-made keys)', () => {
  expect(ledgerRows().filter((e) => e._id.startsWith('seed:')).map((e) => e._id)).toEqual([]);
});

test('every scan credit is a real code claimed by that member at that moment, and names the product', () => {
  const codes = new Map((cloud.engine.dump('codes') as { _id: string; claimedBy?: string; claimedAt?: Date }[]).map((c) => [c._id, c]));
  const scans = ledgerRows().filter((e) => e.type === 'earn' && e.source.kind === 'scan');
  expect(scans.length).toBeGreaterThan(10);
  for (const e of scans) {
    const code = codes.get(e._id.replace(/^scan:/, ''));
    expect({ entry: e._id, claimedBy: code?.claimedBy, at: code?.claimedAt && +new Date(code.claimedAt) }).toEqual({ entry: e._id, claimedBy: e.member, at: +new Date(e.createdAt) });
    expect(e.reason).toMatch(/^扫码 \S+ · \d+/);
  }
});

test('every sign-in credit is a day the member’s calendar shows signed', async () => {
  const signins = ledgerRows().filter((e) => e.type === 'earn' && e.source.kind === 'signin');
  expect(signins.length).toBeGreaterThan(50); // the personas' and the dashboard members' four weeks
  const calendars = new Map<string, Map<string, string>>();
  for (const e of signins) {
    const month = e.source.ref.slice(0, 7);
    const k = `${e.member} ${month}`;
    if (!calendars.has(k)) {
      const status = await ok('earn', { action: 'signinStatus', month }, e.member);
      calendars.set(k, new Map(status.days.map((d: { day: string; state: string }) => [d.day, d.state])));
    }
    expect({ member: e.member, day: e.source.ref, state: calendars.get(k)!.get(e.source.ref) }).toEqual({ member: e.member, day: e.source.ref, state: 'signed' });
  }
});

test('every task reward is a claim the task list shows, named by its task', async () => {
  const tasks = ledgerRows().filter((e) => e.source.kind === 'task');
  expect(tasks.length).toBeGreaterThan(0);
  for (const e of tasks) expect(e.reason).toMatch(/^任务「[^」]+」奖励 \d+/);
  // carol's 首次扫码 (a once task) reads as claimed in her task centre (which pays her automatic
  // 注册成为会员 on opening: carol, not alice, whose 280 the next test counts).
  const carol = PERSONAS.find((p) => p.id === 'carol')!.openid;
  const list = (await ok('earn', { action: 'tasks' }, carol)).items as { id: string; state: string }[];
  expect(list.find((t) => t.id === 'task-first-scan')?.state).toBe('claimed');
});

test('alice: 280 points, of which 160 lapse within a week (秋茶品鉴季), signed in the six days before today', async () => {
  const alice = PERSONAS.find((p) => p.id === 'alice')!.openid;
  const summary = await ok('points', { action: 'summary' }, alice);
  expect(summary).toMatchObject({ balance: 280, available: 280, held: 0 });
  expect(summary.expiring[0].points).toBe(160);
  expect((+new Date(`${summary.expiring[0].day}T00:00:00+08:00`) - Date.now()) / 86_400_000).toBeLessThan(7);
  const status = await ok('earn', { action: 'signinStatus' }, alice);
  expect({ signedToday: status.signedToday, streak: status.streak }).toEqual({ signedToday: false, streak: 6 });
});

// What the console shows is dated as it happened (local/seed/clock.ts): nothing is used before it exists.
test('every batch was created before its production run and its first scan; every campaign published before its first credit; every item listed before its first order', () => {
  const codes = cloud.engine.dump('codes') as { batch: string; claimedAt?: Date }[];
  for (const b of cloud.engine.dump('codeBatches') as { _id: string; createdAt: Date; productionDate: string }[]) {
    const firstScan = Math.min(...codes.filter((c) => c.batch === b._id && c.claimedAt).map((c) => +new Date(c.claimedAt!)));
    expect({ batch: b._id, beforeProduction: +new Date(b.createdAt) < +new Date(`${b.productionDate}T00:00:00+08:00`), beforeScans: +new Date(b.createdAt) < firstScan }).toEqual({ batch: b._id, beforeProduction: true, beforeScans: true });
  }
  const entries = ledgerRows() as unknown as { campaign?: string; createdAt: Date; source: { kind: string; ref: string } }[];
  for (const c of cloud.engine.dump('campaigns') as { _id: string; publishedAt?: Date }[]) {
    const first = Math.min(...entries.filter((e) => e.campaign === c._id).map((e) => +new Date(e.createdAt)));
    if (first !== Infinity) expect({ campaign: c._id, publishedFirst: +new Date(c.publishedAt!) <= first }).toEqual({ campaign: c._id, publishedFirst: true });
  }
  const orders = cloud.engine.dump('mallOrders') as { item: string; createdAt: Date }[];
  for (const item of cloud.engine.dump('mallItems') as { _id: string; createdAt: Date }[]) {
    for (const o of orders.filter((x) => x.item === item._id)) expect({ item: item._id, listedFirst: +new Date(item.createdAt) <= +new Date(o.createdAt) }).toEqual({ item: item._id, listedFirst: true });
  }
  // The operator's setup is in 操作日志 on the day it was done, never in the future.
  const audit = cloud.engine.dump('opsAudit') as { at: Date; action: string; target?: { id: string } }[];
  const created = audit.find((a) => a.action === 'createCampaign' && a.target?.id === 'scan-2611');
  expect(+new Date(created!.at)).toBeLessThan(Date.now() - 80 * 86_400_000);
  expect(audit.every((a) => +new Date(a.at) <= Date.now())).toBe(true);
  expect(new Date().getFullYear()).toBe(new Date(Date.now()).getFullYear()); // the real clock is back
  expect(Date.name).toBe('Date');
});
