// One-item-one-code figures (docs/codes.md). What each measures:
// - codes_forged_reject_per_s: the verifier itself (normalise + HMAC check) on forged codes, one
//   core; codes_db_requests_per_forged counts the requests it makes (none: it never reads the DB).
//   Through the whole function a forged scan also reads and bumps the rate-limit counters; that
//   rate is reported as codes_forged_scan_invoke_per_s.
// - codes_scan_per_s: first scans of distinct codes end to end (runner → built `codes` function →
//   real SDK → engine, ledger credit included) with 64 concurrent clients, plus 20 % repeat scans of
//   already claimed codes by other members, on an engine holding a 22,000-code batch (the 1M
//   generation runs in an engine of its own); codes_double_credits = credits beyond one per code.
// - codes_db_requests_per_scan: requests of one first scan in a plain campaign (the pre-read
//   aggregate + the ledger credit with the claim in its transaction; a claim writes no counter
//   and no statistics); codes_db_requests_per_repeat_scan: of one repeat scan by another member
//   (pre-read, code, counters, statistics).
// - codes_generate_1m_s: one million codes written into the engine through the real path
//   (repeated `generate` calls, 1000-document insert requests).
// - codes_pdf_10k_s / codes_pdf_10k_mb: a 10,000-code PDF export through the function.
import fs from 'node:fs';
import path from 'node:path';
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { callStorage } from '../local/runtime/identity';
import { Runner } from '../local/runtime/runner';
import { buildCloudFunctions } from '../scripts/build-cloud';
import { envKeys, verify } from '../cloudfunctions/common/codes/format';
import { ALPHABET } from '../cloudfunctions/common/codes/format';

const OPS = 'oBenchOps';
/** One client IP per member, as phones on their own networks. */
export const ip = (m: number) => `10.${(m >> 16) & 255}.${(m >> 8) & 255}.${m & 255}`;

export function openCloud() {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  const runner = new Runner(engine);
  for (const fn of ['codes', 'user', 'points']) runner.load(fn);
  engine.insertMany('admins', [{ _id: OPS, name: 'bench', createdAt: new Date() }]);
  engine.insertMany('settings', [{ _id: 'brand', name: 'bench', domain: 'q.bench.example', createdAt: new Date() }]);
  const op = async (data: Record<string, unknown>) => {
    const { result } = await runner.callAsMember('codes', data, OPS);
    const r = result as { ok: boolean; data: any };
    if (!r.ok) throw new Error(`codes.${data.action}: ${JSON.stringify(r)}`);
    return r.data;
  };
  return { engine, runner, op };
}

export async function batchOf(op: ReturnType<typeof openCloud>['op'], id: string, size: number): Promise<number> {
  await op({ action: 'upsertProduct', id: 'p', name: 'bench', basePoints: 10 });
  await op({ action: 'upsertCampaign', id: 'c', name: 'bench' });
  await op({ action: 'createBatch', id, product: 'p', campaign: 'c', batchNo: id, productionDate: '2026-11-01', size });
  const started = performance.now();
  while ((await op({ action: 'generate', batch: id })).status === 'generating');
  const seconds = (performance.now() - started) / 1000;
  await op({ action: 'activate', batch: id });
  return seconds;
}

export async function benchCodes(opts: { quick: boolean }): Promise<Record<string, number>> {
  await buildCloudFunctions(['codes', 'user', 'points']);
  const out: Record<string, number> = {};

  // Generation: 1M codes (quick: 100k) through repeated generate calls, in an engine of its own
  // (closed afterwards, so the scan figures below are not paid for by a 1M-document heap).
  {
    const big = openCloud();
    const genSeconds = await batchOf(big.op, 'big', opts.quick ? 100_000 : 1_000_000);
    out[opts.quick ? 'codes_generate_100k_s' : 'codes_generate_1m_s'] = Math.round(genSeconds * 10) / 10;
    big.engine.close();
  }

  const scans = opts.quick ? 3_000 : 20_000;
  const { engine, runner, op } = openCloud();
  await batchOf(op, 'shelf', Math.max(scans + 2_000, 10_000));
  let started = 0;

  // Forged codes: the verifier alone.
  const keys = envKeys();
  const valid = (engine.dump('codes') as { _id: string }[]).slice(0, 1000).map((c) => c._id);
  const forged = valid.map((c) => c.slice(0, 19) + ALPHABET[(ALPHABET.indexOf(c[19]) + 1) % 32]);
  const store = { env: {}, functionName: 'bench', action: 'verify', requestId: '', dbRequests: 0, depth: 1 };
  const rejects = opts.quick ? 200_000 : 1_000_000;
  let rejected = 0;
  started = performance.now();
  callStorage.run(store, () => {
    for (let i = 0; i < rejects; i++) if (!verify(forged[i % forged.length], keys).ok) rejected++;
  });
  out.codes_forged_reject_per_s = Math.round(rejected / ((performance.now() - started) / 1000));
  out.codes_db_requests_per_forged = store.dbRequests;

  // Forged scans through the function (rate-limit counters included), spread over many members.
  const forgedScans = opts.quick ? 1_000 : 4_000;
  let next = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < forgedScans) {
        const i = next++;
        await runner.callAsMember('codes', { action: 'scan', code: forged[i % forged.length] }, `oForger${i % 2000}`);
      }
    }),
  );
  out.codes_forged_scan_invoke_per_s = Math.round(forgedScans / ((performance.now() - started) / 1000));

  // Scans end to end: members log in first; each first scan claims a distinct code.
  const members = 2_000;
  for (let i = 0; i < members; i++) await runner.callAsMember('user', { action: 'login' }, `oScan${i}`);
  // Steady state: oScan0's first claim warms the function's caches (product, campaign, exchange
  // rate); oScan1's first scan of the claimed code creates their counters and the day's statistics
  // and records their counterfeit risk event, so their second scan is the steady repeat.
  await runner.callAsMember('codes', { action: 'scan', code: valid[0] }, 'oScan0', { CLIENTIP: ip(0) });
  const first = await runner.callAsMember('codes', { action: 'scan', code: valid[1] }, 'oScan0', { CLIENTIP: ip(0) });
  await runner.callAsMember('codes', { action: 'scan', code: valid[1] }, 'oScan1', { CLIENTIP: ip(1) });
  const repeat = await runner.callAsMember('codes', { action: 'scan', code: valid[1] }, 'oScan1', { CLIENTIP: ip(1) });
  out.codes_db_requests_per_scan = first.dbRequests;
  out.codes_db_requests_per_repeat_scan = repeat.dbRequests;

  const pool = (engine.dump('codes') as { _id: string }[]).slice(1000, 1000 + scans).map((c) => c._id);
  let failures = 0;
  next = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < scans) {
        const i = next++;
        // One in five scans repeats a code claimed a while ago by another member: the counterfeit path.
        const code = i % 5 === 4 && i >= 1000 ? pool[i - 1000] : pool[i];
        const m = i % members;
        const { result } = await runner.callAsMember('codes', { action: 'scan', code }, `oScan${m}`, { CLIENTIP: ip(m) });
        if (!(result as { ok: boolean }).ok) failures++;
      }
    }),
  );
  out.codes_scan_per_s = Math.round(scans / ((performance.now() - started) / 1000));
  out.codes_scan_failures = failures;
  const entries = (engine.dump('ledger') as { _id: string; source?: { kind: string; ref: string } }[]).filter((e) => e.source?.kind === 'scan');
  const perCode = new Map<string, number>();
  for (const e of entries) perCode.set(e.source!.ref, (perCode.get(e.source!.ref) ?? 0) + 1);
  const claimed = (engine.dump('codes') as { claimedBy: string }[]).filter((c) => c.claimedBy).length;
  out.codes_double_credits = [...perCode.values()].reduce((s, n) => s + n - 1, 0) + Math.abs(entries.length - claimed);

  // PDF export of 10,000 codes.
  started = performance.now();
  const pdf = await op({ action: 'export', batch: 'shelf', format: 'pdf', from: 0, to: 9_999 });
  out.codes_pdf_10k_s = Math.round(((performance.now() - started) / 1000) * 10) / 10;
  const file = path.join(runner.filesDir, pdf.fileID.replace('cloud://local/', ''));
  out.codes_pdf_10k_mb = Math.round((fs.statSync(file).size / 1e6) * 10) / 10;
  fs.rmSync(runner.filesDir, { recursive: true, force: true });
  engine.close();
  return out;
}

if (require.main === module) {
  benchCodes({ quick: process.argv.includes('--quick') })
    .then((r) => console.log(r))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
