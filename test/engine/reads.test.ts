// Reads through the real wx-server-sdk: get/doc/count, every query operator the SDK offers,
// projection, order, offset, limit (default 100, SDK cap 1000).
import { Engine, INVALID_PARAM, UNSUPPORTED } from '../../local/engine';
import { rejection, setupSdk } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;

const people = [
  { _id: 'p1', name: 'Alice', age: 30, city: 'Shanghai', tags: ['vip', 'new'], profile: { level: 3, nick: 'al' }, scores: [{ k: 'a', v: 1 }, { k: 'b', v: 5 }], joined: new Date('2026-01-01T00:00:00Z') },
  { _id: 'p2', name: 'bob', age: 25, city: 'Beijing', tags: ['new'], profile: { level: 1 }, scores: [{ k: 'a', v: 9 }], joined: new Date('2026-02-01T00:00:00Z') },
  { _id: 'p3', name: 'Carol', age: 35, city: 'Shanghai', tags: [], profile: { level: 2, nick: null }, scores: [], joined: new Date('2026-03-01T00:00:00Z') },
  { _id: 'p4', name: 'dave', age: 41, tags: ['vip'], profile: { level: 5 }, joined: new Date('2026-04-01T00:00:00Z') },
  { _id: 'p5', name: 'Eve', age: 25, city: null, tags: ['x', 'y', 'z'], profile: {}, joined: new Date('2026-05-01T00:00:00Z') }
];

beforeEach(() => {
  const e = sdk.fresh();
  e.insertMany('people', people);
});

async function ids(query: any): Promise<string[]> {
  const { data } = await db.collection('people').where(query).get();
  return data.map((d: any) => d._id).sort();
}

describe('get / doc / count', () => {
  test('doc(id).get returns the document with types intact; missing doc fails like the SDK', async () => {
    const { data } = await db.collection('people').doc('p1').get();
    expect(data).toEqual(people[0]);
    expect(data.joined).toBeInstanceOf(Date);
    const err = await rejection(db.collection('people').doc('nope').get());
    expect(err.message).toMatch(/does not exist/);
  });

  test('doc(id).field() projects', async () => {
    const { data } = await db.collection('people').doc('p1').field({ name: true, 'profile.level': true }).get();
    expect(data).toEqual({ _id: 'p1', name: 'Alice', profile: { level: 3 } });
  });

  test('where + orderBy + skip + limit + field', async () => {
    const { data } = await db.collection('people').where({ age: _.gte(25) }).orderBy('age', 'desc').orderBy('name', 'asc').skip(1).limit(3).field({ name: true, age: true }).get();
    expect(data).toEqual([
      { _id: 'p3', name: 'Carol', age: 35 },
      { _id: 'p1', name: 'Alice', age: 30 },
      { _id: 'p5', name: 'Eve', age: 25 }
    ]);
  });

  test('exclusion projection and _id exclusion', async () => {
    const { data } = await db.collection('people').where({ _id: 'p2' }).field({ scores: false, profile: false, tags: false, joined: false }).get();
    expect(data).toEqual([{ _id: 'p2', name: 'bob', age: 25, city: 'Beijing' }]);
    const r2 = await db.collection('people').where({ _id: 'p2' }).field({ _id: false, name: true }).get();
    expect(r2.data).toEqual([{ name: 'bob' }]);
  });

  test('projection operators: slice and elemMatch', async () => {
    const r = await db.collection('people').where({ _id: 'p5' }).field({ tags: _.project.slice(2) }).get();
    expect(r.data[0].tags).toEqual(['x', 'y']);
    const r2 = await db.collection('people').where({ _id: 'p1' }).field({ scores: _.project.elemMatch({ v: { $gt: 2 } }) }).get();
    expect(r2.data[0].scores).toEqual([{ k: 'b', v: 5 }]);
  });

  test('count', async () => {
    expect((await db.collection('people').count()).total).toBe(5);
    expect((await db.collection('people').where({ city: 'Shanghai' }).count()).total).toBe(2);
    expect((await rejection(db.collection('nothing-here').count())).errCode).toBe(-502005);
  });

  test('default limit is 100 and the SDK caps limit at 1000', async () => {
    const e = sdk.fresh();
    e.insertMany('many', Array.from({ length: 1205 }, (_x, i) => ({ i })));
    expect((await db.collection('many').get()).data).toHaveLength(100);
    expect((await db.collection('many').limit(5000).get()).data).toHaveLength(1000);
    expect((await db.collection('many').orderBy('i', 'asc').skip(1200).limit(1000).get()).data.map((d: any) => d.i)).toEqual([1200, 1201, 1202, 1203, 1204]);
    // A raw request above the cap is capped the same way.
    const raw = await e.send('database.getDocument', { collectionName: 'many', queryType: 'WHERE', limit: 5000 });
    expect(raw.data.list).toHaveLength(1000);
  });

  test('a read of a collection that was never created answers DATABASE_COLLECTION_NOT_EXIST (-502005)', async () => {
    const e = await rejection(db.collection('ghost').where({ a: 1 }).get());
    expect(e.errCode).toBe(-502005);
    expect(e.message).toMatch(/\[ResourceNotFound\] Db or Table not exist/);
  });
});

describe('query operators (MongoDB semantics)', () => {
  test('equality, dot paths, nested equality', async () => {
    expect(await ids({ city: 'Shanghai' })).toEqual(['p1', 'p3']);
    expect(await ids({ 'profile.level': 3 })).toEqual(['p1']);
    expect(await ids({ profile: { level: 5 } })).toEqual(['p4']); // SDK flattens to profile.level
    expect(await ids({ profile: _.eq({ level: 5 }) })).toEqual(['p4']); // whole-object equality
  });

  test('comparison: eq neq gt gte lt lte', async () => {
    expect(await ids({ age: _.eq(25) })).toEqual(['p2', 'p5']);
    expect(await ids({ age: _.neq(25) })).toEqual(['p1', 'p3', 'p4']);
    expect(await ids({ age: _.gt(30) })).toEqual(['p3', 'p4']);
    expect(await ids({ age: _.gte(30).and(_.lt(41)) })).toEqual(['p1', 'p3']);
    expect(await ids({ age: _.lte(25) })).toEqual(['p2', 'p5']);
    expect(await ids({ joined: _.gte(new Date('2026-03-01T00:00:00Z')) })).toEqual(['p3', 'p4', 'p5']);
  });

  test('in / nin', async () => {
    expect(await ids({ age: _.in([25, 41]) })).toEqual(['p2', 'p4', 'p5']);
    expect(await ids({ age: _.nin([25, 41]) })).toEqual(['p1', 'p3']);
    expect(await ids({ tags: _.in(['vip']) })).toEqual(['p1', 'p4']);
  });

  test('exists, null matching missing', async () => {
    expect(await ids({ city: _.exists(false) })).toEqual(['p4']);
    expect(await ids({ city: _.exists(true) })).toEqual(['p1', 'p2', 'p3', 'p5']);
    expect(await ids({ city: null })).toEqual(['p4', 'p5']);
    expect(await ids({ 'profile.nick': null })).toEqual(['p2', 'p3', 'p4', 'p5']);
    // MongoDB: $gte/$lte null match null and missing alike; $gt/$lt null match nothing.
    expect(await ids({ city: _.gte(null) })).toEqual(['p4', 'p5']);
    expect(await ids({ city: _.lte(null) })).toEqual(['p4', 'p5']);
    expect(await ids({ city: _.gt(null) })).toEqual([]);
  });

  test('regex (JS RegExp and db.RegExp)', async () => {
    expect(await ids({ name: /^[a-c]/ })).toEqual(['p2']);
    expect(await ids({ name: /^[a-c]/i })).toEqual(['p1', 'p2', 'p3']);
    expect(await ids({ name: db.RegExp({ regexp: 'E$', options: 'i' }) })).toEqual(['p1', 'p4', 'p5']);
  });

  test('array matching: element equality, size, all, elemMatch', async () => {
    expect(await ids({ tags: 'vip' })).toEqual(['p1', 'p4']);
    expect(await ids({ tags: _.size(0) })).toEqual(['p3']);
    expect(await ids({ tags: _.all(['vip', 'new']) })).toEqual(['p1']);
    expect(await ids({ scores: _.elemMatch({ k: 'a', v: _.gt(5) }) })).toEqual(['p2']);
    expect(await ids({ 'scores.v': 5 })).toEqual(['p1']);
    expect(await ids({ 'tags.0': 'x' })).toEqual(['p5']);
  });

  test('logic: and / or / nor / not', async () => {
    expect(await ids(_.or([{ city: 'Beijing' }, { age: _.gt(40) }]))).toEqual(['p2', 'p4']);
    expect(await ids(_.and([{ city: 'Shanghai' }, { age: _.gt(30) }]))).toEqual(['p3']);
    expect(await ids({ age: _.gt(40).or(_.lt(26)) })).toEqual(['p2', 'p4', 'p5']);
    expect(await ids(_.nor([{ city: 'Shanghai' }, { age: 25 }]))).toEqual(['p4']);
    expect(await ids({ age: _.not(_.gt(30)) })).toEqual(['p1', 'p2', 'p5']);
  });

  test('mod and expr', async () => {
    expect(await ids({ age: _.mod(5, 0) })).toEqual(['p1', 'p2', 'p3', 'p5']);
    const $ = _.aggregate;
    expect(await ids(_.expr($.gt(['$age', '$profile.level'])))).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(await ids(_.expr($.eq(['$age', 41])))).toEqual(['p4']);
  });

  test('serverDate inside a query resolves to the engine clock', async () => {
    const clock = { t: Date.parse('2026-03-15T00:00:00Z') };
    const e = sdk.fresh({ now: () => clock.t });
    e.insertMany('people', people);
    expect(await ids({ joined: _.lt(db.serverDate()) })).toEqual(['p1', 'p2', 'p3']);
    expect(await ids({ joined: _.lt(db.serverDate({ offset: 30 * 86400_000 })) })).toEqual(['p1', 'p2', 'p3', 'p4']);
  });
});

describe('unsupported operators fail with an error naming them', () => {
  test('geo query operator', async () => {
    const err = await rejection(db.collection('people').where({ loc: _.geoNear({ geometry: new db.Geo.Point(1, 2), maxDistance: 10 }) }).get());
    expect(err.message).toMatch(/\$nearSphere/);
    expect(err.message).toMatch(/not supported/);
  });

  test('unknown query operator through a raw request', async () => {
    const err = await rejection(sdk.engine.send('database.getDocument', { collectionName: 'people', queryType: 'WHERE', query: '{"age":{"$foo":1}}' }));
    expect(err.code).toBe(UNSUPPORTED);
    expect(err.message).toMatch(/\$foo/);
  });

  test('unknown action', async () => {
    const err = await rejection(sdk.engine.send('database.frobnicate', { collectionName: 'people' }));
    expect(err.code).toBe(UNSUPPORTED);
    expect(err.message).toMatch(/database\.frobnicate/);
  });
});

describe('raw reply shapes (what the requester returns)', () => {
  test('getDocument / calculateDocument replies carry data and requestId; errors are {code,message,requestId}', async () => {
    const e: Engine = sdk.engine;
    const r = await e.send('database.getDocument', { collectionName: 'people', query: '{"_id":"p2"}', queryType: 'DOC', multi: false });
    expect(typeof r.requestId).toBe('string');
    expect(r.data.list).toHaveLength(1);
    expect(typeof r.data.list[0]).toBe('string');
    const c = await e.send('database.calculateDocument', { collectionName: 'people', queryType: 'WHERE', query: '{"age":{"$numberInt":"25"}}' });
    expect(c.data.total).toBe(2);
    const err = await rejection(e.send('database.getDocument', { queryType: 'WHERE' }));
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(INVALID_PARAM);
    expect(typeof err.requestId).toBe('string');
  });
});

describe('the equality fast path agrees with mingo (randomised, seeded)', () => {
  test('field: scalar and field: {$in: [scalars]} on random documents; other shapes are left to mingo', () => {
    const { equalityMatcher, newQuery } = require('../../local/engine/query');
    const seed = Number(process.env.SEED ?? 2611);
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const scalars = [0, -0, 1, 1.5, -2, 'a', 'b', '1', '', true, false];
    const values = [...scalars, null, undefined, new Date(5), [], ['a', 1], [['a']], [true, 'b'], { a: 1 }, [{ a: 1 }], NaN];
    let fast = 0;
    for (let round = 0; round < 2000; round++) {
      const doc: any = { _id: pick(['x', 'y', 1]) };
      for (const k of ['a', 'b', 'c']) {
        const v = pick(values);
        if (v !== undefined) doc[k] = v;
      }
      const criteria: any = {};
      for (const k of ['_id', 'a', 'b', 'c'].filter(() => rnd() < 0.5)) {
        criteria[k] = rnd() < 0.6 ? pick(scalars) : { $in: Array.from({ length: Math.floor(rnd() * 3) }, () => pick(scalars)) };
      }
      if (!Object.keys(criteria).length) criteria.a = pick(scalars);
      const m = equalityMatcher(criteria);
      expect(m).not.toBeNull();
      fast++;
      expect({ seed, round, criteria, doc, match: m(doc) }).toEqual({ seed, round, criteria, doc, match: newQuery(criteria).test(doc) });
    }
    expect(fast).toBe(2000);
    // Shapes the fast path leaves to mingo.
    for (const c of [{ a: null }, { 'a.b': 1 }, { a: { $gt: 1 } }, { a: { $in: [null] } }, { a: new Date(5) }, { a: NaN }, { $or: [{ a: 1 }] }, { a: { $in: [1], $nin: [2] } }]) expect(equalityMatcher(c)).toBeNull();
  });
});
