// Direct helpers (insertMany/count/dump), stats, schema loading, the seam's stickiness.
import * as fs from 'fs';
import * as path from 'path';
import { Engine, EngineError, REQUEST_FAILED, loadSchema, toErrorBody } from '../../local/engine';
import { installEngineSeam, resolveDatabaseModule } from '../../local/engine/sdk-seam';
import { ROOT, rmDir, setupSdk, tmpDir } from './sdk';

const sdk = setupSdk();
const { db } = sdk;

test('insertMany/dump deep-copy: callers cannot mutate stored state', async () => {
  const e = sdk.fresh();
  const input = { _id: 'a', nested: { v: 1 }, list: [1], at: new Date(5) };
  e.insertMany('c', [input]);
  input.nested.v = 2;
  input.list.push(2);
  input.at.setTime(9);
  const out = e.dump('c')[0] as any;
  expect(out).toEqual({ _id: 'a', nested: { v: 1 }, list: [1], at: new Date(5) });
  out.nested.v = 3;
  expect((e.dump('c')[0] as any).nested.v).toBe(1);
  const viaSdk = (await db.collection('c').doc('a').get()).data;
  viaSdk.nested.v = 4;
  expect((e.dump('c')[0] as any).nested.v).toBe(1);
  expect(e.count('c')).toBe(1);
  expect(e.count('none')).toBe(0);
  expect(e.dump('none')).toEqual([]);
});

test('insertMany makes 32-hex ids when absent', () => {
  const e = sdk.fresh();
  e.insertMany('c', [{ a: 1 }, { a: 2 }]);
  const ids = e.dump('c').map((d: any) => d._id);
  expect(ids).toHaveLength(2);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  expect(ids[0]).not.toBe(ids[1]);
});

test('stats: totals, by action, per collection; resetStats keeps references live', async () => {
  const e = sdk.fresh();
  const live = e.stats;
  await db.collection('x').add({ data: { a: 1 } });
  await db.collection('x').where({ a: 1 }).get();
  await db.collection('y').count().catch(() => {}); // never created: -502005, still counted
  expect(live.requests).toBe(3);
  expect(live.byAction).toEqual({ 'database.insertDocument': 1, 'database.getDocument': 1, 'database.calculateDocument': 1 });
  expect(live.errors).toBe(1);
  expect(live.collections.x.requests).toBe(2);
  expect(live.collections.x.collectionScans).toBe(1);
  expect(live.collections.x.docsExamined).toBe(1);
  expect(live.collections.y.requests).toBe(1);
  e.resetStats();
  expect(live).toBe(e.stats);
  expect(live.requests).toBe(0);
  expect(live.collections.x.requests).toBe(0);
  await db.collection('x').where({ a: 1 }).get();
  expect(live.requests).toBe(1);
});

test('loadSchema reads database/schema.json and validates index keys', () => {
  const s = loadSchema(path.join(ROOT, 'database/schema.json'));
  expect(Object.keys(s.collections).length).toBeGreaterThan(0);
  const dir = tmpDir();
  try {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ collections: { a: { indexes: [{ name: 'x', keys: { f: 2 } }] } } }));
    expect(() => loadSchema(bad)).toThrow(/must be 1 or -1/);
    fs.writeFileSync(bad, JSON.stringify({ nope: 1 }));
    expect(() => loadSchema(bad)).toThrow(/collections/);
  } finally {
    rmDir(dir);
  }
});

test('errors look like the node-sdk TcbError and convert to an HTTP body', async () => {
  const e = sdk.fresh();
  const err = await e.send('database.getDocument', {}).catch((x) => x);
  expect(err).toBeInstanceOf(EngineError);
  expect(err).toBeInstanceOf(Error);
  expect(Object.keys(toErrorBody(err)).sort()).toEqual(['code', 'message', 'requestId']);
  expect(toErrorBody(new Error('boom'), 'r1')).toEqual({ code: REQUEST_FAILED, message: 'boom', requestId: 'r1' });
  expect(e.stats.errors).toBe(1);
});

test('the seam is sticky (node-sdk re-assigns reqClass on every database()) and idempotent', async () => {
  const { Db } = require(resolveDatabaseModule(ROOT));
  const before = Db.reqClass;
  Db.reqClass = class Nope {};
  expect(Db.reqClass).toBe(before);
  const other = Engine.open();
  other.insertMany('s', [{ _id: 'only-in-other' }]);
  installEngineSeam(() => other, { paths: [ROOT] });
  try {
    const db2 = sdk.cloud.database();
    expect((await db2.collection('s').doc('only-in-other').get()).data._id).toBe('only-in-other');
  } finally {
    installEngineSeam(() => sdk.engine, { paths: [ROOT] });
  }
  const e = sdk.fresh();
  e.insertMany('s', [{ _id: 'back' }]);
  expect((await sdk.cloud.database().collection('s').doc('back').get()).data._id).toBe('back');
});

test('collections from the schema exist before any write; addCollection creates one', async () => {
  const e = Engine.open({ schema: { collections: { pre: { indexes: [] } } } });
  expect(e.collectionNames()).toEqual(['pre']);
  await e.send('database.addCollection', { collectionName: 'made' });
  expect(e.collectionNames()).toEqual(['pre', 'made']);
  await expect(e.send('database.addCollection', { collectionName: 'made' })).rejects.toThrow(/already exists/);
});
