// Consent before the browser's geolocation (docs/privacy.md#consent): refusing scans without a
// location and never asks the browser; agreeing asks it once and sends the position, whose
// province the answer shows. Then 我的 → 隐私政策 / 导出我的数据 / 注销账号.
import { LOCAL_ORDERS_SECRET } from '../../local/runtime/identity';
import type { Page } from 'playwright-core';
import { PERSONAS } from '../../local/seed/personas';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

async function demoCodes(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/cloud/codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'ops' },
    body: JSON.stringify({ action: 'export', batch: 'demo-tea-2611', format: 'csv' }),
  });
  const reply = (await res.json()) as { ok: boolean; data: { fileID: string } };
  const csv = await (await fetch(`${url}/api/local/files/${reply.data.fileID.replace('cloud://local/', '')}`)).text();
  return csv.trim().split('\n').slice(1).map((line) => line.split(',')[1]);
}

/** The browser's geolocation, counted: 杭州 (浙江). */
async function fakeGeolocation(page: Page) {
  await page.addInitScript(() => {
    (window as any).__geoCalls = 0;
    const geo = {
      getCurrentPosition(ok: (p: unknown) => void) {
        (window as any).__geoCalls++;
        ok({ coords: { latitude: 30.27, longitude: 120.15, accuracy: 10, altitude: null, altitudeAccuracy: null, heading: null, speed: null }, timestamp: Date.now() });
      },
      watchPosition: () => 0,
      clearWatch: () => {},
    };
    Object.defineProperty(navigator, 'geolocation', { value: geo, configurable: true });
  });
}

/** What the page sent to codes.scan. */
function scanBodies(page: Page): any[] {
  const bodies: any[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/cloud/codes') && r.method() === 'POST') {
      const b = JSON.parse(r.postData() ?? '{}');
      if (b.action === 'scan') bodies.push(b);
    }
  });
  return bodies;
}

async function scanWithLocation(page: Page, url: string, persona: string, code: string) {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => {
    window.localStorage.setItem('localPersona', p);
    window.localStorage.removeItem('privacy-consent');
  }, persona);
  await page.goto(`${url}/#/packages/scan/index`);
  await page.reload();
  await page.waitForSelector(stationed('.scan-page .scan-input input'), { timeout: 30_000 });
  await page.fill(stationed('.scan-input input'), code);
  await page.click(stationed('.scan-location'));
  await page.click(stationed('.scan-submit'));
  await page.waitForSelector('.privacy-sheet', { timeout: 10_000 });
  expect(await page.textContent('.privacy-sheet')).toContain('使用你的位置');
  expect(await page.textContent('.privacy-sheet')).toContain('《积分运营用户隐私保护指引》');
}

test('consent refused: the browser is never asked and the scan goes on without a location', async () => {
  const { page, url } = e2e();
  await fakeGeolocation(page);
  const bodies = scanBodies(page);
  const codes = await demoCodes(url);
  await scanWithLocation(page, url, 'bob', codes[11]);
  await screenshot(page, '60-privacy-consent-sheet');
  await page.click('.privacy-sheet__refuse');
  await page.waitForSelector(stationed('.scan-page .scan-outcome--earned'), { timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).__geoCalls)).toBe(0);
  expect(bodies).toHaveLength(1);
  expect(bodies[0].location ?? null).toBeNull();
  expect(await page.$(stationed('.scan-trace-region'))).toBeNull();
  expect(await page.$('.privacy-sheet')).toBeNull();
  await screenshot(page, '61-privacy-refused-scan');
});

test('consent granted: the browser is asked once, the province is checked, and the answer is remembered', async () => {
  const { page, url } = e2e();
  await fakeGeolocation(page);
  const bodies = scanBodies(page);
  const codes = await demoCodes(url);
  await scanWithLocation(page, url, 'carol', codes[12]);
  await page.click('.privacy-sheet__agree');
  await page.waitForSelector(stationed('.scan-page .scan-outcome--earned'), { timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).__geoCalls)).toBe(1);
  expect(bodies[bodies.length - 1].location).toEqual({ latitude: 30.27, longitude: 120.15 });
  expect(await page.textContent(stationed('.scan-trace-region'))).toContain('浙江');
  expect(await page.evaluate(() => window.localStorage.getItem('privacy-consent'))).toBe('agreed');
  await screenshot(page, '62-privacy-granted-scan');
});

test('我的 → 隐私政策, 导出我的数据 and the 注销账号 warning', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'alice'));
  await page.goto(`${url}/#/pages/me/index`);
  await page.reload();
  await page.waitForSelector(stationed('.me-privacy-policy'), { timeout: 30_000 });
  await page.click(stationed('.me-privacy-policy'));
  await page.waitForSelector(stationed('.privacy-policy'), { timeout: 30_000 });
  const policy = await page.textContent(stationed('.privacy-policy'));
  for (const words of ['位置信息', '收货地址', '手机号', '剪切板', '只保存所在省份', '导出我的数据', '注销']) expect(policy).toContain(words);
  await screenshot(page, '63-privacy-policy');

  await page.goto(`${url}/#/packages/privacy/export/index`);
  await page.waitForSelector(stationed('.privacy-export .privacy-export__balance'), { timeout: 30_000 });
  const exported = await page.textContent(stationed('.privacy-export'));
  // The seed names the personas as the start-up banner prints them (alice: 林小雨).
  expect(exported).toContain(`昵称：${PERSONAS.find((p) => p.id === 'alice')!.nickname}`);
  expect(exported).toContain('积分明细');
  expect(exported).not.toMatch(/oLOCAL|undefined|null|NaN/);
  await screenshot(page, '64-privacy-export');

  await page.goto(`${url}/#/packages/privacy/close/index`);
  await page.waitForSelector(stationed('.privacy-close .privacy-close__forfeit'), { timeout: 30_000 });
  const close = await page.textContent(stationed('.privacy-close'));
  expect(close).toContain('注销前请确认');
  await screenshot(page, '65-privacy-close');
});

test('注销账号: bob confirms the warning, the account closes, 完成 starts him as a new member with no points', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  // The seed leaves bob a brand order whose points are still 冻结中, which blocks a closure
  // (ORDERS_OPEN): the brand refunds it in full first.
  const refund = await fetch(`${url}/api/local/brand/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'refunded', orderId: 'SO-20261120-0012', refundId: 'e2e-close', items: [{ sku: 'tea-250', fen: 12_800 }], secret: LOCAL_ORDERS_SECRET }),
  }).then((r) => r.json());
  expect(refund).toMatchObject({ ok: true });
  await page.goto(`${url}/#/packages/privacy/close/index`);
  await page.reload();
  await page.waitForSelector(stationed('.privacy-close .privacy-close__check'), { timeout: 30_000 });
  const forfeit = await page.textContent(stationed('.privacy-close__forfeit'));
  expect(forfeit).toMatch(/你还有 \d+ 积分，注销后将全部作废。/);
  await page.click(stationed('.privacy-close__check'));
  await page.click(stationed('.privacy-close__submit'));
  await page.waitForSelector('.taro-modal__content', { timeout: 10_000 });
  expect(await page.textContent('.taro-modal__content')).toMatch(/\d+ 积分将作废，注销后无法恢复。/);
  await page.click('.taro-model__confirm');
  await page.waitForSelector(stationed('.privacy-close--done .privacy-close__done'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.privacy-close--done'))).toContain('积分已作废');
  await screenshot(page, '66-privacy-closed');

  // The old account answers only that it is closed (the ops persona looks it up).
  const lookup = await fetch(`${url}/api/cloud/admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'ops' },
    body: JSON.stringify({ action: 'lookupMember', openid: 'oLOCAL-shopper-bob' }),
  });
  expect(await lookup.json()).toMatchObject({ ok: true, data: { closed: true } });

  await page.click(stationed('.privacy-close__finish'));
  await page.waitForSelector(stationed('.home-balance, .balance-card, .page'), { timeout: 30_000 });
  const profile = await fetch(`${url}/api/cloud/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': 'bob' },
    body: JSON.stringify({ action: 'getProfile' }),
  });
  expect(await profile.json()).toMatchObject({ ok: true, data: { points: { balance: 0, held: 0, debt: 0 } } });
});
