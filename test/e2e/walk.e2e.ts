// The guard of issue 14 §7: every page of src/app.config.ts (subpackages included, so a new page is
// walked without touching this file), as each persona, at 375 × 812. Each page must settle with a
// title and visible text that is Chinese: no English words beyond an allowlist of codes, units and
// brand names, no raw ids (OPENIDs, long random ids), no undefined / null / NaN. Pages that need a
// query parameter get a real one from the seed (what the persona's own lists return), or a missing
// id when the persona has none, which must then say 不存在 in Chinese. Screenshots of every page as
// every persona go to test-artifacts/e2e/walk/.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { PERSONAS } from '../../local/seed/personas';
import { ARTIFACTS, useE2E } from './harness';

const WALK_DIR = path.join(ARTIFACTS, 'walk');

/** The pages of src/app.config.ts, read as text (the file calls Taro's defineAppConfig). */
export function configuredPages(): string[] {
  const src = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'app.config.ts'), 'utf8');
  // eslint-disable-next-line no-new-func
  const config = new Function('defineAppConfig', src.replace(/^export default /m, 'return '))((c: unknown) => c) as {
    pages: string[];
    subPackages?: { root: string; pages: string[] }[];
  };
  return [...config.pages, ...(config.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
}

// Latin words a person may see: units and names that are not English prose (OpenID is WeChat's
// own name for the identifier, which the 隐私保护指引 must name).
const ALLOWED_WORDS = new Set(['kg', 'g', 'ml', 'cm', 'mm', 'OpenID', 'WiFi']);
const PLACEHOLDERS = new Set(['undefined', 'null', 'NaN']);
/** Text that breaks the rules, as readable findings ([] when the text is clean). */
export function textFindings(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(undefined|null|NaN|Invalid Date|\[object Object\])\b/g)) found.push(`placeholder "${m[0]}"`);
  // OPENIDs (o + 27 characters in WeChat, oLOCAL-… here) and long random ids (20+ letters/digits).
  for (const m of text.matchAll(/\bo[A-Za-z0-9_-]{20,}|\boLOCAL-[\w-]+|(?=[A-Za-z0-9_-]*[A-Za-z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}/g)) found.push(`raw id "${m[0]}"`);
  // Words with a lower-case letter are prose; upper-case runs are codes (batch AJ-2026-11-A, 卡码).
  for (const m of text.matchAll(/[A-Za-z]+(?:'[A-Za-z]+)?/g)) {
    const w = m[0];
    if (!ALLOWED_WORDS.has(w) && !PLACEHOLDERS.has(w) && /[a-z]/.test(w)) found.push(`English "${w}"`);
  }
  return [...new Set(found)];
}

const e2e = useE2E();

interface Params {
  item: string;
  order: string;
  entry: string;
}

async function call(url: string, persona: string, fn: string, data: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/api/cloud/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-persona': persona },
    body: JSON.stringify(data),
  });
  const r = (await res.json()) as { ok: boolean; data?: any };
  return r.ok ? r.data : undefined;
}

/** Real ids from the seed, as this persona's own lists return them (a missing id when there are none). */
async function paramsFor(url: string, persona: string): Promise<Params> {
  const items = await call(url, persona, 'mall', { action: 'items', limit: 10 });
  const orders = await call(url, persona, 'mall', { action: 'orders', limit: 10 });
  const history = await call(url, persona, 'points', { action: 'history', limit: 10 });
  return {
    item: items?.items?.[0]?._id ?? items?.items?.[0]?.id ?? 'missing-item',
    order: orders?.items?.[0]?._id ?? orders?.items?.[0]?.id ?? 'missing-order',
    entry: history?.items?.[0]?._id ?? history?.items?.[0]?.id ?? 'missing-entry',
  };
}

function query(page: string, p: Params): string {
  if (page === 'packages/mall/item/index' || page === 'packages/mall/redeem/index') return `?id=${encodeURIComponent(p.item)}`;
  if (page === 'packages/mall/order/index') return `?id=${encodeURIComponent(p.order)}`;
  if (page === 'packages/points/entry/index') return `?id=${encodeURIComponent(p.entry)}`;
  return '';
}

async function walk(browser: Browser, url: string, persona: string, pages: string[], viewport = { width: 375, height: 812 }): Promise<string[]> {
  const params = await paramsFor(url, persona);
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN' });
  // The persona switch's own storage (src/services/persona.ts), set before the app reads it.
  await context.addInitScript((id) => window.localStorage.setItem('localPersona', id), persona);
  const page = await context.newPage();
  const problems: string[] = [];
  try {
    for (const p of pages) {
      await page.goto('about:blank'); // so the next goto is a full load, not a hash change
      await page.goto(`${url}/#/${p}${query(p, params)}`);
      await page.waitForSelector('.taro_page_stationed', { timeout: 20_000 });
      // Settled: no request in flight for 400 ms and no loading indicator left.
      await page.waitForLoadState('networkidle');
      await page
        .waitForFunction(() => !document.querySelector('.taro_page_stationed .nut-skeleton, .taro_page_stationed [class*="loading"]:not([class*="loading-more"])'), undefined, { timeout: 8_000 })
        .catch(() => problems.push(`${persona} ${p}: still loading after 8 s`));
      await page.waitForTimeout(150);
      const title = await page.title();
      const text = await page.evaluate(() => {
        // What a person sees: the current page, the tab bar, toasts and dialogs (hidden pages have display:none).
        return document.body.innerText;
      });
      const name = `${persona}--${p.replace(/\/index$/, '').replace(/\//g, '-')}${viewport.width === 375 ? '' : `--${viewport.width}`}`;
      await page.screenshot({ path: path.join(WALK_DIR, `${name}.png`), fullPage: true });
      if (!title.trim() || !/[\u4e00-\u9fff]/.test(title)) problems.push(`${persona} ${p}: title "${title}"`);
      for (const f of textFindings(text)) problems.push(`${persona} ${p}: ${f}`);
      // Opened with an id that does not exist: not-found with a way back, never 重试 (§4).
      if (/[?&]id=missing-/.test(query(p, params)) && /重试/.test(text)) problems.push(`${persona} ${p}: 重试 on something that does not exist`);
    }
  } finally {
    await context.close();
  }
  return problems;
}

test('the helpers find what they should', () => {
  expect(configuredPages()).toEqual(expect.arrayContaining(['pages/index/index', 'packages/mall/item/index', 'packages/points/entry/index']));
  expect(textFindings('取消原因：member cancelled')).toEqual(['English "member"', 'English "cancelled"']);
  expect(textFindings('使用 · mall')).toEqual(['English "mall"']);
  expect(textFindings('会员 oLOCAL-shopper-alice')).toContain('raw id "oLOCAL-shopper-alice"');
  expect(textFindings('¥NaN')).toEqual(['placeholder "NaN"']);
  expect(textFindings('批次 AJ-2026-11-A · 250g 罐装 · 卡码 ABCD1234 · ID 12')).toEqual([]);
});

test('every page as every persona: a title, Chinese text, no raw ids or placeholders', async () => {
  const { browser, url } = e2e();
  fs.rmSync(WALK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WALK_DIR, { recursive: true });
  const pages = configuredPages();
  const started = Date.now();
  const problems: string[] = [];
  for (const persona of PERSONAS) problems.push(...(await walk(browser, url, persona.id, pages)));
  console.log(`walked ${pages.length} pages × ${PERSONAS.length} personas in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  expect(problems).toEqual([]);
}, 240_000);

// Issue 13: brand staff work at desks — every console page as the operator at 1280 × 800 too.
test('every console page as the operator at 1280 px: a title, Chinese text, no raw ids or placeholders', async () => {
  const { browser, url } = e2e();
  fs.mkdirSync(WALK_DIR, { recursive: true });
  const operator = PERSONAS.find((p) => p.role === 'operator')!;
  const pages = configuredPages().filter((p) => p.startsWith('packages/ops/'));
  expect(pages.length).toBeGreaterThan(10);
  expect(await walk(browser, url, operator.id, pages, { width: 1280, height: 800 })).toEqual([]);
}, 120_000);

describe('issue 14 §4: not-found with a way back, offline with 重试, a title bar off the tabs', () => {
  test('a missing item or order says so with a way back, not 重试', async () => {
    const { browser, url } = e2e();
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(`${url}/#/packages/mall/item/index?id=no-such-item`);
      await page.waitForSelector('.taro_page_stationed .mall-item-not-found', { timeout: 20_000 });
      expect(await page.textContent('.taro_page_stationed .mall-item-not-found')).toContain('返回商城');
      expect(await page.$('.taro_page_stationed .mall-item-retry')).toBeNull();
      await page.click('.taro_page_stationed .mall-item-back');
      await page.waitForSelector('.taro_page_stationed .mall-balance-bar', { timeout: 20_000 });

      await page.goto('about:blank');
      await page.goto(`${url}/#/packages/mall/order/index?id=no-such-order`);
      await page.waitForSelector('.taro_page_stationed .mall-order-not-found', { timeout: 20_000 });
      expect(await page.textContent('.taro_page_stationed .mall-order-not-found')).toContain('返回我的订单');
      expect(await page.$('.taro_page_stationed .mall-order-retry')).toBeNull();
      await page.screenshot({ path: path.join(ARTIFACTS, 'walk-order-not-found.png') });
    } finally {
      await context.close();
    }
  });

  test.each([
    ['商品详情', 'packages/mall/item/index?id=tea-cup', 'mall-item'],
    ['我的订单', 'packages/mall/orders/index', 'mall-orders'],
  ])('offline on %s: the network message and 重试, which works once back online', async (_name, route, prefix) => {
    const { browser, url } = e2e();
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.route('**/api/cloud/**', (r) => r.abort('internetdisconnected'));
      await page.goto(`${url}/#/${route}`);
      await page.waitForSelector(`.taro_page_stationed .${prefix}-retry`, { timeout: 30_000 });
      expect(await page.textContent(`.taro_page_stationed .${prefix}-error-text`)).toContain('网络');
      await page.screenshot({ path: path.join(ARTIFACTS, `walk-offline-${prefix}.png`) });
      await page.unroute('**/api/cloud/**');
      await page.click(`.taro_page_stationed .${prefix}-retry`);
      await page.waitForFunction((sel) => !document.querySelector(sel), `.taro_page_stationed .${prefix}-error`, { timeout: 30_000 });
    } finally {
      await context.close();
    }
  });

  test('H5 title bar: the title on every page, a back arrow on a page opened from a tab, none on the tabs', async () => {
    const { browser, url } = e2e();
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(`${url}/#/pages/mall/index`);
      await page.waitForSelector('.taro_page_stationed .mall-card', { timeout: 30_000 });
      await page.waitForSelector('.taro-navigation-bar-show', { timeout: 10_000 });
      expect(await page.textContent('.taro-navigation-bar-title')).toBe('积分商城');
      expect(await page.isVisible('.taro-navigation-bar-back')).toBe(false);
      await page.click('.taro_page_stationed .mall-orders-link');
      await page.waitForSelector('.taro_page_stationed .mall-orders__tab', { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('.taro-navigation-bar-title')?.textContent === '我的订单');
      expect(await page.isVisible('.taro-navigation-bar-back')).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'walk-title-bar.png') });
      await page.click('.taro-navigation-bar-back');
      await page.waitForFunction(() => document.querySelector('.taro-navigation-bar-title')?.textContent === '积分商城');
    } finally {
      await context.close();
    }
  });
});

test('issue 14 §5: 卡码 on 订单详情 with a copy button that copies it', async () => {
  const { browser, url } = e2e();
  const { order } = await call(url, 'carol', 'mall', { action: 'redeem', item: 'drink-card', quantity: 1, clientKey: 'walk-card-1' });
  expect(order.codes).toHaveLength(1);
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', permissions: ['clipboard-read', 'clipboard-write'] });
  await context.addInitScript(() => window.localStorage.setItem('localPersona', 'carol'));
  const page = await context.newPage();
  try {
    await page.goto(`${url}/#/packages/mall/order/index?id=${order.id}`);
    await page.waitForSelector('.taro_page_stationed .mall-order-copy', { timeout: 30_000 });
    expect(await page.textContent('.taro_page_stationed .mall-order-code')).toBe(`卡码：${order.codes[0]}`);
    await page.click('.taro_page_stationed .mall-order-copy');
    await page.waitForFunction(async (code) => (await navigator.clipboard.readText()) === code, order.codes[0], { timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'walk-card-code.png') });
  } finally {
    await context.close();
  }
});
