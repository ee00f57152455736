// The console's frame (docs/console.md): a shopper opening any console page is refused with nothing
// of the console shown; the operator gets the side navigation at 1280 px and the section strip at
// 375 px; the audit log lists what operators did; the owner adds an operator.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

/** Every console page registered in app.config.ts (the frame's and every section's). */
function consolePages(): string[] {
  const src = fs.readFileSync(path.join(__dirname, '../../src/app.config.ts'), 'utf8');
  const config = new Function('defineAppConfig', src.replace(/^export default /m, 'return '))((c: unknown) => c) as {
    subPackages: { root: string; pages: string[] }[];
  };
  const ops = config.subPackages.find((p) => p.root === 'packages/ops')!;
  return ops.pages.map((p) => `/packages/ops/${p}`);
}

async function as(page: Page, url: string, persona: string, route: string) {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => window.localStorage.setItem('localPersona', p), persona);
  await page.goto(`${url}/#${route}`);
  await page.reload();
}

test('a shopper is refused on every console page and sees nothing of it', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const route of consolePages()) {
    await as(page, url, 'bob', route);
    await page.waitForSelector(stationed('.ops-refused'), { timeout: 30_000 }).catch(() => {
      throw new Error(`${route}: no refusal shown to a shopper`);
    });
    expect(await page.$(stationed('.ops-shell'))).toBeNull();
    expect(await page.textContent(stationed('.ops-refused'))).toContain('仅运营人员可以访问');
  }
  await screenshot(page, 'ops-frame-shopper-refused-1280');
});

test('the operator gets a side navigation at 1280 px and a section strip at 375 px', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', '/packages/ops/audit/index');
  await page.waitForSelector(stationed('.ops-shell .ops-audit-table-row'), { timeout: 30_000 });
  const nav = await page.$eval(stationed('.ops-shell__nav'), (el) => el.getBoundingClientRect().toJSON());
  expect(nav.width).toBeGreaterThan(150);
  expect(nav.height).toBeGreaterThan(600);
  const main = await page.$eval(stationed('.ops-shell__main'), (el) => el.getBoundingClientRect().toJSON());
  expect(main.x).toBeGreaterThanOrEqual(nav.width - 1);
  expect(main.width).toBeGreaterThan(900);
  expect(await page.textContent(stationed('.ops-who'))).toContain('负责人');
  await screenshot(page, 'ops-frame-audit-1280');
  // A row opens what the change was.
  await page.click(stationed('.ops-audit-table-row'));
  await page.waitForSelector(stationed('.ops-audit-detail'));
  await screenshot(page, 'ops-frame-audit-detail-1280');

  await page.setViewportSize({ width: 375, height: 812 });
  await as(page, url, 'ops', '/packages/ops/audit/index');
  await page.waitForSelector(stationed('.ops-shell .ops-audit-table-row'), { timeout: 30_000 });
  const strip = await page.$eval(stationed('.ops-shell__nav'), (el) => el.getBoundingClientRect().toJSON());
  expect(strip.width).toBeGreaterThan(300);
  expect(strip.height).toBeLessThan(120);
  await screenshot(page, 'ops-frame-audit-375');
});

test('the owner adds an operator; a bad OPENID is refused next to the field', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', '/packages/ops/operators/index');
  await page.waitForSelector(stationed('.ops-operators-table-row'), { timeout: 30_000 });
  await page.fill(stationed('.ops-operators-openid input'), 'abc');
  await page.fill(stationed('.ops-operators-name input'), '新同事');
  await page.click(stationed('.ops-operators-save'));
  await page.waitForSelector(stationed('.ops-field-openid-error'));
  expect(await page.textContent(stationed('.ops-field-openid-error'))).toContain('OPENID');
  await page.fill(stationed('.ops-operators-openid input'), 'oNEW-staff-viewer-01');
  await page.click(stationed('.ops-operators-save'));
  await page.waitForSelector(stationed('.ops-operators-notice'));
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, stationed('.ops-operators-table-row'));
  await screenshot(page, 'ops-frame-operators-1280');
  await page.setViewportSize({ width: 375, height: 812 });
  await screenshot(page, 'ops-frame-operators-375');
});
