// Forms a shopper fills (issue 14 §3), at 375 × 812: the delivery address's region comes from a
// picker over real divisions and over-long text is refused with a message, never cut; a points +
// cash payment that fails says so on the order with 去支付 / 取消, and redeeming the item again leads
// to that order instead of freezing points twice; a location the browser refuses is said on the
// scan result.
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

async function balance(url: string, persona: string): Promise<{ balance: number; held: number }> {
  const res = await fetch(`${url}/api/cloud/points`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-persona': persona }, body: JSON.stringify({ action: 'summary' }) });
  const reply = (await res.json()) as { data: { balance: number; held: number } };
  return { balance: reply.data.balance, held: reply.data.held };
}

test('the address: region from the picker, over-long name and detail refused with a message and kept whole', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/mall/redeem/index?id=tea-cup&quantity=1`);
  await page.waitForSelector(stationed('.mall-redeem-ready .mall-redeem-address'), { timeout: 30_000 });
  // No text box for province / city / district: a picker.
  expect(await page.$(stationed('.mall-address-province input'))).toBeNull();
  expect(await text('.mall-address-region')).toBe('请选择省、市、区 ›');

  const longName = '林'.repeat(21);
  await page.fill(stationed('.mall-address-name input'), longName);
  await page.fill(stationed('.mall-address-phone input'), '13800138000');
  await page.fill(stationed('.mall-address-detail input'), '龙井路 1 号');
  expect(await page.inputValue(stationed('.mall-address-name input'))).toBe(longName); // not cut
  await page.click(stationed('.mall-redeem-confirm'));
  expect(await text('.mall-address-problem')).toBe('收货人最多 20 个字，请删减');
  await page.fill(stationed('.mall-address-name input'), '林小雨');
  await page.click(stationed('.mall-redeem-confirm'));
  expect(await text('.mall-address-problem')).toBe('请选择所在地区（省、市、区）');

  await page.click(stationed('.mall-address-region'));
  await page.waitForSelector(stationed('.region-sheet'));
  expect(await page.$$eval(stationed('.region-option'), (els) => els.length)).toBe(34); // 31 + 港澳台
  await page.click(stationed('.region-option[data-name="浙江省"]'));
  await page.click(stationed('.region-option[data-name="杭州市"]'));
  await screenshot(page, 'forms-10-region-picker');
  await page.click(stationed('.region-option[data-name="西湖区"]'));
  expect(await page.$(stationed('.region-sheet'))).toBeNull();
  expect(await text('.mall-address-region')).toBe('浙江省 杭州市 西湖区');

  const longDetail = '龙井路'.repeat(41); // 123 characters
  await page.fill(stationed('.mall-address-detail input'), longDetail);
  expect(await page.inputValue(stationed('.mall-address-detail input'))).toBe(longDetail);
  await page.click(stationed('.mall-redeem-confirm'));
  expect(await text('.mall-address-problem')).toBe('详细地址最多 120 个字，当前 123 个字，请删减');
  await screenshot(page, 'forms-11-address-too-long');
  await page.fill(stationed('.mall-address-detail input'), '龙井路 1 号');
  await page.click(stationed('.mall-redeem-confirm'));
  await page.waitForSelector(stationed('.mall-redeem-result'), { timeout: 30_000 });
  expect(await text('.mall-redeem-no')).toMatch(/^订单号 \d{8}-\d{6}$/);
  // Cancel it, so alice has her 280 points for the next test.
  await cloud('mall', { action: 'cancel', id: await page.getAttribute(stationed('.mall-redeem-result'), 'data-order') });
});

test('the server refuses 火星 / abc / 😀 with its own code, whatever the client sends', async () => {
  const { url } = e2e();
  const res = await fetch(`${url}/api/cloud/mall`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'alice' },
    body: JSON.stringify({ action: 'saveAddress', address: { name: '林小雨', phone: '13800138000', province: '火星', city: 'abc', district: '😀', detail: '龙井路 1 号' } }),
  });
  expect(await res.json()).toMatchObject({ ok: false, code: 'ADDRESS_REGION_UNKNOWN' });
});

test('a failed payment: the order says so with 去支付 and 取消; redeeming again leads to it, nothing frozen twice', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/mall/redeem/index?id=travel-set&quantity=1`);
  await page.waitForSelector(stationed('.mall-redeem-ready .mall-redeem-address'), { timeout: 30_000 });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '浙江省 杭州市 西湖区', stationed('.mall-address-region'), { timeout: 30_000 });
  const before = await balance(url, 'alice');
  await page.click(stationed('.mall-redeem-confirm'));
  await page.waitForSelector('#pay-fail', { timeout: 30_000 });
  await page.click('#pay-fail');
  await page.waitForSelector(stationed('.mall-order-unpaid--pay'), { timeout: 30_000 });
  expect(await text('.mall-order-status')).toBe('待付款');
  const notice = await text('.mall-order-unpaid');
  expect(notice).toContain('支付未完成');
  expect(notice).toContain('支付失败或已取消，没有扣款。');
  expect(notice).toMatch(/已为这笔订单冻结 100 积分，请在 \d{4}-\d\d-\d\d \d\d:\d\d 前完成支付；取消订单或逾期未支付，积分和库存会自动退回。/);
  expect(await text('.mall-order-pay')).toBe('去支付');
  expect(await text('.mall-order-no')).toMatch(/^订单号 \d{8}-\d{6}$/);
  expect(await text('.mall-order-cancel')).toBe('取消订单');
  await screenshot(page, 'forms-12-payment-failed');
  const id = await page.getAttribute(stationed('.mall-order-ready'), 'data-order');
  expect(await balance(url, 'alice')).toEqual({ balance: before.balance, held: before.held + 100 });

  // 立即兑换 again (twice): the same order, nothing more frozen.
  for (let i = 0; i < 2; i++) {
    await page.goto(`${url}/#/packages/mall/item/index?id=travel-set`);
    await page.waitForSelector(stationed('.mall-item-redeem'), { timeout: 30_000 });
    await page.click(stationed('.mall-item-redeem'));
    await page.waitForSelector(stationed('.mall-redeem-ready'), { timeout: 30_000 });
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '浙江省 杭州市 西湖区', stationed('.mall-address-region'), { timeout: 30_000 });
    await page.click(stationed('.mall-redeem-confirm'));
    await page.waitForSelector(stationed('.mall-order-unpaid--again'), { timeout: 30_000 });
    expect(await page.getAttribute(stationed('.mall-order-ready'), 'data-order')).toBe(id);
  }
  expect(await text('.mall-order-unpaid')).toContain('这件商品还有一笔待付款的订单为避免重复冻结积分，请先完成或取消这笔订单。');
  await screenshot(page, 'forms-13-unpaid-again');
  expect(await balance(url, 'alice')).toEqual({ balance: before.balance, held: before.held + 100 });

  await page.click(stationed('.mall-order-cancel'));
  await page.click('.taro-modal__foot .taro-model__btn:last-child');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '已取消', stationed('.mall-order-status'), { timeout: 30_000 });
  expect(await balance(url, 'alice')).toEqual(before);
});

test('a location the browser refuses: the scan result says the region could not be checked', async () => {
  const { page, url } = e2e();
  const res = await fetch(`${url}/api/cloud/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'ops' },
    body: JSON.stringify({ action: 'export', batch: 'demo-tea-2611', format: 'csv' }),
  });
  const { data } = (await res.json()) as { data: { fileID: string } };
  const csv = await (await fetch(`${url}/api/local/files/${data.fileID.replace('cloud://local/', '')}`)).text();
  const code = csv.trim().split('\n')[8].split(',')[1];
  await page.context().clearPermissions(); // geolocation: denied, as when the member refuses the browser's prompt
  await page.goto(`${url}/#/packages/scan/index`);
  await page.reload();
  await page.waitForSelector(stationed('.scan-input input'), { timeout: 30_000 });
  await page.fill(stationed('.scan-input input'), code);
  await page.click(stationed('.scan-location'));
  await page.click(stationed('.scan-submit'));
  const agree = await page.waitForSelector('.privacy-sheet__agree', { timeout: 5_000 }).catch(() => null);
  if (agree) await agree.click();
  await page.waitForSelector(stationed('.scan-outcome--earned'), { timeout: 30_000 });
  expect(await text('.scan-trace-region-unchecked')).toBe('销售区域未能获取位置，无法核验');
  await screenshot(page, 'forms-14-scan-location-refused');
});
