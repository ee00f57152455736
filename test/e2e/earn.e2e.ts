// 每日签到 and 任务中心 in Chromium on the demo seed: bob (signed 9, 8, 7, 5, 4, 2 days ago, made
// up 6 days ago) sees his calendar from 首页's card, signs in (success, streak), makes up yesterday
// (streak joins up), then claims a task and sees the automatic one paid.
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

const textOf = async (sel: string) => ((await e2e().page.textContent(stationed(sel))) ?? '').trim();

test('bob signs in from 首页, sees the calendar and streak, and makes up yesterday', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  await page.goto(`${url}/`);
  await page.waitForSelector(stationed('.earn-card .earn-signin-state'), { timeout: 30_000 });
  expect(await textOf('.earn-signin-state')).toMatch(/^今日未签到 · 签到可得 \d+ 积分/);
  expect(await textOf('.earn-tasks-todo')).toMatch(/个任务待完成/);
  await screenshot(page, '40-home-earn-card');

  await page.click(stationed('.earn-card .earn-signin'));
  await page.waitForSelector(stationed('.signin-page .signin-button'), { timeout: 30_000 });
  await page.waitForFunction((sel) => /签到领/.test(document.querySelector(sel)?.textContent ?? ''), stationed('.signin-button'));
  // The seeded days: 2 days ago signed, yesterday missed and make-up-able.
  const ago = (n: number) => new Date(Date.now() + 8 * 3600_000 - n * 86_400_000).toISOString().slice(0, 10);
  const sameMonth = (d: string) => d.slice(0, 7) === ago(0).slice(0, 7);
  if (sameMonth(ago(2))) expect(await page.getAttribute(stationed(`.signin-day[data-day="${ago(2)}"]`), 'data-state')).toBe('signed');
  if (sameMonth(ago(6))) expect(await page.getAttribute(stationed(`.signin-day[data-day="${ago(6)}"]`), 'data-state')).toBe('madeUp');
  expect(await textOf('.signin-streak')).toBe('0');
  // The base 5 × bob's 银卡 sign-in multiplier 1.2 (docs/earn.md#sign-in: the tier applies).
  expect(await textOf('.signin-button')).toMatch(/^签到领 6 积分$/);
  expect(await textOf('.signin-remind')).toContain('每同意一次订阅，只能收到一次提醒');
  await screenshot(page, '41-signin-before');

  await page.click(stationed('.signin-button'));
  await page.waitForSelector('.signin-success', { timeout: 10_000 });
  expect(await page.textContent('.signin-success')).toContain('签到成功');
  await screenshot(page, '42-signin-success');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('今日已签到'), stationed('.signin-button'));
  expect(await textOf('.signin-streak')).toBe('1');

  // Make up yesterday (if yesterday is in the month shown): the streak joins the day before.
  if (sameMonth(ago(1))) {
    await page.click(stationed(`.signin-day[data-day="${ago(1)}"]`));
    await page.waitForSelector(stationed('.signin-sheet'));
    expect(await textOf('.signin-makeup-cost')).toContain('消耗 10 积分');
    await screenshot(page, '43-signin-makeup-sheet');
    await page.click(stationed('.signin-makeup-confirm'));
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-state') === 'madeUp', stationed(`.signin-day[data-day="${ago(1)}"]`));
    expect(Number(await textOf('.signin-streak'))).toBeGreaterThanOrEqual(3); // 2 days ago, yesterday, today
    await screenshot(page, '44-signin-after-makeup');
  }
});

test('bob opens 任务中心: the automatic task is paid, a done task is claimed, the rest are 去完成', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/earn/tasks/index`);
  await page.waitForSelector(stationed('.tasks-page .task-item'), { timeout: 30_000 });
  const groups = await page.$$eval(stationed('.tasks-group'), (els) => els.map((e) => e.getAttribute('data-group')));
  expect(groups).toEqual(['新手', '每日', '每周']);
  // register is automatic: paid on opening.
  await page.waitForSelector(stationed('.task-item[data-task="task-register"] .task-claimed'));
  // Today's sign-in is done (the previous test): 领取.
  await page.click(stationed('.task-item[data-task="task-daily-signin"] .task-claim'));
  await page.waitForSelector(stationed('.task-item[data-task="task-daily-signin"] .task-claimed'), { timeout: 10_000 });
  expect(await page.$(stationed('.task-item[data-task="task-week-scan"] .task-go'))).not.toBeNull();
  await screenshot(page, '45-tasks');
  // 去完成 goes to the page that does it.
  await page.click(stationed('.task-item[data-task="task-week-scan"] .task-go'));
  await page.waitForSelector(stationed('.scan-page, .scan'), { timeout: 30_000 });
});
