// Ledger operations through the real SDK and the engine: throughput and database requests per
// operation (the cost metric: the cloud bills and waits per request).
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { callStorage } from '../local/runtime/identity';
import { Runner } from '../local/runtime/runner';
import * as ledger from '../cloudfunctions/common/ledger/service';

export async function benchLedger(opts: { quick: boolean }): Promise<Record<string, number>> {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  new Runner(engine); // installs the transport seam and the per-call request counter
  const members = 64;
  const now = new Date();
  for (let i = 0; i < members; i++) {
    engine.insertMany('accounts', [{ _id: `b${i}`, balance: 0, held: 0, debt: 0, earned: 0, spent: 0, expired: 0, penalized: 0, createdAt: now }]);
  }
  /** Database requests one call makes, counted like the runner counts a function's. */
  const counted = async (fn: () => Promise<unknown>) => {
    const store = { env: {}, functionName: 'bench', action: 'bench', requestId: '', dbRequests: 0, depth: 1 };
    await callStorage.run(store, fn);
    return store.dbRequests;
  };
  // Warm: the function instance has read the exchange-rate history once (it keeps it a minute).
  await ledger.credit({ member: 'b1', amount: 1, key: 'probe:warm', source: { kind: 'bench', ref: 'w' } });
  const perCredit = await counted(() => ledger.credit({ member: 'b0', amount: 100, key: 'probe:c', source: { kind: 'bench', ref: 'c' } }));
  const perDebit = await counted(() => ledger.debit({ member: 'b0', amount: 10, key: 'probe:d', source: { kind: 'bench', ref: 'd' } }));
  const perHold = await counted(() => ledger.hold({ member: 'b0', amount: 10, key: 'probe:h', source: { kind: 'bench', ref: 'h' } }));
  const perCommit = await counted(() => ledger.commitHold('probe:h'));
  const perReplay = await counted(() => ledger.credit({ member: 'b0', amount: 100, key: 'probe:c', source: { kind: 'bench', ref: 'c' } }));

  const total = opts.quick ? 2_000 : 10_000;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: members }, async () => {
      while (next < total) {
        const i = next++;
        await ledger.credit({ member: `b${i % members}`, amount: 5, key: `bench:${i}`, source: { kind: 'bench', ref: String(i) } });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  engine.close();
  return {
    ledger_credit_per_s: Math.round(total / seconds),
    ledger_db_requests_per_credit: perCredit,
    ledger_db_requests_per_debit: perDebit,
    ledger_db_requests_per_hold: perHold,
    ledger_db_requests_per_commit: perCommit,
    ledger_db_requests_per_replay: perReplay,
  };
}
