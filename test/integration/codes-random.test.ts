// A seeded randomized run: many members scanning valid, forged, never-issued, duplicate and void
// codes concurrently. Afterwards: each code credited at most once, total credited = Σ claimed
// codes × their points, the budget never passed, the daily cap held, void codes never claimed, red
// packets only with their claims and within their budget.
// Reproduce a failure with CODES_SEED=<seed> npx jest test/integration/codes-random
import { createTestCloud, makeOperator } from '../helpers/cloud';
import { ALPHABET, envKeys, makeCodes } from '../../cloudfunctions/common/codes/format';
import { seededRandom } from '../helpers/random';
import { shanghaiDay } from '../../cloudfunctions/common/time';

const SEED = Number(process.env.CODES_SEED ?? Math.floor(Math.random() * 2 ** 31));


test(`seeded randomized scanning (seed ${SEED})`, async () => {
  const random = seededRandom(SEED);
  const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const cloud = createTestCloud();
  const ops = 'oOps';
  makeOperator(cloud, ops);
  const call = async (data: Record<string, unknown>) => {
    const r = await cloud.call('codes', data, ops);
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.data;
  };
  const CAP = 700;
  const DAILY_CAP = 90;
  expect((await cloud.call('points', { action: 'createBudget', id: 'rb', campaign: 'rc', cap: CAP, shards: 4 }, ops)).ok).toBe(true);
  await call({ action: 'upsertProduct', id: 'tea', name: '茶', basePoints: 20 });
  await call({ action: 'upsertProduct', id: 'cup', name: '杯', basePoints: 35 });
  const PACKETS_FEN = 1_000;
  await call({
    action: 'upsertCampaign', id: 'rc', name: 'random', budget: 'rb', dailyCap: DAILY_CAP, pointsByProduct: { cup: 30 },
    redPacket: { probability: 0.5, amountFen: 100, dailyBudgetFen: 100_000, totalBudgetFen: PACKETS_FEN },
  });
  const batches: Record<string, string[]> = {};
  for (const [id, product, size] of [['RA', 'tea', 40], ['RB', 'cup', 30], ['RV', 'tea', 10]] as const) {
    await call({ action: 'createBatch', id, product, campaign: 'rc', batchNo: id, productionDate: '2026-11-01', size });
    while ((await call({ action: 'generate', batch: id })).status === 'generating');
    await call({ action: 'activate', batch: id });
    batches[id] = cloud.engine.dump('codes').filter((c: any) => c.batch === id).map((c: any) => c._id);
  }
  await call({ action: 'void', batch: 'RV' });
  const valid = [...batches.RA, ...batches.RB];
  const forged = valid.slice(0, 10).map((c) => c.slice(0, 19) + ALPHABET[(ALPHABET.indexOf(c[19]) + 1) % 32]);
  const neverIssued = makeCodes(envKeys(), 5);

  const members = Array.from({ length: 24 }, (_, i) => `oR${i}`);
  for (const m of members) await cloud.call('user', { action: 'login' }, m);

  const outcomes: Record<string, number> = {};
  const started = new Date();
  const ops_ = Array.from({ length: 500 }, () => {
    const r = random();
    const code = r < 0.6 ? pick(valid) : r < 0.75 ? pick(batches.RV) : r < 0.88 ? pick(forged) : r < 0.95 ? pick(neverIssued) : pick(['', 'nonsense', pick(valid).toLowerCase()]);
    return { member: pick(members), code };
  });
  for (let i = 0; i < ops_.length; i += 32) {
    const wave = ops_.slice(i, i + 32);
    const replies = await Promise.all(wave.map((o) => cloud.call('codes', { action: 'scan', code: o.code }, o.member)));
    for (const r of replies) {
      const key = r.ok ? r.data.outcome : r.code;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect(r.ok || ['CODE_FORGED', 'CODE_UNKNOWN', 'CODE_VOID', 'CODE_EMPTY', 'CODE_MALFORMED', 'SCAN_LOCKED', 'RATE_LIMITED', 'BUDGET_EXHAUSTED'].includes(r.code)).toBe(true);
    }
  }

  const codes = cloud.engine.dump('codes') as any[];
  const scanEntries = (cloud.engine.dump('ledger') as any[]).filter((e) => e.source?.kind === 'scan');
  const entriesByCode = new Map<string, any[]>();
  for (const e of scanEntries) entriesByCode.set(e.source.ref, [...(entriesByCode.get(e.source.ref) ?? []), e]);
  let claimedPoints = 0;
  for (const c of codes) {
    const entries = entriesByCode.get(c._id) ?? [];
    expect(entries.length).toBeLessThanOrEqual(1);
    if (c.claimedBy) {
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ _id: `scan:${c._id}`, member: c.claimedBy, amount: c.points });
      claimedPoints += c.points;
    } else expect(entries).toHaveLength(0);
    if (c.batch === 'RV') expect(c.claimedBy).toBe('');
  }
  const credited = scanEntries.reduce((s, e) => s + e.amount, 0);
  expect(credited).toBe(claimedPoints);
  const issued = (cloud.engine.dump('counterShards') as any[]).filter((x) => x.counter.startsWith('budget:')).reduce((s, x) => s + x.cap - x.left, 0);
  expect(issued).toBe(credited);
  expect(issued).toBeLessThanOrEqual(CAP);
  const oneDay = shanghaiDay(started) === shanghaiDay(new Date());
  for (const m of members) {
    const account = (cloud.engine.dump('accounts') as any[]).find((a) => a._id === m);
    const earned = scanEntries.filter((e) => e.member === m).reduce((s, e) => s + e.amount, 0);
    expect(account.balance).toBe(earned);
    // The daily cap, kept in the account's counters under the campaign, held; within one Shanghai
    // day it is all they earned.
    const today = account.counters?.rc?.d;
    expect(today?.[1] ?? 0).toBeLessThanOrEqual(DAILY_CAP);
    if (oneDay) expect(today?.[1] ?? 0).toBe(earned);
  }
  // Red packets: only with a claim, by its claimant, one per code; never past the budget, and the
  // budget counter took exactly what the payouts hold.
  const payouts = cloud.engine.dump('payouts') as any[];
  const byId = new Map(codes.map((c) => [c._id, c]));
  for (const p of payouts) expect(byId.get(p.code)?.claimedBy).toBe(p.member);
  const paid = payouts.reduce((s, p) => s + p.amountFen, 0);
  expect(payouts.length).toBeGreaterThan(0);
  expect(paid).toBeLessThanOrEqual(PACKETS_FEN);
  const taken = (cloud.engine.dump('counterShards') as any[]).filter((x) => x.counter === 'rp:rc').reduce((s, x) => s + x.cap - x.left, 0);
  expect(taken).toBe(paid);
  expect(outcomes.earned ?? 0).toBeGreaterThan(0);
  expect((outcomes.CODE_FORGED ?? 0) + (outcomes.SCAN_LOCKED ?? 0)).toBeGreaterThan(0);
});
