// 一物一码 in the console (issue 13 §3), as the operator at 1280×800 and 375×812: create a product
// (a bad field first: the reason next to it) and a batch, whose page generates the codes with the
// progress bar reaching 100 %; assign a sales region with the province picker; activate; export CSV
// and PDF and download them; shoppers scan a code (one inside the region, one outside); the lookup
// shows who claimed it (nickname masked), each scan with its place and verdict, and the risk event; a forged
// code is "not ours"; the batch is voided after a confirmation. Screenshots: ops-codes-*.png.
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot, stationed, useE2E } from './harness';
import { maskNickname } from '../../cloudfunctions/common/codes/lookup';
import { PERSONAS } from '../../local/seed/personas';
import { demoBatchNo } from '../../local/seed/codes';

/** How the lookup shows a persona: the nickname the seed gives it (the banner's name), masked as the lookup masks it. */
const shown = (persona: string) => maskNickname(PERSONAS.find((p) => p.id === persona)!.nickname);

const e2e = useE2E();
const SIZE = 300_000;
const HANGZHOU = { latitude: 30.27, longitude: 120.15 };
const GUANGZHOU = { latitude: 23.13, longitude: 113.26 };

async function as(page: Page, url: string, persona: string, route: string) {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => window.localStorage.setItem('localPersona', p), persona);
  await page.goto(`${url}/#${route}`);
  await page.reload();
}

async function call(url: string, persona: string, data: Record<string, unknown>) {
  const res = await fetch(`${url}/api/cloud/codes`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-persona': persona }, body: JSON.stringify(data) });
  return (await res.json()) as { ok: boolean; data?: any; code?: string };
}

/** Every text node on the page that a person reads: no English words, no undefined. */
async function readable(page: Page) {
  const text = (await page.textContent(stationed('.ops-shell__main'))) ?? '';
  expect(text).not.toMatch(/undefined|null|NaN|\[object/);
  return text;
}

test('create a product and a batch, generate to 100 %, region, activate, export and download, look up a claimed code, void', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });

  // The list: the seeded demo batch.
  await as(page, url, 'ops', '/packages/ops/codes/index');
  await page.waitForSelector(stationed('.ops-codes-batch-table-row'), { timeout: 30_000 });
  expect(await readable(page)).toContain(demoBatchNo());
  await screenshot(page, 'ops-codes-batches-1280');

  // A product: an empty name is refused next to the field, then created.
  await page.click(stationed('.ops-codes-tab-products'));
  await page.waitForSelector(stationed('.ops-codes-product-table-row'), { timeout: 30_000 });
  await page.click(stationed('.ops-codes-new-product'));
  await page.fill(stationed('.ops-codes-input-id input'), 'e2e-oolong');
  await page.fill(stationed('.ops-codes-input-basePoints input'), '30');
  await page.click(stationed('.ops-codes-save-product'));
  await page.waitForSelector(stationed('.ops-field-name-error'));
  expect(await page.textContent(stationed('.ops-field-name-error'))).toBe('不能为空');
  await screenshot(page, 'ops-codes-product-error-1280');
  await page.fill(stationed('.ops-codes-input-name input'), '武夷岩茶·大红袍');
  await page.fill(stationed('.ops-codes-input-spec input'), '100g 礼盒');
  await page.fill(stationed('.ops-codes-input-origin input'), '福建·武夷山');
  await page.click(stationed('.ops-codes-save-product'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('武夷岩茶·大红袍'), stationed('.ops-codes-product-table'));
  await screenshot(page, 'ops-codes-products-1280');

  // A batch of 300,000 codes: its page generates them (several chunks a second), the bar moves and reaches 100 %.
  await page.click(stationed('.ops-codes-tab-batches'));
  await page.click(stationed('.ops-codes-new-batch'));
  await page.waitForSelector(stationed('.ops-codes-product-choice[data-id="e2e-oolong"]'), { timeout: 30_000 });
  await page.click(stationed('.ops-codes-product-choice[data-id="e2e-oolong"]'));
  await page.fill(stationed('.ops-codes-input-id input'), 'e2e-oolong-2612');
  await page.fill(stationed('.ops-codes-input-batchNo input'), 'WY-2026-12-A');
  await page.fill(stationed('.ops-codes-input-size input'), '1000001');
  await page.click(stationed('.ops-codes-save-batch'));
  await page.waitForSelector(stationed('.ops-field-size-error'));
  expect(await page.textContent(stationed('.ops-field-size-error'))).toBe('须为 1 到 1000000 的整数');
  await screenshot(page, 'ops-codes-batch-form-1280');
  await page.fill(stationed('.ops-codes-input-size input'), String(SIZE));
  await page.click(stationed('.ops-codes-save-batch'));
  await page.waitForSelector(stationed('.ops-batch-generate'), { timeout: 30_000 }).catch(async (e) => {
    await screenshot(page, 'ops-codes-debug');
    console.log(await page.textContent(stationed('.ops-shell__main')), e2e().output().slice(-3000), page.url());
    throw e;
  });
  const seen = new Set<string>();
  for (let i = 0; i < 600; i++) {
    const t = (await page.textContent(stationed('.ops-batch-percent')).catch(() => '')) ?? '';
    seen.add(t.split('%')[0]);
    if (t.startsWith('100%')) break;
    await page.waitForTimeout(100);
  }
  await page.waitForSelector(stationed('.ops-batch[data-status="ready"]'), { timeout: 60_000 });
  expect(await page.textContent(stationed('.ops-batch-percent'))).toBe(`100% · 已生成 300,000 / 300,000`);
  expect(await page.textContent(stationed('.ops-batch-status'))).toBe('待激活');
  const width = await page.$eval(stationed('.ops-batch-bar-fill'), (el) => (el as HTMLElement).style.width);
  expect(width).toBe('100%');
  console.log(`progress values seen: ${[...seen].join(', ')}`);
  expect([...seen].some((p) => Number(p) > 0 && Number(p) < 100)).toBe(true); // the bar moved on the way
  await screenshot(page, 'ops-codes-generated-1280');

  // Sales region: 浙江 for the whole batch.
  await page.click(stationed('.ops-batch-region-save'));
  await page.waitForSelector(stationed('.ops-field-provinces-error'));
  expect(await page.textContent(stationed('.ops-field-provinces-error'))).toBe('请至少选择一个省份');
  await page.click(stationed('.ops-batch-province-33'));
  await page.click(stationed('.ops-batch-region-save'));
  await page.waitForSelector(stationed('.ops-batch-region-notice'));
  expect(await page.textContent(stationed('.ops-batch-region'))).toBe('整批：浙江省');

  // Activate.
  await page.click(stationed('.ops-batch-activate'));
  await page.waitForSelector(stationed('.ops-batch[data-status="active"]'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.ops-batch-status'))).toBe('已激活');

  // Export: codes 0–999 as CSV, then PDF labels of codes 0–23; both download.
  await page.fill(stationed('.ops-batch-export-from input'), '0');
  await page.fill(stationed('.ops-batch-export-to input'), '999');
  const [csvDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(stationed('.ops-batch-export-run'))]);
  const csv = fs.readFileSync((await csvDownload.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('seq,code,printed,url');
  expect(csv).toHaveLength(1001);
  expect(csvDownload.suggestedFilename()).toMatch(/^e2e-oolong-2612-.*\.csv$/);
  await page.waitForSelector(stationed('.ops-batch-export-done'));
  expect(await page.textContent(stationed('.ops-batch-export-done'))).toContain('已导出 1,000 个码');
  await page.click(stationed('.ops-batch-format-pdf'));
  await page.fill(stationed('.ops-batch-export-to input'), '23');
  const [pdfDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(stationed('.ops-batch-export-run'))]);
  expect(fs.readFileSync((await pdfDownload.path())!).subarray(0, 5).toString()).toBe('%PDF-');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('已导出 24 个码'), stationed('.ops-batch-export-done'));
  await page.$eval(stationed('.ops-batch-export'), (el) => el.scrollIntoView());
  await screenshot(page, 'ops-codes-batch-1280');

  // Shoppers scan code #0: alice in 杭州 (claims it), bob in 广州 (outside the region: a diversion).
  const code = csv[1].split(',')[1];
  expect(await call(url, 'alice', { action: 'scan', code, location: HANGZHOU })).toMatchObject({ ok: true, data: { outcome: 'earned', points: 30 } });
  expect(await call(url, 'bob', { action: 'scan', code, location: GUANGZHOU })).toMatchObject({ ok: true, data: { outcome: 'queried', warning: true } });

  // The batch's scan bars show today's scans.
  await page.reload();
  await page.waitForSelector(stationed('.ops-batch-chart'), { timeout: 30_000 });
  const today = await page.$$eval(stationed('.ops-batch__col'), (cols) => cols[cols.length - 1].getAttribute('data-scans'));
  expect(today).toBe('2');
  await page.$eval(stationed('.ops-batch-stats'), (el) => el.scrollIntoView());
  await screenshot(page, 'ops-codes-batch-stats-1280');

  // The lookup: claimed by alice (林小雨, masked), both scans with place and verdict, the risk events.
  await as(page, url, 'ops', '/packages/ops/lookup/index');
  await page.waitForSelector(stationed('.ops-lookup-input input'), { timeout: 30_000 });
  await page.fill(stationed('.ops-lookup-input input'), code.toLowerCase().replace(/(.{4})(?=.)/g, '$1-'));
  await page.click(stationed('.ops-lookup-submit'));
  await page.waitForSelector(stationed('.ops-lookup-found'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.ops-lookup-claimant'))).toBe(shown('alice'));
  expect(await page.textContent(stationed('.ops-lookup-points'))).toContain('30 积分');
  expect(await page.textContent(stationed('.ops-lookup-region'))).toContain('浙江省');
  const scans = await page.$$eval(stationed('.ops-lookup-scan'), (rows) => rows.map((r) => r.textContent));
  expect(scans).toHaveLength(2);
  expect(scans[0]).toContain(`${shown('bob')}广东省销售区域外（疑似窜货）`);
  expect(scans[1]).toContain(`${shown('alice')}（领取）浙江省销售区域内`);
  const risks = await page.$$eval(stationed('.ops-lookup-risk-item'), (rows) => rows.map((r) => r.textContent).join('|'));
  expect(risks).toContain('窜货');
  expect(risks).toContain('疑似假冒');
  expect(await readable(page)).not.toMatch(/oLOCAL|shopper-/);
  await screenshot(page, 'ops-codes-lookup-1280');

  // A forged code: not ours. An empty one: the reason next to the field.
  await page.fill(stationed('.ops-lookup-input input'), code.slice(0, 19) + (code[19] === '0' ? '1' : '0'));
  await page.click(stationed('.ops-lookup-submit'));
  await page.waitForSelector(stationed('.ops-lookup-not-found--forged'), { timeout: 30_000 });
  await screenshot(page, 'ops-codes-lookup-forged-1280');
  await page.fill(stationed('.ops-lookup-input input'), '');
  await page.click(stationed('.ops-lookup-submit'));
  await page.waitForSelector(stationed('.ops-field-code-error'));
  expect(await page.textContent(stationed('.ops-field-code-error'))).toBe('请输入码');

  // Void, after the confirmation.
  await as(page, url, 'ops', '/packages/ops/batch/index?id=e2e-oolong-2612');
  await page.waitForSelector(stationed('.ops-batch-void'), { timeout: 30_000 });
  await page.click(stationed('.ops-batch-void'));
  await page.waitForSelector('.taro-model__confirm', { state: 'visible' });
  expect(await page.textContent('.taro-modal__content')).toContain('300,000 个码');
  await screenshot(page, 'ops-codes-void-confirm-1280');
  await page.click('.taro-model__confirm');
  await page.waitForSelector(stationed('.ops-batch[data-status="void"]'), { timeout: 30_000 });
  expect(await call(url, 'carol', { action: 'scan', code: csv[2].split(',')[1] })).toMatchObject({ ok: false, code: 'CODE_VOID' });
});

test('the three pages on a phone (375 × 812)', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, 'ops', '/packages/ops/codes/index');
  await page.waitForSelector(stationed('.ops-codes-batch-table-row'), { timeout: 30_000 });
  await screenshot(page, 'ops-codes-batches-375');
  // The seeded batch (the voided one from the first test is listed first).
  await as(page, url, 'ops', '/packages/ops/batch/index?id=demo-tea-2611');
  await page.waitForSelector(stationed('.ops-batch-stats .ops-batch__totals'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.ops-batch-summary'))).toContain(demoBatchNo());
  expect(await page.textContent(stationed('.ops-batch-region'))).toBe('序号 0–9：浙江省');
  await screenshot(page, 'ops-codes-batch-375');
  await page.$eval(stationed('.ops-batch-stats'), (el) => el.scrollIntoView());
  await screenshot(page, 'ops-codes-batch-stats-375');
  const { data } = await call(url, 'ops', { action: 'export', batch: 'demo-tea-2611', format: 'csv', from: 0, to: 0 });
  const csv = await (await fetch(`${url}/api/local/files/${data.fileID.replace('cloud://local/', '')}`)).text();
  const code = csv.trim().split('\n')[1].split(',')[1];
  await call(url, 'carol', { action: 'scan', code, location: HANGZHOU });
  await as(page, url, 'ops', `/packages/ops/lookup/index?code=${code}`);
  await page.waitForSelector(stationed('.ops-lookup-found'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.ops-lookup-claimant'))).toBe(shown('carol'));
  await screenshot(page, 'ops-codes-lookup-375');
  await page.$eval(stationed('.ops-lookup-scans'), (el) => el.scrollIntoView());
  await screenshot(page, 'ops-codes-lookup-scans-375');
});
