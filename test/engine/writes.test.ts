// Writes through the real wx-server-sdk: add, doc.set (replace/upsert), doc.update with every update
// operator, where().update (multi), remove, serverDate; raw batch semantics.
import { DUPLICATE_KEY, DUPLICATE_KEY_MESSAGE, INVALID_PARAM, REQUEST_FAILED, UNSUPPORTED } from '../../local/engine';
import { rejection, setupSdk } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;
let clock = 0;

beforeEach(() => {
  clock = Date.parse('2026-06-01T00:00:00Z');
  sdk.fresh({ now: () => clock });
});

const get = async (coll: string, id: string) => (await sdk.engine.send('database.getDocument', { collectionName: coll, query: JSON.stringify({ _id: id }), queryType: 'DOC' })).data.list.map((s: string) => require('bson').EJSON.parse(s))[0];

describe('add', () => {
  test('server-made _id is 32 hex chars; given _id is kept; dates survive', async () => {
    const r = await db.collection('c').add({ data: { a: 1, when: new Date('2026-01-02T03:04:05Z') } });
    expect(r._id).toMatch(/^[0-9a-f]{32}$/);
    const { data } = await db.collection('c').doc(r._id).get();
    expect(data).toEqual({ _id: r._id, a: 1, when: new Date('2026-01-02T03:04:05Z') });
    const r2 = await db.collection('c').add({ data: { _id: 'mine', b: [1, { c: 'x' }], n: null, f: 1.5, big: 2 ** 40, neg: -7 } });
    expect(r2._id).toBe('mine');
    expect((await db.collection('c').doc('mine').get()).data).toEqual({ _id: 'mine', b: [1, { c: 'x' }], n: null, f: 1.5, big: 2 ** 40, neg: -7 });
  });

  test('numeric _id through doc(number)', async () => {
    await db.collection('c').add({ data: { _id: 7, a: 1 } });
    expect((await db.collection('c').doc(7).get()).data).toEqual({ _id: 7, a: 1 });
    expect((await db.collection('c').where({ _id: '7' }).get()).data).toEqual([]);
  });

  test('duplicate _id fails like the cloud (-502001, E11000) and the batch inserts nothing', async () => {
    await db.collection('c').add({ data: { _id: 'x', v: 1 } });
    const err = await rejection(db.collection('c').add({ data: { _id: 'x', v: 2 } }));
    expect(err.errCode).toBe(-502001);
    expect(err.message).toMatch(DUPLICATE_KEY_MESSAGE);
    // Raw multi-document insert: one duplicate (inside the batch) -> nothing inserted.
    const raw = await rejection(
      sdk.engine.send('database.insertDocument', { collectionName: 'c', data: ['{"_id":"y","v":1}', '{"_id":"z"}', '{"_id":"y","v":2}'] })
    );
    expect(raw.code).toBe(DUPLICATE_KEY);
    expect(raw.message).toMatch(/index: _id_ dup key: \{ _id: "y" \}/);
    expect(sdk.engine.count('c')).toBe(1);
  });

  test('serverDate in data resolves to the engine clock plus offset', async () => {
    const r = await db.collection('c').add({ data: { at: db.serverDate(), later: db.serverDate({ offset: 60_000 }), nested: { at: db.serverDate() } } });
    const { data } = await db.collection('c').doc(r._id).get();
    expect(data.at).toEqual(new Date(clock));
    expect(data.later).toEqual(new Date(clock + 60_000));
    expect(data.nested.at).toEqual(new Date(clock));
  });
});

describe('doc.set (replace, upsert)', () => {
  test('creates when absent (stats.created), replaces when present', async () => {
    const r1 = await db.collection('c').doc('d1').set({ data: { a: 1, b: 2 } });
    expect(r1.stats).toEqual({ updated: 0, created: 1 });
    const r2 = await db.collection('c').doc('d1').set({ data: { c: 3 } });
    expect(r2.stats).toEqual({ updated: 1, created: 0 });
    expect((await db.collection('c').doc('d1').get()).data).toEqual({ _id: 'd1', c: 3 });
  });

  test('setting identical content reports updated 1 (matched count, as the cloud)', async () => {
    await db.collection('c').doc('d1').set({ data: { a: 1 } });
    const r = await db.collection('c').doc('d1').set({ data: { a: 1 } });
    expect(r.stats.updated).toBe(1);
  });
});

describe('doc.update: every update operator', () => {
  beforeEach(() => {
    sdk.engine.insertMany('c', [{ _id: 'u', n: 10, f: 2.5, arr: [1, 2, 3], tags: ['a', 'b'], o: { p: 1, q: { r: 2 } }, old: 'x', hi: 5, lo: 5, when: new Date('2026-01-01T00:00:00Z') }]);
  });

  test('inc, mul, set (nested object merge vs _.set replace), remove, rename, max, min', async () => {
    const r = await db.collection('c').doc('u').update({
      data: {
        n: _.inc(5),
        f: _.mul(2),
        o: { p: 9 }, // merge: flattened to o.p
        s: _.set({ whole: true }),
        old: _.remove(),
        hi: _.max(7),
        lo: _.max(1),
        when: _.min(new Date('2025-01-01T00:00:00Z')),
        fresh: 'new'
      }
    });
    expect(r.stats.updated).toBe(1);
    await db.collection('c').doc('u').update({ data: { o: _.set({ replaced: 1 }), fresh: _.rename('renamed') } });
    const d = await get('c', 'u');
    expect(d).toEqual({
      _id: 'u',
      n: 15,
      f: 5,
      arr: [1, 2, 3],
      tags: ['a', 'b'],
      o: { replaced: 1 },
      hi: 7,
      lo: 5,
      when: new Date('2025-01-01T00:00:00Z'),
      s: { whole: true },
      renamed: 'new'
    });
  });

  test('push (plain, each/position/slice/sort), pop, shift, unshift', async () => {
    await db.collection('c').doc('u').update({ data: { arr: _.push([4, 5]) } });
    expect((await get('c', 'u')).arr).toEqual([1, 2, 3, 4, 5]);
    await db.collection('c').doc('u').update({ data: { arr: _.push({ each: [0, 9], position: 1, slice: 4, sort: -1 }) } });
    expect((await get('c', 'u')).arr).toEqual([9, 5, 4, 3]);
    await db.collection('c').doc('u').update({ data: { arr: _.pop() } });
    expect((await get('c', 'u')).arr).toEqual([9, 5, 4]);
    await db.collection('c').doc('u').update({ data: { arr: _.shift() } });
    expect((await get('c', 'u')).arr).toEqual([5, 4]);
    await db.collection('c').doc('u').update({ data: { arr: _.unshift(7, 8) } });
    expect((await get('c', 'u')).arr).toEqual([7, 8, 5, 4]);
    await db.collection('c').doc('u').update({ data: { newArr: _.push('x') } });
    expect((await get('c', 'u')).newArr).toEqual(['x']);
  });

  test('pull (value and condition), pullAll, addToSet (single and $each)', async () => {
    await db.collection('c').doc('u').update({ data: { arr: _.pull(2) } });
    expect((await get('c', 'u')).arr).toEqual([1, 3]);
    await db.collection('c').doc('u').update({ data: { arr: _.pull(_.gte(3)) } });
    expect((await get('c', 'u')).arr).toEqual([1]);
    await db.collection('c').doc('u').update({ data: { tags: _.pullAll(['a', 'zz']) } });
    expect((await get('c', 'u')).tags).toEqual(['b']);
    await db.collection('c').doc('u').update({ data: { tags: _.addToSet('b') } });
    await db.collection('c').doc('u').update({ data: { tags: _.addToSet('c') } });
    await db.collection('c').doc('u').update({ data: { tags: _.addToSet({ $each: ['c', 'd', 'd'] }) } });
    expect((await get('c', 'u')).tags).toEqual(['b', 'c', 'd']);
  });

  test('addToSet of one scalar (the fast path): new field, present value unchanged, with other operators, on a non-array refused', async () => {
    const r1 = await db.collection('c').doc('u').update({ data: { seen: _.addToSet('m1'), n: _.inc(1) } });
    expect(r1.stats.updated).toBe(1);
    expect(await get('c', 'u')).toMatchObject({ seen: ['m1'], n: 11 });
    const r2 = await db.collection('c').doc('u').update({ data: { seen: _.addToSet('m1') } });
    expect(r2.stats.updated).toBe(1); // already there: nothing changed, but matched
    await db.collection('c').doc('u').update({ data: { seen: _.addToSet(7), 'o.list': _.addToSet(null) } });
    expect(await get('c', 'u')).toMatchObject({ seen: ['m1', 7], o: { p: 1, list: [null] } });
    await expect(db.collection('c').doc('u').update({ data: { n: _.addToSet('x') } })).rejects.toThrow();
    expect((await get('c', 'u')).n).toBe(11);
  });

  test('bit', async () => {
    await db.collection('c').doc('u').update({ data: { n: _.bit({ or: 5 }) } });
    expect((await get('c', 'u')).n).toBe(15);
    await db.collection('c').doc('u').update({ data: { n: _.bit({ and: 6 }) } });
    expect((await get('c', 'u')).n).toBe(6);
  });

  test('serverDate in an update', async () => {
    await db.collection('c').doc('u').update({ data: { at: db.serverDate({ offset: -1000 }), o: { seen: db.serverDate() } } });
    const d = await get('c', 'u');
    expect(d.at).toEqual(new Date(clock - 1000));
    expect(d.o).toEqual({ p: 1, q: { r: 2 }, seen: new Date(clock) });
  });

  test('updating a missing doc reports updated 0; a no-op update reports 1 (matched, as the cloud)', async () => {
    expect((await db.collection('c').doc('nope').update({ data: { a: 1 } })).stats.updated).toBe(0);
    expect((await db.collection('c').doc('u').update({ data: { n: 10 } })).stats.updated).toBe(1);
  });

  test('type errors MongoDB raises are raised (not silently ignored)', async () => {
    const e1 = await rejection(db.collection('c').doc('u').update({ data: { old: _.inc(1) } }));
    expect(e1.message).toMatch(/Cannot apply \$inc to a value of non-numeric type/);
    const e2 = await rejection(db.collection('c').doc('u').update({ data: { old: _.push(1) } }));
    expect(e2.message).toMatch(/must be an array/);
    const e3 = await rejection(db.collection('c').doc('u').update({ data: { 'n.deep': 1 } }));
    expect(e3.message).toMatch(/Cannot create field 'deep'/);
    expect((await get('c', 'u')).old).toBe('x');
  });

  test('positional $ update via where()', async () => {
    sdk.engine.insertMany('c', [{ _id: 'pos', items: [{ k: 'a', n: 1 }, { k: 'b', n: 1 }] }]);
    await db.collection('c').where({ _id: 'pos', 'items.k': 'b' }).update({ data: { 'items.$.n': _.inc(1) } });
    expect((await get('c', 'pos')).items).toEqual([{ k: 'a', n: 1 }, { k: 'b', n: 2 }]);
  });
});

describe('where().update / remove', () => {
  beforeEach(() => {
    sdk.engine.insertMany('c', [
      { _id: 'a', g: 1, n: 0 },
      { _id: 'b', g: 1, n: 0 },
      { _id: 'c', g: 2, n: 0 }
    ]);
  });

  test('multi update counts modified documents', async () => {
    const r = await db.collection('c').where({ g: 1 }).update({ data: { n: _.inc(1) } });
    expect(r.stats.updated).toBe(2);
    expect(sdk.engine.dump('c').map((d: any) => d.n)).toEqual([1, 1, 0]);
  });

  test('remove by where and by doc', async () => {
    expect((await db.collection('c').where({ g: 1 }).remove()).stats.removed).toBe(2);
    expect((await db.collection('c').doc('c').remove()).stats.removed).toBe(1);
    expect((await db.collection('c').doc('c').remove()).stats.removed).toBe(0);
    expect(sdk.engine.count('c')).toBe(0);
  });

  test('raw multi:false touches only the first match; upsert on where', async () => {
    const r = await sdk.engine.send('database.modifyDocument', { collectionName: 'c', queryType: 'WHERE', query: '{"g":1}', data: '{"$set":{"x":1}}', multi: false, merge: true, upsert: false });
    expect(r.data.updated).toBe(1);
    const rm = await sdk.engine.send('database.removeDocument', { collectionName: 'c', queryType: 'WHERE', query: '{"g":1}', multi: false });
    expect(rm.data.deleted).toBe(1);
    const up = await sdk.engine.send('database.modifyDocument', { collectionName: 'c', queryType: 'WHERE', query: '{"g":9,"h":{"$eq":"z"}}', data: '{"$inc":{"n":{"$numberInt":"2"}}}', multi: false, merge: true, upsert: true });
    expect(up.data.updated).toBe(0);
    expect(up.data.upsert_id).toMatch(/^[0-9a-f]{32}$/);
    const created = sdk.engine.dump('c').find((d: any) => d._id === up.data.upsert_id);
    expect(created).toEqual({ _id: up.data.upsert_id, g: 9, h: 'z', n: 2 });
  });

  test('modifyAndReturnDoc (updateAndReturn)', async () => {
    const r = await sdk.engine.send('database.modifyAndReturnDoc', { collectionName: 'c', queryType: 'WHERE', query: '{"_id":"c"}', data: '{"$inc":{"n":{"$numberInt":"5"}}}' });
    expect(r.data.updated).toBe(1);
    expect(JSON.parse(r.data.doc)).toEqual({ _id: 'c', g: 2, n: 5 });
  });
});

describe('unsupported and invalid updates fail with a named error', () => {
  test('unknown update operator', async () => {
    sdk.engine.insertMany('c', [{ _id: 'a' }]);
    const err = await rejection(sdk.engine.send('database.modifyDocument', { collectionName: 'c', queryType: 'DOC', query: '{"_id":"a"}', data: '{"$currentDate":{"t":true}}', merge: true }));
    expect(err.code).toBe(UNSUPPORTED);
    expect(err.message).toMatch(/\$currentDate/);
  });

  test('replacement with operators, changing _id, bad EJSON', async () => {
    sdk.engine.insertMany('c', [{ _id: 'a' }]);
    const e1 = await rejection(sdk.engine.send('database.modifyDocument', { collectionName: 'c', queryType: 'DOC', query: '{"_id":"a"}', data: '{"$set":{"x":1}}', merge: false, upsert: true }));
    expect(e1.code).toBe(INVALID_PARAM);
    const e2 = await rejection(sdk.engine.send('database.modifyDocument', { collectionName: 'c', queryType: 'DOC', query: '{"_id":"a"}', data: '{"$set":{"_id":"b"}}', merge: true }));
    expect(e2.code).toBe(REQUEST_FAILED);
    expect(e2.message).toMatch(/immutable field '_id'/);
    const e3 = await rejection(sdk.engine.send('database.insertDocument', { collectionName: 'c', data: ['{"a":'] }));
    expect(e3.code).toBe(INVALID_PARAM);
  });
});

describe('field-operator fast path agrees with mingo (randomised)', () => {
  test('$set $unset $inc $mul $max $min on random documents', () => {
    const { applyUpdate } = require('../../local/engine/update');
    const { update } = require('mingo');
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const vals = [0, 1, -2, 2.5, 'a', 'b', null, new Date(5), new Date(9), { z: 1 }, [1, 2], true];
    const paths = ['a', 'b', 'c.d', 'c.e', 'f.g.h', 'n'];
    for (let round = 0; round < 500; round++) {
      const doc: any = { _id: round, a: pick(vals), n: pick([1, 2, 3.5]), c: pick([{ d: pick(vals) }, undefined, { e: 1 }]) };
      if (doc.c === undefined) delete doc.c;
      const spec: any = {};
      const used = new Set<string>();
      for (let k = 0; k < 3; k++) {
        const op = pick(['$set', '$unset', '$inc', '$mul', '$max', '$min']);
        const path = pick(paths);
        if ([...used].some((u) => u === path || u.startsWith(path + '.') || path.startsWith(u + '.'))) continue;
        const numeric = op === '$inc' || op === '$mul';
        if ((numeric || op === '$max' || op === '$min') && !(['n', 'f.g.h', 'b'] as string[]).includes(path)) continue;
        used.add(path);
        spec[op] = spec[op] || {};
        // $max/$min against objects/arrays: mingo orders those differently from BSON (we follow BSON), so keep to scalars.
        const scalarVals = vals.filter((v) => v === null || typeof v !== 'object' || v instanceof Date);
        spec[op][path] = op === '$unset' ? '' : numeric ? pick([1, -1, 2, 0.5]) : op === '$set' ? pick(vals) : pick(scalarVals);
      }
      if (!Object.keys(spec).length) continue;
      const expected = JSON.parse(JSON.stringify(doc));
      const ref = require('../../local/engine/values').clone(doc);
      const changedPaths = update(ref, spec, undefined, undefined, { cloneMode: 'deep' });
      const got = applyUpdate(doc, spec, {});
      expect({ spec, doc: got.doc }).toEqual({ spec, doc: ref });
      expect({ spec, changed: got.changed }).toEqual({ spec, changed: changedPaths.length > 0 });
      expect(JSON.parse(JSON.stringify(doc))).toEqual(expected); // input untouched
    }
  });
});

describe('array fast paths agree with mingo (randomised)', () => {
  test('$addToSet of a scalar and $push of $each (with or without $slice) on random documents', () => {
    const { applyUpdate, fastUpdate } = require('../../local/engine/update');
    const { update } = require('mingo');
    const { clone, deepEqual } = require('../../local/engine/values');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const scalars = [0, 1, -2, 2.5, 'a', 'b', null, true, new Date(5)];
    let fast = 0;
    for (let round = 0; round < 500; round++) {
      const doc: any = { _id: round, arr: pick([[], [1, 'a'], ['b', null, new Date(5)], undefined]), o: pick([{ list: [1] }, {}, undefined]) };
      for (const k of ['arr', 'o']) if (doc[k] === undefined) delete doc[k];
      const path = pick(['arr', 'o.list', 'fresh']);
      const spec: any =
        rnd() < 0.5
          ? { $addToSet: { [path]: pick(scalars) } }
          : {
              $push: {
                [path]: {
                  $each: Array.from({ length: Math.floor(rnd() * 3) }, () => pick([...scalars, { z: 1 }])),
                  // A code's latest scans push with a negative slice; MongoDB also takes 0 and positive.
                  ...(rnd() < 0.5 ? { $slice: pick([-1, -2, -5, 0, 1, 3]) } : {}),
                },
              },
            };
      if (rnd() < 0.3) spec.$inc = { n: 1 };
      const ref = clone(doc);
      // MongoDB pushes onto a missing field as onto [] and then applies $slice; mingo creates the
      // field unsliced. The reference starts such a field at [] (a change even when nothing is pushed).
      // And MongoDB counts a document modified only when it differs (mingo reports any sliced push).
      const missing = spec.$push && spec.$push[path].$slice !== undefined && path.split('.').reduce((o: any, k) => o?.[k], ref) === undefined;
      if (missing) path.split('.').reduce((o: any, k, i, all) => (i === all.length - 1 ? (o[k] = []) : (o[k] ??= {})), ref);
      const changedPaths = update(ref, clone(spec), undefined, undefined, { cloneMode: 'deep' });
      const got = applyUpdate(doc, spec, {});
      expect({ spec, doc: got.doc }).toEqual({ spec, doc: ref });
      const sliceGiven = spec.$push?.[path]?.$slice !== undefined;
      expect({ spec, changed: got.changed }).toEqual({ spec, changed: sliceGiven ? missing || !deepEqual(doc, ref) : changedPaths.length > 0 });
      // The comparison is only worth something if the fast path (not mingo again) answered.
      if (fastUpdate(doc, spec)) fast++;
    }
    expect(fast).toBe(500);
  });
});
