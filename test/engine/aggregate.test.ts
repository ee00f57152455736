// Aggregation through the real wx-server-sdk: $match $group $sort $skip $limit $project $lookup
// (localField/foreignField and pipeline forms) $unwind $count and friends; unsupported stages fail.
import { UNSUPPORTED } from '../../local/engine';
import { rejection, setupSdk } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;
const $ = _.aggregate;

beforeEach(() => {
  const e = sdk.fresh();
  e.insertMany('users', [
    { _id: 'u1', name: 'Ann', city: 'SH', tags: ['a', 'b'] },
    { _id: 'u2', name: 'Ben', city: 'BJ', tags: ['b'] },
    { _id: 'u3', name: 'Cat', city: 'SH', tags: [] }
  ]);
  e.insertMany('orders', [
    { _id: 'o1', uid: 'u1', amount: 10, at: new Date('2026-01-01T00:00:00Z') },
    { _id: 'o2', uid: 'u1', amount: 5, at: new Date('2026-01-02T00:00:00Z') },
    { _id: 'o3', uid: 'u2', amount: 7, at: new Date('2026-01-03T00:00:00Z') },
    { _id: 'o4', uid: 'u9', amount: 1, at: new Date('2026-01-04T00:00:00Z') }
  ]);
});

test('match + group + sort + skip + limit + project', async () => {
  const { list } = await db
    .collection('orders')
    .aggregate()
    .match({ amount: _.gte(5) })
    .group({ _id: '$uid', total: $.sum('$amount'), n: $.sum(1), last: $.max('$at') })
    .sort({ total: -1 })
    .skip(0)
    .limit(5)
    .project({ _id: 0, uid: '$_id', total: 1, n: 1, last: 1 })
    .end();
  expect(list).toEqual([
    { uid: 'u1', total: 15, n: 2, last: new Date('2026-01-02T00:00:00Z') },
    { uid: 'u2', total: 7, n: 1, last: new Date('2026-01-03T00:00:00Z') }
  ]);
});

test('lookup (localField/foreignField) + unwind + count', async () => {
  const { list } = await db.collection('orders').aggregate().lookup({ from: 'users', localField: 'uid', foreignField: '_id', as: 'user' }).unwind('$user').sort({ _id: 1 }).project({ amount: 1, name: '$user.name' }).end();
  expect(list).toEqual([
    { _id: 'o1', amount: 10, name: 'Ann' },
    { _id: 'o2', amount: 5, name: 'Ann' },
    { _id: 'o3', amount: 7, name: 'Ben' }
  ]);
  const counted = await db.collection('orders').aggregate().lookup({ from: 'users', localField: 'uid', foreignField: '_id', as: 'user' }).unwind('$user').count('n').end();
  expect(counted.list).toEqual([{ n: 3 }]);
});

test('lookup with let + pipeline (the SDK can send it)', async () => {
  const { list } = await db
    .collection('users')
    .aggregate()
    .lookup({
      from: 'orders',
      let: { id: '$_id' },
      pipeline: $.pipeline().match(_.expr($.eq(['$uid', '$$id']))).project({ _id: 0, amount: 1 }).done(),
      as: 'orders'
    })
    .sort({ _id: 1 })
    .project({ orders: 1 })
    .end();
  expect(list).toEqual([
    { _id: 'u1', orders: [{ amount: 10 }, { amount: 5 }] },
    { _id: 'u2', orders: [{ amount: 7 }] },
    { _id: 'u3', orders: [] }
  ]);
});

test('unwind with options, addFields, sortByCount, replaceRoot, bucket', async () => {
  const u = await db.collection('users').aggregate().unwind({ path: '$tags', preserveNullAndEmptyArrays: true }).sortByCount('$tags').end();
  expect(u.list).toEqual([
    { _id: 'b', count: 2 },
    { _id: 'a', count: 1 },
    { _id: null, count: 1 }
  ]);
  const a = await db.collection('orders').aggregate().match({ _id: 'o1' }).addFields({ double: $.multiply(['$amount', 2]) }).replaceRoot({ newRoot: { d: '$double' } }).end();
  expect(a.list).toEqual([{ d: 20 }]);
  const b = await db.collection('orders').aggregate().bucket({ groupBy: '$amount', boundaries: [0, 6, 100], default: 'other', output: { n: $.sum(1) } }).end();
  expect(b.list).toEqual([
    { _id: 0, n: 2 },
    { _id: 6, n: 2 }
  ]);
});

test('aggregation comparison expressions use MongoDB BSON order (not query semantics)', async () => {
  const { list } = await db
    .collection('users')
    .aggregate()
    .project({ _id: 1, gtNull: $.gt(['$tags', null]), eqElem: $.eq(['$tags', 'b']), cmp: $.cmp(['$name', 'Ben']) })
    .sort({ _id: 1 })
    .end();
  expect(list).toEqual([
    { _id: 'u1', gtNull: true, eqElem: false, cmp: -1 },
    { _id: 'u2', gtNull: true, eqElem: false, cmp: 0 },
    { _id: 'u3', gtNull: true, eqElem: false, cmp: 1 }
  ]);
});

test('a leading $match uses the planner (index / _id)', async () => {
  sdk.engine.resetStats();
  await db.collection('orders').aggregate().match({ _id: _.in(['o1', 'o3']) }).end();
  expect(sdk.engine.stats.collectionScans).toBe(0);
  expect(sdk.engine.stats.indexLookups).toBe(1);
  expect(sdk.engine.stats.docsExamined).toBe(2);
});

test('unsupported stages fail with an error naming them', async () => {
  const err = await rejection(db.collection('orders').aggregate().geoNear({ near: new db.Geo.Point(1, 1), spherical: true, distanceField: 'd' }).end());
  expect(err.message).toMatch(/\$geoNear/);
  const raw = await rejection(sdk.engine.send('database.aggregateDocuments', { collectionName: 'orders', stages: [{ stageKey: '$out', stageValue: '"x"' }] }));
  expect(raw.code).toBe(UNSUPPORTED);
  expect(raw.message).toMatch(/\$out/);
  const nested = await rejection(
    sdk.engine.send('database.aggregateDocuments', { collectionName: 'orders', stages: [{ stageKey: '$lookup', stageValue: JSON.stringify({ from: 'users', pipeline: [{ $merge: 'x' }], as: 'u' }) }] })
  );
  expect(nested.message).toMatch(/\$merge/);
  const expr = await rejection(db.collection('orders').aggregate().project({ x: { $frobnicate: 1 } }).end());
  expect(expr.message).toMatch(/\$frobnicate/);
});
