// The H5 build in headless Chromium against the server `npm start` runs (fresh data directory,
// demo seeded). Screenshots go to test-artifacts/e2e/.
import { PERSONAS } from '../../local/seed/personas';
import { RISK_MEMBERS } from '../../local/seed/risk';
import { DASHBOARD_MEMBERS } from '../../local/seed/dashboard';
import { screenshot, stationed, useE2E } from './harness';

const persona = (id: string) => PERSONAS.find((p) => p.id === id)!;

const e2e = useE2E();

async function switchPersona(scope: string, id: string) {
  const { page } = e2e();
  await page.click(stationed(`${scope} .persona-switch__current`));
  await page.click(stationed(`${scope} .persona-option--${id}`));
  await page.waitForSelector(stationed(`${scope} .persona-switch[data-persona="${id}"]`));
}

test('首页 shows the default persona’s balance and the entry points', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/`);
  await page.waitForSelector(stationed('.home .home-balance'), { timeout: 30_000 });
  await page.waitForSelector(stationed('.home-entry-scan'));
  await page.waitForSelector(stationed('.earn-card .earn-signin'));
  // alice is seeded with 280 points (local/seed/history.ts)
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '280', stationed('.home .home-balance'));
  await screenshot(page, '01-home-alice');
});

test('switching persona on 我的 shows that persona’s profile', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/me/index`);
  await page.waitForSelector(stationed('.me .me-nickname'), { timeout: 30_000 });
  // The demo members carry the names the start-up banner prints (the seed saves them as their profiles).
  expect((await page.textContent(stationed('.me .me-nickname')))?.trim()).toBe(persona('alice').nickname);

  await switchPersona('.me', 'bob');
  await page.waitForFunction(
    ([sel, name]) => document.querySelector(sel)?.textContent?.trim() === name,
    [stationed('.me .me-nickname'), persona('bob').nickname] as const,
  );
  expect(await page.$(stationed('.me .me-ops-entry'))).toBeNull();
  await screenshot(page, '02-me-bob');

  await switchPersona('.me', 'ops');
  await page.waitForSelector(stationed('.me .me-ops-entry'));
  await screenshot(page, '03-me-operator');
});

test('the operator opens 运营后台 and, from its navigation, sees every member', async () => {
  const { page } = e2e();
  await page.click(stationed('.me .me-ops-entry'));
  await page.waitForSelector(stationed('.ops-shell .ops-nav-members'), { timeout: 30_000 });
  await page.click(stationed('.ops-shell .ops-nav-members'));
  await page.waitForSelector(stationed('.ops .ops-member'), { timeout: 30_000 });
  // The personas and the risk demo's three members (local/seed/risk.ts).
  expect((await page.$$(stationed('.ops .ops-member'))).length).toBe(PERSONAS.length + RISK_MEMBERS.length + DASHBOARD_MEMBERS.length);
  await screenshot(page, '04-ops-members');
});

test('a shopper edits the profile; bad input is refused with a Chinese message', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/me/index`);
  await page.waitForSelector(stationed('.me .persona-switch'), { timeout: 30_000 });
  await switchPersona('.me', 'carol');
  await page.click(stationed('.me .me-edit'));
  await page.fill(stationed('.me .me-input-phone input'), '12345');
  await page.click(stationed('.me .me-save'));
  await page.waitForSelector(stationed('.me .me-form-error'));
  expect(await page.textContent(stationed('.me .me-form-error'))).toMatch(/手机号|号码/);
  // A nickname past 20 characters is refused with a message, never cut.
  await page.fill(stationed('.me .me-input-phone input'), '13800138000');
  await page.fill(stationed('.me .me-input-nickname input'), '茶'.repeat(21));
  expect(await page.inputValue(stationed('.me .me-input-nickname input'))).toBe('茶'.repeat(21));
  await page.click(stationed('.me .me-save'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '昵称最多 20 个字', stationed('.me .me-form-error'));
  await page.fill(stationed('.me .me-input-nickname input'), '茶友陈');
  await page.fill(stationed('.me .me-input-phone input'), '13800138000');
  await page.click(stationed('.me .me-save'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('茶友陈'), stationed('.me .me-nickname'));
  expect(await page.textContent(stationed('.me .me-phone'))).toContain('138');
  await screenshot(page, '05-me-edited');
  expect(e2e().output()).not.toMatch(/page errors/);
});
