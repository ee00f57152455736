// 扫码赚积分 end to end: the operator exports the seeded demo batch (CSV through cloud.uploadFile and
// the local file route); alice opens the H5 `?code=` link of a code and sees her points and the
// trace data; scanning it again shows the count message; bob scanning it sees the counterfeit warning.
import { demoBatchNo } from '../../local/seed/codes';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

async function demoCodes(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/cloud/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'ops' },
    body: JSON.stringify({ action: 'export', batch: 'demo-tea-2611', format: 'csv' }),
  });
  const reply = (await res.json()) as { ok: boolean; data: { fileID: string; count: number } };
  expect(reply).toMatchObject({ ok: true, data: { count: 20 } });
  const csv = await (await fetch(`${url}/api/local/files/${reply.data.fileID.replace('cloud://local/', '')}`)).text();
  return csv.trim().split('\n').slice(1).map((line) => line.split(',')[1]);
}

test('a first scan earns points with trace data; a repeat shows the count; another member is warned', async () => {
  const { page, url } = e2e();
  const codes = await demoCodes(url);
  expect(codes).toHaveLength(20);
  const code = codes[3];

  // The printed link's H5 equivalent: the app opened with ?code=.
  await page.goto(`${url}/?code=${code}`);
  await page.waitForSelector(stationed('.scan-page .scan-outcome--earned'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.scan-points')))?.trim()).toBe('+50 积分');
  expect(await page.textContent(stationed('.scan-trace-name'))).toContain('安吉白茶·明前特级');
  expect(await page.textContent(stationed('.scan-trace-batch'))).toContain(demoBatchNo());
  expect(await page.textContent(stationed('.scan-trace-origin'))).toContain('浙江·湖州·安吉');
  expect(await page.$(stationed('.scan-warning'))).toBeNull();
  expect(await page.$(stationed('.scan-follow'))).not.toBeNull();
  await screenshot(page, '20-scan-earned');

  // Again, typed by hand in lower case with hyphens: same points, and the count message.
  await page.goto(`${url}/#/packages/scan/index`);
  await page.waitForSelector(stationed('.scan-page .scan-input input'), { timeout: 30_000 });
  await page.fill(stationed('.scan-input input'), code.toLowerCase().replace(/(.{4})(?=.)/g, '$1-'));
  await page.click(stationed('.scan-submit'));
  await page.waitForSelector(stationed('.scan-page .scan-message'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.scan-message'))).toMatch(/此码已被查询 2 次，首次查询时间 \d{4}-\d\d-\d\d \d\d:\d\d/);
  expect(await page.textContent(stationed('.scan-points'))).toContain('你已领取 50 积分');
  await screenshot(page, '21-scan-repeat');

  // bob scans the code alice claimed: the counterfeit warning.
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  await page.goto(`${url}/?code=${code}`); // a full load, so the persona is read afresh
  await page.waitForSelector(stationed('.scan-page .scan-warning'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.scan-points'))).toContain('此码已被领取');
  expect(await page.textContent(stationed('.scan-message'))).toContain('此码已被查询 3 次');
  await screenshot(page, '22-scan-warning');
});

test('a forged code is refused with the counterfeit text and earns nothing', async () => {
  const { page, url } = e2e();
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'carol'));
  const codes = await demoCodes(url);
  const c = codes[5];
  const forged = c.slice(0, 19) + (c[19] === '0' ? '1' : '0');
  await page.goto(`${url}/?code=${forged}`);
  await page.waitForSelector(stationed('.scan-page .scan-error-CODE_FORGED'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.scan-error-text'))).toBe('防伪码校验失败，谨防假冒');
});
