// Shared fixtures of the mall's integration tests.
import type { TestCloud } from '../helpers/cloud';

export const OPS = 'oOps';
export const ADDRESS = { name: '林小雨', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };
export const hour = 3600_000;

export function baseItem(over: Record<string, unknown> = {}) {
  return {
    title: '山野茶杯',
    images: [],
    description: '一只杯子',
    category: '茶器',
    kind: 'physical',
    points: 100,
    cashFen: 0,
    redPacketFen: 0,
    perMemberLimit: 0,
    perOrderMax: 5,
    listAt: null,
    delistAt: null,
    flashSale: false,
    sortWeight: 0,
    visible: true,
    ...over,
  };
}

export async function member(cloud: TestCloud, openid: string, points: number) {
  await cloud.call('user', { action: 'login' }, openid);
  if (points > 0) {
    const r = await cloud.call('points', { action: 'adjust', member: openid, delta: points, reason: 'test', key: `grant:${openid}` }, OPS);
    expect(r.ok).toBe(true);
  }
}

export const account = (cloud: TestCloud, openid: string) => cloud.engine.dump('accounts').find((a: any) => a._id === openid) as any;
/** The item's stock counter's shards, each with `sold` (= cap − left) as the mall's old shards had it. */
export const stockShards = (cloud: TestCloud, item: string) =>
  (cloud.engine.dump('counterShards') as any[]).filter((s) => s.counter === `mall:${item}`).map((s) => ({ ...s, sold: s.cap - s.left }));
export const stockLeft = (cloud: TestCloud, item: string) => stockShards(cloud, item).reduce((n, s) => n + s.left, 0);

