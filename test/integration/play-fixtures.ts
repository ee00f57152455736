// Shared fixtures of the play tests: a valid pool of each face, published through `admin`.
import type { TestCloud } from '../helpers/cloud';

export const OPS = 'oOps';
const hour = 3600_000;

export const notice = { organiser: '山野茶事', contact: '客服 400-000-0000', redeem: '中奖即时发放，积分实时到账；实物奖品 7 日内寄出', delivery: '积分直接入账；卡片放入“我的奖品”', forfeit: '活动结束后 30 日内未领取视为放弃' };

export function pool(over: Record<string, any> = {}) {
  return {
    game: 'scratch',
    mode: 'odds',
    entry: { points: 10, freePerDay: 1, sources: [] },
    prizes: [
      { id: 'p50', name: '50 积分', kind: 'points', points: 50, costFen: 50, count: 20, weight: 10 },
      { id: 'p5', name: '5 积分', kind: 'points', points: 5, costFen: 5, count: 1000, weight: 40 },
      { id: 'none', name: '谢谢参与', kind: 'none', costFen: 0, count: null, weight: 50 },
    ],
    fallback: 'none',
    budgetFen: 100_000,
    shards: 4,
    notice,
    ...over,
  };
}

export const window = (fromH = -1, toH = 24) => ({ from: new Date(Date.now() + fromH * hour).toISOString(), to: new Date(Date.now() + toH * hour).toISOString() });

export async function publishPool(cloud: TestCloud, id: string, rule: Record<string, unknown>, opts: { caps?: unknown[]; window?: unknown; name?: string; audience?: unknown } = {}) {
  const created = await cloud.call('admin', { action: 'createCampaign', id, kind: 'game', name: opts.name ?? '山野刮刮乐', rule, window: opts.window ?? window(), caps: opts.caps ?? [], ...(opts.audience ? { audience: opts.audience } : {}) }, OPS);
  if (!created.ok) return created;
  return cloud.call('admin', { action: 'publishCampaign', id }, OPS);
}

export async function member(cloud: TestCloud, openid: string, points: number) {
  await cloud.call('user', { action: 'login' }, openid);
  if (points > 0) {
    const r = await cloud.call('points', { action: 'adjust', member: openid, delta: points, reason: 'test', key: `grant:${openid}` }, OPS);
    expect(r.ok).toBe(true);
  }
}

export const account = (cloud: TestCloud, openid: string) => cloud.engine.dump('accounts').find((a: any) => a._id === openid) as any;
export const shardsOf = (cloud: TestCloud, p: string) => (cloud.engine.dump('counterShards') as any[]).filter((s) => s.counter === `game:${p}`);
export const drawsOf = (cloud: TestCloud, p: string) => (cloud.engine.dump('draws') as any[]).filter((d) => d.pool === p);
