// The ledger never sends WeChat messages: it records reminders; only the jobs timer delivers them,
// and only jobs/config.json holds the openapi permission.
import fs from 'node:fs';
import path from 'node:path';
import { createTestCloud, makeOperator, type TestCloud } from '../helpers/cloud';
import * as ledger from '../../cloudfunctions/common/ledger/service';
import { reminderTemplateId } from '../../cloudfunctions/common/ledger/reminders';

const DAY = 86_400_000;
let cloud: TestCloud;

beforeEach(async () => {
  cloud = createTestCloud();
  makeOperator(cloud, 'ops');
  await cloud.call('user', { action: 'login' }, 'm1');
});

test('points returning to an expired lot leave a pending reminder and send nothing; the jobs timer sends reminders of days ahead, once', async () => {
  const past = new Date(Date.now() - 3 * DAY);
  await ledger.credit({ member: 'm1', amount: 50, key: 'c', source: { kind: 'task', ref: 't' }, expiry: { kind: 'rolling', days: 1 }, now: past });
  await ledger.credit({ member: 'm1', amount: 30, key: 'soon', source: { kind: 'task', ref: 't' }, expiry: { kind: 'rolling', days: 5 } });
  await ledger.hold({ member: 'm1', amount: 20, key: 'h', source: { kind: 'order', ref: 'o' }, now: past, ttlSeconds: 7 * 86400 });
  expect(await cloud.call('points', { action: 'subscribeReminders', key: 'accept-1', templateId: reminderTemplateId() }, 'm1')).toMatchObject({ ok: true });
  await ledger.releaseHold('h'); // the lot expired while held: the points expire at once, after a reminder record
  expect(cloud.engine.dump('reminders')).toEqual([expect.objectContaining({ member: 'm1', status: 'pending', leadDays: 0 })]);
  expect(cloud.engine.dump('outbox')).toEqual([]);

  // The daily run records the reminders 30 and 7 days ahead of the lot that expires in 5 days and
  // sends one (one credit); the reminder of a day already past is never pushed.
  expect(await cloud.call('jobs', { action: 'runDaily' }, 'ops')).toMatchObject({ ok: true });
  const statuses = (cloud.engine.dump('reminders') as any[]).map((r) => [r.leadDays, r.status]).sort();
  expect(statuses).toEqual([[0, 'pending'], [30, expect.any(String)], [7, expect.any(String)]]);
  expect(statuses.filter(([, st]) => st === 'sent')).toHaveLength(1);
  expect(cloud.engine.dump('outbox')).toEqual([expect.objectContaining({ api: 'subscribeMessage.send', payload: expect.objectContaining({ touser: 'm1' }) })]);
  expect(await cloud.call('jobs', { action: 'runDaily' }, 'ops')).toMatchObject({ ok: true });
  expect(cloud.engine.dump('outbox')).toHaveLength(1);
  // Not sent: shown in the app.
  expect((await cloud.call('points', { action: 'summary' }, 'm1')).data.reminders).toHaveLength(1);
});

test('only the jobs function may send subscribe messages, and only jobs code calls the openapi for them', () => {
  const root = path.join(__dirname, '../../cloudfunctions');
  for (const fn of fs.readdirSync(root)) {
    const config = path.join(root, fn, 'config.json');
    if (!fs.existsSync(config)) continue;
    const openapi: string[] = JSON.parse(fs.readFileSync(config, 'utf8')).permissions?.openapi ?? [];
    expect({ fn, send: openapi.includes('subscribeMessage.send') }).toEqual({ fn, send: fn === 'jobs' });
  }
  const ledgerDir = path.join(root, 'common/ledger');
  const senders = fs.readdirSync(ledgerDir).filter((f) => fs.readFileSync(path.join(ledgerDir, f), 'utf8').includes('subscribeMessage'));
  expect(senders).toEqual(['reminder-jobs.ts']);
  // reminder-jobs.ts is imported by the jobs scheduler alone.
  const importers = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) return d.name === 'node_modules' ? [] : importers(p);
      return p.endsWith('.ts') && fs.readFileSync(p, 'utf8').includes("ledger/reminder-jobs'") ? [path.relative(root, p)] : [];
    });
  expect(importers(root)).toEqual(['common/services/scheduler.ts']);
});
