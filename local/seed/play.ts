// Demo 积分玩法: one published pool of each face — 刮刮卡 and 大转盘 (odds), 九宫格 (deck), 集字有礼 —
// created and published through the real `admin` function as the demo operator (so each is
// validated and frozen: seed committed, stock laid out). Open for 60 days from seeding.
import type { Runner } from '../runtime/runner';
import { PERSONAS } from './personas';

const DAY = 86_400_000;
const notice = {
  organiser: '山野茶事（演示品牌）',
  contact: '客服电话 400-000-0000',
  redeem: '即时开奖，中奖积分实时到账；卡片放入“我的奖品”，活动期间可随时合成',
  delivery: '积分直接计入积分账户；补签卡、集字卡放入卡包',
  forfeit: '活动结束后 30 日内未合成的集字卡视为放弃',
};
const none = { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 0 };

export const DEMO_POOLS: { id: string; name: string; rule: Record<string, unknown>; caps: unknown[] }[] = [
  {
    id: 'demo-scratch',
    name: '山野刮刮乐',
    caps: [{ period: 'day', unit: 'times', limit: 10 }],
    rule: {
      game: 'scratch', mode: 'odds', entry: { points: 10, freePerDay: 1, sources: [] }, fallback: 'none', budgetFen: 200_000, shards: 4, notice,
      prizes: [
        { id: 'p100', name: '100 积分', kind: 'points', points: 100, costFen: 100, count: 100, weight: 5 },
        { id: 'p20', name: '20 积分', kind: 'points', points: 20, costFen: 20, count: 2000, weight: 25 },
        { id: 'p5', name: '5 积分', kind: 'points', points: 5, costFen: 5, count: 10000, weight: 30 },
        { ...none, weight: 40 },
      ],
    },
  },
  {
    id: 'demo-wheel',
    name: '好茶大转盘',
    caps: [{ period: 'day', unit: 'times', limit: 10 }],
    rule: {
      game: 'wheel', mode: 'odds', entry: { points: 20, freePerDay: 1, sources: [] }, fallback: 'none', budgetFen: 500_000, shards: 4, notice,
      prizes: [
        { id: 'p500', name: '500 积分', kind: 'points', points: 500, costFen: 500, count: 20, weight: 2 },
        { id: 'p50', name: '50 积分', kind: 'points', points: 50, costFen: 50, count: 1000, weight: 18 },
        { id: 'makeup', name: '补签卡', kind: 'makeupCard', costFen: 0, count: 500, weight: 15 },
        { id: 'p10', name: '10 积分', kind: 'points', points: 10, costFen: 10, count: 5000, weight: 30 },
        { ...none, weight: 35 },
      ],
    },
  },
  {
    id: 'demo-grid',
    name: '九宫格抽好礼',
    caps: [{ period: 'day', unit: 'times', limit: 20 }],
    rule: {
      game: 'grid9', mode: 'deck', entry: { points: 10, freePerDay: 1, sources: [] }, budgetFen: 100_000, shards: 4, notice,
      prizes: [
        { id: 'p200', name: '200 积分', kind: 'points', points: 200, costFen: 200, count: 10, weight: 0 },
        { id: 'p30', name: '30 积分', kind: 'points', points: 30, costFen: 30, count: 200, weight: 0 },
        { id: 'p10', name: '10 积分', kind: 'points', points: 10, costFen: 10, count: 1000, weight: 0 },
        { ...none, count: 2790 },
      ],
    },
  },
  {
    id: 'demo-collect',
    name: '集字有礼·山野茶事',
    caps: [{ period: 'day', unit: 'times', limit: 20 }],
    rule: {
      game: 'collect', mode: 'odds', entry: { points: 5, freePerDay: 2, sources: [] }, fallback: 'none', budgetFen: 200_000, shards: 4, notice,
      prizes: [
        { id: 'c-shan', name: '山', kind: 'charCard', char: '山', costFen: 0, count: null, weight: 30 },
        { id: 'c-ye', name: '野', kind: 'charCard', char: '野', costFen: 0, count: null, weight: 30 },
        { id: 'c-cha', name: '茶', kind: 'charCard', char: '茶', costFen: 0, count: null, weight: 30 },
        { id: 'c-shi', name: '事', kind: 'charCard', char: '事', costFen: 0, count: null, weight: 10 },
        none,
      ],
      collect: { chars: ['山', '野', '茶', '事'], prize: { id: 'set', name: '集齐奖 888 积分', kind: 'points', points: 888, costFen: 888, count: 200, weight: 0 } },
    },
  },
];

export async function seedPlay(runner: Runner): Promise<void> {
  const ops = PERSONAS.find((p) => p.role === 'operator')!.openid;
  const now = Date.now();
  for (const p of DEMO_POOLS) {
    if (runner.engine.dump('campaigns').some((c) => (c as { _id?: string })._id === p.id)) continue;
    const window = { from: new Date(now - DAY).toISOString(), to: new Date(now + 60 * DAY).toISOString() };
    for (const data of [
      { action: 'createCampaign', id: p.id, kind: 'game', name: p.name, rule: p.rule, window, caps: p.caps },
      { action: 'publishCampaign', id: p.id },
    ]) {
      const { result } = await runner.callAsMember('admin', data, ops);
      if (!(result as { ok?: boolean }).ok) throw new Error(`seeding play: admin.${data.action} ${p.id} → ${JSON.stringify(result)}`);
    }
  }
}
