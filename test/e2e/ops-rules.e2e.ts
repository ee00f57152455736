// 活动与规则 (issue 13 §2) in Chromium as the operator: the campaign list, a draft of the seeded order
// campaign taken through validate → simulate → diff → publish at 1280 × 800; a new campaign created
// at 375 × 812 with a field refused next to it; 积分规则: a rate of 0 refused, a change scheduled.
import type { Page } from 'playwright-core';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

async function as(page: Page, url: string, route: string) {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'ops'));
  await page.goto(`${url}/#${route}`);
  await page.reload();
}

/** The page scrolls inside Taro's container: bring `sel` to the top, then take the screenshot. */
async function shotAt(page: Page, sel: string, name: string) {
  await page.$eval(stationed(sel), (el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, name);
}

const text = (page: Page, sel: string) => page.textContent(stationed(sel)).then((t) => t ?? '');

test('1280: the list; the order campaign: draft → validate → simulate → diff → publish', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, '/packages/ops/campaigns/index');
  await page.waitForSelector(stationed('.ops-campaigns-table-row'), { timeout: 30_000 });
  expect(await text(page, '.ops-campaigns-table')).toContain('官方商城消费积分');
  await screenshot(page, 'ops-rules-campaigns-1280');
  // The kind filter narrows the list.
  await page.click(stationed('.ops-chip-filter-kind-order'));
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, stationed('.ops-campaigns-table-row'));

  await page.click(stationed('.ops-campaigns-table-row'));
  await page.waitForSelector(stationed('.ops-input-pointsPerYuan input'), { timeout: 30_000 });
  expect(await page.inputValue(stationed('.ops-input-pointsPerYuan input'))).toBe('1');
  // A bad value is refused next to its field (the client's check), nothing sent.
  await page.fill(stationed('.ops-input-pointsPerYuan input'), '0');
  await page.click(stationed('.ops-campaign-save'));
  await page.waitForSelector(stationed('.ops-field-rule-pointsPerYuan-error'));
  expect(await text(page, '.ops-field-rule-pointsPerYuan-error')).toContain('每元积分不能小于');
  await page.fill(stationed('.ops-input-pointsPerYuan input'), '2');
  await page.click(stationed('.ops-campaign-save'));
  await page.waitForSelector(stationed('.ops-campaign-notice'));
  expect(await text(page, '.ops-campaign-status')).toContain('待发布草稿第 2 版');

  await page.click(stationed('.ops-campaign-validate'));
  await page.waitForSelector(stationed('.ops-validate-ok'));
  await page.click(stationed('.ops-campaign-simulate'));
  await page.waitForSelector(stationed('.ops-sim-table-row'), { timeout: 30_000 });
  const reading = await text(page, '.ops-sim-reading');
  expect(reading).toMatch(/按草稿规则，近 30 天比已发布版本多发 \d+ 积分/);
  await page.click(stationed('.ops-campaign-diff'));
  await page.waitForSelector(stationed('.ops-diff-table-row'));
  expect(await text(page, '.ops-diff-table')).toContain('每元积分');
  await screenshot(page, 'ops-rules-campaign-steps-1280');
  await shotAt(page, '.ops-step-simulate', 'ops-rules-campaign-simulate-1280');
  await shotAt(page, '.ops-campaign-form', 'ops-rules-campaign-form-1280');

  await page.click(stationed('.ops-campaign-publish'));
  await page.click(stationed('.ops-campaign-publish-confirm'));
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('已发布'), stationed('.ops-campaign-notice'));
  expect(await text(page, '.ops-campaign-status')).toContain('线上第 2 版');
  await screenshot(page, 'ops-rules-campaign-published-1280');
});

test('375: a new sign-in campaign; an empty name refused next to the field; the rules page', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, '/packages/ops/campaigns/index');
  await page.waitForSelector(stationed('.ops-campaigns-table-row'), { timeout: 30_000 });
  await screenshot(page, 'ops-rules-campaigns-375');
  await page.click(stationed('.ops-campaigns-new'));
  await page.waitForSelector(stationed('.ops-chip-kind-signin'), { timeout: 30_000 });
  await page.click(stationed('.ops-chip-kind-signin'));
  await page.fill(stationed('.ops-input-id input'), 'winter-signin');
  await page.fill(stationed('.ops-input-basePoints input'), '5');
  await page.click(stationed('.ops-campaign-save'));
  await page.waitForSelector(stationed('.ops-field-name-error'));
  expect(await text(page, '.ops-field-name-error')).toContain('请填写活动名称');
  await page.fill(stationed('.ops-input-name input'), '冬季签到');
  // An end before the start is refused next to 结束时间.
  await page.fill(stationed('.ops-input-from input'), '2027-01-10 00:00');
  await page.fill(stationed('.ops-input-to input'), '2027-01-01 00:00');
  await page.click(stationed('.ops-campaign-save'));
  await page.waitForSelector(stationed('.ops-field-window-to-error'));
  await page.fill(stationed('.ops-input-to input'), '2027-02-01 00:00');
  await page.click(stationed('.ops-campaign-save'));
  await page.waitForSelector(stationed('.ops-campaign-head'), { timeout: 30_000 });
  expect(await text(page, '.ops-campaign-status')).toContain('草稿（未发布） · 草稿第 1 版');
  await screenshot(page, 'ops-rules-campaign-new-375');
  await shotAt(page, '.ops-field-expiry', 'ops-rules-campaign-new-rule-375');
  await shotAt(page, '.ops-campaign-steps', 'ops-rules-campaign-new-steps-375');

  await as(page, url, '/packages/ops/rules/index');
  await page.waitForSelector(stationed('.ops-rate-current'), { timeout: 30_000 });
  await page.fill(stationed('.ops-input-rate input'), '0');
  await page.fill(stationed('.ops-input-effectiveFrom input'), '2099-01-01 00:00');
  await page.click(stationed('.ops-rate-save'));
  await page.waitForSelector(stationed('.ops-field-pointsPerYuan-error'));
  await page.fill(stationed('.ops-input-rate input'), '80');
  await page.click(stationed('.ops-rate-save'));
  await page.waitForSelector(stationed('.ops-rate-notice'));
  expect(await text(page, '.ops-rate-table')).toContain('待生效');
  await screenshot(page, 'ops-rules-rules-375');
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, '/packages/ops/rules/index');
  await page.waitForSelector(stationed('.ops-expiry-table-row'), { timeout: 30_000 });
  await screenshot(page, 'ops-rules-rules-1280');
});
