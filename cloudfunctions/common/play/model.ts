// Play (积分玩法, docs/play.md): ONE prize-pool engine behind four faces — 刮刮卡, 大转盘, 九宫格,
// 集字有礼. A pool is a campaign of kind `game` (campaigns/rules/game.ts): its rule is the pool
// below, published and frozen like every campaign version. Prize stock lives on the shared capped
// counter's documents (counter `game:<pool>`), whose shards also carry each prize's remaining
// count and the head of their draw chain; per-member caps are the campaigns counters on the
// member's account; each draw is one record `draws/<draw key>`.
import { z } from 'zod';
import type { Address } from '../mall/model';

export const PLAY = {
  /** `draw:<pool>:<member>:<clientKey>`: the draw's result, proof and delivery state. */
  draws: 'draws',
  /** `<pool>`: the secret seed (revealed once the pool has ended) and its commitment. */
  seeds: 'poolSeeds',
  /** `<member>`: items a member holds — 补签卡 and 集字 cards — per pool. */
  items: 'memberItems',
  /** `<grant key>`: a play granted by another campaign (a scan, a task), recorded once per key. */
  grants: 'playGrants',
} as const;

export const GAMES = ['scratch', 'wheel', 'grid9', 'collect'] as const;
export type Game = (typeof GAMES)[number];
export const GAME_NAMES: Record<Game, string> = { scratch: '刮刮卡', wheel: '大转盘', grid9: '九宫格', collect: '集字有礼' };

export const PRIZE_KINDS = ['points', 'mallItem', 'redPacket', 'makeupCard', 'charCard', 'none'] as const;
export type PrizeKind = (typeof PRIZE_KINDS)[number];
export const PRIZE_KIND_NAMES: Record<PrizeKind, string> = {
  points: '积分',
  mallItem: '商城商品/优惠券',
  redPacket: '现金红包',
  makeupCard: '补签卡',
  charCard: '集字卡',
  none: '谢谢参与',
};

/** Ways a member may get plays. Sharing and following are listed so publishing can refuse them by name (WeChat rules). */
export const ENTRY_SOURCES = ['scan', 'task', 'share', 'follow'] as const;
export const FORBIDDEN_SOURCES = ['share', 'follow'];

/** Anti-Unfair Competition Law art. 10: the top prize of a prize draw is at most ¥50,000. */
export const TOP_PRIZE_MAX_FEN = 5_000_000;
export const MAX_SHARDS = 64;

const id = z.string().regex(/^[\w\-]{1,32}$/, 'letters, digits, _ and - only');
const text = (max: number) => z.string().trim().max(max).refine((s) => !/[<>\u0000-\u001f]/.test(s), 'no control characters or < >');

export const prizeSchema = z
  .object({
    id,
    name: text(20).pipe(z.string().min(1)),
    kind: z.enum(PRIZE_KINDS),
    /** points: the points credited. */
    points: z.number().int().min(1).max(1_000_000).optional(),
    /** mallItem: the mall item delivered as a 0-point order. */
    item: id.optional(),
    /** redPacket: cash in fen. */
    amountFen: z.number().int().min(1).max(20_000).optional(),
    /** charCard: the character. */
    char: z.string().regex(/^\p{Script=Han}$/u, 'one Chinese character').optional(),
    /** What one costs the organiser (fen): the prize's published value. */
    costFen: z.number().int().min(0).max(100_000_000),
    /** How many exist; null = unlimited (only 谢谢参与 / consolation prizes, odds mode). */
    count: z.number().int().min(0).max(10_000_000).nullable(),
    /** Odds mode: relative weight. */
    weight: z.number().int().min(0).max(1_000_000_000).default(0),
  })
  .strict();
export type Prize = z.infer<typeof prizeSchema>;

/** The art. 13 items an operator writes (the rest are generated from the pool). */
export const noticeSchema = z
  .object({
    /** 主办方 */
    organiser: text(40),
    /** 联系方式 */
    contact: text(40),
    /** 兑奖时间、条件、方式 */
    redeem: text(200),
    /** 奖品交付方式 */
    delivery: text(200),
    /** 弃奖条件 */
    forfeit: text(200),
  })
  .strict();

export const poolSchema = z
  .object({
    game: z.enum(GAMES),
    mode: z.enum(['odds', 'deck']),
    entry: z
      .object({
        /** Points per play (0 = free plays only). */
        points: z.number().int().min(0).max(100_000),
        /** Free plays per member per Shanghai day. */
        freePerDay: z.number().int().min(0).max(100),
        /** Other ways to get plays, as published (share / follow are refused at publish). */
        sources: z.array(z.enum(ENTRY_SOURCES)).max(4).default([]),
      })
      .strict(),
    prizes: z.array(prizeSchema).min(1).max(12),
    /** Odds mode: the prize given when the drawn one has run out (an unlimited prize). */
    fallback: id.optional(),
    /** Prize cost budget A (fen): Σ count × costFen must fit. */
    budgetFen: z.number().int().min(0).max(10_000_000_000),
    /** Stock shards (concurrency). */
    shards: z.number().int().min(1).max(MAX_SHARDS).default(4),
    notice: noticeSchema.partial(),
    /** 集字有礼: the set, and the prize a full set combines into. */
    collect: z.object({ chars: z.array(z.string().regex(/^\p{Script=Han}$/u)).min(2).max(9), prize: prizeSchema }).strict().optional(),
  })
  .strict();
export type Pool = z.infer<typeof poolSchema>;

/** A stock shard of a pool: the shared counter's shard document plus the game's own fields. */
export interface PoolShard {
  _id: string;
  counter: string;
  /** Finite prizes of this shard (Σ initial). */
  cap: number;
  /** Finite prizes not yet drawn. */
  left: number;
  /** Per prize id: the shard's part at publish, and what remains of it. */
  initial: Record<string, number>;
  remaining: Record<string, number>;
  /** Draws recorded on this shard, and the hash of the last one (the chain). */
  seq: number;
  head: string;
}

export type DrawStatus = 'drawn' | 'fulfilled';

export interface DrawRecord {
  _id: string;
  pool: string;
  game: Game;
  version: number;
  member: string;
  clientKey: string;
  /** How it was paid: points (the ledger entry under the same key) or a free play. */
  paid: 'points' | 'free' | 'granted';
  cost: number;
  /** Proof. */
  shard: number;
  seq: number;
  roll: string;
  prev: string;
  hash: string;
  /** Deck mode: the shard's remaining counts before this draw (the roll picked a ticket among them). */
  before?: Record<string, number>;
  /** The prize the roll named, when it had run out and the published fallback was given instead. */
  fallbackFrom?: string;
  prize: Pick<Prize, 'id' | 'name' | 'kind' | 'points' | 'item' | 'amountFen' | 'char' | 'costFen'>;
  status: DrawStatus;
  /** Failed deliveries of a mall prize so far (each attempt has its own order key). */
  attempts?: number;
  /** Delivery reference: a ledger entry, payout or mall order id. */
  deliveredAs?: string;
  /** A physical mall prize waits for the member's delivery address (我的奖品 → play.prizeAddress). */
  awaitingAddress?: boolean;
  /** The address the member gave for a physical prize (the 0-point order ships to it). */
  address?: Address;
  createdAt: Date;
  fulfilledAt?: Date;
}

export interface SeedDoc {
  _id: string;
  seed: string;
  commit: string;
  revealed: boolean;
  createdAt: Date;
}

/** `memberItems/<member>`: per pool, card counts (补签卡 under `makeup`, characters by themselves). */
export interface MemberItems {
  _id: string;
  pools: Record<string, Record<string, number>>;
  /** Full sets combined, per pool. */
  sets?: Record<string, number>;
  updatedAt: Date;
}

export const stockCounterOf = (pool: string) => `game:${pool}`;
export const drawKeyOf = (pool: string, member: string, clientKey: string) => `draw:${pool}:${member}:${clientKey}`;
export const prizeKeyOf = (drawKey: string) => `prize:${drawKey}`;
/** The campaigns counters key of a pool's free plays (its caps count under the pool's id). */
export const freeCounterKey = (pool: string) => `${pool}:free`;
