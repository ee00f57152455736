// 积分商城 end to end: browse → redeem a physical item with an address → the order appears with
// the points taken → cancel → points and stock back; then a points+cash item through the local
// simulated payment page.
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

const ADDRESS: Record<string, string> = { name: '林小雨', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };

async function fillAddress() {
  const { page } = e2e();
  for (const field of ['name', 'phone', 'detail']) await page.fill(stationed(`.mall-address-${field} input`), ADDRESS[field]);
  // The region from the picker over real divisions (no text box).
  await page.click(stationed('.mall-address-region'));
  for (const field of ['province', 'city', 'district']) await page.click(stationed(`.region-sheet .region-option[data-name="${ADDRESS[field]}"]`));
}

const stockText = async () => (await e2e().page.textContent(stationed('.mall-card[data-item="tea-cup"] .mall-card__meta')))?.trim();

test('alice redeems a physical item with an address, sees the order, cancels it: points and stock come back', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/mall/index`);
  await page.waitForSelector(stationed('.mall-card[data-item="tea-cup"]'), { timeout: 30_000 });
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [stationed('.mall-balance'), '280'] as const, { timeout: 30_000 });
  expect(await stockText()).toBe('剩余 49'); // 50, less the cup carol redeemed in the seed
  // The flash sale opens in 10 minutes: a countdown, not a price tag.
  expect(await page.textContent(stationed('.mall-card[data-item="flash-zisha"] .mall-card__meta'))).toMatch(/距开始 00:(09|10):\d\d/);
  await screenshot(page, '20-mall-home');

  await page.click(stationed('.mall-card[data-item="tea-cup"]'));
  await page.waitForSelector(stationed('.mall-item-ready'), { timeout: 30_000 });
  await page.click(stationed('.mall-item-redeem'));
  await page.waitForSelector(stationed('.mall-redeem-ready .mall-redeem-address'), { timeout: 30_000 });
  // A malformed address is caught before anything is sent.
  await page.click(stationed('.mall-redeem-confirm'));
  await page.waitForSelector(stationed('.mall-address-problem'));
  await fillAddress();
  await screenshot(page, '21-mall-redeem');
  await page.click(stationed('.mall-redeem-confirm'));
  await page.waitForSelector(stationed('.mall-redeem-result'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.mall-redeem-result'))).toContain('已扣 200 积分');

  await page.click(stationed('.mall-redeem-view-order'));
  await page.waitForSelector(stationed('.mall-order-ready'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.mall-order-status')))?.trim()).toBe('待发货');
  expect((await page.textContent(stationed('.mall-order-no')))?.trim()).toMatch(/^订单号 \d{8}-\d{6}$/);
  await screenshot(page, '22-mall-order');

  // The order is listed under 待发货, and the balance is 80.
  await page.goto(`${url}/#/packages/mall/orders/index`);
  await page.waitForSelector(stationed('.mall-order-row[data-status="toShip"]'), { timeout: 30_000 });
  await page.goto(`${url}/#/pages/mall/index`);
  await page.waitForSelector(stationed('.mall-card[data-item="tea-cup"]'), { timeout: 30_000 });
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [stationed('.mall-balance'), '80'] as const, { timeout: 30_000 });
  expect(await stockText()).toBe('剩余 48');

  await page.goto(`${url}/#/packages/mall/orders/index`);
  await page.click(stationed('.mall-order-row[data-status="toShip"]'));
  await page.waitForSelector(stationed('.mall-order-cancel'), { timeout: 30_000 });
  await page.click(stationed('.mall-order-cancel'));
  // Taro's H5 modal: confirm.
  await page.click('.taro-modal__foot .taro-model__btn:last-child');
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.textContent?.trim() === '已取消',
    stationed('.mall-order-status'),
    { timeout: 30_000 },
  );
  await page.goto(`${url}/#/pages/mall/index`);
  await page.waitForSelector(stationed('.mall-card[data-item="tea-cup"]'), { timeout: 30_000 });
  await page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [stationed('.mall-balance'), '280'] as const, { timeout: 30_000 });
  expect(await stockText()).toBe('剩余 49');
});

test('a points+cash item goes through the simulated payment page', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/mall/redeem/index?id=travel-set&quantity=1`);
  await page.waitForSelector(stationed('.mall-redeem-ready .mall-redeem-address'), { timeout: 30_000 });
  // The address saved by the first redemption is remembered.
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value === '林小雨', stationed('.mall-address-name input'));
  expect(await page.textContent(stationed('.mall-redeem-total'))).toContain('100 积分 + ¥29.90');
  await page.click(stationed('.mall-redeem-confirm'));
  await page.waitForSelector('#pay-success', { timeout: 30_000 });
  await screenshot(page, '23-mall-simulated-pay');
  await page.click('#pay-success');
  await page.waitForSelector(stationed('.mall-order-ready'), { timeout: 30_000 });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '待发货', stationed('.mall-order-status'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.mall-order-points'))).toContain('100 积分 + ¥29.90');
});

test('the operator ships the order with a tracking number; the member sees the logistics', async () => {
  const { page, url } = e2e();
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'ops'));
  await page.goto(`${url}/#/packages/ops/orders/index`);
  await page.reload();
  await page.waitForSelector(stationed('.mall-ops-row[data-status="toShip"]'), { timeout: 30_000 });
  const id = await page.getAttribute(stationed('.mall-ops-row[data-status="toShip"]'), 'data-order');
  const row = stationed(`.mall-ops-row[data-order="${id}"]`);
  await page.fill(`${row} .mall-ops-company input`, '顺丰速运');
  await page.fill(`${row} .mall-ops-tracking input`, 'SF1234567890');
  await page.click(`${row} .mall-ops-ship`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '已发货', stationed('.mall-ops-notice'), { timeout: 30_000 });
  await screenshot(page, '24-mall-ops');

  await page.evaluate(() => window.localStorage.setItem('localPersona', 'alice'));
  await page.goto(`${url}/#/packages/mall/order/index?id=${id}`);
  await page.reload();
  await page.waitForSelector(stationed('.mall-order-logistics'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.mall-order-logistics'))).toContain('顺丰速运 SF1234567890');
  expect((await page.textContent(stationed('.mall-order-status')))?.trim()).toBe('已发货');
  expect(await page.$(stationed('.mall-order-cancel'))).toBeNull();
});
