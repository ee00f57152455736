// The console's mall (issue 13 §4) in Chromium, as the operator at 1280×800 and 375×812: 商品管理
// lists the seeded items; 商品编辑 refuses an empty title and a file that is not a picture next to
// their fields, uploads a real picture, shows the shopper's preview and creates the item, which the
// shopper then sees in the mall with its picture; the item is edited; 订单履约 ships two orders from
// a pasted CSV (a preview listing the refused row and why, then apply; the same CSV again ships
// nothing twice).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

/** A solid-colour PNG (w × h), built by hand: no image library needed. */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3)]);
  for (let x = 0; x < w; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const files = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-mall-e2e-'));
const PICTURE = path.join(files, 'white-tea.png');
const FAKE = path.join(files, 'not-a-picture.png');
fs.writeFileSync(PICTURE, png(240, 240, [122, 158, 92]));
fs.writeFileSync(FAKE, 'this is a text file with a picture name');

async function as(page: Page, url: string, persona: string, route: string) {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => window.localStorage.setItem('localPersona', p), persona);
  await page.goto(`${url}/#${route}`);
  await page.reload();
}

/** A member's call through the local server, as the page would make it. */
async function callAs(page: Page, persona: string, data: Record<string, unknown>): Promise<any> {
  return page.evaluate(
    async ([p, d]) => (await fetch('/api/cloud/mall', { method: 'POST', headers: { 'content-type': 'application/json', 'X-Persona': p }, body: JSON.stringify(d) })).json(),
    [persona, data] as const,
  );
}

const text = async (page: Page, sel: string) => (await page.textContent(stationed(sel)))?.trim() ?? '';

async function upload(page: Page, file: string) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click(stationed('.ops-item-upload'))]);
  await chooser.setFiles(file);
}

let itemId = '';

test('商品管理 lists the items at 1280 and 375; search narrows the list', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', '/packages/ops/items/index');
  await page.waitForSelector(stationed('.ops-items-table-row'), { timeout: 30_000 });
  expect(await page.$$(stationed('.ops-items-table-row'))).toHaveLength(5);
  expect(await page.textContent(stationed('.ops-items-table'))).toContain('山野青瓷茶杯');
  expect(await page.textContent(stationed('.ops-items-table'))).toContain('待上架');
  await screenshot(page, 'ops-mall-items-1280');
  await page.fill(stationed('.ops-items-q input'), '紫砂');
  await page.click(stationed('.ops-items-search'));
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, stationed('.ops-items-table-row'), { timeout: 30_000 });
  await page.click(stationed('.ops-items-state-hidden'));
  await page.waitForSelector(stationed('.ops-items-table-empty'), { timeout: 30_000 });

  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, 'ops', '/packages/ops/items/index');
  await page.waitForSelector(stationed('.ops-items-table-row'), { timeout: 30_000 });
  await screenshot(page, 'ops-mall-items-375');
});

test('the editor refuses bad input next to the field, uploads a picture and creates the item; the shopper sees it with its picture', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', '/packages/ops/items/index');
  await page.waitForSelector(stationed('.ops-items-new'), { timeout: 30_000 });
  await page.click(stationed('.ops-items-new'));
  await page.waitForSelector(stationed('.ops-item-title input'), { timeout: 30_000 });
  // Nothing filled: the client's checks, each next to its field.
  await page.click(stationed('.ops-item-save'));
  expect(await text(page, '.ops-field-title-error')).toBe('标题：不能为空');
  expect(await text(page, '.ops-field-points-error')).toBe('积分：不能为空');
  // A text file named .png: the server reads its bytes and refuses it, next to 图片.
  await upload(page, FAKE);
  await page.waitForSelector(stationed('.ops-field-images-error'), { timeout: 30_000 });
  expect(await text(page, '.ops-field-images-error')).toBe('图片：这个文件不是图片，只支持 JPG、PNG、GIF、WEBP');
  await screenshot(page, 'ops-mall-item-errors-1280');

  await page.fill(stationed('.ops-item-title input'), '山野白茶 100g');
  await page.fill(stationed('.ops-item-category input'), '茶叶');
  await page.fill(stationed('.ops-item-points input'), '50');
  await page.fill(stationed('.ops-item-cashFen input'), '9.999');
  await page.click(stationed('.ops-item-save'));
  expect(await text(page, '.ops-field-cashFen-error')).toBe('现金：最多精确到分（两位小数）');
  await page.fill(stationed('.ops-item-cashFen input'), '0');
  await page.fill(stationed('.ops-item-stock input'), '30');
  await page.fill(stationed('.ops-item-description textarea'), '福鼎白毫银针，清甜耐泡。');
  await upload(page, PICTURE);
  await page.waitForSelector(stationed('.ops-item-image img'), { timeout: 30_000 });
  expect(await page.$(stationed('.ops-field-images-error'))).toBeNull();
  // The live preview is the shopper's card and detail.
  expect(await text(page, '.ops-item-preview .mall-card__title')).toBe('山野白茶 100g');
  expect(await text(page, '.ops-item-preview .mall-card__price')).toBe('50 积分');
  expect(await text(page, '.ops-item-preview .mall-card__meta')).toBe('剩余 30');
  await page.waitForFunction((sel) => {
    const img = document.querySelector(sel) as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth === 240;
  }, stationed('.ops-item-preview .mall-card__image img'), { timeout: 30_000 });
  await screenshot(page, 'ops-mall-item-new-1280');
  await page.click(stationed('.ops-item-save'));
  await page.waitForFunction(() => /created=1/.test(location.hash), undefined, { timeout: 30_000 });
  await page.waitForSelector(stationed('.ops-item-notice'), { timeout: 30_000 });
  expect(await text(page, '.ops-item-notice')).toBe('已创建');
  itemId = decodeURIComponent(/id=([^&]+)/.exec(await page.evaluate(() => location.hash))![1]);

  // The shopper's mall: the card with the uploaded picture, served by the local cloud.
  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, 'alice', '/pages/mall/index');
  const card = `.mall-card[data-item="${itemId}"]`;
  await page.waitForSelector(stationed(card), { timeout: 30_000 });
  expect(await text(page, `${card} .mall-card__title`)).toBe('山野白茶 100g');
  const src = await page.getAttribute(stationed(`${card} .mall-card__image img`), 'src');
  expect(src).toMatch(/^\/api\/local\/files\/mall-images\/[0-9a-f]{32}\.png$/);
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth === 240, stationed(`${card} .mall-card__image img`), { timeout: 30_000 });
  await page.$eval(stationed(card), (el) => el.scrollIntoView({ block: 'center' }));
  await screenshot(page, 'ops-mall-shopper-mall-375');
  await page.click(stationed(card));
  await page.waitForSelector(stationed('.mall-item-ready'), { timeout: 30_000 });
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth === 240, stationed('.mall-item__image img'), { timeout: 30_000 });
  await screenshot(page, 'ops-mall-shopper-item-375');
});

test('the operator edits the item (375): the change is saved; a bad value is refused next to its field', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, 'ops', `/packages/ops/item/index?id=${encodeURIComponent(itemId)}`);
  await page.waitForSelector(stationed('.ops-item-title input'), { timeout: 30_000 });
  expect(await page.inputValue(stationed('.ops-item-title input'))).toBe('山野白茶 100g');
  expect(await text(page, '.ops-item-stock')).toBe('剩余 30 · 已兑 0');
  await page.fill(stationed('.ops-item-perOrderMax input'), '0');
  await page.click(stationed('.ops-item-save'));
  expect(await text(page, '.ops-field-perOrderMax-error')).toBe('每单上限：不能小于 1');
  await page.fill(stationed('.ops-item-perOrderMax input'), '3');
  await page.fill(stationed('.ops-item-title input'), '山野白茶 100g · 新茶');
  await page.fill(stationed('.ops-item-units input'), '10');
  await page.click(stationed('.ops-item-add-stock'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('已追加 10 件'), stationed('.ops-item-notice'), { timeout: 30_000 });
  await page.click(stationed('.ops-item-save'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '已保存', stationed('.ops-item-notice'), { timeout: 30_000 });
  expect(await text(page, '.ops-item-stock')).toBe('剩余 40 · 已兑 0');
  expect(await text(page, '.ops-item-preview .mall-card__title')).toBe('山野白茶 100g · 新茶');
  await screenshot(page, 'ops-mall-item-edit-375');
  const r = await callAs(page, 'alice', { action: 'item', id: itemId });
  expect(r.data.item).toMatchObject({ title: '山野白茶 100g · 新茶', perOrderMax: 3, stockLeft: 40 });

  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', `/packages/ops/item/index?id=${encodeURIComponent(itemId)}`);
  await page.waitForSelector(stationed('.ops-item-preview .mall-card'), { timeout: 30_000 });
  await screenshot(page, 'ops-mall-item-edit-1280');
});

test('订单履约 ships orders from a CSV: preview with the refused row and why, apply, and the same CSV again ships nothing twice', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, 'alice', '/pages/mall/index');
  const address = { name: '林小雨', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };
  const orders: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await callAs(page, 'alice', { action: 'redeem', item: itemId, quantity: 1, clientKey: `e2e-ship-${i}-${Date.now()}`, address });
    expect(r).toMatchObject({ ok: true });
    orders.push(r.data.order.id);
  }

  await as(page, url, 'ops', '/packages/ops/orders/index');
  await page.waitForSelector(stationed('.mall-ops-row[data-status="toShip"]'), { timeout: 30_000 });
  const csv = ['订单号,快递公司,运单号', `${orders[0]},顺丰速运,SF1000000001`, `${orders[1]},中通快递,ZT2000000002`, 'oNoSuchOrder9,顺丰速运,SF1000000003', `${orders[0]},圆通,bad`].join('\n');
  await page.fill(stationed('.ops-ship-csv textarea'), csv);
  await page.click(stationed('.ops-ship-preview'));
  await page.waitForSelector(stationed('.ops-ship-previewed'), { timeout: 30_000 });
  expect(await text(page, '.ops-ship-summary')).toBe('将发货 2 单，此前已发货 0 单，不能发货 2 行');
  expect(await text(page, '.ops-ship-row[data-line="4"] .ops-ship-table__outcome')).toBe('不能发货：订单不存在');
  expect(await text(page, '.ops-ship-row[data-line="5"] .ops-ship-table__outcome')).toBe('不能发货：运单号应为 6–40 位字母、数字或 -');
  expect(await text(page, '.ops-ship-apply')).toBe('确认发货 2 单');
  await screenshot(page, 'ops-mall-orders-preview-375');
  await page.click(stationed('.ops-ship-apply'));
  await page.waitForSelector(stationed('.ops-ship-result'), { timeout: 30_000 });
  expect(await text(page, '.ops-ship-summary')).toBe('已发货 2 单，此前已发货 0 单，不能发货 2 行');
  // The list no longer has them under 待发货.
  await page.waitForFunction(
    ([sel, ids]) => ids.every((id) => !document.querySelector(`${sel}[data-order="${id}"]`)),
    [stationed('.mall-ops-row[data-status="toShip"]'), orders] as const,
    { timeout: 30_000 },
  );
  await screenshot(page, 'ops-mall-orders-shipped-375');

  // The same file again: nothing ships twice.
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', '/packages/ops/orders/index');
  await page.waitForSelector(stationed('.ops-ship-csv textarea'), { timeout: 30_000 });
  await page.fill(stationed('.ops-ship-csv textarea'), csv);
  await page.click(stationed('.ops-ship-preview'));
  await page.waitForSelector(stationed('.ops-ship-previewed'), { timeout: 30_000 });
  expect(await text(page, '.ops-ship-summary')).toBe('将发货 0 单，此前已发货 2 单，不能发货 2 行');
  // Nothing left to ship: the button says so and is disabled (NutUI marks it with a class).
  expect(await text(page, '.ops-ship-apply')).toBe('确认发货');
  expect(await page.getAttribute(stationed('.ops-ship-apply'), 'class')).toMatch(/nut-button-disabled/);
  await screenshot(page, 'ops-mall-orders-again-1280');
  // The member sees the logistics.
  const mine = await callAs(page, 'alice', { action: 'order', id: orders[1] });
  expect(mine.data.order).toMatchObject({ status: 'shipped', logistics: { company: '中通快递', trackingNo: 'ZT2000000002' } });
});
