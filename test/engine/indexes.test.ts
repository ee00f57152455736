// Secondary indexes: the planner's use of them (proved through stats, never timing), index
// maintenance on every write, unique indexes, and index answers == scan answers.
import { DUPLICATE_KEY, DUPLICATE_KEY_MESSAGE, Engine, Schema } from '../../local/engine';
import { rejection, schema, setupSdk } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;

const SCHEMA: Schema = {
  collections: {
    ledger: {
      indexes: [
        { name: 'uid_at', keys: { uid: 1, at: -1 } },
        { name: 'at', keys: { at: -1 } },
        { name: 'amount', keys: { amount: 1 } }
      ]
    },
    users: { indexes: [{ name: 'phone', keys: { phone: 1 }, unique: true }, { name: 'team_no', keys: { team: 1, no: 1 }, unique: true }] }
  }
};

const T0 = Date.parse('2026-01-01T00:00:00Z');
function ledger(n: number) {
  return Array.from({ length: n }, (_x, i) => ({ _id: 'L' + i, uid: 'u' + (i % 100), amount: i % 50, at: new Date(T0 + i * 60_000), kind: i % 2 ? 'earn' : 'spend' }));
}

function stats(e: Engine) {
  const { docsExamined, indexLookups, collectionScans } = e.stats;
  return { docsExamined, indexLookups, collectionScans };
}

describe('planner uses declared indexes', () => {
  let e: Engine;
  beforeEach(() => {
    e = sdk.fresh({ schema: SCHEMA });
    e.insertMany('ledger', ledger(5000));
    e.resetStats();
  });

  test('equality on an index leading field examines only the matches', async () => {
    const { data } = await db.collection('ledger').where({ uid: 'u7' }).limit(1000).get();
    expect(data).toHaveLength(50);
    expect(stats(e)).toEqual({ docsExamined: 50, indexLookups: 1, collectionScans: 0 });
    expect(e.stats.collections.ledger.indexLookups).toBe(1);
    expect(e.stats.byAction['database.getDocument']).toBe(1);
  });

  test('$in and extra non-indexed conditions (filtered after the lookup)', async () => {
    const { data } = await db.collection('ledger').where({ uid: _.in(['u1', 'u2']), kind: 'earn' }).limit(1000).get();
    expect(data).toHaveLength(50);
    expect(stats(e)).toEqual({ docsExamined: 100, indexLookups: 1, collectionScans: 0 });
  });

  test('range on a date index ($gte/$lt, also written as _.and)', async () => {
    const from = new Date(T0 + 100 * 60_000);
    const to = new Date(T0 + 130 * 60_000);
    const { data } = await db.collection('ledger').where({ at: _.gte(from).and(_.lt(to)) }).get();
    expect(data).toHaveLength(30);
    expect(stats(e)).toEqual({ docsExamined: 30, indexLookups: 1, collectionScans: 0 });
  });

  test('range on a numeric index', async () => {
    const n = (await db.collection('ledger').where({ amount: _.gt(47) }).count()).total;
    expect(n).toBe(200);
    expect(stats(e)).toEqual({ docsExamined: 200, indexLookups: 1, collectionScans: 0 });
  });

  test('_id equality and $in are direct lookups', async () => {
    await db.collection('ledger').doc('L42').get();
    await db.collection('ledger').where({ _id: _.in(['L1', 'L2', 'nope']) }).get();
    expect(stats(e)).toEqual({ docsExamined: 3, indexLookups: 2, collectionScans: 0 });
  });

  test('$or whose branches are all indexable is a union of lookups', async () => {
    const { data } = await db.collection('ledger').where(_.or([{ uid: 'u3' }, { _id: 'L4' }])).limit(1000).get();
    expect(data).toHaveLength(51);
    expect(stats(e)).toEqual({ docsExamined: 51, indexLookups: 1, collectionScans: 0 });
  });

  test('non-leading or non-indexed fields scan', async () => {
    await db.collection('ledger').where({ kind: 'earn' }).limit(10).get(); // early stop after 10 matches
    expect(stats(e)).toEqual({ docsExamined: 20, indexLookups: 0, collectionScans: 1 });
    e.resetStats();
    await db.collection('ledger').where({ kind: 'earn' }).count();
    expect(stats(e)).toEqual({ docsExamined: 5000, indexLookups: 0, collectionScans: 1 });
  });

  test('sort by an indexed field with a limit walks the index (no full scan, no full sort)', async () => {
    const { data } = await db.collection('ledger').orderBy('at', 'desc').limit(5).get();
    expect(data.map((d: any) => d._id)).toEqual(['L4999', 'L4998', 'L4997', 'L4996', 'L4995']);
    expect(stats(e)).toEqual({ docsExamined: 5, indexLookups: 1, collectionScans: 0 });
    e.resetStats();
    const page = await db.collection('ledger').where({ at: _.lt(new Date(T0 + 1000 * 60_000)) }).orderBy('at', 'desc').skip(10).limit(3).get();
    expect(page.data.map((d: any) => d._id)).toEqual(['L989', 'L988', 'L987']);
    expect(stats(e)).toEqual({ docsExamined: 13, indexLookups: 1, collectionScans: 0 });
  });

  test('equality on a compound index leading field + sort on its second field (small candidate set, sorted in memory)', async () => {
    const { data } = await db.collection('ledger').where({ uid: 'u5' }).orderBy('at', 'desc').limit(2).get();
    expect(data.map((d: any) => d._id)).toEqual(['L4905', 'L4805']);
    expect(stats(e)).toEqual({ docsExamined: 50, indexLookups: 1, collectionScans: 0 });
  });

  test('indexes follow updates and removes', async () => {
    await db.collection('ledger').doc('L7').update({ data: { uid: 'moved' } });
    expect((await db.collection('ledger').where({ uid: 'moved' }).get()).data.map((d: any) => d._id)).toEqual(['L7']);
    expect((await db.collection('ledger').where({ uid: 'u7' }).limit(1000).get()).data).toHaveLength(49);
    await db.collection('ledger').where({ uid: 'moved' }).remove();
    expect((await db.collection('ledger').where({ uid: 'moved' }).get()).data).toEqual([]);
    await db.collection('ledger').doc('L8').set({ data: { uid: 'setted', at: new Date(0) } });
    expect((await db.collection('ledger').orderBy('at', 'asc').limit(1).get()).data[0]._id).toBe('L8');
    e.resetStats();
    expect((await db.collection('ledger').where({ uid: 'setted' }).get()).data).toHaveLength(1);
    expect(stats(e).collectionScans).toBe(0);
  });

  test('the schema file loads and its indexes are built', () => {
    const s = schema();
    const eng = Engine.open({ schema: s });
    for (const [name, def] of Object.entries(s.collections)) {
      expect(eng.indexesOf(name).map((i) => i.name)).toEqual(def.indexes.map((i) => i.name));
    }
  });
});

describe('unique indexes', () => {
  beforeEach(() => {
    const e = sdk.fresh({ schema: SCHEMA });
    e.insertMany('users', [
      { _id: 'a', phone: '111', team: 't1', no: 1 },
      { _id: 'b', phone: '222', team: 't1', no: 2 }
    ]);
  });

  test('insert of a duplicate key fails with the duplicate-key error and inserts nothing of the batch', async () => {
    const err = await rejection(db.collection('users').add({ data: { phone: '111', team: 't2', no: 1 } }));
    expect(err.errCode).toBe(-502001);
    expect(err.message).toMatch(DUPLICATE_KEY_MESSAGE);
    expect(err.message).toMatch(/index: phone dup key: \{ phone: "111" \}/);
    const raw = await rejection(sdk.engine.send('database.insertDocument', { collectionName: 'users', data: ['{"phone":"333","team":"t3","no":1}', '{"phone":"333","team":"t3","no":2}'] }));
    expect(raw.code).toBe(DUPLICATE_KEY);
    expect(sdk.engine.count('users')).toBe(2);
  });

  test('compound unique key', async () => {
    await db.collection('users').add({ data: { phone: '333', team: 't1', no: 3 } });
    const err = await rejection(db.collection('users').add({ data: { phone: '444', team: 't1', no: 3 } }));
    expect(err.message).toMatch(/index: team_no dup key: \{ team: "t1", no: 3 \}/);
  });

  test('update, where-update, set and upsert are checked too', async () => {
    const e1 = await rejection(db.collection('users').doc('b').update({ data: { phone: '111' } }));
    expect(e1.message).toMatch(DUPLICATE_KEY_MESSAGE);
    const e2 = await rejection(db.collection('users').where({ team: 't1' }).update({ data: { phone: '999' } }));
    expect(e2.message).toMatch(DUPLICATE_KEY_MESSAGE);
    const e3 = await rejection(db.collection('users').doc('b').set({ data: { phone: '111', team: 'x', no: 0 } }));
    expect(e3.message).toMatch(DUPLICATE_KEY_MESSAGE);
    const e4 = await rejection(db.collection('users').doc('new').set({ data: { phone: '222', team: 'y', no: 0 } }));
    expect(e4.message).toMatch(DUPLICATE_KEY_MESSAGE);
    // Nothing changed, atomically (the where-update touched neither document).
    expect(sdk.engine.dump('users')).toEqual([
      { _id: 'a', phone: '111', team: 't1', no: 1 },
      { _id: 'b', phone: '222', team: 't1', no: 2 }
    ]);
    // Swapping keys inside one request is fine; freeing a key lets another doc take it.
    await db.collection('users').doc('a').update({ data: { phone: '555' } });
    await db.collection('users').doc('b').update({ data: { phone: '111' } });
    expect((await db.collection('users').where({ phone: '111' }).get()).data.map((d: any) => d._id)).toEqual(['b']);
  });

  test('missing unique field counts as null (MongoDB): a second doc without it is a duplicate', async () => {
    const e = sdk.fresh({ schema: { collections: { u: { indexes: [{ name: 'email', keys: { email: 1 }, unique: true }] } } } });
    e.insertMany('u', [{ _id: 1 }]);
    const err = await rejection(db.collection('u').add({ data: { _id: 2 } }));
    expect(err.message).toMatch(DUPLICATE_KEY_MESSAGE);
  });

  test('insertMany enforces unique keys too', () => {
    expect(() => sdk.engine.insertMany('users', [{ phone: '222', team: 'z', no: 9 }])).toThrow(DUPLICATE_KEY_MESSAGE);
  });
});

describe('index answers equal scan answers (randomised)', () => {
  test.each([
    ['mixed values (arrays/objects present)', false],
    ['scalar values only (index-ordered sorts are used)', true]
  ])('same results with and without indexes for many queries: %s', async (_name, scalarOnly) => {
    const idxSchema: Schema = { collections: { r: { indexes: [{ name: 'v', keys: { v: 1 } }, { name: 's', keys: { s: -1 } }, { name: 'd', keys: { d: 1 } }] } } };
    const withIdx = Engine.open({ schema: idxSchema });
    const noIdx = Engine.open();
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const pool: any[] = [1, 2, 3, 2.5, -1, '1', 'a', 'b', null, undefined, true, false, new Date(T0), new Date(T0 + 1000)];
    if (!scalarOnly) pool.push([1, 2], [3, 'a'], { x: 1 });
    const values = () => pick<any>(pool);
    const docs: any[] = [];
    for (let i = 0; i < 400; i++) {
      const d: any = { _id: i };
      for (const f of ['v', 's', 'd']) {
        const x = values();
        if (x !== undefined) d[f] = x;
      }
      docs.push(d);
    }
    withIdx.insertMany('r', docs);
    noIdx.insertMany('r', docs);
    const { EJSON } = require('bson');
    const conds = () =>
      pick<any>([
        values(),
        { $eq: values() },
        { $in: [values(), values()] },
        { $gt: pick([1, 'a', new Date(T0)]) },
        { $gte: pick([2, 'b', new Date(T0 + 1000)]), $lt: pick([3, 'z', new Date(T0 + 5000)]) },
        { $lte: pick([2, 'a', new Date(T0)]) },
        { $ne: values() }
      ]);
    for (let q = 0; q < 200; q++) {
      const query: any = {};
      query[pick(['v', 's', 'd'])] = conds();
      if (rnd() < 0.3) query[pick(['v', 's', 'd'])] = conds();
      const wrapped = rnd() < 0.2 ? { $or: [query, { v: values() }] } : query;
      const order = rnd() < 0.5 ? JSON.stringify({ [pick(['v', 's', 'd', '_id'])]: pick([1, -1]), _id: 1 }) : undefined;
      // Without an order only a complete answer is comparable (which 5 of many is unspecified).
      const params = { collectionName: 'r', queryType: 'WHERE', query: EJSON.stringify(wrapped, { relaxed: false }), order, limit: order ? pick([5, 1000]) : 1000 };
      const a = (await withIdx.send('database.getDocument', params)).data.list;
      const b = (await noIdx.send('database.getDocument', params)).data.list;
      if (order) expect({ q: params.query, order, r: a }).toEqual({ q: params.query, order, r: b });
      else expect({ q: params.query, r: [...a].sort() }).toEqual({ q: params.query, r: [...b].sort() });
      const ca = (await withIdx.send('database.calculateDocument', params)).data.total;
      const cb = (await noIdx.send('database.calculateDocument', params)).data.total;
      expect({ q: params.query, n: ca }).toEqual({ q: params.query, n: cb });
    }
    expect(withIdx.stats.indexLookups).toBeGreaterThan(100);
    expect(noIdx.stats.indexLookups).toBe(0);
  });
});
