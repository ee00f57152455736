// Transactions through the real wx-server-sdk (db.runTransaction / db.startTransaction), modelled
// on the cloud: snapshot isolation, write locks, immediate conflicts between transactions, plain
// writes waiting for locks, first committer wins, read-your-writes, timeouts.
import { DUPLICATE_KEY, DUPLICATE_KEY_MESSAGE, Engine, TRANSACTION_CONFLICT, TRANSACTION_NOT_FOUND } from '../../local/engine';
import { rejection, setupSdk, sleep } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;
let clock = 0;

function freshEngine(extra: Partial<Parameters<typeof Engine.open>[0]> = {}): Engine {
  clock = Date.parse('2026-06-01T00:00:00Z');
  const e = sdk.fresh({ now: () => clock, ...extra });
  e.insertMany('accounts', [
    { _id: 'A', balance: 100 },
    { _id: 'B', balance: 0 }
  ]);
  return e;
}

const balance = async (id: string) => (await db.collection('accounts').doc(id).get()).data.balance;

beforeEach(() => {
  freshEngine();
});

describe('runTransaction', () => {
  test('commits all writes atomically and returns the callback value', async () => {
    const res = await db.runTransaction(async (tx: any) => {
      const a = (await tx.collection('accounts').doc('A').get()).data;
      await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-30) } });
      await tx.collection('accounts').doc('B').update({ data: { balance: _.inc(30) } });
      await tx.collection('ledger').add({ data: { _id: 'L1', from: 'A', to: 'B', amount: 30 } });
      return a.balance;
    });
    expect(res).toBe(100);
    expect(await balance('A')).toBe(70);
    expect(await balance('B')).toBe(30);
    expect((await db.collection('ledger').doc('L1').get()).data.amount).toBe(30);
    expect(sdk.engine.stats.transactions).toMatchObject({ started: 1, committed: 1, aborted: 0 });
    expect(sdk.engine.stats.byAction['database.startTransaction']).toBe(1);
    expect(sdk.engine.stats.byAction['database.commitTransaction']).toBe(1);
  });

  test('a throw inside the callback rolls everything back', async () => {
    const err = await rejection(
      db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-30) } });
        throw new Error('business rule');
      })
    );
    expect(err.message).toBe('business rule');
    expect(await balance('A')).toBe(100);
    expect(sdk.engine.stats.transactions).toMatchObject({ committed: 0, aborted: 1 });
    expect(sdk.engine.openTransactions).toBe(0);
  });

  test('transaction.rollback(reason) rejects runTransaction with the reason', async () => {
    const err = await rejection(
      db.runTransaction(async (tx: any) => {
        await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-30) } });
        await tx.rollback('not enough');
      })
    );
    expect(err).toBe('not enough');
    expect(await balance('A')).toBe(100);
  });

  test('read-your-writes inside; nothing visible outside before commit', async () => {
    const tx = await db.startTransaction();
    await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-1) } });
    await tx.collection('accounts').doc('N').set({ data: { balance: 5 } });
    await tx.collection('accounts').add({ data: { _id: 'M', balance: 7 } });
    await tx.collection('accounts').doc('B').remove();
    expect((await tx.collection('accounts').doc('A').get()).data.balance).toBe(99);
    expect((await tx.collection('accounts').doc('N').get()).data).toEqual({ _id: 'N', balance: 5 });
    expect((await tx.collection('accounts').doc('M').get()).data).toEqual({ _id: 'M', balance: 7 });
    expect((await rejection(tx.collection('accounts').doc('B').get())).message).toMatch(/does not exist/);
    // Outside: the committed state.
    expect(await balance('A')).toBe(100);
    expect((await db.collection('accounts').where({ _id: _.in(['N', 'M']) }).get()).data).toEqual([]);
    expect(await balance('B')).toBe(0);
    await tx.commit();
    expect(await balance('A')).toBe(99);
    expect(await balance('N')).toBe(5);
    expect(await balance('M')).toBe(7);
    expect((await db.collection('accounts').where({ _id: 'B' }).get()).data).toEqual([]);
  });

  test('a where() query inside a transaction runs in it (as on the cloud server) and is counted as outside the documented rules', async () => {
    const tx = await db.startTransaction();
    await tx.collection('accounts').doc('B').update({ data: { balance: _.inc(5) } });
    const got = (await tx.collection('accounts').where({ balance: _.gt(0) }).get()).data.map((d: any) => d._id);
    expect(got.sort()).toEqual(['A', 'B']);
    expect(sdk.engine.stats.transactions.whereOps).toBe(1);
    await tx.rollback();
  });
});

describe('isolation and conflicts', () => {
  test('snapshot isolation: a transaction keeps reading what existed when it started', async () => {
    const tx = await db.startTransaction();
    expect((await tx.collection('accounts').doc('A').get()).data.balance).toBe(100);
    await db.collection('accounts').doc('A').update({ data: { balance: _.inc(50) } }); // plain write, not locked
    await db.collection('accounts').add({ data: { _id: 'Z', balance: 1 } });
    expect((await tx.collection('accounts').doc('A').get()).data.balance).toBe(100);
    expect((await rejection(tx.collection('accounts').doc('Z').get())).message).toMatch(/does not exist/);
    await tx.commit();
    expect(await balance('A')).toBe(150);
  });

  test('first committer wins: writing a document committed after the transaction took its snapshot conflicts', async () => {
    const tx = await db.startTransaction();
    await tx.collection('accounts').doc('B').get(); // the first operation takes the snapshot
    await db.collection('accounts').doc('A').update({ data: { balance: _.inc(50) } });
    const err = await rejection(tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-1) } }));
    expect(err.message).toMatch(/\[ResourceUnavailable\.TransactionConflict\] Transaction is conflict/);
    expect(err.errCode).toBe(-501001); // wx-server-sdk maps the unknown code to SYS_ERR and drops .code
    await tx.rollback().catch(() => {}); // the server aborted it already
    expect(await balance('A')).toBe(150);
  });

  test('two transactions writing the same document: the second fails at once', async () => {
    const e = sdk.engine;
    const t1 = await db.startTransaction();
    const t2 = await db.startTransaction();
    await t1.collection('accounts').doc('A').update({ data: { balance: _.inc(-10) } });
    const err = await rejection(t2.collection('accounts').doc('A').update({ data: { balance: _.inc(-20) } }));
    expect(err.message).toMatch(/Transaction is conflict.*document accounts\/"A" is locked by another transaction/);
    // The same through the raw requester (a fresh transaction: the first was aborted): the code runTransaction recognises.
    const t3 = await db.startTransaction();
    const raw = await rejection(
      e.send('database.modifyDocument', { collectionName: 'accounts', queryType: 'DOC', query: '{"_id":"A"}', data: '{"$set":{"x":1}}', merge: true, transactionId: (t3 as any)._transaction.getTransactionId() })
    );
    expect(raw.code).toBe(TRANSACTION_CONFLICT);
    // Deleting or inserting over a locked document conflicts too.
    const t4 = await db.startTransaction();
    expect((await rejection(t4.collection('accounts').doc('A').remove())).message).toMatch(/TransactionConflict/);
    await t1.collection('accounts').add({ data: { _id: 'NEW', balance: 1 } });
    const t5 = await db.startTransaction();
    expect((await rejection(t5.collection('accounts').add({ data: { _id: 'NEW', balance: 2 } }))).message).toMatch(/TransactionConflict/);
    await t1.commit();
    expect(await balance('A')).toBe(90);
    expect(e.stats.transactions.conflicts).toBe(4);
    expect(e.openTransactions).toBe(0); // every conflicting transaction was aborted by the server
  });

  test('concurrent runTransaction read-modify-write: one wins, the other fails with the conflict (app must retry)', async () => {
    const transfer = (amount: number) =>
      db.runTransaction(async (tx: any) => {
        const a = (await tx.collection('accounts').doc('A').get()).data;
        await sleep(20);
        await tx.collection('accounts').doc('A').update({ data: { balance: a.balance - amount } });
        return amount;
      });
    const results = await Promise.allSettled([transfer(10), transfer(20)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const bad = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(bad).toHaveLength(1);
    expect(String(bad[0].reason.message)).toMatch(/TransactionConflict/);
    expect(await balance('A')).toBe(100 - (ok[0] as PromiseFulfilledResult<number>).value);
    expect(sdk.engine.openTransactions).toBe(0);
  });

  test('a plain write to a locked document waits for the lock, then applies on top', async () => {
    const tx = await db.startTransaction();
    await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-10) } });
    let done = false;
    const plain = db
      .collection('accounts')
      .doc('A')
      .update({ data: { balance: _.inc(1000) } })
      .then((r: any) => {
        done = true;
        return r;
      });
    const plainWhere = db.collection('accounts').where({ balance: _.gte(0) }).update({ data: { touched: true } });
    await sleep(40);
    expect(done).toBe(false);
    expect(await balance('B')).toBe(0); // reads never wait
    await tx.commit();
    expect((await plain).stats.updated).toBe(1);
    expect((await plainWhere).stats.updated).toBe(2);
    expect(await balance('A')).toBe(1090);
    expect(sdk.engine.stats.transactions.lockWaits).toBeGreaterThanOrEqual(2);
  });

  test('a plain write waits only as long as the lock holder lives (auto-abort after transactionTimeoutMs)', async () => {
    const e = freshEngine({ transactionTimeoutMs: 150, now: Date.now });
    const tx = await db.startTransaction();
    await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-10) } });
    const started = Date.now();
    await db.collection('accounts').doc('A').update({ data: { balance: _.inc(1) } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await balance('A')).toBe(101); // the transaction's write was discarded
    expect(e.stats.transactions.timedOut).toBe(1);
    expect((await rejection(tx.commit())).message).toMatch(/TransactionNotExist.*no longer open: timed out/);
  });
});

describe('lifecycle errors and timeouts', () => {
  test('auto-abort after transactionTimeoutMs (engine clock): later use and commit fail', async () => {
    const tx = await db.startTransaction();
    await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(-10) } });
    clock += 30_001;
    const err = await rejection(tx.collection('accounts').doc('B').update({ data: { balance: _.inc(10) } }));
    expect(err.message).toMatch(/timed out/);
    const c = await rejection(tx.commit());
    expect(c.code).toBe(TRANSACTION_NOT_FOUND);
    expect(await balance('A')).toBe(100);
    expect(sdk.engine.stats.transactions.timedOut).toBe(1);
  });

  test('commit/abort of unknown or finished transactions error', async () => {
    const e = sdk.engine;
    expect((await rejection(e.send('database.commitTransaction', { transactionId: 'nope' }))).code).toBe(TRANSACTION_NOT_FOUND);
    expect((await rejection(e.send('database.abortTransaction', { transactionId: 'nope' }))).code).toBe(TRANSACTION_NOT_FOUND);
    const { transactionId } = await e.send('database.startTransaction');
    await e.send('database.abortTransaction', { transactionId });
    const again = await rejection(e.send('database.abortTransaction', { transactionId }));
    expect(again.code).toBe(TRANSACTION_NOT_FOUND);
    expect(again.message).toMatch(/aborted by the client/);
    expect((await rejection(e.send('database.commitTransaction', { transactionId }))).code).toBe(TRANSACTION_NOT_FOUND);
    const t2 = (await e.send('database.startTransaction', {})).transactionId;
    await e.send('database.commitTransaction', { transactionId: t2 });
    expect((await rejection(e.send('database.commitTransaction', { transactionId: t2 }))).code).toBe(TRANSACTION_NOT_FOUND);
  });

  test('duplicate _id inside a transaction; unique index checked at write and at commit', async () => {
    const e = freshEngine({ schema: { collections: { u: { indexes: [{ name: 'phone', keys: { phone: 1 }, unique: true }] } } } });
    const tx = await db.startTransaction();
    expect((await rejection(tx.collection('accounts').add({ data: { _id: 'A' } }))).message).toMatch(DUPLICATE_KEY_MESSAGE);
    await tx.collection('u').add({ data: { _id: 'x', phone: '1' } });
    expect((await rejection(tx.collection('u').doc('y').set({ data: { phone: '1' } }))).message).toMatch(DUPLICATE_KEY_MESSAGE);
    // Someone else takes phone 2 after our write: the commit fails and nothing is applied.
    await tx.collection('u').doc('z').set({ data: { phone: '2' } });
    await db.collection('u').add({ data: { _id: 'other', phone: '2' } });
    const err = await rejection(tx.commit());
    expect(err.code).toBe(DUPLICATE_KEY);
    expect(e.dump('u')).toEqual([{ _id: 'other', phone: '2' }]);
    expect(e.openTransactions).toBe(0);
  });

  test('the reply shapes the SDK reads: {transactionId}, doc get in a transaction returns the document itself', async () => {
    const e = sdk.engine;
    const start = await e.send('database.startTransaction');
    expect(Object.keys(start).sort()).toEqual(['requestId', 'transactionId']);
    const { transactionId } = start;
    const g = await e.send('database.getDocument', { collectionName: 'accounts', query: '{"_id":"A"}', queryType: 'DOC', multi: false, transactionId });
    expect(g.data.list).toHaveLength(1);
    const set = await e.send('database.modifyDocument', { collectionName: 'accounts', queryType: 'DOC', query: '{"_id":"Q"}', data: '{"a":1}', multi: false, merge: false, upsert: true, transactionId });
    expect(set.data).toEqual({ updated: 0, upsert_id: 'Q' });
    const ins = await e.send('database.insertDocument', { collectionName: 'accounts', data: ['{"v":1}'], transactionId });
    expect(ins.data.insertedIds[0]).toMatch(/^[0-9a-f]{32}$/);
    const commit = await e.send('database.commitTransaction', { transactionId });
    expect(Object.keys(commit)).toEqual(['requestId']);
  });
});
