// $lookup through the planner: localField/foreignField joins and uncorrelated pipelines read only the
// foreign documents they need (proved with stats), with the answers mingo's whole-collection $lookup
// gives (the engine's previous implementation, kept here as the reference).
import { Engine, Schema } from '../../local/engine';
import { runPipeline } from '../../local/engine/aggregate';
import { clone, parseEJSON } from '../../local/engine/values';
import { setupSdk } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;
const $ = _.aggregate;

const SCHEMA: Schema = {
  collections: {
    batches: { indexes: [{ name: 'sku_1', keys: { sku: 1 } }] },
    codes: { indexes: [] },
    accounts: { indexes: [] },
    rateLimits: { indexes: [{ name: 'expiresAt', keys: { expiresAt: 1 } }] },
    ledger: { indexes: [] }
  }
};

/** The previous implementation: mingo's $lookup over copies of whole collections. */
function viaMingo(e: Engine, input: object[], stages: any[]): any[] {
  return runPipeline(clone(input as any), stages, (name) => clone(e.dump(name) as any));
}

/** Lookup results carry no order guarantee (MongoDB neither): compare them sorted by _id. */
function sortJoined(rows: any[], as: string): any[] {
  const key = (d: any) => JSON.stringify(d._id);
  return rows.map((r) => ({ ...r, [as]: [...r[as]].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) }));
}

function scans(e: Engine, coll: string) {
  const s = e.stats.collections[coll];
  return { indexLookups: s?.indexLookups ?? 0, collectionScans: s?.collectionScans ?? 0, docsExamined: s?.docsExamined ?? 0 };
}

describe('localField/foreignField', () => {
  let e: Engine;
  // Scalars, arrays, null and missing on each candidate foreignField (`_id`, indexed `sku`, plain `tag`).
  const batches = [
    { _id: 'b1', sku: 'A', tag: 'x' },
    { _id: 'b2', sku: 'B', tag: ['x', 'y'] },
    { _id: 'b3', sku: null, tag: null },
    { _id: 'b4', sku: ['A', 'C'] },
    { _id: 'b5', sku: 'D', tag: 'z', when: new Date('2026-01-01T00:00:00Z') },
    { _id: 7, sku: 7, tag: 7 }
  ];
  const codes = [
    { _id: 'c1', ref: 'b1', sku: 'A', tag: 'x' }, // scalar
    { _id: 'c2', ref: ['b2', 'b5'], sku: ['B', 'D'], tag: ['y', 'z'] }, // array, every element matches
    { _id: 'c3' }, // missing: matches null/missing foreign values
    { _id: 'c4', ref: null, sku: null, tag: null }, // null: same
    { _id: 'c5', ref: 'nope', sku: 'nope', tag: 'nope' }, // no match
    { _id: 'c6', ref: 7, sku: 7, tag: 7 }, // numbers
    { _id: 'c7', ref: [], sku: [], tag: [] }, // empty array: no match
    { _id: 'c8', nested: [{ ref: 'b1' }, { ref: 'b4' }], sku: 'C', tag: 'y' } // path through an array; foreign array element
  ];

  beforeEach(() => {
    e = sdk.fresh({ schema: SCHEMA });
    e.insertMany('batches', batches);
    e.insertMany('codes', codes);
  });

  test.each([
    ['_id', 'ref'],
    ['_id', 'nested.ref'],
    ['sku', 'sku'],
    ['tag', 'tag']
  ])('joins on foreignField %s (localField %s) equal mingo', async (foreignField, localField) => {
    const stage = { from: 'batches', localField, foreignField, as: 'joined' };
    const { list } = await db.collection('codes').aggregate().lookup(stage).sort({ _id: 1 }).end();
    const expected = viaMingo(e, e.dump('codes'), [{ $lookup: stage }, { $sort: { _id: 1 } }]);
    expect(sortJoined(list, 'joined')).toEqual(sortJoined(expected, 'joined'));
  });

  test('a local array with a missing element joins what matches (MongoDB; mingo pads with null)', async () => {
    e.insertMany('codes', [{ _id: 'c9', ref: ['b1', 'nope', 'b1'] }]);
    const { list } = await db.collection('codes').aggregate().match({ _id: 'c9' }).lookup({ from: 'batches', localField: 'ref', foreignField: '_id', as: 'joined' }).end();
    expect(list).toEqual([{ _id: 'c9', ref: ['b1', 'nope', 'b1'], joined: [batches[0]] }]);
  });

  test('a from collection that does not exist joins nothing', async () => {
    const { list } = await db.collection('codes').aggregate().match({ _id: 'c1' }).lookup({ from: 'nothing', localField: 'ref', foreignField: '_id', as: 'joined' }).end();
    expect(list).toEqual([{ ...codes[0], joined: [] }]);
  });

  test('joined documents are copies (a later stage cannot change the store)', async () => {
    await db
      .collection('codes')
      .aggregate()
      .match({ _id: 'c1' })
      .lookup({ from: 'batches', localField: 'ref', foreignField: '_id', as: 'joined' })
      .unwind('$joined')
      .replaceRoot({ newRoot: '$joined' })
      .addFields({ sku: 'changed' })
      .end();
    expect(e.dump('batches')[0]).toEqual(batches[0]);
  });
});

describe('no scan of a 10,000-document from collection', () => {
  let e: Engine;
  beforeEach(() => {
    e = sdk.fresh({ schema: SCHEMA });
    e.insertMany(
      'batches',
      Array.from({ length: 10_000 }, (_x, i) => ({ _id: 'b' + i, sku: 'S' + (i % 5000), tag: 'T' + i }))
    );
    e.insertMany('codes', [
      { _id: 'c1', batch: 'b42', sku: 'S7', tag: 'T9' },
      { _id: 'c2', batch: ['b1', 'b2'], sku: ['S1', 'S2'] },
      { _id: 'c3', batch: 'b42' }
    ]);
    e.resetStats();
  });

  test('join by _id: one index lookup for all input documents, only the matches examined', async () => {
    const { list } = await db.collection('codes').aggregate().lookup({ from: 'batches', localField: 'batch', foreignField: '_id', as: 'b' }).sort({ _id: 1 }).end();
    expect(list.map((r: any) => r.b.map((b: any) => b._id))).toEqual([['b42'], ['b1', 'b2'], ['b42']]);
    expect(scans(e, 'batches')).toEqual({ indexLookups: 1, collectionScans: 0, docsExamined: 3 });
  });

  test('join by an indexed field: index lookup, only the matches examined', async () => {
    const { list } = await db.collection('codes').aggregate().match({ _id: 'c2' }).lookup({ from: 'batches', localField: 'sku', foreignField: 'sku', as: 'b' }).end();
    expect(list[0].b.map((b: any) => b._id).sort()).toEqual(['b1', 'b2', 'b5001', 'b5002']);
    expect(scans(e, 'batches')).toEqual({ indexLookups: 1, collectionScans: 0, docsExamined: 4 });
    expect(e.stats.collectionScans).toBe(0);
  });

  test('join by an unindexed field: one scan (no copy of the collection), still correct', async () => {
    const { list } = await db.collection('codes').aggregate().lookup({ from: 'batches', localField: 'tag', foreignField: 'tag', as: 'b' }).sort({ _id: 1 }).end();
    expect(list.map((r: any) => r.b.map((b: any) => b._id))).toEqual([['b9'], [], []]);
    expect(scans(e, 'batches')).toEqual({ indexLookups: 0, collectionScans: 1, docsExamined: 10_000 });
  });

  test('an uncorrelated pipeline with a leading $match uses the planner, once per aggregate', async () => {
    const { list } = await db
      .collection('codes')
      .aggregate()
      .lookup({ from: 'batches', pipeline: $.pipeline().match({ sku: _.in(['S3', 'S4']) }).project({ _id: 1 }).done(), as: 'b' })
      .end();
    expect(list).toHaveLength(3);
    for (const r of list) expect(r.b.map((b: any) => b._id).sort()).toEqual(['b3', 'b4', 'b5003', 'b5004']);
    expect(scans(e, 'batches')).toEqual({ indexLookups: 1, collectionScans: 0, docsExamined: 4 });
  });

  test('a correlated lookup (let + pipeline) still reads the whole collection (once)', async () => {
    const { list } = await db
      .collection('codes')
      .aggregate()
      .match({ _id: 'c1' })
      .lookup({ from: 'batches', let: { b: '$batch' }, pipeline: $.pipeline().match(_.expr($.eq(['$_id', '$$b']))).done(), as: 'b' })
      .end();
    expect(list[0].b).toEqual([{ _id: 'b42', sku: 'S42', tag: 'T42' }]);
    expect(scans(e, 'batches')).toEqual({ indexLookups: 0, collectionScans: 1, docsExamined: 10_000 });
  });
});

describe('the hot paths', () => {
  let e: Engine;
  const T = new Date('2026-03-01T00:00:00Z');
  beforeEach(() => {
    e = sdk.fresh({ schema: SCHEMA });
    e.insertMany('codes', [{ _id: 'CODE1', batch: 'B1', state: 'new' }]);
    e.insertMany('batches', [
      { _id: 'B1', name: 'spring', points: 10 },
      { _id: 'B2', name: 'summer', points: 20 }
    ]);
    e.insertMany('rateLimits', [
      { _id: 'm:o1:100', n: 3, expiresAt: T },
      { _id: 'ip:1.2.3.4:100', n: 9, expiresAt: T },
      { _id: 'code:CODE1:100', n: 1, expiresAt: T }
    ]);
    e.insertMany('accounts', [
      { _id: 'o1', balance: 50, held: 0, secret: 's' },
      { _id: 'o2', balance: 5, held: 0 }
    ]);
    e.insertMany('ledger', [{ _id: 'scan:CODE1', amount: 10 }]);
    e.insertMany('members', [{ _id: 'o1', name: 'Ann' }]);
    e.insertMany('admins', [{ _id: 'op', name: 'x' }]);
    e.resetStats();
  });

  test('a code scan: one aggregate, every lookup planned, same answer as before', async () => {
    const stages: any[] = [];
    const send = e.send.bind(e);
    (e as any).send = (action: string, params: any) => {
      stages.push(...params.stages);
      return send(action, params);
    };
    const { list } = await db
      .collection('codes')
      .aggregate()
      .match({ _id: 'CODE1' })
      .lookup({ from: 'batches', localField: 'batch', foreignField: '_id', as: 'batches' })
      .lookup({ from: 'rateLimits', pipeline: $.pipeline().match({ _id: _.in(['m:o1:100', 'ip:1.2.3.4:100']) }).done(), as: 'limits' })
      .lookup({ from: 'accounts', pipeline: $.pipeline().match({ _id: 'o1' }).project({ balance: 1, held: 1 }).limit(1).done(), as: 'accounts' })
      .lookup({ from: 'ledger', pipeline: $.pipeline().match({ _id: 'scan:CODE1' }).done(), as: 'done' })
      .end();

    // What the SDK sent: EJSON strings, the sub-pipeline inline in the $lookup value.
    expect(stages.map((s) => s.stageKey)).toEqual(['$match', '$lookup', '$lookup', '$lookup', '$lookup']);
    expect(JSON.parse(stages[1].stageValue)).toEqual({ from: 'batches', localField: 'batch', foreignField: '_id', as: 'batches' });
    expect(JSON.parse(stages[3].stageValue)).toEqual({
      from: 'accounts',
      pipeline: [{ $match: { _id: 'o1' } }, { $project: { balance: { $numberInt: '1' }, held: { $numberInt: '1' } } }, { $limit: { $numberInt: '1' } }],
      as: 'accounts'
    });

    expect(list).toEqual([
      {
        _id: 'CODE1',
        batch: 'B1',
        state: 'new',
        batches: [{ _id: 'B1', name: 'spring', points: 10 }],
        limits: [
          { _id: 'm:o1:100', n: 3, expiresAt: T },
          { _id: 'ip:1.2.3.4:100', n: 9, expiresAt: T }
        ],
        accounts: [{ _id: 'o1', balance: 50, held: 0 }],
        done: [{ _id: 'scan:CODE1', amount: 10 }]
      }
    ]);
    const before = viaMingo(
      e,
      e.dump('codes').filter((c: any) => c._id === 'CODE1'),
      stages.slice(1).map((s) => ({ [s.stageKey]: parseEJSON(s.stageValue, Date.now()) }))
    );
    expect(list).toEqual(before);
    expect(e.stats.requests).toBe(1);
    expect(e.stats.collectionScans).toBe(0);
    for (const c of ['codes', 'batches', 'rateLimits', 'accounts', 'ledger']) expect(scans(e, c).indexLookups).toBe(1);
  });

  test("login's lookup (members + accounts + admins by _id) answers as before, without scans", async () => {
    const stages = [
      { $match: { _id: 'o1' } },
      { $lookup: { from: 'accounts', localField: '_id', foreignField: '_id', as: 'accounts' } },
      { $lookup: { from: 'admins', localField: '_id', foreignField: '_id', as: 'admins' } }
    ];
    const { list } = await db.collection('members').aggregate().match({ _id: 'o1' }).lookup(stages[1].$lookup).lookup(stages[2].$lookup).end();
    expect(list).toEqual([{ _id: 'o1', name: 'Ann', accounts: [{ _id: 'o1', balance: 50, held: 0, secret: 's' }], admins: [] }]);
    expect(list).toEqual(viaMingo(e, e.dump('members'), stages));
    expect(e.stats.collectionScans).toBe(0);
    expect(e.stats.indexLookups).toBe(3);
  });

  test('an uncorrelated pipeline: $match + $project + $limit, a nested lookup, copies per input document', async () => {
    e.insertMany('codes', [{ _id: 'CODE2', batch: 'B2' }]);
    e.resetStats();
    const sub = [
      { $match: { _id: { $in: ['o1', 'o2'] } } },
      { $sort: { balance: -1 } },
      { $limit: 1 },
      { $project: { _id: 0, balance: 1 } },
      { $lookup: { from: 'batches', localField: 'balance', foreignField: 'points', as: 'b' } }
    ];
    const { list } = await db
      .collection('codes')
      .aggregate()
      .lookup({ from: 'accounts', pipeline: sub, as: 'top' })
      .sort({ _id: 1 })
      .end();
    expect(list.map((r: any) => r.top)).toEqual([[{ balance: 50, b: [] }], [{ balance: 50, b: [] }]]);
    expect(list).toEqual(viaMingo(e, e.dump('codes'), [{ $lookup: { from: 'accounts', pipeline: sub, as: 'top' } }, { $sort: { _id: 1 } }]));
    expect(scans(e, 'accounts')).toEqual({ indexLookups: 1, collectionScans: 0, docsExamined: 2 });
    // The nested lookup joins on an unindexed field: one scan of batches, for both input documents.
    expect(scans(e, 'batches').collectionScans).toBe(1);
  });

  test('an uncorrelated pipeline without a leading $match reads the whole collection once', async () => {
    const { list } = await db
      .collection('members')
      .aggregate()
      .lookup({ from: 'batches', pipeline: $.pipeline().sort({ points: -1 }).limit(1).project({ name: 1 }).done(), as: 'best' })
      .end();
    expect(list).toEqual([{ _id: 'o1', name: 'Ann', best: [{ _id: 'B2', name: 'summer' }] }]);
    expect(scans(e, 'batches')).toEqual({ indexLookups: 0, collectionScans: 1, docsExamined: 2 });
  });
});

describe('a lone plain $project (no mingo aggregator)', () => {
  const docs = [{ _id: 'a', x: 1, y: { z: 2 }, w: [1] }, { _id: 'b', y: null }];
  const mingo = (stage: object) => runPipeline(clone(docs), [stage, { $skip: 0 }], () => []);
  test.each([[{ $project: { x: 1, y: 1 } }], [{ $project: { x: true } }], [{ $project: { _id: 1, w: 1 } }]])('%j answers as mingo does', (stage) => {
    expect(runPipeline(clone(docs), [stage], () => [])).toEqual(mingo(stage));
  });
  test.each([[{ $project: { _id: 0, x: 1 } }], [{ $project: { 'y.z': 1 } }], [{ $project: { x: 0 } }], [{ $project: { v: '$x' } }]])('%j still goes to mingo', (stage) => {
    expect(runPipeline(clone(docs), [stage], () => [])).toEqual(mingo(stage));
  });
});
