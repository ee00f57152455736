// The earn / play gaps at 375 × 812: the review task (the brand reports a review → 领取), a task's
// game plays next to its points, tier-only mall items labelled (list and detail, and why a member
// below the tier cannot redeem), scan / sign-in growth said on 会员等级, and birthday points landing
// in 积分明细 with the tier page's 生日礼.
import { LOCAL_ORDERS_SECRET } from '../../local/runtime/identity';
import { screenshot, stationed, useE2E } from './harness';

const e2e = useE2E();
const HOUR = 3_600_000;

async function cloud(fn: string, data: Record<string, unknown>, persona = 'ops') {
  const r = await fetch(`${e2e().url}/api/cloud/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-persona': persona }, body: JSON.stringify(data) }).then((x) => x.json());
  if (!r.ok) throw new Error(`${fn}.${data.action}: ${JSON.stringify(r)}`);
  return r.data;
}
const brand = (data: Record<string, unknown>) =>
  fetch(`${e2e().url}/api/local/brand/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...data, secret: LOCAL_ORDERS_SECRET }) }).then((r) => r.json());

const notice = { organiser: '山野茶事', contact: '客服 400-000-0000', redeem: '中奖即时发放，积分实时到账', delivery: '积分直接入账', forfeit: '活动结束后 30 日内未使用视为放弃' };
const item = (id: string, title: string, tiers: string[]) => ({
  action: 'createItem', id, title, tiers, stock: 5, shards: 1, images: [], description: '会员专享好茶。', category: '茶叶', kind: 'physical', points: 100, cashFen: 0, redPacketFen: 0,
  perMemberLimit: 0, perOrderMax: 5, listAt: null, delistAt: null, flashSale: false, sortWeight: 500, visible: true,
});

beforeAll(async () => {
  const { page } = e2e();
  await page.setViewportSize({ width: 375, height: 812 });
  // A wheel that takes plays from tasks, and a task that gives 2 of them.
  await cloud('admin', {
    action: 'createCampaign', id: 'e2e-wheel', kind: 'game', name: '幸运大转盘',
    window: { from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + 24 * HOUR).toISOString() }, caps: [],
    rule: { game: 'wheel', mode: 'odds', entry: { points: 10, freePerDay: 0, sources: ['task'] }, prizes: [{ id: 'p5', name: '5 积分', kind: 'points', points: 5, costFen: 5, count: 1000, weight: 50 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 50 }], fallback: 'none', budgetFen: 100_000, shards: 2, notice },
  });
  await cloud('admin', { action: 'publishCampaign', id: 'e2e-wheel' });
  await cloud('admin', { action: 'createCampaign', id: 'task-profile-plays', kind: 'task', name: '完善资料送转盘', rule: { event: 'profile', period: 'once', target: 1, points: 10, claim: 'button', plays: { pool: 'e2e-wheel', n: 2 } } });
  await cloud('admin', { action: 'publishCampaign', id: 'task-profile-plays' });
  // A function instance sees a publish within its campaign cache time (5 s, docs/earn.md): the seed's
  // own sign-ins and task claims may have just filled it.
  for (let i = 0; !(await cloud('earn', { action: 'tasks' }, 'bob')).items.some((t: { id: string }) => t.id === 'task-profile-plays'); i++) {
    if (i > 40) throw new Error('the published task never reached the task list');
    await new Promise((r) => setTimeout(r, 250));
  }
  // Tier-only items: one for 银卡 and above (bob is 银卡), one for 金卡 only.
  await cloud('mall', item('silver-tea', '银卡会员茶礼', ['silver', 'gold', 'black']));
  await cloud('mall', item('gold-tea', '金卡珍藏普洱', ['gold']));
}, 60_000);

test('任务中心: the review task with how to do it, a task\'s plays beside its points; the brand reports a review → 领取', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/`);
  await page.evaluate(() => window.localStorage.setItem('localPersona', 'bob'));
  await page.goto(`${url}/#/packages/earn/tasks/index`);
  await page.waitForSelector(stationed('.task-item[data-task="task-week-review"]'), { timeout: 30_000 });
  const review = stationed('.task-item[data-task="task-week-review"]');
  expect(await page.textContent(`${review} .task-item__progress`)).toContain('评价订单 0/1');
  expect(await page.textContent(`${review} .task-item__hint`)).toBe('在品牌商城评价已购订单即可，好评差评均计入，每笔订单计 1 次');
  expect(await page.textContent(stationed('.task-item[data-task="task-profile-plays"] .task-item__reward'))).toBe('+10 积分 + 2 次「幸运大转盘」机会');
  await screenshot(page, '80-tasks-plays');
  await page.waitForTimeout(2_500); // the auto-paid toast goes
  await page.locator(review).scrollIntoViewIfNeeded();
  await screenshot(page, '80b-tasks-review-hint');

  // The brand's order system reports bob's review of his order (no rating, no content).
  expect(await brand({ action: 'reviewed', orderId: 'SO-20261115-0008', member: 'oLOCAL-shopper-bob', reviewId: 'RV-e2e-1', reviewedAt: new Date().toISOString() })).toMatchObject({ ok: true, data: { counts: true } });
  await page.reload();
  await page.waitForSelector(`${review} .task-claim`, { timeout: 30_000 });
  await page.click(`${review} .task-claim`);
  await page.waitForSelector(`${review} .task-claimed`, { timeout: 10_000 });
  expect(await page.textContent(`${review} .task-item__reward`)).toBe('+18 积分'); // 15 × 银卡 1.2
  await page.waitForTimeout(2_500);
  await page.locator(review).scrollIntoViewIfNeeded();
  await screenshot(page, '81-tasks-review-claimed');
  expect(e2e().output()).not.toMatch(/page errors/);
});

test('商城: tier-only items labelled; the detail of an item above bob\'s tier says why and how', async () => {
  const { page, url } = e2e();
  await page.goto(`${url}/#/pages/mall/index`);
  await page.waitForSelector(stationed('.mall-card[data-item="silver-tea"]'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.mall-card[data-item="silver-tea"] .mall-card__badge'))).toBe('银卡及以上专享');
  expect(await page.$(stationed('.mall-card[data-item="gold-tea"]'))).toBeNull();
  await screenshot(page, '82-mall-tier-badge');
  await page.click(stationed('.mall-card[data-item="silver-tea"]'));
  await page.waitForSelector(stationed('.mall-item__tier'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.mall-item__tier'))).toBe('银卡及以上专享');
  expect(await page.textContent(stationed('.mall-item-redeem'))).toBe('立即兑换');
  await screenshot(page, '83-mall-item-tier-eligible');

  await page.goto(`${url}/#/packages/mall/item/index?id=gold-tea`);
  await page.waitForSelector(stationed('.mall-item__tier-note'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.mall-item__tier'))).toBe('金卡专享');
  expect(await page.textContent(stationed('.mall-item__tier-note'))).toBe('你当前为银卡会员，升级至金卡会员即可兑换查看会员等级 ›');
  expect(await page.textContent(stationed('.mall-item-redeem'))).toBe('金卡专享');
  expect(await page.$eval(stationed('.mall-item-redeem'), (b) => b.className)).toContain('disabled');
  await screenshot(page, '84-mall-item-tier-only');
  await page.click(stationed('.mall-item__tier-note'));
  await page.waitForSelector(stationed('.tiers-page .tiers-current'), { timeout: 30_000 });
  expect(e2e().output()).not.toMatch(/page errors/);
});

test('会员等级: scan / sign-in growth said with its delay; birthday points credited by the daily work and shown in 积分明细', async () => {
  const { page, url } = e2e();
  const scheme = await cloud('tiers', { action: 'scheme' });
  const { version: _v, savedAt: _s, savedBy: _b, _id: _i, ...content } = scheme;
  await cloud('tiers', { action: 'saveScheme', ...content, growth: { ...content.growth, scan: 5, signin: 2 } });
  // bob's birthday is today (Shanghai), the year long ago; the operator runs today's daily work.
  const today = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
  await cloud('user', { action: 'updateProfile', birthday: `1990${today.slice(4)}` }, 'bob');
  const daily = await cloud('jobs', { action: 'runDaily' });
  expect(daily.birthdays).toMatchObject({ credited: 1, points: 50 });

  await page.goto(`${url}/#/packages/tiers/index`);
  await page.waitForSelector(stationed('.tiers-page .tiers-current'), { timeout: 30_000 });
  expect(await page.textContent(stationed('.tiers-current'))).toBe('银卡会员');
  expect(await page.textContent(stationed('.tiers-row[data-level="silver"] .tiers-row__perks'))).toContain('生日礼 50 积分');
  expect(await page.textContent(stationed('.tiers-rules'))).toContain('扫码每次 5，签到每次 2。扫码、签到的成长值约 10 分钟内到账。');
  await screenshot(page, '85-tiers-birthday');
  await page.locator(stationed('.tiers-rules')).scrollIntoViewIfNeeded();
  await screenshot(page, '85b-tiers-growth-rules');

  await page.goto(`${url}/#/packages/points/ledger/index`);
  await page.waitForSelector(stationed('.points-page .points-row'), { timeout: 30_000 });
  const top = await page.textContent(stationed('.points-row:first-child'));
  expect(top).toContain('生日礼遇 · 银卡会员 50 积分');
  expect(top).toContain('+50');
  await screenshot(page, '86-ledger-birthday');
  expect(e2e().output()).not.toMatch(/page errors/);
});

test('我的奖品: a physical prize asks for its address, then ships as a 0-point order', async () => {
  const { page, url } = e2e();
  await cloud('mall', { ...item('prize-pot', '紫砂茶壶', []), visible: false, sortWeight: 0 });
  await cloud('admin', {
    action: 'createCampaign', id: 'e2e-pot', kind: 'game', name: '茶壶大转盘',
    window: { from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + 24 * HOUR).toISOString() }, caps: [],
    rule: { game: 'wheel', mode: 'odds', entry: { points: 10, freePerDay: 0, sources: [] }, prizes: [{ id: 'pot', name: '紫砂茶壶', kind: 'mallItem', item: 'prize-pot', costFen: 20_000, count: 3, weight: 1 }, { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 0 }], fallback: 'none', budgetFen: 100_000, shards: 1, notice: { ...notice, delivery: '实物奖品填写地址后 7 日内寄出' } },
  });
  await cloud('admin', { action: 'publishCampaign', id: 'e2e-pot' });
  const { draw } = await cloud('play', { action: 'draw', pool: 'e2e-pot', clientKey: 'e2e-pot-key-0001', pay: 'points' }, 'bob');
  expect(draw).toMatchObject({ prize: { id: 'pot' }, state: '待填写地址', needsAddress: true });

  await page.goto(`${url}/#/packages/play/prizes/index`);
  const row = stationed('.play-prize-item[data-prize="pot"]');
  await page.waitForSelector(`${row} .prize-address-open`, { timeout: 30_000 });
  expect(await page.textContent(`${row} .play-prize-state`)).toBe('待填写地址');
  await screenshot(page, '87-prizes-awaiting-address');
  await page.click(`${row} .prize-address-open`);
  await page.waitForSelector(`${row} .prize-address-confirm`);
  const fill = async (field: string, value: string) => page.fill(`${row} .prize-address-${field} input`, value).catch(() => page.fill(`${row} .prize-address-${field}`, value));
  await fill('name', '王大山');
  await fill('phone', '13800001234');
  await fill('province', '浙江省');
  await fill('city', '杭州市');
  await fill('district', '西湖区');
  await fill('detail', '龙井路 88 号');
  await screenshot(page, '88-prizes-address-form');
  await page.click(`${row} .prize-address-confirm`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '已发放（见我的订单）', `${row} .play-prize-state`, { timeout: 10_000 });
  expect(await page.$(`${row} .prize-address-open`)).toBeNull();
  await screenshot(page, '89-prizes-address-given');
  const orders = await cloud('mall', { action: 'orders', limit: 20 }, 'bob');
  expect(orders.items.find((o: any) => o.item === 'prize-pot')).toMatchObject({ points: 0, status: 'toShip', address: expect.objectContaining({ name: '王大山' }) });
  expect(e2e().output()).not.toMatch(/page errors/);
});
