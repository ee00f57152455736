// Seeded, replayable randomized run of the capped counter (common/counter/capped.ts): waves of
// concurrent takers — inside transactions and outside, one unit and many (spanning shards) — with
// injected write conflicts, processes dying mid-take, gives back and raises. After every wave:
// nothing below zero, never past the cap, and what the shards say was taken equals what the takers
// hold plus only what died mid-take. A failure prints its seed:
//   COUNTER_SEED=<seed> npx jest test/integration/counter-random
import { AsyncLocalStorage } from 'node:async_hooks';
import { Engine, EngineError, loadSchema, TRANSACTION_CONFLICT } from '../../local/engine';
import { installEngineSeam } from '../../local/engine/sdk-seam';
import { installIdentityEnv } from '../../local/runtime/identity';
import { SCHEMA_PATH } from '../../local/cloud';
import * as counter from '../../cloudfunctions/common/counter/capped';
import { inTransaction } from '../../cloudfunctions/common/tx';
import { AppError } from '../../cloudfunctions/common/errors';
import { seededRandom } from '../helpers/random';

const WAVES = Number(process.env.COUNTER_WAVES ?? 12);
const TAKERS = 40;
const SEEDS = process.env.COUNTER_SEED ? [Number(process.env.COUNTER_SEED)] : [1, 2, Date.now() % 1_000_000];

class Crash extends Error {}
const faults = new AsyncLocalStorage<{ crashAfter: number; dead: boolean }>();

let engine: Engine;
let rng: () => number = Math.random;
let conflictRate = 0;

beforeAll(() => {
  installIdentityEnv();
  installEngineSeam(() => ({
    send: async (action: string, params: Record<string, any>) => {
      const f = faults.getStore();
      if (f && (f.dead || f.crashAfter-- <= 0)) {
        f.dead = true;
        throw new Crash('injected crash');
      }
      if (params.transactionId && action === 'database.modifyDocument' && rng() < conflictRate) {
        throw new EngineError(TRANSACTION_CONFLICT, 'database transaction conflict: injected');
      }
      return engine.send(action, params);
    },
  }));
});

const shards = () => engine.dump('counterShards') as counter.CounterShard[];

function checkShards(id: string, cap: number): number {
  const mine = shards().filter((s) => s.counter === id);
  for (const s of mine) {
    expect(s.left).toBeGreaterThanOrEqual(0);
    expect(s.left).toBeLessThanOrEqual(s.cap);
  }
  const t = counter.totalsOf(mine);
  expect(t.cap).toBe(cap);
  return t.taken;
}

describe.each(SEEDS)('capped counter, seed %i', (seed) => {
  test(`${WAVES} waves of ${TAKERS} concurrent takers never pass the cap and account for every unit`, async () => {
    console.log(`counter-random seed ${seed} (COUNTER_SEED=${seed} to replay)`);
    rng = seededRandom(seed);
    engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH), transactionTimeoutMs: 200, documentedTransactionsOnly: true });
    const id = 'stock:random';
    let cap = 60 + Math.floor(rng() * 60);
    await counter.createCounter({ id, cap, shards: 1 + Math.floor(rng() * 8) });
    const held: counter.ShardTake[][] = []; // takes that succeeded and were not given back
    let leaked = 0; // the most a crashed take can have left taken
    const heldUnits = () => held.flat().reduce((s, t) => s + t.n, 0);

    for (let wave = 0; wave < WAVES; wave++) {
      conflictRate = rng() < 0.5 ? 0.2 : 0;
      const jobs: Promise<void>[] = [];
      for (let k = 0; k < TAKERS; k++) {
        const n = rng() < 0.7 ? 1 : 1 + Math.floor(rng() * 9);
        const inTx = rng() < 0.4;
        const crash = rng() < 0.08 ? 1 + Math.floor(rng() * 3) : Infinity;
        const giveBackSome = rng() < 0.15 && held.length > 0;
        const back = giveBackSome ? held.splice(Math.floor(rng() * held.length), 1)[0] : null;
        jobs.push(
          faults.run({ crashAfter: crash, dead: false }, async () => {
            try {
              if (back) {
                await counter.giveBack(back);
                return;
              }
              const takes = inTx
                ? await inTransaction((tx) => counter.takeInTx(tx, id, n, { code: 'SOLD_OUT' }))
                : await counter.take(id, n);
              if (takes) {
                expect(takes.reduce((s, t) => s + t.n, 0)).toBe(n);
                held.push(takes);
              }
            } catch (e) {
              if (e instanceof Crash || String((e as Error)?.message).includes('injected crash')) {
                // A dead process: a transaction's takes never commit; a plain take may have taken
                // some shards; a give-back may have returned part of its units.
                if (!inTx && !back) leaked += n;
                if (back) leaked += back.reduce((s, t) => s + t.n, 0);
                return;
              }
              if (e instanceof AppError && ['SOLD_OUT', 'CONFLICT'].includes(e.code)) return;
              // A live transaction slower than the short timeout this suite sets (a loaded machine):
              // the server aborted it, so it took nothing, as on the cloud after its 30 s.
              if (inTx && String((e as Error)?.message).includes('TransactionNotExist')) return;
              throw e;
            }
          }),
        );
      }
      await Promise.all(jobs);
      conflictRate = 0;
      await new Promise((r) => setTimeout(r, 220)); // dead transactions time out and release their locks
      const taken = checkShards(id, cap);
      expect(taken).toBeGreaterThanOrEqual(heldUnits());
      expect(taken).toBeLessThanOrEqual(heldUnits() + leaked);
      if (rng() < 0.3) {
        const extra = 1 + Math.floor(rng() * 20);
        await counter.raise(id, extra);
        cap += extra;
        checkShards(id, cap);
      }
    }
    // With no crash in a run, the shards agree exactly with the takers.
    if (leaked === 0) expect(checkShards(id, cap)).toBe(heldUnits());
    const t = await counter.totals(id);
    expect(t.cap).toBe(cap);
    expect(t.taken + t.left).toBe(cap);
    engine.close();
  });
});

describe('capped counter', () => {
  beforeEach(() => {
    rng = Math.random;
    conflictRate = 0;
    engine = Engine.open({ dataDir: null, schema: loadSchema(SCHEMA_PATH), documentedTransactionsOnly: true });
  });
  afterEach(() => engine.close());

  test('a take spans shards when no one shard has enough, and gives back exactly what it took', async () => {
    await counter.createCounter({ id: 'c', cap: 4, shards: 4 });
    const takes = await counter.take('c', 3);
    expect(takes!.length).toBe(3);
    expect(new Set(takes!.map((t) => t.shard)).size).toBe(3);
    expect((await counter.totals('c')).left).toBe(1);
    expect(await counter.take('c', 2)).toBeNull();
    await counter.giveBack(takes!);
    expect(await counter.totals('c')).toEqual({ cap: 4, taken: 0, left: 4 });
  });

  test('inside a transaction a take that cannot be covered throws the caller\'s code and takes nothing', async () => {
    await counter.createCounter({ id: 'b', cap: 5, shards: 2 });
    await expect(inTransaction((tx) => counter.takeInTx(tx, 'b', 6, { code: 'BUDGET_EXHAUSTED' }))).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    expect((await counter.totals('b')).left).toBe(5);
    const takes = await inTransaction((tx) => counter.takeInTx(tx, 'b', 5));
    expect(takes.reduce((s, t) => s + t.n, 0)).toBe(5);
    expect((await counter.totals('b')).left).toBe(0);
  });

  test('500 concurrent takers of one unit against a cap of 50: exactly 50 win', async () => {
    await counter.createCounter({ id: 'flash', cap: 50, shards: 8 });
    const results = await Promise.all(Array.from({ length: 500 }, () => counter.take('flash', 1)));
    expect(results.filter(Boolean).length).toBe(50);
    expect(await counter.totals('flash')).toEqual({ cap: 50, taken: 50, left: 0 });
  });

  test('creating a counter twice fails and leaves the first as it was', async () => {
    await counter.createCounter({ id: 'twice', cap: 10, shards: 2 });
    await expect(counter.createCounter({ id: 'twice', cap: 99, shards: 3 })).rejects.toBeTruthy();
    expect(await counter.totals('twice')).toEqual({ cap: 10, taken: 0, left: 10 });
    expect(shards().filter((s) => s.counter === 'twice').length).toBe(2);
  });

  test('bad amounts are refused', async () => {
    await counter.createCounter({ id: 'x', cap: 3, shards: 1 });
    for (const n of [0, -1, 1.5, Number.NaN, 2 ** 53]) await expect(counter.take('x', n)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(counter.createCounter({ id: 'y', cap: 3, shards: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  test('planTake prefers one shard that covers it all, else spills over in order', () => {
    const s = [{ _id: 'a', left: 1 }, { _id: 'b', left: 5 }, { _id: 'c', left: 2 }];
    expect(counter.planTake(s, 4, [0, 1, 2])).toEqual([{ shard: 'b', n: 4 }]);
    expect(counter.planTake(s, 7, [2, 0, 1])).toEqual([{ shard: 'c', n: 2 }, { shard: 'a', n: 1 }, { shard: 'b', n: 4 }]);
    expect(counter.planTake(s, 9, [0, 1, 2])).toBeNull();
  });
});
