// The tier badge beside the sign-in card on 首页 and 我的 at 375 px (no overlap, nothing past the
// screen's edge), 会员等级's 保级提醒 (one acceptance = one message, said on the page), and the
// birthday on 编辑资料 (set once).
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxes(sels: string[]): Promise<Box[]> {
  const { page } = e2e();
  return Promise.all(sels.map(async (s) => (await (await page.$(stationed(s)))!.boundingBox())!));
}

test('首页 and 我的 at 375 px: the tier badge and the sign-in card side by side without overlap', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${url}/`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  await page.goto(`${url}/`);
  await page.waitForSelector(stationed('.home .tier-badge__name'), { timeout: 30_000 });
  await page.waitForSelector(stationed('.earn-card .earn-signin-state'), { timeout: 30_000 });
  const [badge, card, balance] = await boxes(['.home .tier-badge', '.earn-card', '.home .balance-card']);
  for (const b of [badge, card, balance]) expect(b.x >= 0 && b.x + b.width <= 375.5).toBe(true);
  expect(overlaps(badge, card)).toBe(false);
  expect(overlaps(badge, balance)).toBe(false);
  await screenshot(page, '70-home-375-tier-signin');

  await page.goto(`${url}/#/pages/me/index`);
  await page.waitForSelector(stationed('.me .tier-badge__name'), { timeout: 30_000 });
  const [meBadge] = await boxes(['.me .tier-badge']);
  expect(meBadge.x >= 0 && meBadge.x + meBadge.width <= 375.5).toBe(true);
  await screenshot(page, '71-me-375-tier');

  // 会员等级: the keep reminder says one acceptance = one message; tapping it (H5: no prompt) records a credit.
  await page.goto(`${url}/#/packages/tiers/index`);
  await page.waitForSelector(stationed('.tiers-keep'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.tiers-keep__hint'))).toContain('每同意一次订阅，只能收到一次提醒');
  await page.click(stationed('.tiers-keep-button'));
  await page.waitForFunction(() => /订阅成功，可提醒 \d+ 次/.test(document.body.textContent ?? ''), undefined, { timeout: 10_000 });
  await screenshot(page, '72-tiers-keep-reminder');
  expect(e2e().output()).not.toMatch(/page errors/);
});
