// 数据看板 (docs/console.md#数据看板) as the operator on the seeded demo brand: the KPI cards, real
// charts (echarts draws canvases), the province tiles, the campaigns' A/B/C/D with their readings,
// the period switch and the CSV download — at 1280 × 800 (cards in a row, charts two a row) and at
// 375 × 812 (two cards a row, one chart a row). Screenshots: test-artifacts/e2e/ops-dashboard-*.png.
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

/** What the server answers the operator's dashboard read. */
async function dashboardOf(url: string): Promise<any> {
  const res = await fetch(`${url}/api/cloud/admin`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-persona': 'ops' }, body: JSON.stringify({ action: 'dashboard' }) });
  return ((await res.json()) as { data: unknown }).data;
}
const ROUTE = '/packages/ops/dashboard/index';

async function open(page: Page, url: string, persona = 'ops') {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => window.localStorage.setItem('localPersona', p), persona);
  await page.goto(`${url}/#${ROUTE}`);
  await page.reload();
}

/** Scrolls a part of the page into view and keeps a screenshot of it (H5 pages scroll inside Taro's container). */
async function shoot(page: Page, sel: string, name: string) {
  await page.$eval(stationed(sel), (el) => el.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  await screenshot(page, name);
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

  // Today: the seeds' scans (codes, 风控 and 数据看板 seeds; in 浙江 and 广东) as the server counts them
  // (test/integration/ops-dashboard.test.ts checks those figures against the codes and the ledger).
  const figures = await dashboardOf(url);
  const today = figures.periods.find((p: any) => p.key === 'today');
  expect(today.scans).toBeGreaterThan(0);
  expect(await textOf(page, '.ops-dash-kpi-scans')).toMatch(new RegExp(`扫码次数\\s?${today.scans}\\s?其中领取积分 ${today.claims}`));
  for (const code of ['33', '44']) {
    const tile = today.provinceScans.find((t: any) => t.province === code);
    expect(tile?.scans).toBeGreaterThan(0);
    expect(await textOf(page, `.ops-dash-tile-${code}`)).toBe(`${code === '33' ? '浙江' : '广东'}${tile.scans}`);
  }
  expect(await textOf(page, '.ops-dash-fresh')).toContain('今日数据实时');
  const campaign = await textOf(page, '.ops-dash-campaign-scan-2611');
  for (const words of ['扫码有礼', '进行中', 'A 最大可发100,000', 'A 远大于 B']) expect(campaign).toContain(words);

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
  await shoot(page, '.ops-dash-sources', 'ops-dashboard-today-1280-charts');
  await shoot(page, '.ops-dash-provinces', 'ops-dashboard-today-1280-tiles');
  await shoot(page, '.ops-dash-campaigns', 'ops-dashboard-today-1280-campaigns');

  // 30 days: four weeks of the demo members' sign-ins and tasks; the personas' spends in the mall.
  await page.click(stationed('.ops-dash-period-d30'));
  await page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').includes('近30天'), stationed('.ops-dash-sources'));
  expect(await textOf(page, '.ops-dash-sources')).toMatch(/签到 \d/);
  expect(await textOf(page, '.ops-dash-uses')).toMatch(/商城兑换 \d/);
  const d30 = figures.periods.find((p: any) => p.key === 'd30');
  expect(d30.active).toBeGreaterThan(3);
  expect(await textOf(page, '.ops-dash-kpi-active')).toMatch(new RegExp(`活跃会员\\s?${d30.active}\\s?获得或使用积分`));
  await drawn(page, 'ops-dash-chart-sources');
  await screenshot(page, 'ops-dashboard-30days-1280');
  await shoot(page, '.ops-dash-sources', 'ops-dashboard-30days-1280-charts');

  // CSV: Chinese headers, the export time in Shanghai.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(stationed('.ops-dash-export'))]);
  expect(download.suggestedFilename()).toMatch(/^积分数据看板-\d{4}-\d\d-\d\d\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('导出时间（北京时间）');
  expect(csv).toContain('活动,状态,A 最大可发,B 已发,C 兑换率,D 使用率');
  expect(csv).toContain('扫码有礼,进行中,100000');
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
  await shoot(page, '.ops-dash-sources', 'ops-dashboard-today-375-sources');
  await shoot(page, '.ops-dash-provinces', 'ops-dashboard-today-375-tiles');
  await shoot(page, '.ops-dash-top', 'ops-dashboard-today-375-top');
  await shoot(page, '.ops-dash-campaigns', 'ops-dashboard-today-375-campaigns');
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
