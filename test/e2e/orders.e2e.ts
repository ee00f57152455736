// Brand orders and member tiers end to end: 王大山 sees an order's points 冻结中 on 我的积分; the
// brand's server reports the delivery; the jobs tick posts them after the return window: they leave
// 冻结中 and appear in 积分明细 with the order number; 首页's tier badge opens 会员等级.
import { LOCAL_ORDERS_SECRET } from '../../local/runtime/identity';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();
const DAY = 86_400_000;

test('a brand order’s pending points become available; the tier page', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  await page.goto(`${url}/#/packages/points/ledger/index`);
  await page.waitForSelector(stationed('.points-page .pending-points'), { timeout: 30_000 });
  const balanceBefore = Number((await page.textContent(stationed('.points-balance')))?.trim());
  expect(await page.textContent(stationed('.pending-points__total'))).toBe('153 积分');
  expect(await page.textContent(stationed('.pending-points__row[data-order="SO-20261120-0012"]'))).toContain('确认收货后 7 天可用');
  await screenshot(page, '60-orders-pending');

  // The brand's server reports the delivery 8 days ago: the 7-day return window has passed.
  const brand = await fetch(`${url}/api/local/brand/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'delivered', orderId: 'SO-20261120-0012', deliveredAt: new Date(Date.now() - 8 * DAY).toISOString(), secret: LOCAL_ORDERS_SECRET }),
  }).then((r) => r.json());
  expect(brand).toMatchObject({ ok: true, data: { status: 'pending' } });
  // The jobs tick (every 5 minutes; fired now) posts it.
  const tick = await fetch(`${url}/api/local/triggers/jobs/tick`, { method: 'POST' }).then((r) => r.json());
  expect(tick.ok).toBe(true);

  await page.reload();
  await page.waitForSelector(stationed('.points-page .points-row'), { timeout: 30_000 });
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.textContent) > 0, stationed('.points-balance'));
  expect(Number((await page.textContent(stationed('.points-balance')))?.trim())).toBe(balanceBefore + 153);
  expect(await page.$(stationed('.pending-points'))).toBeNull();
  const top = await page.textContent(stationed('.points-row:first-child'));
  expect(top).toContain('订单积分');
  expect(top).toContain('订单 SO-20261120-0012 · 实付 ¥128.00 × 1 · 银卡会员 1.2 倍');
  expect(top).toContain('+153');
  await screenshot(page, '61-orders-available');

  // 首页's badge → 会员等级
  await page.goto(`${url}/#/pages/index/index`);
  await page.waitForSelector(stationed('.home .tier-badge'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.home .tier-badge__name'))).toBe('银卡会员');
  await screenshot(page, '63-home-tier-badge');
  await page.click(stationed('.home .tier-badge'));
  await page.waitForSelector(stationed('.tiers-page .tiers-current'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.tiers-current'))).toBe('银卡会员');
  expect(await page.textContent(stationed('.tiers-next'))).toMatch(/^再得 \d+ 成长值升级为金卡会员$/);
  expect(await page.$$(stationed('.tiers-row'))).toHaveLength(4);
  expect(await page.textContent(stationed('.tiers-history'))).toContain('普通会员 → 银卡会员');
  await screenshot(page, '62-tiers');
  await page.goto(`${url}/#/pages/me/index`);
  await page.waitForSelector(stationed('.me .tier-badge'), { timeout: 30_000 });
  await screenshot(page, '64-me-tier-badge');
  expect(e2e().output()).not.toMatch(/page errors/);
});
