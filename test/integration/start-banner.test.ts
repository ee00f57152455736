// Issue 14 §6: `npm start`'s banner gives a newcomer demo codes to scan and the link that scans one.
// Each printed code earns on a real scan; a claimed code is no longer offered.
import { demoCodesBanner } from '../../local/cli/start';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { unclaimedDemoCodes } from '../../local/seed/codes';
import { PERSONAS } from '../../local/seed/personas';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startLocalCloud({ dataDir: null, port: 0 });
}, 60_000);
afterAll(async () => {
  await cloud.close();
});

test('the banner lists three unclaimed demo codes and a scan link; a printed code earns points when scanned', async () => {
  const codes = unclaimedDemoCodes(cloud.runner);
  expect(codes).toHaveLength(3);
  for (const c of codes) expect(c).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
  const banner = demoCodesBanner(cloud.url, codes);
  for (const c of codes) expect(banner).toContain(c);
  expect(banner).toContain(`${cloud.url}/?code=${codes[0]}`);

  // The link's page reads ?code= and scans it as typed (docs/client.md): the same call here.
  const bob = PERSONAS.find((p) => p.id === 'bob')!.openid;
  const { result } = await cloud.runner.callAsMember('codes', { action: 'scan', code: codes[0] }, bob);
  expect(result).toMatchObject({ ok: true, data: { outcome: 'earned' } });
  expect(unclaimedDemoCodes(cloud.runner)).not.toContain(codes[0]);
});

test('every code claimed: the banner says so instead of printing nothing', () => {
  expect(demoCodesBanner('http://127.0.0.1:3000', [])).toContain('every demo code has been claimed');
});
