// Claims in docs/ that the code can check: the error list, measured request costs, and where each
// environment variable must be set.
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../cloudfunctions/common/errors';
import { createTestCloud, makeOperator } from '../helpers/cloud';

const doc = (name: string) => fs.readFileSync(path.join(__dirname, '../../docs', name), 'utf8');
const api = doc('api.md');

/** The `### <action>` section of api.md, up to the next heading. */
const section = (heading: string) => {
  const start = api.indexOf(`### \`${heading}\``);
  expect(start).toBeGreaterThan(-1);
  const rest = api.slice(start + 4);
  return rest.slice(0, rest.search(/\n#{2,3} /));
};

test('api.md lists exactly the server error codes, none as "later"', () => {
  const table = [...api.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  expect(new Set(table)).toEqual(new Set(ERROR_CODES));
  expect(api).not.toMatch(/later features/);
});

test('documented request costs are the measured ones', async () => {
  const cloud = createTestCloud();
  makeOperator(cloud, 'oOps');
  await cloud.call('user', { action: 'login' }, 'oA');
  // A fresh function instance has not read the exchange rate yet: 4; within the minute after: 3.
  const cold = await cloud.callCounted('points', { action: 'summary' }, 'oA');
  const warm = await cloud.callCounted('points', { action: 'summary' }, 'oA');
  expect(cold.reply.ok).toBe(true);
  expect([cold.dbRequests, warm.dbRequests]).toEqual([4, 3]);
  expect(section('summary')).toMatch(/Cost: 3 database requests[^]*4 when the function instance has not read\s+the exchange rate/);

  const list = await cloud.callCounted('admin', { action: 'listMembers' }, 'oOps');
  expect(list.reply.ok).toBe(true);
  expect(section('listMembers')).toMatch(new RegExp(`Cost: ${list.dbRequests} database requests per page`));

  const login = await cloud.callCounted('user', { action: 'login' }, 'oA');
  expect(section('login')).toMatch(new RegExp(`A repeat costs ${['zero', 'one', 'two'][login.dbRequests]} database request`));
});

test('every environment variable the functions read is in deploy.md; ops.md and deploy.md agree on EXPIRY_TEMPLATE_ID', () => {
  const root = path.join(__dirname, '../../cloudfunctions');
  const sources = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name === 'node_modules' ? [] : sources(path.join(dir, e.name))) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
  const vars = new Set<string>();
  for (const file of sources(root)) for (const m of fs.readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z_]+)|secretEnv: '([A-Z_]+)'/g)) vars.add(m[1] ?? m[2]);
  vars.delete('TCB_ENV'); // set by the platform itself
  const deploy = doc('deploy.md');
  for (const v of vars) expect({ v, documented: deploy.includes(v) }).toEqual({ v, documented: true });

  const functionsNamedWith = (text: string) => {
    const line = text.split('\n').find((l) => l.includes('EXPIRY_TEMPLATE_ID') && /`(jobs|points)`/.test(l)) ?? '';
    return ['jobs', 'points', 'user', 'codes', 'mall'].filter((fn) => line.includes(`\`${fn}\``));
  };
  // The id is read by `points` (summary, subscribeReminders) and by `jobs` (sending).
  expect(functionsNamedWith(deploy)).toEqual(['jobs', 'points']);
  const opsText = doc('ops.md').replace(/\n\s*/g, ' ');
  expect(opsText).toMatch(/`EXPIRY_TEMPLATE_ID` must be set, to the same value, on both `jobs` \(sends the messages\) and `points`/);
});

test('data-model.md does not present settings/brand.pointsPerYuan as read', () => {
  const dm = doc('data-model.md');
  expect(dm).toMatch(/`pointsPerYuan` there that nothing reads/);
  expect(dm).not.toMatch(/`brand`: `\{ name, slogan, domain,\s+pointsPerYuan/);
});

test('deploy.md tells to upload every function, and names every timer trigger', () => {
  const root = path.join(__dirname, '../../cloudfunctions');
  const fns = fs.readdirSync(root).filter((d) => d !== 'common' && fs.existsSync(path.join(root, d, 'config.json')));
  const deploy = doc('deploy.md');
  const upload = deploy.split('\n').find((l) => l.includes('**Upload each function**')) ?? '';
  for (const fn of fns) expect({ fn, listed: upload.includes(`\`${fn}\``) }).toEqual({ fn, listed: true });
  const timers = fns.filter((fn) => (JSON.parse(fs.readFileSync(path.join(root, fn, 'config.json'), 'utf8')).triggers ?? []).length);
  const triggers = deploy.slice(deploy.indexOf('**Upload each function**'), deploy.indexOf('5. **Create the collections'));
  for (const fn of timers) expect({ fn, named: triggers.includes(`\`${fn}\`:`) }).toEqual({ fn, named: true });
});
