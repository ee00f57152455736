// The local server over HTTP: the same assembly `npm start` uses, on a memory-only database.
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { RISK_MEMBERS } from '../../local/seed/risk';
import { DASHBOARD_MEMBERS } from '../../local/seed/dashboard';
import { PERSONAS } from '../../local/seed/personas';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir: null, port: 0 });
});
afterAll(async () => {
  await cloud.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${cloud.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

test('seeds the demo brand, operator and personas on a fresh database', () => {
  expect(cloud.seeded).toBe(true);
  // The personas, and the demo members of 风控审核 and 数据看板 (local/seed/risk.ts, dashboard.ts).
  expect(cloud.engine.count('members')).toBe(PERSONAS.length + RISK_MEMBERS.length + DASHBOARD_MEMBERS.length);
  expect(cloud.engine.count('admins')).toBe(1);
});

test('lists personas without their openids', async () => {
  const res = await (await fetch(`${cloud.url}/api/local/personas`)).json();
  expect(res.ok).toBe(true);
  expect(res.data.personas.map((p: any) => p.id)).toEqual(PERSONAS.map((p) => p.id));
  expect(JSON.stringify(res)).not.toContain('oLOCAL');
});

test('X-Persona picks the member; no header is the default persona', async () => {
  const asBob = await (await post('/api/cloud/user', '{"action":"getProfile"}', { 'X-Persona': 'bob' })).json();
  expect(asBob.data.member.openid).toBe(PERSONAS.find((p) => p.id === 'bob')!.openid);
  const asDefault = await (await post('/api/cloud/user', '{"action":"getProfile"}')).json();
  expect(asDefault.data.member.openid).toBe(PERSONAS.find((p) => p.id === 'alice')!.openid);
  const ops = await (await post('/api/cloud/admin', '{"action":"listMembers"}', { 'X-Persona': 'ops' })).json();
  expect(ops).toMatchObject({ ok: true, data: { total: PERSONAS.length + RISK_MEMBERS.length + DASHBOARD_MEMBERS.length } });
});

test('bad requests get clear errors and reach no function', async () => {
  expect(await (await post('/api/cloud/user', '{not json')).json()).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await (await post('/api/cloud/user', '[1,2]')).json()).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  expect(await (await post('/api/cloud/user', '{}', { 'X-Persona': 'mallory' })).json()).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  const missing = await post('/api/cloud/nosuchfn', '{}');
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  const big = await post('/api/cloud/user', JSON.stringify({ action: 'login', pad: 'x'.repeat(1_100_000) }));
  expect(big.status).toBe(413);
});

test('deeply nested or operator-keyed bodies are BAD_REQUEST, never a 500, and reach no function', async () => {
  const calls = () => cloud.runner.stats.get('user.updateProfile')?.invocations ?? 0;
  const before = calls();
  const deep = `{"action":"updateProfile","nickname":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
  const deepArray = `{"action":"updateProfile","nickname":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  for (const body of [deep, deepArray, '{"action":"updateProfile","nickname":{"$gt":""}}', '{"action":"updateProfile","a.b":1}', '{"action":"updateProfile","nickname":"\\ud800"}']) {
    const res = await post('/api/cloud/user', body);
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 400, body: { ok: false, code: 'BAD_REQUEST' } });
  }
  expect(calls()).toBe(before);
});

test('a path with malformed percent-encoding is BAD_REQUEST, not a 500', async () => {
  for (const p of ['/%E0%A4%A', '/api/local/files/%ZZ']) {
    const res = await fetch(`${cloud.url}${p}`);
    expect({ p, status: res.status, body: await res.json() }).toMatchObject({ p, status: 400, body: { ok: false, code: 'BAD_REQUEST' } });
  }
});

test('timer triggers fire on demand and database requests are reported per action', async () => {
  const triggers = await (await fetch(`${cloud.url}/api/local/triggers`)).json();
  expect(triggers.data.map((t: any) => `${t.trigger.functionName}/${t.trigger.name}`)).toContain('jobs/tick');
  const fired = await (await post('/api/local/triggers/jobs/tick', '')).json();
  expect(fired).toMatchObject({ ok: true, data: { ok: true, data: { holdsReleased: 0 } } });
  const stats = await (await fetch(`${cloud.url}/api/local/stats`)).json();
  expect(stats.data.actions['user.updateProfile'].invocations).toBeGreaterThanOrEqual(PERSONAS.length); // the seed names each persona
  expect(stats.data.actions['jobs.timer'].invocations).toBe(1);
});
