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

/** What a person reads on the page: Chinese, no English words, placeholders or raw ids (as the walk checks). */
async function readable(page: Page) {
  const body = (await page.textContent(stationed('.ops-shell'))) ?? '';
  expect(body.match(/\b(undefined|null|NaN|Invalid Date)\b|[A-Za-z]*[a-z][A-Za-z]*|\boLOCAL-[\w-]+/g) ?? []).toEqual([]);
}

const text = (page: Page, sel: string) => page.textContent(stationed(sel)).then((t) => t ?? '');

test('1280: the list; the order campaign: draft → validate → simulate → diff → publish', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, '/packages/ops/campaigns/index');
  await page.waitForSelector(stationed('.ops-campaigns-table-row'), { timeout: 30_000 });
  expect(await text(page, '.ops-campaigns-table')).toContain('官方商城消费积分');
  await screenshot(page, 'ops-rules-campaigns-1280');
  await readable(page);
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
  await readable(page);
  await shotAt(page, '.ops-step-simulate', 'ops-rules-campaign-simulate-1280');
  await shotAt(page, '.ops-campaign-form', 'ops-rules-campaign-form-1280');

  await page.click(stationed('.ops-campaign-publish'));
  await page.click(stationed('.ops-campaign-publish-confirm'));
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('已发布'), stationed('.ops-campaign-notice'));
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('线上第 2 版'), stationed('.ops-campaign-status'));
  await screenshot(page, 'ops-rules-campaign-published-1280');
  await readable(page);
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
  await readable(page);
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
  await readable(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, '/packages/ops/rules/index');
  await page.waitForSelector(stationed('.ops-expiry-table-row'), { timeout: 30_000 });
  await screenshot(page, 'ops-rules-rules-1280');
  await readable(page);
  // The tier scheme: a multiplier over 10 refused on its row, then saved.
  await page.waitForSelector(stationed('.ops-tiers-save'));
  await page.fill(stationed('.ops-input-tier-earn input >> nth=0'), '11');
  await page.click(stationed('.ops-tiers-save'));
  await page.waitForSelector(stationed('.ops-tier-0-error'));
  expect(await text(page, '.ops-tier-0-error')).toContain('积分倍数不能大于 10');
  await page.fill(stationed('.ops-input-tier-earn input >> nth=0'), '1');
  await page.click(stationed('.ops-tiers-save'));
  await page.waitForSelector(stationed('.ops-tiers-notice'));
  await shotAt(page, '.ops-rules-tiers', 'ops-rules-tiers-1280');
  await readable(page);
});

test('a viewer sees the editor and the rules read-only, and may still simulate', async () => {
  const { page, url } = e2e();
  // The owner (persona ops) makes bob a viewer.
  const res = await fetch(`${url}/api/cloud/admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'ops' },
    body: JSON.stringify({ action: 'saveOperator', openid: 'oLOCAL-shopper-bob', name: '只读同事', role: 'viewer' }),
  });
  expect((await res.json()).ok).toBe(true);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  await page.goto(`${url}/#/packages/ops/campaign/index?id=shop-orders`);
  await page.reload();
  await page.waitForSelector(stationed('.ops-readonly-hint'), { timeout: 30_000 });
  expect(await page.$eval(stationed('.ops-input-pointsPerYuan input'), (el) => (el as HTMLInputElement).disabled)).toBe(true);
  expect(await page.$eval(stationed('.ops-campaign-save'), (el) => el.className)).toContain('disabled');
  await page.click(stationed('.ops-campaign-simulate'));
  await page.waitForSelector(stationed('.ops-sim-table-row'), { timeout: 30_000 });
  expect(await text(page, '.ops-sim-reading')).toContain('没有待发布的草稿：按当前规则');
  await screenshot(page, 'ops-rules-viewer-campaign-1280');
  await readable(page);
  await page.goto(`${url}/#/packages/ops/rules/index`);
  await page.reload();
  await page.waitForSelector(stationed('.ops-rate-current'), { timeout: 30_000 });
  expect(await page.$eval(stationed('.ops-input-rate input'), (el) => (el as HTMLInputElement).disabled)).toBe(true);
  await screenshot(page, 'ops-rules-viewer-rules-1280');
});
