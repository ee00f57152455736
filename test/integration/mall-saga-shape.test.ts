// The one saga shape (cloudfunctions/common/saga, docs/sagas.md) on its own, with a toy flow over
// the engine: an owner document, two steps that take from capped counters, a finish. What it
// promises: the journal is recorded on the owner; a failure gives back exactly what was taken, in
// reverse order, once — whoever compensates (the failing call, a crash sweep, both at once); an
// owner that moved on is answered (SagaSettled) and nothing is given back; a resumption runs only
// the finish.
import { createCounter, take, giveBack as returnTakes, totals, type ShardTake } from '../../cloudfunctions/common/counter/capped';
import { getDb } from '../../cloudfunctions/common/cloud';
import { AppError } from '../../cloudfunctions/common/errors';
import { compensate, giveBack, resumeSaga, runSaga, SagaDuplicate, SagaSettled, type Saga } from '../../cloudfunctions/common/saga/saga';
import { txGet } from '../../cloudfunctions/common/tx';
import { createTestCloud } from '../helpers/cloud';

const OWNERS = 'mallAudit'; // any collection: the toy owner is a plain document

interface Ctx {
  id: string;
  fail?: 'second' | 'finish' | 'finishAfterMove';
  log: string[];
}

const owner = async (id: string) => (await getDb().collection(OWNERS).doc(id).get()).data as any;

const TOY: Saga<Ctx> = {
  name: 'toy',
  open: async ({ id }) => {
    try {
      await getDb().collection(OWNERS).add({ data: { _id: id, status: 'running', returned: false } });
    } catch {
      throw new SagaDuplicate();
    }
  },
  steps: ['a', 'b'].map((name) => ({
    name,
    run: async (ctx: Ctx) => {
      if (name === 'b' && ctx.fail === 'second') throw new AppError('SOLD_OUT', 'b is gone');
      ctx.log.push(`run ${name}`);
      return take(`toy:${name}`, 2);
    },
    undo: async (ctx: Ctx, took: ShardTake[], tx) => {
      ctx.log.push(`undo ${name}`);
      await returnTakes(took, tx);
    },
  })),
  record: async ({ id }, journal) => {
    const r = await getDb().collection(OWNERS).where({ _id: id, status: 'running' }).update({ data: { journal } });
    return r.stats.updated === 1;
  },
  finish: async (ctx, _journal, resumed) => {
    ctx.log.push(resumed ? 'finish (resumed)' : 'finish');
    if (ctx.fail === 'finishAfterMove') await getDb().collection(OWNERS).doc(ctx.id).update({ data: { status: 'done' } });
    if (ctx.fail) throw new Error('finish failed');
    await getDb().collection(OWNERS).doc(ctx.id).update({ data: { status: 'done' } });
  },
  close: async ({ id }, code, journal, settled) => {
    const r = await getDb().collection(OWNERS).where({ _id: id, status: 'running' }).update({ data: { status: 'failed', code, journal, returned: settled } });
    return r.stats.updated === 1;
  },
  claim: async ({ id }, tx) => {
    const o = await txGet<{ returned: boolean }>(tx, OWNERS, id);
    if (!o || o.returned) return false;
    await tx.collection(OWNERS).doc(id).update({ data: { returned: true } });
    return true;
  },
};

const codeOf = (e: unknown) => (e instanceof AppError ? e.code : 'INTERNAL');
const left = async () => [(await totals('toy:a')).left, (await totals('toy:b')).left];

describe('the saga shape', () => {
  beforeEach(async () => {
    createTestCloud();
    await createCounter({ id: 'toy:a', cap: 10, shards: 2 });
    await createCounter({ id: 'toy:b', cap: 10, shards: 2 });
  });

  test('a run records its journal on the owner, then finishes', async () => {
    const ctx: Ctx = { id: 's1', log: [] };
    await runSaga(TOY, ctx, codeOf);
    expect(ctx.log).toEqual(['run a', 'run b', 'finish']);
    expect(await owner('s1')).toMatchObject({ status: 'done', journal: { a: [{ n: 2 }], b: [{ n: 2 }] } });
    expect(await left()).toEqual([8, 8]);
    await expect(runSaga(TOY, { id: 's1', log: [] }, codeOf)).rejects.toBeInstanceOf(SagaDuplicate);
  });

  test('a step failing gives back what the earlier ones took, last first, and closes the owner with its code', async () => {
    const ctx: Ctx = { id: 's2', fail: 'second', log: [] };
    await expect(runSaga(TOY, ctx, codeOf)).rejects.toMatchObject({ code: 'SOLD_OUT' });
    expect(ctx.log).toEqual(['run a', 'undo a']);
    expect(await owner('s2')).toMatchObject({ status: 'failed', code: 'SOLD_OUT', returned: true });
    expect(await left()).toEqual([10, 10]);
  });

  test('a failing finish and a crash sweep compensating at once give back once', async () => {
    const ctx: Ctx = { id: 's3', fail: 'finish', log: [] };
    const journalSeen: Record<string, unknown>[] = [];
    const recordOnce = TOY.record;
    const saga: Saga<Ctx> = { ...TOY, record: async (c, j) => (journalSeen.push(j), recordOnce(c, j)) };
    const [run] = await Promise.allSettled([
      runSaga(saga, ctx, codeOf),
      // The sweep, as soon as the journal is on the owner.
      (async () => {
        while (!journalSeen.length) await new Promise((r) => setTimeout(r, 1));
        await compensate(saga, { id: 's3', log: [] }, (await owner('s3')).journal ?? journalSeen[0], 'ORDER_EXPIRED').catch((e) => {
          if (!(e instanceof SagaSettled)) throw e;
        });
      })(),
    ]);
    expect(run.status).toBe('rejected');
    expect(await owner('s3')).toMatchObject({ status: 'failed', returned: true });
    expect(await left()).toEqual([10, 10]); // not 12: given back once
    // Giving back again (a cancel, a later sweep) finds it claimed.
    await giveBack(saga, ctx, (await owner('s3')).journal, (tx) => saga.claim(ctx, tx));
    expect(await left()).toEqual([10, 10]);
  });

  test('a finish that moved the owner on before failing (a lost reply) is answered: SagaSettled, nothing given back', async () => {
    const ctx: Ctx = { id: 's4', fail: 'finishAfterMove', log: [] };
    await expect(runSaga(TOY, ctx, codeOf)).rejects.toBeInstanceOf(SagaSettled);
    expect(await owner('s4')).toMatchObject({ status: 'done', returned: false });
    expect(await left()).toEqual([8, 8]);
  });

  test('a resumption runs only the finish', async () => {
    const ctx: Ctx = { id: 's5', fail: 'finish', log: [] };
    const dying: Saga<Ctx> = { ...TOY, finish: async () => Promise.reject(new Error('the process died')), close: async () => false };
    await expect(runSaga(dying, ctx, codeOf)).rejects.toBeInstanceOf(SagaSettled);
    const again: Ctx = { id: 's5', log: [] };
    await resumeSaga(TOY, again, (await owner('s5')).journal);
    expect(again.log).toEqual(['finish (resumed)']);
    expect(await owner('s5')).toMatchObject({ status: 'done' });
    expect(await left()).toEqual([8, 8]);
  });
});
