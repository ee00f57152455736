// The real cloud's latency (issue 9 §6): the scan, redeem and flash-sale scenarios again, with every
// database request answered 10 ms after it is sent (engine.latencyMs), as on WeChat Cloud where a
// request costs milliseconds and a transaction holds its locks for all of them. Set-up runs at 0 ms.
// - cloud_model_scan_p99_ms: first scans of distinct codes, 64 concurrent members, each call timed.
// - cloud_model_redeem_p99_ms: redemptions of a stocked item (8 shards), 100 concurrent members.
// - cloud_model_flash_p99_ms: 500 members racing one flash-sale item (100 units, limit 1) at once.
// - cloud_model_conflict_answers: replies with code CONFLICT to members over all three (goal 0).
// Reuses bench/codes.ts (openCloud, batchOf, ip) and bench/mall.ts (openMall, item, ADDRESS, OPS).
import { batchOf, ip, openCloud } from './codes';
import { ADDRESS, OPS, item, openMall } from './mall';
import { buildCloudFunctions } from '../scripts/build-cloud';

const LATENCY_MS = 10;

const p99 = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return Math.round(s[Math.max(0, Math.ceil(s.length * 0.99) - 1)] ?? 0);
};

type Reply = { ok: boolean; code?: string };

/** Runs `n` jobs over `workers` concurrent clients; returns each job's latency and reply. */
async function timed(n: number, workers: number, job: (i: number) => Promise<{ result: unknown }>): Promise<{ ms: number[]; replies: Reply[] }> {
  const ms: number[] = [];
  const replies: Reply[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        const { result } = await job(i);
        ms.push(performance.now() - t);
        replies.push(result as Reply);
      }
    }),
  );
  return { ms, replies };
}

const conflicts = (replies: Reply[]) => replies.filter((r) => !r.ok && r.code === 'CONFLICT').length;

export async function benchCloudModel(opts: { quick: boolean }): Promise<Record<string, number>> {
  await buildCloudFunctions(['codes', 'user', 'points', 'mall']);
  let conflictAnswers = 0;
  const out: Record<string, number> = {};

  // Scans: a batch, members logged in (0 ms), then first scans at 10 ms per request.
  {
    const scans = opts.quick ? 300 : 2_000;
    const members = Math.min(scans, 500);
    const { engine, runner } = openCloud();
    await batchOf(async (data) => {
      const r = (await runner.callAsMember('codes', data, OPS)).result as { ok: boolean; data: any };
      if (!r.ok) throw new Error(`codes.${data.action}: ${JSON.stringify(r)}`);
      return r.data;
    }, 'cm', scans + 100);
    for (let i = 0; i < members; i++) await runner.callAsMember('user', { action: 'login' }, `oCm${i}`);
    const codes = (engine.dump('codes') as { _id: string }[]).slice(0, scans).map((c) => c._id);
    engine.latencyMs = LATENCY_MS;
    const r = await timed(scans, 64, (i) => runner.callAsMember('codes', { action: 'scan', code: codes[i] }, `oCm${i % members}`, { CLIENTIP: ip(i % members) }));
    const failed = r.replies.filter((x) => !x.ok);
    if (failed.length) console.warn(`cloud model: ${failed.length} scans failed, e.g. ${JSON.stringify(failed[0])}`);
    out.cloud_model_scan_p99_ms = p99(r.ms);
    out.cloud_model_scan_failures = failed.length;
    conflictAnswers += conflicts(r.replies);
    engine.close();
  }

  // Redemptions and the flash sale: 500 members with points (0 ms), then 10 ms per request.
  {
    const racers = 500;
    const { engine, runner, member, ok } = await openMall(racers);
    ok(await runner.callAsMember('mall', item({ id: 'cm-hot', stock: 100_000, shards: 8 }), OPS));
    ok(await runner.callAsMember('mall', item({ id: 'cm-flash', stock: 100, shards: 8, perMemberLimit: 1, flashSale: true }), OPS));
    engine.latencyMs = LATENCY_MS;
    const redeems = opts.quick ? 200 : 1_000;
    const r = await timed(redeems, 100, (i) =>
      runner.callAsMember('mall', { action: 'redeem', item: 'cm-hot', quantity: 1, clientKey: `cloud-model-${i}`, address: ADDRESS }, member(i % racers)),
    );
    out.cloud_model_redeem_p99_ms = p99(r.ms);
    out.cloud_model_redeem_failures = r.replies.filter((x) => !x.ok).length;
    if (out.cloud_model_redeem_failures) console.warn(`cloud model: redeem failed, e.g. ${JSON.stringify(r.replies.find((x) => !x.ok))}`);
    conflictAnswers += conflicts(r.replies);
    const f = await timed(racers, racers, (i) =>
      runner.callAsMember('mall', { action: 'redeem', item: 'cm-flash', quantity: 1, clientKey: `cm-flash-${i}`, address: ADDRESS }, member(i)),
    );
    out.cloud_model_flash_p99_ms = p99(f.ms);
    out.cloud_model_flash_orders = f.replies.filter((x) => x.ok).length;
    const odd = f.replies.filter((x) => !x.ok && x.code !== 'SOLD_OUT');
    if (odd.length) console.warn(`cloud model: ${odd.length} flash answers besides ok / SOLD_OUT, e.g. ${JSON.stringify(odd[0])}`);
    conflictAnswers += conflicts(f.replies);
    engine.close();
  }
  out.cloud_model_conflict_answers = conflictAnswers;
  return out;
}

if (require.main === module) {
  benchCloudModel({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(r))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
