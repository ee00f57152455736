// The dashboard (admin.dashboard, docs/console.md): a seeded run of ledger operations over four
// Shanghai days in three campaigns (one with a budget), scans with places (closed days written as
// the codes module writes them, today through the real `codes.scan`), the roll-up between days —
// then every figure of the dashboard against the entries, the codes and the accounts; and the CSV.
//   DASH_SEED=<seed> npx jest test/integration/ops-dashboard
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { seededRandom } from '../helpers/random';
import { installEngineSeam } from '../../local/engine/sdk-seam';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { createBudget } from '../../cloudfunctions/common/ledger/budgets';
import { runExpiry } from '../../cloudfunctions/common/ledger/expiry-job';
import { unpackLots, type StoredLot } from '../../cloudfunctions/common/ledger/lots';
import type { Account, Entry } from '../../cloudfunctions/common/ledger/model';
import { runLedgerRollup } from '../../cloudfunctions/common/metrics/rollup';
import { shanghaiDay, shanghaiDayStart } from '../../cloudfunctions/common/time';

const DAY = 86_400_000;
const SEED = Number(process.env.DASH_SEED ?? Date.now() % 1_000_000);
const OPS = 'oDashOps';
const HANGZHOU = { latitude: 30.27, longitude: 120.15 }; // 33
const GUANGZHOU = { latitude: 23.13, longitude: 113.26 }; // 44
const CAMPAIGNS = [
  { _id: 'spring', name: '春季扫码', status: 'published', budget: 'b-spring', kind: 'scan' },
  { _id: 'signin', name: '每日签到', status: 'published', kind: 'signin' },
  { _id: 'old', name: '去年活动', status: 'ended', kind: 'manual' },
];

let cloud: TestCloud;

async function ok(fn: string, data: Record<string, unknown>, openid = OPS) {
  const r = await cloud.call(fn, data, openid);
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}

describe(`dashboard figures equal the ledger (seed ${SEED})`, () => {
  let dash: any;
  let entries: Entry[];
  const today = shanghaiDay();
  const days = [3, 2, 1].map((n) => shanghaiDay(+shanghaiDayStart(today) - n * DAY));
  const yesterday = days[2];

  beforeAll(async () => {
    console.log(`ops-dashboard seed ${SEED} (DASH_SEED=${SEED} npx jest test/integration/ops-dashboard)`);
    const rng = seededRandom(SEED);
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    const pick = <T,>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
    cloud = createTestCloud();
    installEngineSeam(() => ({ send: (action: string, params: Record<string, any>) => cloud.engine.send(action, params) }));
    makeOperator(cloud, OPS);
    cloud.engine.insertMany('settings', [{ _id: 'brand', name: '山野茶事', domain: 'q.example.com', createdAt: new Date() }]);
    const members = Array.from({ length: 8 }, (_x, i) => `oDash${i}`);
    for (const m of members) await cloud.call('user', { action: 'login' }, m);
    const t0 = new Date(+shanghaiDayStart(days[0]) + 3600_000);
    await createBudget({ id: 'b-spring', campaign: 'spring', cap: 5_000, shards: 4, operator: OPS, now: t0 });
    cloud.engine.insertMany('campaigns', CAMPAIGNS.map((c) => ({ ...c, window: { from: null, to: null }, rule: {}, caps: [], version: 1, draft: null, createdAt: t0, updatedAt: t0 })));
    // A product and a batch whose codes the closed days' claims name (as the codes module writes them).
    cloud.engine.insertMany('products', [{ _id: 'tea', name: '高山云雾', image: '', spec: '250g', origin: '安吉', basePoints: 20, createdAt: t0 }]);
    cloud.engine.insertMany('codeBatches', [{ _id: 'OLD', product: 'tea', campaign: 'spring', batchNo: 'AJ-01', productionDate: '2026-01-01', size: 100, generated: 100, keyId: 'k', status: 'active', regions: [], createdAt: t0, createdBy: OPS }]);

    let n = 0;
    const credits: string[] = [];
    const spends: string[] = [];
    const scanStats = new Map<string, { queries: number; prov: Record<string, number> }>();
    for (const day of [...days, today]) {
      const start = +shanghaiDayStart(day);
      const end = day === today ? Date.now() - 1000 : start + DAY - 60_000;
      await runExpiry(day, new Date(start), 60_000);
      const times = Array.from({ length: int(20, 35) }, () => start + Math.floor(rng() * (end - start))).sort((a, b) => a - b);
      for (const t of times) {
        const now = new Date(t);
        const m = pick(members);
        const key = `d${n++}`;
        const roll = rng();
        try {
          if (roll < 0.2 && day !== today) {
            // A scan claim of the old batch (today's claims go through codes.scan below).
            const code = `OLDCODE${n}`;
            const province = pick(['33', '44', '']);
            const amount = 20;
            await ledger.credit({ member: m, amount, key: `scan:${code}`, source: { kind: 'scan', ref: code }, campaign: 'spring', budget: 'b-spring', expiry: { kind: 'rolling', days: 2 }, now });
            cloud.engine.insertMany('codes', [{ _id: code, batch: 'OLD', seq: n, claimedBy: m, claimedAt: now, points: amount, scans: 1, claimProvince: province }]);
            credits.push(`scan:${code}`);
          } else if (roll < 0.45) {
            const c = pick(CAMPAIGNS);
            const kind = c.kind === 'scan' ? 'task' : pick(['signin', 'task', 'order', 'game', 'manual']);
            await ledger.credit({ member: m, amount: int(5, 200), key, source: { kind, ref: key }, campaign: c._id, ...(c.budget ? { budget: c.budget } : {}), expiry: { kind: 'rolling', days: int(1, 3) }, now });
            credits.push(key);
          } else if (roll < 0.65) {
            await ledger.debit({ member: m, amount: int(1, 120), key, source: { kind: pick(['mall', 'mall', 'checkout', 'game']), ref: key }, now });
            spends.push(key);
          } else if (roll < 0.72 && (spends.length || credits.length)) {
            const list = rng() < 0.5 && spends.length ? spends : credits.length ? credits : spends;
            const target = list.splice(int(0, list.length - 1), 1)[0];
            const owner = (await ledger.readEntry(target))?.source.kind as Parameters<typeof ledger.reverse>[1]['owner'];
            await ledger.reverse(target, { reason: '撤销', operator: OPS, now, owner });
          } else if (roll < 0.78) {
            await ledger.penalty({ member: m, amount: int(1, 60), key, reason: '违规', operator: OPS, now });
          } else if (roll < 0.85) {
            await ledger.adjust({ member: m, delta: rng() < 0.5 ? int(1, 50) : -int(1, 50), key, reason: '补偿', operator: OPS, now });
          } else if (day !== today) {
            // Scans that claimed nothing, as codes.scan counts them.
            const prov = pick(['33', '44', 'none']);
            const s = scanStats.get(day) ?? { queries: 0, prov: {} };
            s.queries++;
            s.prov[prov] = (s.prov[prov] ?? 0) + 1;
            scanStats.set(day, s);
          }
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (!['INSUFFICIENT_POINTS', 'NOT_REVERSIBLE', 'BUDGET_EXHAUSTED'].includes(code ?? '')) throw e;
        }
      }
      if (day !== today) {
        const s = scanStats.get(day);
        if (s) cloud.engine.insertMany('scanStats', [{ _id: `OLD:${day}`, batch: 'OLD', day, ...s }]);
        // The next morning's roll-up.
        const r = await runLedgerRollup(new Date(+shanghaiDayStart(day) + DAY + 600_000), 3_600_000, { pageSize: int(3, 9) });
        expect(r.status).toBe('done');
      }
    }

    // Today through the real scan: a batch of 6 codes, claims and repeats in two provinces.
    await ok('codes', { action: 'upsertProduct', id: 'wine', name: '黄酒', image: 'https://img.example/w.png', spec: '500ml', origin: '绍兴', basePoints: 15 });
    await ok('codes', { action: 'createBatch', id: 'NEW', product: 'wine', batchNo: 'SX-02', productionDate: '2026-11-01', size: 6 });
    let p;
    do p = await ok('codes', { action: 'generate', batch: 'NEW' }); while (p.status === 'generating');
    await ok('codes', { action: 'activate', batch: 'NEW' });
    const codes = (cloud.engine.dump('codes') as any[]).filter((c) => c.batch === 'NEW').map((c) => c._id as string);
    for (const [i, code] of codes.entries()) {
      const loc = i % 2 ? GUANGZHOU : HANGZHOU;
      await ok('codes', { action: 'scan', code, location: loc }, members[i % members.length]);
      if (i < 3) await ok('codes', { action: 'scan', code, location: HANGZHOU }, members[(i + 1) % members.length]);
    }
    entries = cloud.engine.dump('ledger') as Entry[];
    const r = await cloud.callCounted('admin', { action: 'dashboard' }, OPS);
    expect(r.reply.ok).toBe(true);
    dash = r.reply.data;
  });

  const dayOf = (e: Entry) => shanghaiDay(new Date(e.createdAt));
  const isCredit = (e: Entry) => e.type === 'earn' || (e.type === 'adjust' && e.delta > 0);
  /** The all-campaigns figures of entries on days in `keep`, straight from the entries. */
  function figures(keep: (day: string) => boolean) {
    const f = { issued: 0, spent: 0, expired: 0, reversed: 0, penalized: 0, redemptions: 0, active: new Set<string>(), sources: new Map<string, number>(), uses: new Map<string, number>() };
    for (const e of entries) {
      if (!keep(dayOf(e))) continue;
      const sum = (l?: { amount: number }[]) => (l ?? []).reduce((s, t) => s + t.amount, 0);
      if (isCredit(e)) {
        f.issued += e.amount;
        f.active.add(e.member);
        f.sources.set(e.source.kind, (f.sources.get(e.source.kind) ?? 0) + e.amount);
      } else if (e.type === 'spend' || e.type === 'adjust') {
        f.spent += sum(e.lots);
        f.active.add(e.member);
        f.uses.set(e.source.kind, (f.uses.get(e.source.kind) ?? 0) + sum(e.lots));
        if (e.type === 'spend' && e.source.kind === 'mall') f.redemptions++;
      } else if (e.type === 'expire') f.expired += sum(e.lots);
      else if (e.type === 'penalty') f.penalized += sum(e.lots);
      else if (e.type === 'release') f.expired += sum(e.expiredLots);
      else if (e.type === 'reverse' && e.delta < 0) f.reversed += sum(e.lots);
      else if (e.type === 'reverse') {
        f.spent -= sum(e.lots);
        f.uses.set(e.source.kind, (f.uses.get(e.source.kind) ?? 0) - sum(e.lots));
        f.expired += sum(e.expiredLots);
      }
    }
    return f;
  }
  const group = (m: Map<string, number>, kinds: string[]) => kinds.reduce((s, k) => s + (m.get(k) ?? 0), 0);

  test.each([
    ['today', (d: string) => d === today],
    ['d7', (d: string) => d >= days[0] && d <= yesterday],
    ['d30', (d: string) => d >= days[0] && d <= yesterday],
  ] as const)('period %s: issued, spent, expired, reversed, active members, redemptions, sources and uses', (key, keep) => {
    const p = dash.periods.find((x: any) => x.key === key);
    const f = figures(keep);
    expect(dash.closedThrough).toBe(yesterday);
    expect({ issued: p.issued, spent: p.spent, expired: p.expired, reversed: p.reversed, penalized: p.penalized, redemptions: p.redemptions, active: p.active }).toEqual({
      issued: f.issued, spent: f.spent, expired: f.expired, reversed: f.reversed, penalized: f.penalized, redemptions: f.redemptions, active: f.active.size,
    });
    const src = Object.fromEntries(p.sources.map((s: any) => [s.key, s.points]));
    expect(src).toEqual({
      scan: group(f.sources, ['scan']), signin: group(f.sources, ['signin']), task: group(f.sources, ['task']), order: group(f.sources, ['order']),
      game: group(f.sources, ['game']), manual: group(f.sources, ['manual', 'ops']), other: f.issued - group(f.sources, ['scan', 'signin', 'task', 'order', 'game', 'manual', 'ops']),
    });
    const uses = Object.fromEntries(p.uses.map((s: any) => [s.key, s.points]));
    expect(uses).toEqual({ mall: group(f.uses, ['mall']), checkout: group(f.uses, ['checkout']), game: group(f.uses, ['game']), other: f.spent - group(f.uses, ['mall', 'checkout', 'game']), expired: f.expired });
    for (const s of [...p.sources, ...p.uses]) expect(s.label).toMatch(/^[\u4e00-\u9fa5]+$/);
  });

  test('scans and claims by province, batch and product equal the codes and the scan counts', () => {
    const codes = cloud.engine.dump('codes') as any[];
    const stats = cloud.engine.dump('scanStats') as any[];
    for (const key of ['today', 'd7'] as const) {
      const keep = key === 'today' ? (d: string) => d === today : (d: string) => d >= days[0] && d <= yesterday;
      const claimed = codes.filter((c) => c.claimedAt && keep(shanghaiDay(c.claimedAt)));
      const counted = stats.filter((s) => keep(s.day));
      const queries = counted.reduce((s, x) => s + x.queries, 0);
      const p = dash.periods.find((x: any) => x.key === key);
      expect({ scans: p.scans, claims: p.claims }).toEqual({ scans: claimed.length + queries, claims: claimed.length });
      const byProvince = new Map<string, number>();
      const add = (prov: string, n: number) => byProvince.set(prov || 'none', (byProvince.get(prov || 'none') ?? 0) + n);
      for (const c of claimed) add(c.claimProvince ?? '', 1);
      for (const s of counted) for (const [prov, n] of Object.entries(s.prov ?? {})) add(prov, n as number);
      expect(Object.fromEntries(p.provinceScans.map((v: any) => [v.province, v.scans]))).toEqual(Object.fromEntries(byProvince));
      const names = Object.fromEntries(p.provinceScans.map((v: any) => [v.province, v.name]));
      if (names['33']) expect(names['33']).toBe('浙江省');
      if (names.none) expect(names.none).toBe('未知地区');
      const batch = key === 'today' ? 'NEW' : 'OLD';
      const top = p.top.batches.find((b: any) => b.id === batch);
      expect(top).toMatchObject({ scans: p.scans, claims: p.claims, name: key === 'today' ? '黄酒 · SX-02' : '高山云雾 · AJ-01' });
      expect(p.top.products[0]).toMatchObject({ name: key === 'today' ? '黄酒' : '高山云雾', scans: p.scans });
    }
    // Today's real scans: 6 claims (3 in Hangzhou, 3 in Guangzhou) and 3 repeats in Hangzhou.
    const t = dash.periods.find((x: any) => x.key === 'today');
    expect(t.provinceScans).toEqual([
      { province: '33', name: '浙江省', scans: 6, claims: 3 },
      { province: '44', name: '广东省', scans: 3, claims: 3 },
    ]);
  });

  test("campaigns: A, B, C, D, outstanding and liability from the roll-ups equal the ledger and the accounts; readings in words", async () => {
    const accounts = cloud.engine.dump('accounts') as Account[];
    const byId = new Map(entries.map((e) => [e._id, e]));
    // The dashboard and points.metrics agree on every campaign.
    const ms: any = {};
    for (const c of CAMPAIGNS) ms[c._id] = (await cloud.call('points', { action: 'metrics', campaign: c._id, ...(c.budget ? { budget: c.budget } : {}) }, OPS)).data;
    for (const c of CAMPAIGNS) {
      const row = dash.campaigns.find((x: any) => x.campaign === c._id);
      const mine = entries.filter((e) => isCredit(e) && e.campaign === c._id);
      const issued = mine.reduce((s, e) => s + e.amount, 0);
      let spent = 0;
      for (const e of entries)
        if ((e.type === 'spend' || e.type === 'adjust') && e.delta < 0) spent += e.lots.filter((t) => byId.get(t.lotId.replace(/^lot:/, ''))?.campaign === c._id).reduce((s, t) => s + t.amount, 0);
        else if (e.type === 'reverse' && e.delta >= 0) spent -= e.lots.filter((t) => byId.get(t.lotId.replace(/^lot:/, ''))?.campaign === c._id).reduce((s, t) => s + t.amount, 0);
      let outstanding = 0;
      let fen = 0;
      const perRate = new Map<number, number>();
      for (const a of accounts) for (const l of unpackLots((a.lots ?? []) as unknown as StoredLot[])) if (l.campaign === c._id) perRate.set(l.rate, (perRate.get(l.rate) ?? 0) + l.remaining);
      for (const [rate, pts] of perRate) {
        outstanding += pts;
        fen += Math.floor((pts * 100) / rate);
      }
      expect({ issued: row.issued, spent: row.spent, outstanding: row.outstanding, liabilityFen: row.liabilityFen }).toEqual({ issued, spent, outstanding, liabilityFen: fen });
      expect({ A: row.A, B: row.B, C: row.C, D: row.D, outstanding: row.outstanding, liabilityFen: row.liabilityFen }).toEqual({ A: ms[c._id].A, B: ms[c._id].B, C: ms[c._id].C, D: ms[c._id].D, outstanding: ms[c._id].outstanding, liabilityFen: ms[c._id].liabilityFen });
      expect(row.C).toBeCloseTo(issued ? spent / issued : 0, 10);
      expect(row.name).toBe(c.name);
      expect(row.statusLabel).toBe(c.status === 'ended' ? '已结束' : '进行中');
      expect(row.readings.length).toBeGreaterThan(1);
      for (const r of row.readings) expect(r).toMatch(/[\u4e00-\u9fa5]/);
      if (c.budget) {
        expect(row.A).toBe(5_000);
        expect(row.B).toBe(entries.filter((e) => e.type === 'earn' && e.campaign === c._id).reduce((s, e) => s + e.amount, 0));
        const burn = entries.filter((e) => e.type === 'earn' && e.campaign === c._id && dayOf(e) >= days[0] && dayOf(e) <= yesterday).reduce((s, e) => s + e.amount, 0) / 7;
        expect(row.burnPerDay).toBeCloseTo(burn, 10);
        expect(row.daysToA).toBe(row.B >= 5000 ? 0 : burn ? Math.ceil((5000 - row.B) / burn) : null);
        if (row.daysToA) expect(row.readings.join()).toContain(row.daysToA > 365 ? '一年内不会达到 A' : `约 ${row.daysToA} 天后达到 A`);
      } else {
        expect(row.A).toBeNull();
        expect(row.readings[0]).toBe('未设预算（无 A）：发放没有上限，请关注负债');
      }
    }
    // All campaigns: points in lots now.
    const all = accounts.flatMap((a) => unpackLots((a.lots ?? []) as unknown as StoredLot[])).reduce((s, l) => s + l.remaining, 0);
    expect(dash.outstanding).toBe(all);
  });

  test('daily series: each closed day from its roll-up, today live', () => {
    for (const day of days) {
      const f = figures((d) => d === day);
      const row = dash.daily.find((r: any) => r.day === day);
      expect({ issued: row.issued, spent: row.spent, expired: row.expired, reversed: row.reversed, active: row.active }).toEqual({ issued: f.issued, spent: f.spent, expired: f.expired, reversed: f.reversed, active: f.active.size });
    }
    expect(dash.daily).toHaveLength(31);
    expect(dash.daily[30]).toMatchObject({ day: today, live: true, outstanding: dash.outstanding });
  });

  test('requests: a fixed number, none of them reading accounts', async () => {
    const before = cloud.engine.stats.collections.accounts?.docsExamined ?? 0;
    const scans = cloud.engine.stats.collectionScans;
    // This file's seam sends every request (the function's too) through engine.send: count them there.
    let requests = 0;
    const send = cloud.engine.send.bind(cloud.engine);
    cloud.engine.send = (action: string, params?: Record<string, any>) => (requests++, send(action, params));
    const r = await cloud.call('admin', { action: 'dashboard' }, OPS);
    cloud.engine.send = send;
    expect(r.ok).toBe(true);
    expect(requests).toBe(14); // as docs/api.md says
    expect((cloud.engine.stats.collections.accounts?.docsExamined ?? 0) - before).toBe(0);
    expect(cloud.engine.stats.collectionScans - scans).toBe(0);
  });

  test('CSV: Chinese headers, Shanghai export time, the same figures', async () => {
    const r = await ok('admin', { action: 'exportDashboard' });
    expect(r.filename).toBe(`积分数据看板-${today}.csv`);
    const lines = r.csv.replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('积分数据看板');
    expect(lines[1]).toMatch(/^导出时间（北京时间）,\d{4}-\d\d-\d\d \d\d:\d\d$/);
    const shanghaiNow = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(lines[1]).toContain(shanghaiNow);
    const issuedRow = lines.find((l: string) => l.startsWith('发放积分,'))!;
    const [t, d7, d30] = dash.periods.map((p: any) => p.issued);
    expect(issuedRow).toBe(`发放积分,${t},${d7},${d30}`);
    expect(lines).toContain('活动,状态,A 最大可发,B 已发,C 兑换率,D 使用率,未兑换积分,负债（元）,近7天日均发放,预计几天后达到 A,解读');
    expect(lines.some((l: string) => l.startsWith('春季扫码,进行中,5000,'))).toBe(true);
    expect(r.csv).not.toMatch(/undefined|null|NaN/);
  });

  test('members are refused (FORBIDDEN); unknown fields are BAD_REQUEST', async () => {
    expect(await cloud.call('admin', { action: 'dashboard' }, 'oDash0')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('admin', { action: 'exportDashboard' }, 'oDash0')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await cloud.call('admin', { action: 'dashboard', period: 'x' }, OPS)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});
