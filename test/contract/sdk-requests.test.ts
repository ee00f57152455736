// Contract: the exact (action, params) the pinned wx-server-sdk sends for a representative set of
// calls, compared with the committed fixture sdk-requests.json. An SDK upgrade that changes what
// travels (and so what the local engine must understand) fails here.
// Re-record deliberately with: UPDATE_CONTRACT=1 npx jest test/contract
import * as fs from 'fs';
import * as path from 'path';
import { Engine } from '../../local/engine';
import { installEngineSeam, resolveDatabaseModule } from '../../local/engine/sdk-seam';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(__dirname, 'sdk-requests.json');

const captured: { call: string; action: string; params: unknown }[] = [];
let current = '';
const engine = Engine.open();
installEngineSeam(
  () => ({
    send(action: string, params?: Record<string, unknown>) {
      captured.push({ call: current, action, params: normalize(params) });
      return engine.send(action, params);
    }
  }),
  { paths: [ROOT] }
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk');
cloud.init({ env: 'contract-test' });
const db = cloud.database({ throwOnNotFound: false });
const _ = db.command;
const $ = _.aggregate;

/** Keeps key presence (undefined -> "<undefined>") and hides random transaction ids. */
function normalize(v: any, key = ''): any {
  if (v === undefined) return '<undefined>';
  if (key === 'transactionId' && typeof v === 'string') return '<transactionId>';
  if (Array.isArray(v)) return v.map((x) => normalize(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = normalize(v[k], k);
    return out;
  }
  return v;
}

function versions() {
  const pkg = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8')).version;
  const dbModule = resolveDatabaseModule(ROOT);
  const dbPkg = path.join(dbModule.slice(0, dbModule.lastIndexOf(`${path.sep}dist${path.sep}`)), 'package.json');
  const sdkDir = path.dirname(require.resolve('wx-server-sdk', { paths: [ROOT] }));
  const nodeSdk = require.resolve('@cloudbase/node-sdk/package.json', { paths: [sdkDir] });
  return { 'wx-server-sdk': pkg(path.join(sdkDir, 'package.json')), '@cloudbase/node-sdk': pkg(nodeSdk), '@cloudbase/database': pkg(dbPkg) };
}

async function call(name: string, fn: () => Promise<unknown>) {
  current = name;
  await fn();
}

test('the SDK sends exactly the recorded requests', async () => {
  const when = new Date('2026-01-02T03:04:05.006Z');
  engine.insertMany('members', [{ _id: 'm1', name: 'a', points: 1, tags: ['x'], createdAt: when }]);

  await call('where/orderBy/skip/limit/field get', () =>
    db.collection('members').where({ points: _.gte(1).and(_.lt(100)), name: /^a/i, 'profile.city': 'SH', tags: _.in(['x', 'y']), createdAt: _.lte(when) }).orderBy('createdAt', 'desc').orderBy('_id', 'asc').skip(20).limit(10).field({ name: true, points: true }).get()
  );
  await call('get without where/limit', () => db.collection('members').get());
  await call('or / exists / elemMatch / neq / size', () => db.collection('members').where(_.or([{ points: _.neq(0) }, { tags: _.size(2), x: _.exists(false), arr: _.elemMatch({ k: 1 }) }])).get());
  await call('doc get', () => db.collection('members').doc('m1').get());
  await call('count', () => db.collection('members').where({ points: _.gt(0) }).count());
  await call('add', () => db.collection('members').add({ data: { name: 'b', points: 2.5, createdAt: when, at: db.serverDate(), tags: ['y'], nested: { big: 2 ** 40 } } }));
  await call('add with _id', () => db.collection('members').add({ data: { _id: 'm2', name: 'c' } }));
  await call('doc set', () => db.collection('members').doc('m3').set({ data: { name: 'd', at: db.serverDate({ offset: 1000 }) } }));
  await call('doc update with operators', () =>
    db.collection('members').doc('m1').update({
      data: {
        points: _.inc(5),
        name: 'z',
        profile: { city: 'BJ' },
        replaced: _.set({ a: 1 }),
        gone: _.remove(),
        tags: _.push(['q']),
        list: _.push({ each: [1, 2], position: 0, slice: 5, sort: 1 }),
        s1: _.shift(),
        s2: _.unshift(0),
        s3: _.pop(),
        s4: _.pull(_.gt(3)),
        s5: _.pullAll([1]),
        s6: _.addToSet({ $each: [1, 2] }),
        m1: _.mul(2),
        m2: _.max(10),
        m3: _.min(0),
        r: _.rename('r2'),
        at: db.serverDate()
      }
    })
  );
  await call('where update', () => db.collection('members').where({ points: _.lt(0) }).update({ data: { flagged: true } }));
  await call('where remove', () => db.collection('members').where({ name: 'nobody' }).remove());
  await call('doc remove', () => db.collection('members').doc('m2').remove());
  await call('aggregate', () =>
    db
      .collection('members')
      .aggregate()
      .match({ points: _.gt(0) })
      .lookup({ from: 'accounts', localField: '_id', foreignField: '_id', as: 'acct' })
      .unwind({ path: '$acct', preserveNullAndEmptyArrays: true })
      .group({ _id: '$name', total: $.sum('$points') })
      .sort({ total: -1 })
      .skip(0)
      .limit(5)
      .project({ total: 1 })
      .count('n')
      .end()
  );
  await call('runTransaction', () =>
    db.runTransaction(async (tx: any) => {
      await tx.collection('members').doc('m1').get();
      await tx.collection('members').doc('m1').update({ data: { points: _.inc(-1) } });
      await tx.collection('members').doc('m4').set({ data: { name: 'e' } });
      await tx.collection('ledger').add({ data: { amount: 1 } });
      await tx.collection('members').doc('m3').remove();
    })
  );
  await call('startTransaction + rollback', async () => {
    const tx = await db.startTransaction();
    await tx.collection('members').doc('m1').get();
    await tx.rollback();
  });

  const actual = { versions: versions(), requests: captured };
  if (process.env.UPDATE_CONTRACT === '1') {
    fs.writeFileSync(FIXTURE, JSON.stringify(actual, null, 2) + '\n');
  }
  if (!fs.existsSync(FIXTURE)) throw new Error(`missing ${FIXTURE}: record it with UPDATE_CONTRACT=1 npx jest test/contract`);
  const expected = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  expect(actual.versions).toEqual(expected.versions);
  // Compare call by call for a readable diff.
  expect(actual.requests.map((r) => `${r.call}: ${r.action}`)).toEqual(expected.requests.map((r: any) => `${r.call}: ${r.action}`));
  for (let i = 0; i < expected.requests.length; i++) expect(actual.requests[i]).toEqual(expected.requests[i]);
});
