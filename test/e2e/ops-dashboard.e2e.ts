// 数据看板 (docs/console.md#数据看板) as the operator on the seeded demo brand: the KPI cards, real
// charts (echarts draws canvases), the province tiles, the campaigns' A/B/C/D with their readings,
// the period switch and the CSV download — at 1280 × 800 (cards in a row, charts two a row) and at
// 375 × 812 (two cards a row, one chart a row). Screenshots: test-artifacts/e2e/ops-dashboard-*.png.
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();
const ROUTE = '/packages/ops/dashboard/index';

async function open(page: Page, url: string, persona = 'ops') {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => window.localStorage.setItem('localPersona', p), persona);
  await page.goto(`${url}/#${ROUTE}`);
  await page.reload();
}

const box = (page: Page, sel: string) => page.$eval(stationed(sel), (el) => el.getBoundingClientRect().toJSON()) as Promise<{ x: number; y: number; width: number; height: number }>;
const textOf = async (page: Page, sel: string) => ((await page.textContent(stationed(sel))) ?? '').replace(/\s+/g, ' ');

/** The charts have drawn: a canvas of the chart's width with pixels on it. */
async function drawn(page: Page, hook: string) {
  await page.waitForSelector(stationed(`.${hook} canvas`), { timeout: 30_000 });
  return page.$eval(stationed(`.${hook} canvas`), (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4 * 97) if (data[i] > 0) painted++;
    return { width: canvas.getBoundingClientRect().width, painted };
  });
}

test('at 1280 px: KPI cards in a row, charts two a row, tiles, campaigns with their readings, period switch, CSV', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, url);
  await page.waitForSelector(stationed('.ops-dash-kpi-issued'), { timeout: 45_000 });

  // Today: the seed's scans (2 claims and a repeat in 浙江, 1 claim in 广东) and points.
  expect(await textOf(page, '.ops-dash-kpi-scans')).toMatch(/扫码次数\s?4\s?其中领取积分 3/);
  expect(await textOf(page, '.ops-dash-tile-33')).toBe('浙江3');
  expect(await textOf(page, '.ops-dash-tile-44')).toBe('广东1');
  expect(await textOf(page, '.ops-dash-fresh')).toContain('今日数据实时');
  const campaign = await textOf(page, '.ops-dash-campaign-scan-2611');
  for (const words of ['扫码赚积分·冬季', '进行中', 'A 最大可发100,000', 'A 远大于 B']) expect(campaign).toContain(words);

  // Layout: four cards a row, the two series charts side by side.
  const [c1, c2, c4, c5] = await Promise.all(['issued', 'spent', 'reversed', 'active'].map((k) => box(page, `.ops-dash-kpi-${k}`)));
  expect([c2.y, c4.y]).toEqual([c1.y, c1.y]);
  expect(c5.y).toBeGreaterThan(c1.y);
  const [daily, balance] = await Promise.all([box(page, '.ops-dash-daily'), box(page, '.ops-dash-balance')]);
  expect(balance.y).toBe(daily.y);
  expect(balance.x).toBeGreaterThan(daily.x + daily.width - 1);
  const bars = await drawn(page, 'ops-dash-chart-daily');
  expect(bars.width).toBeGreaterThan(350);
  expect(bars.painted).toBeGreaterThan(20);
  await drawn(page, 'ops-dash-chart-balance');
  await screenshot(page, 'ops-dashboard-today-1280');

  // 30 days: four weeks of sign-ins, tasks, orders, games; spends in the mall.
  await page.click(stationed('.ops-dash-period-d30'));
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('近30天'), stationed('.ops-dash-sources'));
  expect(await textOf(page, '.ops-dash-sources')).toMatch(/签到 \d/);
  expect(await textOf(page, '.ops-dash-uses')).toMatch(/商城兑换 \d/);
  expect(await textOf(page, '.ops-dash-kpi-active')).toMatch(/活跃会员\s?[1-3]\s?获得或使用积分/);
  await drawn(page, 'ops-dash-chart-sources');
  await screenshot(page, 'ops-dashboard-30days-1280');

  // CSV: Chinese headers, the export time in Shanghai.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(stationed('.ops-dash-export'))]);
  expect(download.suggestedFilename()).toMatch(/^积分数据看板-\d{4}-\d\d-\d\d\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('导出时间（北京时间）');
  expect(csv).toContain('活动,状态,A 最大可发,B 已发,C 兑换率,D 使用率');
  expect(csv).toContain('扫码赚积分·冬季,进行中,100000');
  await page.waitForSelector(stationed('.ops-dash-notice'));
  expect(await textOf(page, '.ops-dash-notice')).toContain('已导出');
});

test('at 375 px: two cards a row, one chart a row, tiles and campaigns readable', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await open(page, url);
  await page.waitForSelector(stationed('.ops-dash-kpi-issued'), { timeout: 45_000 });
  const [c1, c2, c3] = await Promise.all(['issued', 'spent', 'expired'].map((k) => box(page, `.ops-dash-kpi-${k}`)));
  expect(c2.y).toBe(c1.y);
  expect(c3.y).toBeGreaterThan(c1.y);
  const [daily, balance] = await Promise.all([box(page, '.ops-dash-daily'), box(page, '.ops-dash-balance')]);
  expect(balance.y).toBeGreaterThan(daily.y + daily.height - 1);
  expect(daily.x + daily.width).toBeLessThanOrEqual(375);
  expect((await drawn(page, 'ops-dash-chart-daily')).width).toBeGreaterThan(250);
  const tiles = await box(page, '.ops-dash-provinces');
  expect(tiles.x + tiles.width).toBeLessThanOrEqual(375);
  await screenshot(page, 'ops-dashboard-today-375');
  await page.click(stationed('.ops-dash-period-d7'));
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('近7天'), stationed('.ops-dash-sources'));
  await screenshot(page, 'ops-dashboard-7days-375');
});

test('a shopper sees only the refusal', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await open(page, url, 'bob');
  await page.waitForSelector(stationed('.ops-refused'), { timeout: 30_000 });
  expect(await page.$(stationed('.ops-dash'))).toBeNull();
});
