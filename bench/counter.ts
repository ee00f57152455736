// The shared capped counter through the real SDK and the engine: 500 concurrent takers of single
// units, outside transactions (mall stock, prize stock) and inside (budgets), until the cap is gone;
// the units taken must equal the cap exactly (`counter_overtake` = units taken past the cap).
import { Engine, loadSchema } from '../local/engine';
import { SCHEMA_PATH } from '../local/cloud';
import { Runner } from '../local/runtime/runner';
import * as counter from '../cloudfunctions/common/counter/capped';
import { inTransaction } from '../cloudfunctions/common/tx';
import { AppError } from '../cloudfunctions/common/errors';

export async function benchCounter(opts: { quick: boolean }): Promise<Record<string, number>> {
  const engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH) });
  new Runner(engine); // installs the transport seam
  const takers = 500;
  const cap = opts.quick ? 5_000 : 20_000;

  const race = async (id: string, takeOne: () => Promise<unknown>) => {
    await counter.createCounter({ id, cap, shards: 16 });
    let won = 0;
    let attempts = 0;
    let soldOut = false;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: takers }, async () => {
        while (!soldOut) {
          attempts++;
          if (await takeOne()) won++;
          else soldOut = true;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const { taken } = await counter.totals(id);
    return { perSecond: Math.round(attempts / seconds), overtake: Math.max(0, won - cap) + Math.max(0, taken - cap), won };
  };

  const plain = await race('bench:plain', () => counter.take('bench:plain', 1));
  const inTx = await race('bench:tx', () =>
    inTransaction((tx) => counter.takeInTx(tx, 'bench:tx', 1)).catch((e) => {
      if (e instanceof AppError && e.code === 'BUDGET_EXHAUSTED') return null;
      throw e;
    }),
  );
  engine.close();
  return {
    counter_take_per_s: plain.perSecond,
    counter_take_in_tx_per_s: inTx.perSecond,
    counter_overtake: plain.overtake + inTx.overtake,
  };
}
