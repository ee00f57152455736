// 我的积分 end to end: a persona with points sees balance, what expires when, the history, and
// opens an entry with its lots.
import { screenshot, stationed, useE2E } from './harness';


const e2e = useE2E();

test('alice sees balance, every expiry date and her history, and opens an entry', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/points/ledger/index`);
  await page.waitForSelector(stationed('.points-page .points-row'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.points-balance')))?.trim()).toBe('280');
  expect(await page.textContent(stationed('.points-value'))).toContain('2.80');
  // Five seeded lots with five different last days (a campaign lot in 5 days, a year-end lot, three
  // rolling ones): those within 90 days are listed with "N 天后过期", every date on 全部有效期,
  // soonest first.
  const listed = () => page.$$eval(stationed('.points-expiring-item'), (els) => els.map((e) => e.getAttribute('data-day')));
  const soon = await listed();
  expect(soon.length).toBeGreaterThan(0);
  expect(soon.length).toBeLessThan(5);
  expect(await page.textContent(stationed('.points-expiring-item__left'))).toMatch(/^\d+ 天后过期$|^今天过期$/);
  await page.click(stationed('.points-expiring-all'));
  const days = await listed();
  expect(days).toHaveLength(5);
  expect([...days].sort()).toEqual(days);
  // Six seeded entries, newest first: the sign-in credit of yesterday.
  const rows = await page.$$(stationed('.points-row'));
  expect(rows).toHaveLength(6);
  expect((await page.textContent(stationed('.points-row:first-child .points-row-delta')))?.trim()).toBe('+20');
  await screenshot(page, '10-points-alice');

  await page.click(stationed('.points-filter--spend'));
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, stationed('.points-row'));
  expect((await page.textContent(stationed('.points-row .points-row-delta')))?.trim()).toBe('-150');
  await page.click(stationed('.points-row'));
  await page.waitForSelector(stationed('.entry-page .entry-lot'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.entry-delta')))?.trim()).toBe('-150');
  // The 150 came from the soonest-expiring lot that then existed: the 200-point scan 45 days ago.
  expect(await page.$$(stationed('.entry-lot'))).toHaveLength(1);
  await screenshot(page, '11-points-entry');
});

test('an entry that is not the member’s is not shown', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/points/entry/index?id=seed:carol:0`);
  await page.waitForSelector(stationed('.entry-page .entry-not-found'), { timeout: 30_000 });
});
