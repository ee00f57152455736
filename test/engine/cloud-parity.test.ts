// Issue 9 §5/§6: where the local engine used to differ from the cloud database. Each test names
// the behaviour of the real server it pins (through the real wx-server-sdk where it can express it).
import { DUPLICATE_KEY, Engine, INVALID_PARAM, TRANSACTION_CONFLICT, TRANSACTION_NOT_FOUND, UNSUPPORTED } from '../../local/engine';
import { latencyFromEnv } from '../../local/engine/engine';
import { rejection, schema, setupSdk, sleep } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;

const txId = (tx: any) => tx._transaction.getTransactionId();

function fresh(extra: Parameters<typeof Engine.open>[0] = {}): Engine {
  const e = sdk.fresh(extra);
  e.insertMany('accounts', [
    { _id: 'A', balance: 100, tags: [1, 2, 3] },
    { _id: 'B', balance: 0, tags: [{ a: 1 }, { a: 2 }] }
  ]);
  return e;
}

beforeEach(() => {
  fresh();
});

describe('updated counts matched documents', () => {
  test('doc.set of identical content, an update that changes nothing and a where-update all answer updated: 1', async () => {
    await db.collection('accounts').doc('S').set({ data: { v: 1 } });
    expect((await db.collection('accounts').doc('S').set({ data: { v: 1 } })).stats).toMatchObject({ updated: 1, created: 0 });
    expect((await db.collection('accounts').doc('A').update({ data: { balance: 100 } })).stats.updated).toBe(1);
    expect((await db.collection('accounts').where({ balance: _.gte(0) }).update({ data: { balance: _.max(0) } })).stats.updated).toBe(2);
    const raw = await sdk.engine.send('database.modifyAndReturnDoc', { collectionName: 'accounts', queryType: 'WHERE', query: '{"_id":"A"}', data: '{"$set":{"balance":100}}' });
    expect(raw.data.updated).toBe(1);
  });

  test('inside a transaction too', async () => {
    const tx = await db.startTransaction();
    expect((await tx.collection('accounts').doc('A').update({ data: { balance: 100 } })).stats.updated).toBe(1);
    await tx.commit();
  });
});

describe('update / remove without where', () => {
  test('collection.update() and collection.remove() are refused and change nothing', async () => {
    const u = await rejection(db.collection('accounts').update({ data: { balance: 0 } }));
    expect(u.errCode).toBe(-501007);
    const r = await rejection(db.collection('accounts').remove());
    expect(r.errCode).toBe(-501007);
    expect((await rejection(sdk.engine.send('database.removeDocument', { collectionName: 'accounts', queryType: 'WHERE', query: '{}', multi: true }))).code).toBe(INVALID_PARAM);
    expect(sdk.engine.count('accounts')).toBe(2);
    expect((await db.collection('accounts').doc('A').get()).data.balance).toBe(100);
  });
});

describe('collections that do not exist', () => {
  test('get, doc get, count and aggregate answer DATABASE_COLLECTION_NOT_EXIST (-502005); the schema collections exist', async () => {
    for (const read of [
      () => db.collection('nope').get(),
      () => db.collection('nope').doc('x').get(),
      () => db.collection('nope').count()
    ]) {
      const e = await rejection(read());
      expect([e.errCode, e.message]).toEqual([-502005, expect.stringMatching(/Db or Table not exist/)]);
    }
    // wx-server-sdk's aggregate reports every failure as -1; the engine's reply carries the code.
    expect((await rejection(db.collection('nope').aggregate().match({ a: 1 }).end())).message).toMatch(/Db or Table not exist/);
    const agg = await rejection(sdk.engine.send('database.aggregateDocuments', { collectionName: 'nope', stages: [{ stageKey: '$match', stageValue: '{}' }] }));
    expect(agg.code).toBe('DATABASE_COLLECTION_NOT_EXIST');
    sdk.fresh({ schema: schema() });
    expect((await db.collection('accounts').get()).data).toEqual([]);
    expect((await db.collection('mallOrders').count()).total).toBe(0);
  });
});

describe('transactions', () => {
  test('a write conflict aborts the transaction on the server: later writes and the commit fail with DATABASE_TRANSACTION_FAIL', async () => {
    const e = sdk.engine;
    const t1 = await db.startTransaction();
    const t2 = await db.startTransaction();
    await t1.collection('accounts').doc('A').update({ data: { balance: _.inc(-10) } });
    const c = await rejection(e.send('database.modifyDocument', { collectionName: 'accounts', queryType: 'DOC', query: '{"_id":"A"}', data: '{"$inc":{"balance":1}}', merge: true, transactionId: txId(t2) }));
    expect(c.code).toBe(TRANSACTION_CONFLICT);
    expect(c.message).toMatch(/^\[ResourceUnavailable\.TransactionConflict\] Transaction is conflict, maybe resource operated by others\./);
    const later = await rejection(e.send('database.modifyDocument', { collectionName: 'accounts', queryType: 'DOC', query: '{"_id":"B"}', data: '{"$inc":{"balance":1}}', merge: true, transactionId: txId(t2) }));
    expect(later.code).toBe(TRANSACTION_NOT_FOUND);
    expect(later.message).toMatch(/^\[ResourceUnavailable\.TransactionNotExist\] Transaction does not exist on the server/);
    expect((await rejection(t2.commit())).message).toMatch(/TransactionNotExist/);
    await t1.commit();
    expect((await db.collection('accounts').doc('B').get()).data.balance).toBe(0);
    expect(e.openTransactions).toBe(0);
  });

  test('the snapshot starts at the first operation, not at startTransaction', async () => {
    const tx = await db.startTransaction();
    await db.collection('accounts').doc('A').update({ data: { balance: _.inc(50) } });
    expect((await tx.collection('accounts').doc('A').get()).data.balance).toBe(150); // committed before the first operation
    await db.collection('accounts').doc('B').update({ data: { balance: _.inc(7) } });
    expect((await tx.collection('accounts').doc('B').get()).data.balance).toBe(0); // after it: invisible
    await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(1) } }); // no conflict
    await tx.commit();
    expect((await db.collection('accounts').doc('A').get()).data.balance).toBe(151);
  });

  test('where get, count, where update, where remove and updateAndReturn run inside the transaction and see its own writes', async () => {
    const e = sdk.engine;
    const tx = await db.startTransaction();
    const tid = txId(tx);
    await tx.collection('accounts').add({ data: { _id: 'C', balance: 5 } });
    await tx.collection('accounts').doc('B').update({ data: { balance: _.inc(3) } });
    const where = (await tx.collection('accounts').where({ balance: _.gt(0) }).orderBy('balance', 'asc').get()).data.map((d: any) => d._id);
    expect(where).toEqual(['B', 'C', 'A']);
    const count = await e.send('database.calculateDocument', { collectionName: 'accounts', queryType: 'WHERE', query: '{"balance":{"$gt":0}}', transactionId: tid });
    expect(count.data.total).toBe(3);
    const upd = await e.send('database.modifyDocument', { collectionName: 'accounts', queryType: 'WHERE', query: '{"balance":{"$lt":10}}', data: '{"$set":{"low":true}}', multi: true, merge: true, transactionId: tid });
    expect(upd.data.updated).toBe(2);
    // Query.updateAndReturn (@cloudbase/database; wx-server-sdk does not expose it) carries the transactionId.
    const ret = await e.send('database.modifyAndReturnDoc', { collectionName: 'accounts', queryType: 'WHERE', query: '{"_id":"C"}', data: '{"$inc":{"balance":1}}', transactionId: tid });
    expect(JSON.parse(ret.data.doc)).toMatchObject({ _id: 'C', balance: 6, low: true });
    const rem = await e.send('database.removeDocument', { collectionName: 'accounts', queryType: 'WHERE', query: '{"low":true}', multi: true, transactionId: tid });
    expect(rem.data.deleted).toBe(2);
    expect(sdk.engine.count('accounts')).toBe(2); // nothing visible outside before the commit
    await tx.commit();
    expect(e.dump('accounts').map((d: any) => d._id)).toEqual(['A']);
    expect(e.stats.transactions.whereOps).toBe(5);
  });

  test('the app retry (cloudfunctions/common/tx.ts predicate) still recognises the conflict text', async () => {
    const { isTransactionConflict } = await import('../../cloudfunctions/common/errors');
    const t1 = await db.startTransaction();
    const t2 = await db.startTransaction();
    await t1.collection('accounts').doc('A').update({ data: { balance: 1 } });
    const err = await rejection(t2.collection('accounts').doc('A').update({ data: { balance: 2 } }));
    expect(isTransactionConflict(err)).toBe(true);
    await t1.commit();
  });
});

describe('query and aggregation operators', () => {
  test('$elemMatch with a document condition never matches an array of plain values', async () => {
    const ids = async (q: any) => (await db.collection('accounts').where(q).get()).data.map((d: any) => d._id).sort();
    expect(await ids({ tags: _.elemMatch({ a: _.exists(false) }) })).toEqual([]);
    expect(await ids({ tags: _.elemMatch({ a: null }) })).toEqual([]);
    expect(await ids({ tags: _.elemMatch({ a: 2 }) })).toEqual(['B']);
    expect(await ids({ tags: _.elemMatch(_.gt(2)) })).toEqual(['A']); // operator condition: plain values
  });

  test('$jsonSchema', async () => {
    const raw = async (q: any) =>
      (await sdk.engine.send('database.getDocument', { collectionName: 'accounts', queryType: 'WHERE', query: JSON.stringify(q) })).data.list.map((s: string) => JSON.parse(s)._id);
    expect(await raw({ $jsonSchema: { required: ['tags'], properties: { balance: { bsonType: 'int', minimum: 1 } } } })).toEqual(['A']);
    expect(await raw({ $jsonSchema: { properties: { tags: { bsonType: 'array', items: { bsonType: 'object' } } } } })).toEqual(['B']);
    expect(await raw({ $jsonSchema: { additionalProperties: false, properties: { _id: {}, balance: {} } } })).toEqual([]);
    expect((await rejection(raw({ $jsonSchema: { bsonType: 'object', frobnicate: 1 } }))).code).toBe(UNSUPPORTED);
  });

  test('$week (Sunday-based), $indexOfCP, $substrBytes / $substr with length -1', async () => {
    sdk.engine.insertMany('d', [
      { _id: 1, at: new Date('2026-01-01T12:00:00Z'), s: '积分运营abc' }, // a Thursday: week 0
      { _id: 2, at: new Date('2026-01-04T12:00:00Z'), s: 'xyz' }, // the first Sunday: week 1
      { _id: 3, at: new Date('2023-01-01T12:00:00Z'), s: '' } // a Sunday on 1 January: week 1
    ]);
    const $ = db.command.aggregate;
    const out = (
      await db
        .collection('d')
        .aggregate()
        .sort({ _id: 1 })
        .project({ w: $.week('$at'), i: $.indexOfCP(['$s', 'abc']), t: $.substrBytes(['$s', 3, -1]), u: $.substr(['$s', 0, -1]) })
        .end()
    ).list;
    expect(out).toEqual([
      { _id: 1, w: 0, i: 4, t: '分运营abc', u: '积分运营abc' },
      { _id: 2, w: 1, i: -1, t: '', u: 'xyz' },
      { _id: 3, w: 1, i: -1, t: '', u: '' }
    ]);
  });

  test('the duplicate-key error carries the cloud code and text', async () => {
    const e = await rejection(sdk.engine.send('database.insertDocument', { collectionName: 'accounts', data: ['{"_id":"A"}'] }));
    expect(e.code).toBe(DUPLICATE_KEY);
    expect(e.message).toMatch(/^\[FailedOperation\] multiple write errors: \[\{write errors: \[\{E11000 duplicate key error collection: accounts index: _id_ dup key: \{ _id: "A" \}\}\]\}, \{<nil>\}\]$/);
    const viaSdk = await rejection(db.collection('accounts').add({ data: { _id: 'A' } }));
    expect(viaSdk.errCode).toBe(-502001);
  });

  test('ObjectId values outside _id: stored as ObjectIds, replied as canonical {"$oid"} (what docs/local-cloud-engine.md states)', async () => {
    const oid = '5f8f8c44b54764421b7156c5';
    await sdk.engine.send('database.insertDocument', { collectionName: 'accounts', data: [`{"_id":"O","ref":{"$oid":"${oid}"}}`] });
    const raw = await sdk.engine.send('database.getDocument', { collectionName: 'accounts', queryType: 'DOC', query: '{"_id":"O"}' });
    expect(raw.data.list).toEqual([`{"_id":"O","ref":{"$oid":"${oid}"}}`]);
    const byRef = await sdk.engine.send('database.getDocument', { collectionName: 'accounts', queryType: 'WHERE', query: `{"ref":{"$oid":"${oid}"}}` });
    expect(byRef.data.list).toHaveLength(1);
    const agg = (await db.collection('accounts').aggregate().match({ _id: 'O' }).end()).list[0];
    expect(agg.ref.toHexString()).toBe(oid);
    expect((await db.collection('accounts').doc('O').get()).data.ref).toEqual({}); // wx-server-sdk's formatField, on the cloud too
  });

  test('geo operators are refused by name', async () => {
    const point = new db.Geo.Point(113.3, 23.1);
    const near = await rejection(db.collection('accounts').where({ loc: _.geoNear({ geometry: point, maxDistance: 1000 }) }).get());
    expect(near.message).toMatch(/\$nearSphere|\$near/);
    const within = await rejection(db.collection('accounts').where({ loc: _.geoWithin({ centerSphere: [[113.3, 23.1], 0.01] }) }).get());
    expect(within.message).toMatch(/\$geoWithin/);
    const stage = await rejection(db.collection('accounts').aggregate().geoNear({ distanceField: 'd', near: point, spherical: true }).end());
    expect(stage.message).toMatch(/\$geoNear/);
  });
});

describe('latency (LOCAL_DB_LATENCY_MS)', () => {
  test('each request waits latencyMs before it runs; a transaction keeps its locks while its requests are in flight', async () => {
    expect(latencyFromEnv({ LOCAL_DB_LATENCY_MS: '7' })).toBe(7);
    expect(latencyFromEnv({})).toBe(0);
    expect(latencyFromEnv({ LOCAL_DB_LATENCY_MS: 'x' })).toBe(0);
    const e = fresh({ latencyMs: 25 });
    expect(e.latencyMs).toBe(25);
    let started = Date.now();
    await db.collection('accounts').doc('A').get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
    // t1 writes A, then commits; a plain write to A sent meanwhile waits for the commit.
    const t1 = await db.startTransaction();
    await t1.collection('accounts').doc('A').update({ data: { balance: _.inc(-10) } });
    started = Date.now();
    const plain = db.collection('accounts').doc('A').update({ data: { balance: _.inc(1) } });
    await sleep(5);
    await t1.commit();
    await plain;
    expect((await db.collection('accounts').doc('A').get()).data.balance).toBe(91);
    expect(e.stats.transactions.lockWaits).toBe(1);
  });
});

describe('documentedTransactionsOnly (the local cloud and the test clouds)', () => {
  test('refuses where-form requests inside a transaction, so the app keeps to doc() operations and add', async () => {
    const e = fresh({ documentedTransactionsOnly: true });
    const tx = await db.startTransaction();
    const err = await rejection(tx.collection('accounts').where({ balance: _.gt(0) }).get());
    expect(err.errCode).toBe(-501007);
    expect(err.message).toMatch(/documented inside a transaction/);
    await tx.collection('accounts').doc('A').update({ data: { balance: _.inc(1) } }); // still open and usable
    await tx.commit();
    expect(e.stats.transactions.whereOps).toBe(0);
  });
});
