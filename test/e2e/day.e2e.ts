// 首页 is the member's day (issue 14 §5), at 375 × 812: the available points with their ¥ value —
// the same figures as 商城 and 我的积分 —, what the points have bought and are close to, recommended
// items; and every place that gives points says until when they are valid (scan, sign-in).
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

beforeAll(async () => {
  await e2e().page.setViewportSize({ width: 375, height: 812 });
});

const text = async (sel: string) => ((await e2e().page.textContent(stationed(sel))) ?? '').trim();

async function cloud(fn: string, body: Record<string, unknown>, persona = 'alice') {
  const res = await fetch(`${e2e().url}/api/cloud/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-persona': persona }, body: JSON.stringify(body) });
  const reply = (await res.json()) as { ok: boolean; data: any };
  expect(reply).toMatchObject({ ok: true });
  return reply.data;
}

test('首页: 可用积分 and its ¥ as on 商城 and 我的积分; 已兑换 … 价值 ¥…; 再攒 … 积分可兑换 …; recommended items', async () => {
  const { page, url } = e2e();
  const summary = await cloud('points', { action: 'summary' });
  const worth = `≈ ¥${(summary.valueFen / 100).toFixed(2)}`;
  await page.goto(`${url}/#/pages/index/index`);
  await page.waitForSelector(stationed('.home .home-balance-worth'), { timeout: 30_000 });
  expect(await text('.home-balance')).toBe(String(summary.available));
  expect(await text('.home-balance-worth')).toBe(worth);
  const redeemed = await cloud('mall', { action: 'redeemed' });
  expect(await text('.home-redeemed')).toBe(redeemed.units ? `已兑换 ${redeemed.units} 件好礼，价值 ¥${(redeemed.valueFen / 100).toFixed(2)}` : '还没有兑换过好礼，积分可以换好物');
  // What expires soonest, as 我的积分's 即将过期 says it: alice's 160 of 秋茶品鉴季, in 5 days.
  const [soonest] = summary.expiring;
  const daysLeft = Math.round((Date.parse(`${soonest.day}T00:00:00+08:00`) - Date.parse(`${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}T00:00:00+08:00`)) / 86_400_000);
  expect({ points: soonest.points, daysLeft }).toEqual({ points: 160, daysLeft: 5 });
  expect(await text('.home-expiring')).toBe(`160 积分 5 天后过期有效期至 ${soonest.day} ›`);
  // alice has 280: the cheapest item she cannot afford yet is the 800-point 龙井.
  expect(summary.available).toBe(280);
  expect(await text('.home-goal')).toBe('再攒 520 积分可兑换 明前龙井 50g');
  const picks = await page.$$eval(stationed('.home-pick'), (els) => els.map((e) => e.getAttribute('data-item')));
  expect(picks.length).toBeGreaterThanOrEqual(3);
  expect(picks).not.toContain('flash-zisha'); // not open yet
  expect(await text('.home-pick[data-item="tea-cup"] .home-pick__can')).toBe('可兑换');
  await screenshot(page, 'day-10-home');

  // The same words and figures on 商城 and 我的积分.
  await page.goto(`${url}/#/pages/mall/index`);
  await page.waitForSelector(stationed('.mall-balance[data-ready="true"]'), { timeout: 30_000 });
  expect(await text('.mall-balance')).toBe('280');
  expect(await text('.mall-balance-worth')).toBe(worth);
  await page.goto(`${url}/#/packages/points/ledger/index`);
  await page.waitForSelector(stationed('.points-value'), { timeout: 30_000 });
  expect(await text('.points-value')).toBe(worth);

  // Redeem the 200-point cup: 首页 counts it at once when the tab shows again.
  await cloud('mall', { action: 'redeem', item: 'tea-cup', quantity: 1, clientKey: 'day-e2e-cup-1', address: { name: '林小雨', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' } });
  const after = await cloud('mall', { action: 'redeemed' });
  expect(after.units).toBe(redeemed.units + 1);
  await page.goto(`${url}/#/pages/index/index`);
  await page.reload();
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '80', stationed('.home-balance'), { timeout: 30_000 });
  await page.waitForSelector(stationed('.home-redeemed'), { timeout: 30_000 });
  expect(await text('.home-redeemed')).toBe(`已兑换 ${after.units} 件好礼，价值 ¥${(after.valueFen / 100).toFixed(2)}`);
  expect(await text('.home-goal')).toBe('再攒 20 积分可兑换 旅行茶具套装（积分+现金）');
  await screenshot(page, 'day-11-home-after-redeem');
});

test('every place that gives points says until when: the scan result and the sign-in', async () => {
  const { page, url } = e2e();
  const exported = await cloud('codes', { action: 'export', batch: 'demo-tea-2611', format: 'csv' }, 'ops');
  const csv = await (await fetch(`${url}/api/local/files/${exported.fileID.replace('cloud://local/', '')}`)).text();
  const code = csv.trim().split('\n')[12].split(',')[1];
  await page.goto(`${url}/?code=${code}`);
  await page.waitForSelector(stationed('.scan-page .scan-outcome--earned'), { timeout: 30_000 });
  expect(await text('.scan-valid')).toMatch(/^积分有效期至 \d{4}-\d\d-\d\d$/);
  await screenshot(page, 'day-12-scan-valid-until');

  await page.goto(`${url}/#/packages/earn/signin/index`);
  await page.reload();
  await page.waitForSelector(stationed('.signin-button'), { timeout: 30_000 });
  if ((await text('.signin-button')) !== '今日已签到') {
    await page.click(stationed('.signin-button'));
    await page.waitForSelector('.signin-success-valid', { timeout: 10_000 });
    expect((await page.textContent('.signin-success-valid'))?.trim()).toMatch(/^积分有效期至 \d{4}-\d\d-\d\d$/);
    await screenshot(page, 'day-13-signin-success');
    await page.waitForSelector('.signin-success', { state: 'detached', timeout: 10_000 });
    expect(await text('.signin-valid')).toMatch(/^今日 \+\d+ 积分，积分有效期至 \d{4}-\d\d-\d\d$/);
    await screenshot(page, 'day-14-signin-valid-until');
  } else {
    throw new Error('alice has signed in today in the seed: use a persona who has not');
  }
});

test('loading skeletons can be seen on the main pages while the cloud answers slowly', async () => {
  const { page, url } = e2e();
  // Every cloud call takes 2.5 s: the pages show their skeletons meanwhile.
  await page.route('**/api/cloud/**', async (route) => {
    await new Promise((r) => setTimeout(r, 2_500));
    await route.continue();
  });
  try {
    for (const [path, name] of [
      ['/pages/index/index', 'home'],
      ['/pages/mall/index', 'mall'],
      ['/packages/points/ledger/index', 'points'],
      ['/packages/mall/orders/index', 'orders'],
    ] as const) {
      await page.goto(`${url}/#${path}`);
      await page.reload();
      const skeleton = await page.waitForSelector('.taro_page_stationed .status-loading, .taro_page_stationed .home-day-loading', { timeout: 10_000 });
      // Seen: a real size, and grey blocks on the page's background (not white on white).
      const box = await skeleton.boundingBox();
      expect(box!.height).toBeGreaterThan(150);
      // NutUI's own grey (#f7f8fc) on the page's #f5f6f7 was invisible: every block must be clearly darker.
      const blocks = await skeleton.$$eval('.nut-skeleton-content', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
      expect(blocks.length).toBeGreaterThan(0);
      for (const bg of blocks) {
        const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
        expect({ bg, dark: Math.max(r, g, b) <= 235 }).toEqual({ bg, dark: true });
      }
      await screenshot(page, `day-20-skeleton-${name}`);
    }
  } finally {
    await page.unroute('**/api/cloud/**');
  }
});
