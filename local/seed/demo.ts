// Seeds the demo brand on a fresh local database: the brand's settings, the demo operator in
// `admins`, and each persona's member account — everything through the real functions, so what the
// app shows adds up: members registered before their first points (the login's own code, its clock
// set back), named as the start-up banner prints them (user.updateProfile), points earned by real
// scans, sign-ins and tasks and spent on real mall orders, each by the service's own code with the
// clock of the day it happened (local/seed/history.ts).
import { login } from '../../cloudfunctions/common/services/members';
import type { Runner } from '../runtime/runner';
import { seedCodes, seedScans } from './codes';
import { seedHistory } from './history';
import { seedDashboard } from './dashboard';
import { seedEarn } from './earn';
import { seedOrders } from './orders';
import { seedPlay } from './play';
import { seedRisk } from './risk';
import { atTime } from './clock';
import { PERSONAS, SETUP_DAYS_AGO } from './personas';
import { demoImageUrl } from './images';

export const DEMO_BRAND = {
  _id: 'brand',
  name: '山野茶事',
  slogan: '每一罐好茶，都有自己的码',
  domain: 'q.shanyechashi.example',
  pointsPerYuan: 100,
};

/** True when it seeded; false when the database already had the demo brand. */
export async function seedDemo(runner: Runner): Promise<boolean> {
  const { engine } = runner;
  if (engine.dump('settings').some((d) => (d as { _id?: string })._id === 'brand')) {
    await migrateMallStock(runner); // a data directory seeded before stock moved onto the shared counter
    return false;
  }
  // The past is replayed once, in order; a seed cut off halfway cannot be finished (its scans and
  // orders would answer "already"), so it asks for a fresh start instead of showing half a demo.
  if (engine.count('members') > 0) {
    throw new Error('the demo seed was interrupted on an earlier start: delete the data directory (default .data/) and run npm start again');
  }
  const now = new Date();
  const setUp = new Date(+now - SETUP_DAYS_AGO * DAY);
  engine.insertMany(
    'admins',
    PERSONAS.filter((p) => p.role === 'operator').map((p) => ({ _id: p.openid, name: p.nickname, role: 'owner', createdAt: setUp })),
  );
  for (const persona of PERSONAS) {
    // Registered before anything they did (the login action's code with the day it happened).
    await login(persona.openid, new Date(+now - REGISTERED_DAYS_AGO[persona.id] * DAY));
    const { result } = await runner.callAsMember('user', { action: 'updateProfile', nickname: persona.nickname }, persona.openid);
    if (!(result as { ok?: boolean }).ok) throw new Error(`seeding ${persona.id} failed: ${JSON.stringify(result)}`);
  }
  await atTime(setUp, () => seedMall(runner, now)); // the catalog first, when the brand set up: the history redeems from it
  await seedCodes(runner, now); // one-item-one-code: products, campaigns, batches (local/seed/codes.ts)
  await seedEarn(runner, now); // sign-in and tasks: campaigns, and bob's last ten days (local/seed/earn.ts)
  await seedHistory(runner, now); // the personas' scans, sign-ins, task rewards and redemptions, on their days (local/seed/history.ts)
  await seedScans(runner); // today's scans of the demo batch's code #0 (local/seed/codes.ts)
  await seedOrders(runner, now); // tiers, an order campaign, brand orders posted and pending (local/seed/orders.ts)
  await seedPlay(runner); // 积分玩法: a published pool of each face (local/seed/play.ts)
  await seedRisk(runner); // 风控审核: counterfeit, diversion, brute-force and velocity facts, and the queue (local/seed/risk.ts)
  await seedDashboard(runner, now); // 数据看板: four weeks of figures, today's scans, the roll-up (local/seed/dashboard.ts)
  // Written last: it marks the seed complete.
  engine.insertMany('settings', [{ ...DEMO_BRAND, createdAt: setUp }]);
  return true;
}

const DAY = 86_400_000;

/** Days before the seed each persona registered: before their first points, order or sign-in. */
const REGISTERED_DAYS_AGO: Record<string, number> = { alice: 50, bob: 20, carol: 65, ops: 90 };

/** The demo catalog, created through the real mall function as the operator (docs/mall.md). */
const MALL_ITEMS = [
  { id: 'tea-cup', title: '山野青瓷茶杯', category: '茶器', kind: 'physical', points: 200, cashFen: 0, stock: 50, perMemberLimit: 0, sortWeight: 50, description: '龙泉青瓷，容量 120ml。' },
  { id: 'longjing-50g', title: '明前龙井 50g', category: '茶叶', kind: 'physical', points: 800, cashFen: 0, stock: 20, perMemberLimit: 2, sortWeight: 40, description: '西湖产区明前头采。' },
  { id: 'travel-set', title: '旅行茶具套装（积分+现金）', category: '茶器', kind: 'physical', points: 100, cashFen: 2990, stock: 10, perMemberLimit: 0, sortWeight: 30, description: '一壶两杯，收纳包。' },
  { id: 'drink-card', title: '门店茶饮兑换卡', category: '卡券', kind: 'cardCode', points: 50, cashFen: 0, stock: 0, perMemberLimit: 3, sortWeight: 20, description: '全国门店可用，兑换后出示卡码。' },
  { id: 'flash-zisha', title: '紫砂小壶', category: '茶器', kind: 'physical', points: 100, cashFen: 0, stock: 5, perMemberLimit: 1, sortWeight: 60, description: '限量 5 把，每人限 1 把。', flashSale: true, shards: 4, startsInMinutes: 10 },
] as const;

/** Moves stock kept in `mallStock` onto the items' counters (mall.migrateStock: once, then a no-op). */
async function migrateMallStock(runner: Runner): Promise<void> {
  if (!runner.engine.dump('mallStock').length) return;
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const { result } = await runner.callAsMember('mall', { action: 'migrateStock' }, ops);
  if (!(result as { ok?: boolean }).ok) throw new Error(`migrating the mall's stock failed: ${JSON.stringify(result)}`);
}

async function seedMall(runner: Runner, now: Date): Promise<void> {
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const call = async (data: Record<string, unknown>) => {
    const { result } = await runner.callAsMember('mall', data, ops);
    const r = result as { ok?: boolean; code?: string };
    if (!r.ok && !(data.action === 'createItem' && (r.code === 'BAD_REQUEST' || r.code === 'INVALID_FIELD'))) throw new Error(`seeding the mall failed: ${JSON.stringify(result)}`);
  };
  for (const item of MALL_ITEMS) {
    const { id, stock, startsInMinutes, shards, flashSale, ...fields } = { startsInMinutes: 0, shards: 1, flashSale: false, ...item };
    await call({
      action: 'createItem',
      id,
      stock,
      shards,
      ...fields,
      images: [demoImageUrl(id)],
      redPacketFen: 0,
      perOrderMax: fields.perMemberLimit || 5,
      listAt: startsInMinutes ? new Date(+now + startsInMinutes * 60_000).toISOString() : null,
      delistAt: null,
      flashSale,
      visible: true,
    });
  }
  await call({ action: 'addCodes', id: 'drink-card', codes: Array.from({ length: 10 }, (_, i) => `SYCS-DEMO-${String(i + 1).padStart(4, '0')}`) });
}
