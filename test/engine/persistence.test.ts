// Journal + snapshot: every acknowledged write survives a crash (re-open without close), a torn last
// line is dropped, compaction is atomic, dates and types survive.
import * as fs from 'fs';
import * as path from 'path';
import { Engine } from '../../local/engine';
import { rmDir, setupSdk, tmpDir } from './sdk';

const sdk = setupSdk();
const { db, _ } = sdk;
let dir: string;

beforeEach(() => {
  dir = tmpDir();
});
afterEach(() => {
  rmDir(dir);
});

const journal = () => path.join(dir, 'journal.jsonl');
const snapshot = () => path.join(dir, 'snapshot.jsonl');
const lines = () => fs.readFileSync(journal(), 'utf8').split('\n').filter(Boolean);
const SCHEMA = { collections: { c: { indexes: [{ name: 'k', keys: { k: 1 as const } }] } } };

test('acknowledged writes survive a crash (re-open from the same dir without close), indexes rebuilt', async () => {
  sdk.fresh({ dataDir: dir, schema: SCHEMA });
  const when = new Date('2026-02-03T04:05:06.789Z');
  const { _id } = await db.collection('c').add({ data: { k: 'a', when, nested: { arr: [1, 'x', { d: when }] }, f: 0.1, n: null } });
  await db.collection('c').doc('d2').set({ data: { k: 'b', n: 1 } });
  await db.collection('c').doc('d2').update({ data: { n: _.inc(2), at: db.serverDate() } });
  await db.collection('c').where({ k: 'zzz' }).remove();
  await db.collection('other').add({ data: { _id: 'o', v: 1 } });
  await db.collection('other').doc('o').remove();
  expect(lines()).toHaveLength(5); // one line per committed write; the no-op remove wrote nothing

  // "kill -9": no close(), a new engine replays the same directory.
  const e2 = Engine.open({ dataDir: dir, schema: SCHEMA });
  const docs = e2.dump('c') as any[];
  expect(docs).toHaveLength(2);
  expect(docs[0]).toEqual({ _id, k: 'a', when, nested: { arr: [1, 'x', { d: when }] }, f: 0.1, n: null });
  expect(docs[0].when).toBeInstanceOf(Date);
  expect(docs[1]).toMatchObject({ _id: 'd2', k: 'b', n: 3 });
  expect(docs[1].at).toBeInstanceOf(Date);
  expect(e2.count('other')).toBe(0);
  e2.resetStats();
  const r = await e2.send('database.getDocument', { collectionName: 'c', queryType: 'WHERE', query: '{"k":"b"}' });
  expect(r.data.list).toHaveLength(1);
  expect(e2.stats.indexLookups).toBe(1);
  e2.close();
});

test('a committed transaction is one journal line and replays atomically', async () => {
  const e = sdk.fresh({ dataDir: dir });
  e.insertMany('acc', [{ _id: 'A', b: 10 }, { _id: 'B', b: 0 }]);
  const before = lines().length;
  await db.runTransaction(async (tx: any) => {
    await tx.collection('acc').doc('A').update({ data: { b: _.inc(-5) } });
    await tx.collection('acc').doc('B').update({ data: { b: _.inc(5) } });
  });
  const tx = await db.startTransaction();
  await tx.collection('acc').doc('A').update({ data: { b: _.inc(-1) } });
  await tx.rollback(); // aborted: nothing written
  expect(lines().length).toBe(before + 1);
  expect(JSON.parse(lines()[lines().length - 1]).o).toHaveLength(2);
  const e2 = Engine.open({ dataDir: dir });
  expect(e2.dump('acc')).toEqual([{ _id: 'A', b: 5 }, { _id: 'B', b: 5 }]);
  e2.close();
});

test('a torn last line (partial JSON from a crash mid-write) is dropped and cut off', async () => {
  const e = sdk.fresh({ dataDir: dir });
  await db.collection('c').add({ data: { _id: 'ok1' } });
  await db.collection('c').add({ data: { _id: 'ok2' } });
  e.close();
  fs.appendFileSync(journal(), '{"s":99,"o":[["p","c",{"_id":"tor');
  const e2 = Engine.open({ dataDir: dir });
  expect(e2.dump('c').map((d: any) => d._id)).toEqual(['ok1', 'ok2']);
  expect(fs.readFileSync(journal(), 'utf8').endsWith('\n')).toBe(true);
  // Later appends start on a clean line and replay fine.
  sdk.use(e2);
  await db.collection('c').add({ data: { _id: 'ok3' } });
  e2.close();
  const e3 = Engine.open({ dataDir: dir });
  expect(e3.dump('c').map((d: any) => d._id)).toEqual(['ok1', 'ok2', 'ok3']);
  e3.close();
});

test('a damaged line in the middle is an error, not a silent loss', async () => {
  const e = sdk.fresh({ dataDir: dir });
  await db.collection('c').add({ data: { _id: 'a' } });
  await db.collection('c').add({ data: { _id: 'b' } });
  e.close();
  const ls = lines();
  fs.writeFileSync(journal(), ls[0].slice(0, 10) + '\n' + ls[1] + '\n');
  expect(() => Engine.open({ dataDir: dir })).toThrow(/line 1 is damaged/);
});

test('compaction writes a snapshot atomically and truncates the journal; reopen sees everything', async () => {
  const e = sdk.fresh({ dataDir: dir, schema: SCHEMA });
  e.insertMany('c', Array.from({ length: 50 }, (_x, i) => ({ _id: 'd' + i, k: i % 5, at: new Date(1e12 + i) })));
  await db.collection('c').doc('d1').remove();
  e.compact();
  expect(fs.existsSync(snapshot())).toBe(true);
  expect(fs.existsSync(snapshot() + '.tmp')).toBe(false);
  expect(fs.readFileSync(journal(), 'utf8')).toBe('');
  await db.collection('c').doc('d2').update({ data: { k: 'after' } });
  await db.collection('empty-after-compact').add({ data: { _id: 'x' } });
  const e2 = Engine.open({ dataDir: dir, schema: SCHEMA });
  expect(e2.count('c')).toBe(49);
  expect((e2.dump('c') as any[]).find((d) => d._id === 'd2').k).toBe('after');
  expect((e2.dump('c') as any[]).find((d) => d._id === 'd3').at).toEqual(new Date(1e12 + 3));
  expect(e2.count('empty-after-compact')).toBe(1);
  e2.close();
});

test('crash between snapshot rename and journal truncate: replay skips what the snapshot has', async () => {
  const e = sdk.fresh({ dataDir: dir });
  await db.collection('c').add({ data: { _id: 'a', n: 1 } });
  await db.collection('c').doc('a').update({ data: { n: _.inc(1) } });
  const savedJournal = fs.readFileSync(journal());
  e.compact();
  fs.writeFileSync(journal(), savedJournal); // as if the truncate never happened
  const e2 = Engine.open({ dataDir: dir });
  expect(e2.dump('c')).toEqual([{ _id: 'a', n: 2 }]);
  sdk.use(e2);
  await db.collection('c').doc('a').update({ data: { n: _.inc(1) } });
  e2.close();
  expect(Engine.open({ dataDir: dir }).dump('c')).toEqual([{ _id: 'a', n: 3 }]);
});

test('a leftover temp snapshot (crash before rename) is ignored', async () => {
  const e = sdk.fresh({ dataDir: dir });
  await db.collection('c').add({ data: { _id: 'a' } });
  e.close();
  fs.writeFileSync(snapshot() + '.tmp', '{"snapshot":1,"seq":999,"collections":["c"]}\n{"c":"c","d":{"_id":"ghost"}}\n');
  const e2 = Engine.open({ dataDir: dir });
  expect(e2.dump('c')).toEqual([{ _id: 'a' }]);
  expect(fs.existsSync(snapshot() + '.tmp')).toBe(false);
  e2.close();
});

test('automatic compaction after compactAfterLines', async () => {
  sdk.fresh({ dataDir: dir, compactAfterLines: 5 });
  for (let i = 0; i < 12; i++) await db.collection('c').add({ data: { _id: 'd' + i } });
  expect(fs.existsSync(snapshot())).toBe(true);
  expect(lines().length).toBeLessThan(5);
  expect(Engine.open({ dataDir: dir }).count('c')).toBe(12);
});

test('memory-only engines write nothing; close() makes later requests fail', async () => {
  const e = sdk.fresh();
  await db.collection('c').add({ data: { _id: 'a' } });
  expect(fs.readdirSync(dir)).toEqual([]);
  e.close();
  await expect(e.send('database.getDocument', { collectionName: 'c', query: '{"_id":"a"}', queryType: 'DOC' })).rejects.toThrow(/closed/);
});

test('kill -9 of a writing process loses no acknowledged write', async () => {
  const { spawn } = await import('child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/crash-writer.ts'), dir], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  let acked = -1;
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve());
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const complete = buf.slice(0, buf.lastIndexOf('\n') + 1);
      buf = buf.slice(complete.length);
      for (const line of complete.split('\n')) if (line.startsWith('ack ')) acked = Number(line.slice(4));
      if (acked >= 300 && !child.killed) child.kill('SIGKILL');
    });
  });
  expect(acked).toBeGreaterThanOrEqual(300);
  const e = Engine.open({ dataDir: dir });
  const ids = new Set((e.dump('c') as any[]).map((d) => d.i));
  for (let i = 0; i <= acked; i++) expect(ids.has(i)).toBe(true);
  e.close();
}, 30000);
