// 我的积分 end to end: a persona with points sees balance, what expires when, the history, and
// opens an entry with its lots.
import { HISTORY } from '../../local/seed/history';
import { screenshot, stationed, useE2E } from './harness';


const e2e = useE2E();

test('alice sees balance, every expiry date and her history, and opens an entry', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/points/ledger/index`);
  await page.waitForSelector(stationed('.points-page .points-row'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.points-balance')))?.trim()).toBe('280');
  expect(await page.textContent(stationed('.points-value'))).toContain('2.80');
  // Her lots have eight different last days (秋茶品鉴季's 160 in 5 days, seven rolling ones a year
  // out: local/seed/history.ts): those within 90 days are listed with "N 天后过期", every date on
  // 全部有效期, soonest first.
  const listed = () => page.$$eval(stationed('.points-expiring-item'), (els) => els.map((e) => e.getAttribute('data-day')));
  const soon = await listed();
  expect(soon).toHaveLength(1);
  expect(await page.textContent(stationed('.points-expiring-item__left'))).toMatch(/^\d+ 天后过期$|^今天过期$/);
  await page.click(stationed('.points-expiring-all'));
  const days = await listed();
  expect(days).toHaveLength(8);
  expect([...days].sort()).toEqual(days);
  // One row per step of her seeded history, newest first: yesterday's sign-in (her sixth day running).
  const rows = await page.$$(stationed('.points-row'));
  expect(rows).toHaveLength(HISTORY.alice.length);
  expect((await page.textContent(stationed('.points-row:first-child .points-row-delta')))?.trim()).toBe('+5');
  expect(await page.textContent(stationed('.points-row:first-child'))).toContain('签到第 6 天');
  await screenshot(page, '10-points-alice');

  await page.click(stationed('.points-filter--spend'));
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, stationed('.points-row'));
  expect((await page.textContent(stationed('.points-row .points-row-delta')))?.trim()).toBe('-150');
  await page.click(stationed('.points-row'));
  await page.waitForSelector(stationed('.entry-page .entry-lot'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.entry-delta')))?.trim()).toBe('-150');
  // The 150 came from the soonest-expiring lots that then existed: the first three cans (46, 45 and
  // 44 days ago, 50 each, the last only in part) and 首次扫码's 30.
  expect(await page.$$(stationed('.entry-lot'))).toHaveLength(4);
  await screenshot(page, '11-points-entry');
});

test('an entry that is not the member’s is not shown', async () => {
  const { page, url } = e2e();
  // One of carol's real entries, opened as alice (the page's persona).
  const res = await fetch(`${url}/api/cloud/points`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-persona': 'carol' }, body: JSON.stringify({ action: 'history' }) });
  const carols = ((await res.json()) as { data: { items: { id: string }[] } }).data.items;
  expect(carols.length).toBeGreaterThan(0);
  await page.goto(`${url}/#/packages/points/entry/index?id=${encodeURIComponent(carols[0].id)}`);
  await page.waitForSelector(stationed('.entry-page .entry-not-found'), { timeout: 30_000 });
});
