// Publishing a pool (docs/play.md#publishing): inside the campaign's publish transaction, the pool
// is validated (publishProblems) and frozen — its secret seed drawn and committed to, its prize
// stock laid out on the shared capped counter's documents (counter `game:<pool>`; each shard also
// carries its per-prize remaining counts and the head of its draw chain). A later version may only
// favour members: cheaper or more plays, a later end, the notice text — never other prizes or odds.
import { COUNTERS, shardIdOf } from '../counter/capped';
import { isVirtual, MALL, type Item } from '../mall/model';
import { AppError } from '../errors';
import { txGet, type Tx } from '../tx';
import type { Campaign, CampaignContent } from '../campaigns/model';
import { splitStock, publishProblems } from './engine';
import { freezeSet } from './cards';
import { commitOf, GENESIS, newSeed } from './fair';
import { PLAY, stockCounterOf, type Pool, type PoolShard, type SeedDoc } from './model';

/** Why version 2+ of a pool is not in members' favour (Chinese), or null. */
export function unfavourable(before: Pool, after: Pool, beforeTo: string | null, afterTo: string | null): string | null {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (before.game !== after.game || before.mode !== after.mode || before.shards !== after.shards) return '已发布的玩法不能更改类型、模式或分片';
  if (!same(before.prizes, after.prizes) || before.fallback !== after.fallback || !same(before.collect, after.collect)) return '已发布的奖品、数量与概率不能更改';
  if (after.entry.points > before.entry.points || after.entry.freePerDay < before.entry.freePerDay) return '只能降低消耗积分或增加免费次数';
  if (before.budgetFen > after.budgetFen) return '预算不能降低';
  if (beforeTo && (!afterTo || +new Date(afterTo) < +new Date(beforeTo))) return '结束时间只能延后';
  return null;
}

export async function freezePool(tx: Tx, id: string, content: CampaignContent, head: Campaign, now: Date): Promise<void> {
  const pool = content.rule as unknown as Pool;
  const problems = publishProblems(pool, content.window);
  if (content.caps.some((c) => c.unit !== 'times')) problems.push('玩法的上限须按次数计');
  // A mall prize is delivered as a 0-point order: a card or coupon at once, a physical item once the
  // member gives an address in 我的奖品 (draw.ts givePrizeAddress).
  for (const p of [...pool.prizes, ...(pool.collect ? [pool.collect.prize] : [])]) {
    if (p.kind !== 'mallItem') continue;
    const item = await txGet<Item>(tx, MALL.items, p.item!);
    if (!item) problems.push(`奖品「${p.name}」的商城商品 ${p.item} 不存在`);
    else if (!isVirtual(item.kind) && item.kind !== 'physical') problems.push(`奖品「${p.name}」须为卡券或实物商品`);
  }
  if (problems.length) throw new AppError('POOL_INVALID', problems.join('；'), { problems });
  const previous = await txGet<SeedDoc>(tx, PLAY.seeds, id);
  if (previous) {
    // Published before: the stock and seed stand; only a change in members' favour.
    const why = head.status === 'draft' ? null : unfavourable(head.rule as unknown as Pool, pool, head.window.to, content.window.to);
    if (why) throw new AppError('POOL_INVALID', why, { problems: [why] });
    return;
  }
  const seed = newSeed();
  await tx.collection(PLAY.seeds).add({ data: { _id: id, seed, commit: commitOf(seed), revealed: false, createdAt: now } satisfies SeedDoc });
  const parts = splitStock(pool);
  const counter = stockCounterOf(id);
  const cap = parts.reduce((s, p) => s + Object.values(p).reduce((a, b) => a + b, 0), 0);
  await tx.collection(COUNTERS.counters).add({ data: { _id: counter, cap, shards: pool.shards, createdAt: now } });
  for (let i = 0; i < pool.shards; i++) {
    const n = Object.values(parts[i]).reduce((a, b) => a + b, 0);
    const shard: PoolShard = { _id: shardIdOf(counter, i), counter, cap: n, left: n, initial: parts[i], remaining: parts[i], seq: 0, head: GENESIS };
    await tx.collection(COUNTERS.shards).add({ data: shard });
  }
  await freezeSet(tx, id, pool, now);
}
