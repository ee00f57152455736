// Cash red packets: awarded on first scans within daily and total budgets, one payout per code,
// sent through the simulated provider; failures are retried by the codes timer until a final
// failed state operators can see.
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import { allTriggers, fireTrigger } from '../../local/runtime/timers';
import { callStorage } from '../../local/runtime/identity';
import { drawWins, MAX_ATTEMPTS, retryDelayMs } from '../../cloudfunctions/common/codes/redpackets';

const OPS = 'oOps';
const timer = () => allTriggers().find((t) => t.functionName === 'codes' && t.name === 'payouts')!;

async function setUp(rule: Record<string, number>, size = 6): Promise<{ cloud: TestCloud; codes: string[] }> {
  const cloud = createTestCloud();
  makeOperator(cloud, OPS);
  const ok = async (data: Record<string, unknown>) => {
    const r = await cloud.call('codes', data, OPS);
    if (!r.ok) throw new Error(JSON.stringify(r));
    return r.data;
  };
  await ok({ action: 'upsertProduct', id: 'tea', name: '茶', basePoints: 10 });
  await ok({ action: 'upsertCampaign', id: 'rp', name: '红包', redPacket: rule });
  await ok({ action: 'createBatch', id: 'R', product: 'tea', campaign: 'rp', batchNo: 'R', productionDate: '2026-11-01', size });
  while ((await ok({ action: 'generate', batch: 'R' })).status === 'generating');
  await ok({ action: 'activate', batch: 'R' });
  for (let i = 0; i < size; i++) await cloud.call('user', { action: 'login' }, `oM${i}`);
  return { cloud, codes: cloud.engine.dump('codes').sort((a: any, b: any) => a.seq - b.seq).map((c: any) => c._id) };
}

test('pure rules: draw, backoff', () => {
  const rule = { probability: 0.3, amountFen: 100, dailyBudgetFen: 250, totalBudgetFen: 1000 };
  expect(drawWins(rule, 0.29)).toBe(true);
  expect(drawWins(rule, 0.3)).toBe(false);
  expect(drawWins({ ...rule, probability: 0 }, 0)).toBe(false);
  expect([1, 2, 3].map(retryDelayMs)).toEqual([30_000, 120_000, 480_000]);
});

test('awards within the daily budget, one payout per code, paid by the simulated provider', async () => {
  const { cloud, codes } = await setUp({ probability: 1, amountFen: 88, dailyBudgetFen: 200, totalBudgetFen: 1000 });
  const replies = [];
  for (let i = 0; i < 4; i++) replies.push(await cloud.call('codes', { action: 'scan', code: codes[i] }, `oM${i}`));
  expect(replies.map((r) => r.data.redPacket)).toEqual([{ amountFen: 88, status: 'paid' }, { amountFen: 88, status: 'paid' }, null, null]);
  // A repeat scan awards nothing more.
  await cloud.call('codes', { action: 'scan', code: codes[0] }, 'oM0');
  expect(cloud.engine.dump('payouts')).toHaveLength(2);
  expect(cloud.engine.dump('payoutSimulator')).toHaveLength(2);
  const list = (await cloud.call('codes', { action: 'payouts' }, OPS)).data;
  expect(list).toMatchObject({ provider: 'simulated', totals: [{ status: 'paid', count: 2, fen: 176 }] });
});

test('a failing provider is retried by the timer; past the limit the payout is failed', async () => {
  const { cloud, codes } = await setUp({ probability: 1, amountFen: 50, dailyBudgetFen: 10_000, totalBudgetFen: 10_000 });
  expect((await cloud.call('codes', { action: 'simulatePayoutFailures', count: 2 }, OPS)).ok).toBe(true);
  const first = await cloud.call('codes', { action: 'scan', code: codes[0] }, 'oM0');
  expect(first.data.redPacket).toEqual({ amountFen: 50, status: 'retry' });
  // Not due yet: nothing happens.
  expect((await fireTrigger(cloud.runner, timer(), new Date())).result).toMatchObject({ ok: true, data: { attempted: 0 } });
  let at = Date.now() + 31_000;
  expect((await fireTrigger(cloud.runner, timer(), new Date(at))).result).toMatchObject({ ok: true, data: { attempted: 1, retry: 1 } });
  at += 121_000;
  expect((await fireTrigger(cloud.runner, timer(), new Date(at))).result).toMatchObject({ ok: true, data: { attempted: 1, paid: 1 } });
  expect(cloud.engine.dump('payouts')).toEqual([expect.objectContaining({ status: 'paid', attempts: 3 })]);
  expect(cloud.engine.dump('payoutSimulator')).toHaveLength(1);

  await cloud.call('codes', { action: 'simulatePayoutFailures', count: 100 }, OPS);
  await cloud.call('codes', { action: 'scan', code: codes[1] }, 'oM1');
  for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
    at += 3 * 3600_000;
    await fireTrigger(cloud.runner, timer(), new Date(at));
  }
  // The same timer removed the rate-limit counters of long-past windows.
  expect(cloud.engine.dump('rateLimits')).toHaveLength(0);
  const failed = cloud.engine.dump('payouts').find((p: any) => p._id === `payout:${codes[1]}`) as any;
  expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, lastError: 'simulated provider failure' });
  const list = (await cloud.call('codes', { action: 'payouts', status: 'failed' }, OPS)).data;
  expect(list.items).toHaveLength(1);
  expect(await cloud.call('codes', { action: 'payouts' }, 'oM1')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
});

test('concurrent first scans never pass the total budget', async () => {
  const { cloud, codes } = await setUp({ probability: 1, amountFen: 100, dailyBudgetFen: 100_000, totalBudgetFen: 300 }, 12);
  await Promise.all(codes.map((c, i) => cloud.call('codes', { action: 'scan', code: c }, `oM${i}`)));
  const paid = cloud.engine.dump('payouts') as any[];
  expect(paid).toHaveLength(3);
  expect(paid.reduce((s, p) => s + p.amountFen, 0)).toBe(300);
});

test('issue 9 §3: a won packet is recorded with the claim: the process dying right after the claim commits loses nothing, the timer pays it', async () => {
  const { cloud, codes } = await setUp({ probability: 1, amountFen: 66, dailyBudgetFen: 10_000, totalBudgetFen: 10_000 }, 2);
  // The codes function's process dies at its first request after the claim's transaction commits.
  const send = cloud.engine.send.bind(cloud.engine);
  let committed = false;
  let died = false;
  cloud.engine.send = (async (action: string, params: Record<string, any>) => {
    const call = callStorage.getStore();
    if (call?.functionName === 'codes' && committed && !died) {
      died = true;
      throw new Error('injected crash: the function process died');
    }
    const r = await send(action, params);
    if (call?.functionName === 'codes' && action === 'database.commitTransaction') committed = cloud.engine.dump('ledger').some((e: any) => e._id === `scan:${codes[0]}`);
    return r;
  }) as typeof cloud.engine.send;
  const reply = await cloud.call('codes', { action: 'scan', code: codes[0] }, 'oM0');
  expect(died).toBe(true);
  expect(reply).toMatchObject({ ok: false });
  cloud.engine.send = send as typeof cloud.engine.send;
  // The points and the packet committed together.
  expect(cloud.engine.dump('ledger').filter((e: any) => e._id === `scan:${codes[0]}`)).toHaveLength(1);
  expect(cloud.engine.dump('payouts')).toEqual([expect.objectContaining({ _id: `payout:${codes[0]}`, member: 'oM0', amountFen: 66, status: 'pending' })]);
  expect((await fireTrigger(cloud.runner, timer(), new Date(Date.now() + 1000))).result).toMatchObject({ ok: true, data: { attempted: 1, paid: 1 } });
  expect(cloud.engine.dump('payoutSimulator')).toEqual([expect.objectContaining({ member: 'oM0', amountFen: 66 })]);
  // The member's retry answers the claim; no second packet.
  expect(await cloud.call('codes', { action: 'scan', code: codes[0] }, 'oM0')).toMatchObject({ ok: true, data: { outcome: 'earned', points: 10 } });
  expect(cloud.engine.dump('payouts')).toHaveLength(1);
});

test('issue 9 §3: a claim that conflicts and is retried still pays exactly one packet; a spent budget pays none but the points', async () => {
  const { cloud, codes } = await setUp({ probability: 1, amountFen: 100, dailyBudgetFen: 100_000, totalBudgetFen: 100 }, 4);
  // Four members scanning at once contend on the shard of the budget: the transactions conflict and retry.
  const replies = await Promise.all(codes.map((c, i) => cloud.call('codes', { action: 'scan', code: c }, `oM${i}`)));
  expect(replies.every((r) => r.ok && r.data.outcome === 'earned')).toBe(true);
  expect(replies.filter((r) => r.data.redPacket)).toHaveLength(1);
  expect(cloud.engine.dump('payouts')).toHaveLength(1);
  const shards = cloud.engine.dump('counterShards').filter((s: any) => s.counter === 'rp:rp') as any[];
  expect(shards.reduce((s, x) => s + x.cap - x.left, 0)).toBe(100);
});
