// What members see of pools and draws (docs/play.md#reading): the pool with its rules page,
// commitment (and seed once ended), stock left and the member's plays; the winners ticker with
// masked names; 我的奖品; a draw's verification (the 验证 sheet's data).
import { getDb } from '../cloud';
import { COLLECTIONS as CAMPAIGNS, type Campaign } from '../campaigns/model';
import type { Counters } from '../campaigns/counters';
import { COUNTERS } from '../counter/capped';
import { AppError } from '../errors';
import { accountFields, availablePoints } from '../ledger/access';
import { defaultNickname } from '../services/members';
import { audienceFor } from './audience';
import { rulesPage } from './engine';
import { commitOf, recordHash, rollOf } from './fair';
import { byDeck, byOdds } from './engine';
import { GRANTS_FIELD, grantedOf, liveness, loadPool, playsOf, readDraw } from './draw';
import { GAME_NAMES, PLAY, PRIZE_KIND_NAMES, stockCounterOf, type DrawRecord, type MemberItems, type Pool, type PoolShard } from './model';

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

/** The prize's delivery state, in Chinese. */
export function prizeState(r: Pick<DrawRecord, 'status' | 'prize' | 'awaitingAddress'>): string {
  if (r.prize.kind === 'none') return '未中奖';
  if (r.status === 'drawn' && r.awaitingAddress) return '待填写地址';
  if (r.status === 'drawn') return r.prize.kind === 'mallItem' ? '待发放' : '发放中';
  return { points: '已到账', redPacket: '已发放', makeupCard: '已入卡包', charCard: '已入卡包', mallItem: '已发放（见我的订单）', none: '' }[r.prize.kind];
}

export function drawView(r: DrawRecord) {
  return {
    key: r._id,
    clientKey: r.clientKey,
    pool: r.pool,
    game: r.game,
    gameName: GAME_NAMES[r.game],
    prize: r.prize,
    kindName: PRIZE_KIND_NAMES[r.prize.kind],
    won: r.prize.kind !== 'none',
    fallbackFrom: r.fallbackFrom ?? null,
    paid: r.paid,
    cost: r.cost,
    state: prizeState(r),
    /** A physical prize waiting for the member's address (我的奖品 asks for it). */
    needsAddress: r.status === 'drawn' && !!r.awaitingAddress,
    shard: r.shard,
    seq: r.seq,
    roll: r.roll,
    createdAt: iso(r.createdAt),
  };
}

/** Masked: 会员A**2 (never the id). */
export const maskedName = (member: string) => {
  const n = defaultNickname(member);
  return `${n.slice(0, 3)}**${n.slice(-1)}`;
};

/** The pool for its page: state, prizes (with published chances), rules, commitment, stock left, the member's plays. */
export async function poolView(poolId: string, member: string, now = new Date()) {
  const { campaign, pool, seed } = await loadPool(poolId);
  const db = getDb();
  const [shards, own, points, audience] = await Promise.all([
    db.collection(COUNTERS.shards).where({ counter: stockCounterOf(poolId) }).limit(64).get(),
    accountFields<{ counters: Counters; [GRANTS_FIELD]: Record<string, number> }>(member, ['counters', GRANTS_FIELD]).catch(() => null),
    availablePoints(member).catch(() => null),
    audienceFor(campaign, member),
  ]);
  const parts = shards.data as PoolShard[];
  const left: Record<string, number> = {};
  for (const s of parts) for (const [k, v] of Object.entries(s.remaining ?? {})) left[k] = (left[k] ?? 0) + v;
  const plays = playsOf(campaign, pool, (own?.counters ?? {}) as Counters, now, grantedOf(own, poolId));
  const state = liveness(campaign, now);
  const soldOut = pool.mode === 'deck' ? parts.length > 0 && parts.every((s) => s.left <= 0) : false;
  const totalWeight = pool.prizes.reduce((s, p) => s + p.weight, 0);
  const ended = state === 'POOL_ENDED';
  return {
    id: campaign._id,
    name: campaign.name,
    game: pool.game,
    gameName: GAME_NAMES[pool.game],
    mode: pool.mode,
    version: campaign.version,
    window: campaign.window,
    state: soldOut && state === 'live' ? 'soldOut' : { live: 'live', POOL_NOT_PUBLISHED: 'unpublished', POOL_NOT_STARTED: 'upcoming', POOL_ENDED: 'ended' }[state],
    cost: pool.entry.points,
    freePerDay: pool.entry.freePerDay,
    plays,
    /** Who may draw: `tiers` empty = everyone; `eligible` false → the page shows 仅限…参与. */
    audience,
    available: Math.max(0, points?.available ?? 0),
    prizes: pool.prizes.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      kindName: PRIZE_KIND_NAMES[p.kind],
      points: p.points ?? null,
      char: p.char ?? null,
      count: p.count,
      left: p.count === null ? null : (left[p.id] ?? 0),
      chance: pool.mode === 'odds' && totalWeight ? p.weight / totalWeight : null,
    })),
    collect: pool.collect ? { chars: pool.collect.chars, prize: pool.collect.prize.name } : null,
    rules: rulesPage(pool, { name: campaign.name, window: campaign.window, caps: campaign.caps, commit: seed?.commit }),
    commit: seed?.commit ?? null,
    seed: ended && seed ? seed.seed : null,
  };
}

/** Published game pools, newest first (the entries on 首页 and 商城). */
export async function listPools(now = new Date()) {
  const { data } = await getDb().collection(CAMPAIGNS.campaigns).where({ kind: 'game', status: 'published' }).orderBy('updatedAt', 'desc').limit(20).get();
  return (data as Campaign[])
    .filter((c) => liveness(c, now) !== 'POOL_ENDED')
    .map((c) => {
      const pool = c.rule as unknown as Pool;
      return { id: c._id, name: c.name, game: pool.game, gameName: GAME_NAMES[pool.game], cost: pool.entry.points, freePerDay: pool.entry.freePerDay, state: liveness(c, now) === 'live' ? 'live' : 'upcoming' };
    });
}

/** The latest wins of a pool, names masked. */
export async function winners(poolId: string) {
  const db = getDb();
  const { data } = await db.collection(PLAY.draws).where({ pool: poolId, 'prize.kind': db.command.neq('none') }).orderBy('createdAt', 'desc').limit(10).get();
  return (data as DrawRecord[]).map((r) => ({ name: maskedName(r.member), prize: r.prize.name, at: iso(r.createdAt) }));
}

/** 我的奖品: the member's winning draws, newest first (cursor: the last createdAt). */
export async function myPrizes(member: string, opts: { pool?: string; cursor?: string; limit: number }) {
  const db = getDb();
  const where: Record<string, unknown> = { member, 'prize.kind': db.command.neq('none') };
  if (opts.pool) where.pool = opts.pool;
  if (opts.cursor) where.createdAt = db.command.lt(new Date(opts.cursor));
  const { data } = await db.collection(PLAY.draws).where(where).orderBy('createdAt', 'desc').limit(opts.limit).get();
  const rows = (data as DrawRecord[]).map(drawView);
  return { prizes: rows, cursor: rows.length === opts.limit ? rows[rows.length - 1].createdAt : null };
}

/** The member's cards (补签卡, 集字) per pool. */
export async function myItems(member: string) {
  const { data } = await getDb().collection(PLAY.items).doc(member).get().catch(() => ({ data: null }));
  const d = data as MemberItems | null;
  return { pools: d?.pools ?? {}, sets: d?.sets ?? {} };
}

/**
 * One of the member's draws with everything needed to check it: the commitment, the seed once the
 * pool has ended, the chain link to the previous record of its shard, and the server's own checks
 * (the app recomputes them; scripts/verify-draws.ts does so for a whole log).
 */
export async function verifyDraw(member: string, key: string, now = new Date()) {
  const r = await readDraw(key);
  if (!r || r.member !== member) throw new AppError('NOT_FOUND', 'no such draw');
  const { campaign, pool, seed } = await loadPool(r.pool);
  const revealed = liveness(campaign, now) === 'POOL_ENDED' && !!seed;
  const db = getDb();
  const prevRec = r.seq > 1 ? ((await db.collection(PLAY.draws).where({ pool: r.pool, shard: r.shard, seq: r.seq - 1 }).limit(1).get()).data[0] as DrawRecord | undefined) : undefined;
  const checks: Record<string, boolean | null> = {
    chain: r.hash === recordHash({ pool: r.pool, shard: r.shard, seq: r.seq, member: r.member, key: r._id, roll: r.roll, prize: r.prize.id, prev: r.prev }) && (r.seq === 1 ? /^0+$/.test(r.prev) : prevRec?.hash === r.prev),
    commit: revealed ? commitOf(seed!.seed) === seed!.commit : null,
    roll: revealed ? rollOf(seed!.seed, r.member, r._id) === r.roll : null,
    prize: null,
  };
  if (revealed) {
    const named = pool.mode === 'deck' ? byDeck(pool, r.roll, r.before ?? {})?.prize.id : byOdds(pool, r.roll, () => !r.fallbackFrom).prize.id;
    checks.prize = named === r.prize.id;
  }
  return {
    draw: drawView(r),
    member: r.member,
    commit: seed?.commit ?? null,
    seed: revealed ? seed!.seed : null,
    prev: r.prev,
    hash: r.hash,
    before: r.before ?? null,
    checks,
    note: revealed ? '种子已公开：可自行重算' : '活动结束后公开种子，届时可验证抽奖结果',
  };
}

/**
 * The whole draw log of an ended pool, for scripts/verify-draws.ts (operators): the commitment, the
 * revealed seed, the published rule and every draw's proof, up to `limit` records from `after`
 * (the last key of the previous page). Refused while the pool runs: the seed is still secret.
 */
export async function exportDraws(poolId: string, opts: { after?: string; limit: number }, now = new Date()) {
  const { campaign, pool, seed } = await loadPool(poolId);
  if (liveness(campaign, now) !== 'POOL_ENDED' || !seed) throw new AppError('POOL_NOT_PUBLISHED', 'the draw log is published once the pool has ended');
  const db = getDb();
  const where: Record<string, unknown> = { pool: poolId, shard: db.command.gte(0) };
  if (opts.after) where._id = db.command.gt(opts.after);
  const { data } = await db.collection(PLAY.draws).where(where).orderBy('_id', 'asc').limit(opts.limit).get();
  const rows = data as DrawRecord[];
  return {
    pool: poolId,
    commit: seed.commit,
    seed: seed.seed,
    rule: pool,
    records: rows.map((r) => ({ shard: r.shard, seq: r.seq, member: r.member, key: r._id, roll: r.roll, prize: r.prize.id, prev: r.prev, hash: r.hash, ...(r.before ? { before: r.before } : {}), ...(r.fallbackFrom ? { fallbackFrom: r.fallbackFrom } : {}) })),
    next: rows.length === opts.limit ? rows[rows.length - 1]._id : null,
  };
}
