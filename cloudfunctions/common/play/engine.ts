// The pool's pure decisions (docs/play.md): which prize a roll names, in either published mode;
// how a pool's stock is split over shards; what publishing refuses; the rules page, generated
// from the pool so every item SAMR's 《规范促销行为暂行规定》 art. 13 requires is there. No I/O.
import { shardCap } from '../counter/capped';
import { pick } from './fair';
import { FORBIDDEN_SOURCES, GAME_NAMES, PRIZE_KIND_NAMES, TOP_PRIZE_MAX_FEN, type Pool, type Prize } from './model';

export interface Outcome {
  prize: Prize;
  /** Odds mode: the prize the roll named, when it had run out (the published fallback was given). */
  fallbackFrom?: string;
}

const finite = (p: Prize) => p.count !== null;
const prizeById = (pool: Pool, id: string) => pool.prizes.find((p) => p.id === id);

/**
 * Odds mode: the roll names a prize by the published weights (Σ weight buckets, the roll's index
 * in [0, Σ) — never a hole at the top). A finite prize with nothing left anywhere gives the
 * published fallback instead, and says so: the odds never change silently.
 */
export function byOdds(pool: Pool, roll: string, available: (prizeId: string) => boolean): Outcome {
  const total = pool.prizes.reduce((s, p) => s + p.weight, 0);
  let x = pick(roll, total);
  let named = pool.prizes[pool.prizes.length - 1];
  for (const p of pool.prizes) {
    if (x < p.weight) {
      named = p;
      break;
    }
    x -= p.weight;
  }
  if (!finite(named) || available(named.id)) return { prize: named };
  return { prize: prizeById(pool, pool.fallback!)!, fallbackFrom: named.id };
}

/**
 * Deck mode: a ticket drawn without replacement from what remains (`remaining`, per prize, in the
 * published order) — like a printed run of scratch tickets, so the published counts are exact.
 * Null when nothing remains.
 */
export function byDeck(pool: Pool, roll: string, remaining: Record<string, number>): Outcome | null {
  const total = pool.prizes.reduce((s, p) => s + (remaining[p.id] ?? 0), 0);
  if (total <= 0) return null;
  let x = pick(roll, total);
  for (const p of pool.prizes) {
    const n = remaining[p.id] ?? 0;
    if (x < n) return { prize: p };
    x -= n;
  }
  return null; // unreachable
}

/**
 * Each shard's part of each finite prize: prize k's count spread over the shards starting at shard
 * k (so a single top prize does not always land on shard 0); Σ over shards = the count exactly.
 */
export function splitStock(pool: Pool): Record<string, number>[] {
  const out = Array.from({ length: pool.shards }, () => ({}) as Record<string, number>);
  pool.prizes.forEach((p, k) => {
    if (!finite(p)) return;
    for (let i = 0; i < pool.shards; i++) out[(i + k) % pool.shards][p.id] = shardCap(p.count!, pool.shards, i);
  });
  return out;
}

/** Σ count × cost of the finite prizes (fen), and the collect set's prize. */
export const prizeCostFen = (pool: Pool) => pool.prizes.reduce((s, p) => s + (p.count ?? 0) * p.costFen, 0);

/** What a prize needs for its kind (its own fields). */
function prizeProblem(p: Prize, pool: Pool): string | null {
  if (p.kind === 'points' && !p.points) return `奖品「${p.name}」须设积分数`;
  if (p.kind === 'mallItem' && !p.item) return `奖品「${p.name}」须指定商城商品`;
  if (p.kind === 'redPacket' && !p.amountFen) return `奖品「${p.name}」须设红包金额`;
  if (p.kind === 'charCard' && !p.char) return `奖品「${p.name}」须指定字`;
  if (p.kind === 'charCard' && !pool.collect?.chars.includes(p.char!)) return `奖品「${p.name}」的字不在集字组合中`;
  if (p.kind === 'redPacket' && p.costFen < p.amountFen!) return `奖品「${p.name}」的价值不能低于红包金额`;
  return null;
}

/**
 * Why the pool cannot be published, each in Chinese (empty = it can): the top prize over ¥50,000
 * (反不正当竞争法 art. 10), an art. 13 item missing, plays earned by sharing or following (WeChat),
 * prizes costing more than the budget, and the mode's own consistency.
 */
export function publishProblems(pool: Pool, window: { from: string | null; to: string | null }): string[] {
  const out: string[] = [];
  const all = pool.collect ? [...pool.prizes, pool.collect.prize] : pool.prizes;
  const ids = new Set<string>();
  for (const p of all) {
    if (ids.has(p.id)) out.push(`奖品编号 ${p.id} 重复`);
    ids.add(p.id);
    if (p.costFen > TOP_PRIZE_MAX_FEN) out.push(`奖品「${p.name}」价值 ¥${(p.costFen / 100).toFixed(2)} 超过法定最高奖 ¥50,000`);
    const problem = prizeProblem(p, pool);
    if (problem) out.push(problem);
  }
  for (const s of pool.entry.sources) if (FORBIDDEN_SOURCES.includes(s)) out.push(s === 'share' ? '不得以分享获得抽奖机会（微信规则）' : '不得以关注获得抽奖机会（微信规则）');
  if (pool.entry.points === 0 && pool.entry.freePerDay === 0 && !pool.entry.sources.length) out.push('须设参与方式：每次消耗积分或每日免费次数');
  const cost = prizeCostFen(pool) + (pool.collect ? (pool.collect.prize.count ?? 0) * pool.collect.prize.costFen : 0);
  if (cost > pool.budgetFen) out.push(`奖品总成本 ¥${(cost / 100).toFixed(2)} 超过预算 ¥${(pool.budgetFen / 100).toFixed(2)}`);
  if (pool.mode === 'odds') {
    if (pool.prizes.reduce((s, p) => s + p.weight, 0) <= 0) out.push('概率模式须设中奖权重');
    const fb = pool.fallback ? prizeById(pool, pool.fallback) : undefined;
    if (!fb) out.push('概率模式须指定奖品抽完后的替代奖品');
    else if (fb.count !== null) out.push('替代奖品须不限数量（如“谢谢参与”）');
  } else {
    if (pool.prizes.some((p) => p.count === null)) out.push('奖券模式每个奖项须设数量（含“谢谢参与”）');
    if (pool.prizes.reduce((s, p) => s + (p.count ?? 0), 0) <= 0) out.push('奖券模式须至少一张奖券');
  }
  if (pool.game === 'collect' && !pool.collect) out.push('集字有礼须设字组合与集齐奖品');
  if ((pool.game === 'grid9' || pool.game === 'wheel') && pool.prizes.length > 8) out.push(`${pool.game === 'grid9' ? '九宫格' : '大转盘'}最多 8 个奖项`);
  if (pool.collect && pool.collect.prize.count === null) out.push('集齐奖品须设数量');
  if (!window.from || !window.to) out.push('须设活动开始与结束时间（开奖时间）');
  const n = pool.notice;
  if (!n.organiser) out.push('须写明主办方');
  if (!n.contact) out.push('须写明主办方联系方式');
  if (!n.redeem) out.push('须写明兑奖时间、条件和方式');
  if (!n.delivery) out.push('须写明奖品交付方式');
  if (!n.forfeit) out.push('须写明弃奖条件');
  return out;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
const shanghai = (iso: string | null) => (iso ? new Date(+new Date(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '不限');

export interface RulesSection {
  /** The art. 13 item. */
  title: string;
  lines: string[];
}

/** The rules page, generated from the published pool: every art. 13 item, in this order. */
export function rulesPage(
  pool: Pool,
  c: { name: string; window: { from: string | null; to: string | null }; caps: { period: string; unit: string; limit: number }[]; commit?: string },
): RulesSection[] {
  const totalWeight = pool.prizes.reduce((s, p) => s + p.weight, 0);
  const chance = (p: Prize) => (totalWeight ? `${((p.weight / totalWeight) * 100).toFixed(p.weight / totalWeight < 0.01 ? 4 : 2)}%` : '—');
  const prizeLine = (p: Prize) =>
    `${p.name}【${PRIZE_KIND_NAMES[p.kind]}${p.kind === 'redPacket' ? ` ${yuan(p.amountFen!)}` : ''}】：价值 ${yuan(p.costFen)}，` +
    (pool.mode === 'odds' ? `数量 ${p.count === null ? '不限' : p.count}，中奖概率 ${chance(p)}` : `共 ${p.count} 张`);
  const capText = c.caps.map((x) => `${{ day: '每日', week: '每周', month: '每月', total: '活动期间' }[x.period] ?? ''}最多 ${x.limit} 次`);
  const fb = pool.fallback ? pool.prizes.find((p) => p.id === pool.fallback) : undefined;
  return [
    { title: '活动名称', lines: [`${c.name}（${GAME_NAMES[pool.game]}）`] },
    { title: '主办方及联系方式', lines: [`${pool.notice.organiser ?? ''}，${pool.notice.contact ?? ''}`] },
    { title: '活动时间与开奖时间', lines: [`${shanghai(c.window.from)} 至 ${shanghai(c.window.to)}（北京时间）`, '即时开奖：每次参与当场揭晓结果'] },
    {
      title: '参与条件与方式',
      lines: [
        pool.entry.points > 0 ? `每次消耗 ${pool.entry.points} 积分` : '无需积分',
        ...(pool.entry.freePerDay ? [`每人每日免费 ${pool.entry.freePerDay} 次`] : []),
        ...(pool.entry.sources.includes('scan') ? ['扫码正品可获得参与机会'] : []),
        ...(pool.entry.sources.includes('task') ? ['完成任务可获得参与机会'] : []),
        ...capText,
        '分享、关注均不增加参与机会',
      ],
    },
    { title: '奖项种类、奖品名称、价值与数量或概率', lines: [...pool.prizes.map(prizeLine), ...(pool.collect ? [`集齐「${pool.collect.chars.join('')}」可合成：${pool.collect.prize.name}，价值 ${yuan(pool.collect.prize.costFen)}，共 ${pool.collect.prize.count} 份`] : [])] },
    {
      title: '开奖方式',
      lines: [
        pool.mode === 'odds'
          ? `按上列概率独立抽取${fb ? `；某奖品抽完后，抽中该奖品即改为「${fb.name}」，其余奖品概率不变` : ''}`
          : '按剩余奖券不放回抽取（如同印刷奖券），各奖项数量准确无误',
        `公平性可验证：活动开始前公布种子哈希 ${c.commit ?? '（发布时生成）'}，每次结果由种子与您的抽奖编号计算，活动结束后公开种子供任何人验证`,
      ],
    },
    { title: '兑奖时间、条件和方式', lines: [pool.notice.redeem ?? ''] },
    { title: '奖品交付方式', lines: [pool.notice.delivery ?? ''] },
    { title: '弃奖条件', lines: [pool.notice.forfeit ?? ''] },
  ];
}
