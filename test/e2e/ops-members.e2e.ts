// 会员 and 风控审核 in Chromium as the demo operator, at 1280 × 800 and 375 × 812: search a member,
// open the page, adjust points through the confirmation that shows the effect first, open the
// risk queue the seed filled (local/seed/risk.ts), and act on a case. Screenshots:
// test-artifacts/e2e/ops-members-*.png.
import type { Page } from 'playwright-core';
import { RISK_MEMBERS } from '../../local/seed/risk';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

async function as(page: Page, url: string, persona: string, route: string) {
  await page.goto(`${url}/#/pages/index/index`);
  await page.evaluate((p) => window.localStorage.setItem('localPersona', p), persona);
  await page.goto(`${url}/#${route}`);
  await page.reload();
}

const text = async (page: Page, sel: string) => ((await page.textContent(stationed(sel))) ?? '').trim();

for (const [w, h] of [
  [1280, 800],
  [375, 812],
] as const) {
  test(`${w}px: search a member, adjust with the confirmation, see the history`, async () => {
    const { page, url } = e2e();
    await page.setViewportSize({ width: w, height: h });
    await as(page, url, 'ops', '/packages/ops/members/index');
    await page.waitForSelector(stationed('.ops-members-table-row'), { timeout: 30_000 });
    await screenshot(page, `ops-members-list-${w}`);

    // An empty search says what to type, nothing is sent.
    await page.click(stationed('.ops-members-search'));
    await page.waitForSelector(stationed('.ops-members-problem'));
    expect(await text(page, '.ops-members-problem')).toBe('请输入昵称、手机号或 OPENID');

    // The whole number finds 赵小七.
    await page.fill(stationed('.ops-members-q input'), RISK_MEMBERS[0].phone);
    await page.click(stationed('.ops-members-search'));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1 && document.querySelector(sel)!.textContent!.includes('赵小七'), stationed('.ops-members-table-row'), { timeout: 20_000 });
    await screenshot(page, `ops-members-search-${w}`);
    await page.click(stationed('.ops-members-table-row'));

    // The member's page: figures, lots, sections.
    await page.waitForSelector(stationed('.ops-member-figure-balance'), { timeout: 30_000 });
    const before = Number((await text(page, '.ops-member-figure-balance .ops-member-figure__value')) || 'NaN');
    expect(Number.isFinite(before)).toBe(true);
    await page.waitForSelector(stationed('.ops-section-history-row'), { timeout: 20_000 });
    await screenshot(page, `ops-members-member-${w}`);

    // Adjust: the reason is required (the field says so), then the confirmation shows the effect.
    await page.fill(stationed('.ops-correction-points input'), '88');
    await page.click(stationed('.ops-correction-preview'));
    await page.waitForSelector(stationed('.ops-field-reason-error'));
    expect(await text(page, '.ops-field-reason-error')).toBe('请填写原因');
    await page.fill(stationed('.ops-correction-reason input'), '客服补偿');
    await page.click(stationed('.ops-correction-preview'));
    await page.waitForSelector(stationed('.ops-correction-confirm .ops-effect-balance'), { timeout: 20_000 });
    expect(await text(page, '.ops-correction-confirm .ops-effect-balance .ops-effect__to')).toBe(String(before + 88));
    await screenshot(page, `ops-members-confirm-${w}`);
    await page.click(stationed('.ops-correction-apply'));
    await page.waitForSelector(stationed('.ops-correction-done'), { timeout: 20_000 });
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want,
      [stationed('.ops-member-figure-balance .ops-member-figure__value'), String(before + 88)] as const,
      { timeout: 20_000 },
    );
    // The history shows it with its reason.
    await page.waitForFunction((sel) => Array.from(document.querySelectorAll(sel)).some((r) => r.textContent!.includes('客服补偿') && r.textContent!.includes('+88')), stationed('.ops-section-history-row'), { timeout: 20_000 });
    await screenshot(page, `ops-members-adjusted-${w}`);
  });

  test(`${w}px: the risk queue and a case acted on with a note`, async () => {
    const { page, url } = e2e();
    await page.setViewportSize({ width: w, height: h });
    await as(page, url, 'ops', '/packages/ops/risk/index');
    await page.waitForSelector(stationed('.ops-risk-queue-row'), { timeout: 30_000 });
    const rows = await page.$$eval(stationed('.ops-risk-queue-row'), (els) => els.map((e) => e.textContent ?? ''));
    expect(rows.some((r) => r.includes('疑似假冒'))).toBe(true);
    expect(rows.some((r) => r.includes('窜货') && r.includes('广东'))).toBe(true);
    await screenshot(page, `ops-members-risk-queue-${w}`);

    // Open the diversion case (each viewport acts on its own case: 1280 blocks, 375 dismisses).
    const wanted = w === 1280 ? '暴力试码' : '窜货';
    const index = rows.findIndex((r) => r.includes(wanted));
    expect(index).toBeGreaterThanOrEqual(0);
    await (await page.$$(stationed('.ops-risk-queue-row')))[index].click();
    await page.waitForSelector(stationed('.ops-risk-case .ops-risk-evidence-row'), { timeout: 20_000 });
    await screenshot(page, `ops-members-risk-case-${w}`);

    if (w === 1280) {
      // Block the brute-forcing member from earning: a note is required.
      await page.click(stationed('.ops-risk-case .ops-risk-block'));
      await page.waitForSelector(stationed('.ops-risk-confirm'));
      await page.click(stationed('.ops-risk-apply'));
      await page.waitForSelector(stationed('.ops-field-note-error'));
      await page.fill(stationed('.ops-risk-note input'), '连续猜码，暂停获取积分');
      await page.click(stationed('.ops-risk-apply'));
      await page.waitForSelector(stationed('.ops-risk-case .ops-risk-unblock'), { timeout: 20_000 });
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('暂停获取积分'), stationed('.ops-risk-case .ops-risk-action'));
      expect(await text(page, '.ops-risk-case-status')).toBe('已处理');
    } else {
      await page.click(stationed('.ops-risk-case .ops-risk-dismiss'));
      await page.waitForSelector(stationed('.ops-risk-confirm'));
      await page.fill(stationed('.ops-risk-note input'), '经销商调货，已报备');
      await page.click(stationed('.ops-risk-apply'));
      await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.trim() === '已忽略', stationed('.ops-risk-case-status'), { timeout: 20_000 });
    }
    await screenshot(page, `ops-members-risk-acted-${w}`);
  });
}

test('a freeze shows the effect first and lands on the member page', async () => {
  const { page, url } = e2e();
  await page.setViewportSize({ width: 1280, height: 800 });
  await as(page, url, 'ops', '/packages/ops/risk/index');
  await page.waitForSelector(stationed('.ops-risk-queue-row'), { timeout: 30_000 });
  const rows = await page.$$eval(stationed('.ops-risk-queue-row'), (els) => els.map((e) => e.textContent ?? ''));
  await (await page.$$(stationed('.ops-risk-queue-row')))[rows.findIndex((r) => r.includes('疑似假冒'))].click();
  await page.waitForSelector(stationed('.ops-risk-case .ops-risk-freeze'), { timeout: 20_000 });
  await page.click(stationed('.ops-risk-case .ops-risk-freeze'));
  await page.waitForSelector(stationed('.ops-risk-confirm .ops-effect-held'), { timeout: 20_000 });
  await screenshot(page, 'ops-members-risk-freeze-confirm-1280');
  await page.fill(stationed('.ops-risk-note input'), '疑似假冒，先冻结核实');
  await page.click(stationed('.ops-risk-apply'));
  await page.waitForSelector(stationed('.ops-risk-case .ops-risk-unfreeze'), { timeout: 20_000 });
  await screenshot(page, 'ops-members-risk-frozen-1280');
  // Void the code itself (undoable: 恢复此码).
  await page.click(stationed('.ops-risk-case .ops-risk-void-code'));
  await page.waitForSelector(stationed('.ops-risk-confirm'));
  await page.fill(stationed('.ops-risk-note input'), '假冒码，先作废');
  await page.click(stationed('.ops-risk-apply'));
  await page.waitForSelector(stationed('.ops-risk-case .ops-risk-unvoid-code'), { timeout: 20_000 });
  await screenshot(page, 'ops-members-risk-code-voided-1280');
});
