// 积分玩法 end to end: from 首页 scratch a card (一键刮开) until a prize lands in 我的奖品; spin the
// wheel and see its result; verify a draw; collect a set of characters and combine it.
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();

/** A cloud call as a persona, straight to the local server (test setup only). */
async function call(fn: string, data: Record<string, unknown>, persona = 'ops') {
  const res = await fetch(`${e2e().url}/api/cloud/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Persona': persona }, body: JSON.stringify(data) });
  return (await res.json()) as { ok: boolean; data?: any; code?: string };
}

test('alice opens 刮刮卡 from 首页 and scratches until she wins; the prize is in 我的奖品 as 已到账', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/index/index`);
  await page.waitForSelector(stationed('.play-entry-scratch'), { timeout: 30_000 });
  await screenshot(page, '60-play-home-entries');
  await page.click(stationed('.play-entry-scratch'));
  await page.waitForSelector(stationed('.play-ready[data-state="live"]'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.play-meta'))).toContain('本次免费');
  let won = '';
  for (let i = 0; i < 10 && !won; i++) {
    await page.click(stationed('.play-go'));
    await page.waitForSelector(stationed('.play-scratch-canvas'), { timeout: 30_000 });
    if (i === 0) await screenshot(page, '61-play-scratch-covered');
    await page.click(stationed('.play-scratch-all'));
    await page.waitForSelector(stationed('.play-result-text'), { timeout: 30_000 });
    const text = (await page.textContent(stationed('.play-result-text')))?.trim() ?? '';
    if (text.startsWith('恭喜获得')) won = text;
    else expect(text).toBe('谢谢参与，下次好运');
    await page.waitForSelector(stationed('.play-go:not([disabled])'), { timeout: 30_000 });
  }
  expect(won).toMatch(/^恭喜获得 \d+ 积分$/);
  expect((await page.textContent(stationed('.play-result-state')))?.trim()).toBe('已到账');
  await screenshot(page, '62-play-scratch-won');

  await page.click(stationed('.play-prizes-link'));
  await page.waitForSelector(stationed('.play-prize-item'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.play-prize-item:first-child .play-prize-state'))).toBe('已到账');
  await screenshot(page, '63-play-my-prizes');

  // The prize is in 积分明细 too.
  await page.goto(`${url}/#/packages/points/ledger/index`);
  await page.waitForSelector(stationed('.points-row'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.points-page'))).toContain(won.replace('恭喜获得 ', '+').replace(' 积分', ''));
});

test('alice spins the wheel: it turns to the server\'s prize and shows the result; the draw verifies its chain', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/packages/play/game/index?pool=demo-wheel`);
  await page.reload(); // a fresh page stack: the scratch page of the last test is not in it
  await page.waitForSelector(stationed('.play-ready[data-state="live"]'), { timeout: 30_000 });
  await page.click(stationed('.play-go'));
  await page.waitForSelector(stationed('.play-result-text'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.play-result-text')))?.trim()).toMatch(/^(恭喜获得 .+|谢谢参与，下次好运)$/);
  await screenshot(page, '64-play-wheel');
  await page.click(stationed('.play-verify-link'));
  await page.waitForSelector(stationed('.play-check-chain'), { timeout: 30_000 });
  expect(await page.getAttribute(stationed('.play-check-chain'), 'data-ok')).toBe('true');
  expect((await page.textContent(stationed('.play-check-roll .play-check-mark')))?.trim()).toBe('待活动结束后验证');
  await screenshot(page, '65-play-verify');

  await page.goto(`${url}/#/packages/play/rules/index?pool=demo-wheel`);
  await page.reload();
  await page.waitForSelector(stationed('.play-rules-section'), { timeout: 30_000 });
  const rules = await page.textContent(stationed('.play-rules'));
  for (const item of ['主办方及联系方式', '奖品交付方式', '弃奖条件', '中奖概率']) expect(rules).toContain(item);
  await screenshot(page, '66-play-rules');
});

test('alice collects both characters of a set and combines it into its prize', async () => {
  const { page, url } = e2e();
  const notice = { organiser: '山野茶事', contact: '400-000-0000', redeem: '即时', delivery: '积分入账', forfeit: '结束后作废' };
  const now = Date.now();
  const rule = {
    game: 'collect', mode: 'odds', entry: { points: 1, freePerDay: 0, sources: [] }, fallback: 'none', budgetFen: 100_000, shards: 2, notice,
    prizes: [
      { id: 'c1', name: '好', kind: 'charCard', char: '好', costFen: 0, count: null, weight: 50 },
      { id: 'c2', name: '茶', kind: 'charCard', char: '茶', costFen: 0, count: null, weight: 50 },
      { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 0 },
    ],
    collect: { chars: ['好', '茶'], prize: { id: 'set', name: '集齐奖 66 积分', kind: 'points', points: 66, costFen: 66, count: 10, weight: 0 } },
  };
  const window = { from: new Date(now - 3600_000).toISOString(), to: new Date(now + 86_400_000).toISOString() };
  expect(await call('admin', { action: 'createCampaign', id: 'e2e-collect', kind: 'game', name: '集好茶', rule, window, caps: [] })).toMatchObject({ ok: true });
  expect(await call('admin', { action: 'publishCampaign', id: 'e2e-collect' })).toMatchObject({ ok: true });

  await page.goto(`${url}/#/packages/play/game/index?pool=e2e-collect`);
  await page.reload();
  await page.waitForSelector(stationed('.play-cards'), { timeout: 30_000 });
  const count = async (c: string) => Number(await page.getAttribute(stationed(`.play-char[data-char="${c}"]`), 'data-count'));
  for (let i = 0; i < 20 && ((await count('好')) < 1 || (await count('茶')) < 1); i++) {
    await page.click(stationed('.play-go'));
    await page.waitForSelector(stationed('.play-result-text'), { timeout: 30_000 });
    await page.waitForSelector(stationed('.play-go:not([disabled])'), { timeout: 30_000 });
    await page.waitForTimeout(300); // the card book reloads after each draw
  }
  expect(await count('好')).toBeGreaterThan(0);
  expect(await count('茶')).toBeGreaterThan(0);
  await screenshot(page, '67-play-collect-full');
  await page.click(stationed('.play-combine'));
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('集齐奖 66 积分'), stationed('.play-result-text'), { timeout: 30_000 });
  expect((await page.textContent(stationed('.play-result-state')))?.trim()).toBe('已到账');
  await screenshot(page, '68-play-collect-combined');
});
