// A draw (docs/play.md#a-draw): ONE idempotent operation keyed `draw:<pool>:<member>:<clientKey>`.
//   1. the draw transaction — the ledger's debit of the entry points under the draw key (or, for a
//      free play, a transaction of our own on the member's account) whose hook, on the account the
//      transaction re-read: checks the member's caps and free plays (campaigns counters, written
//      in the same account update), takes the prize from a stock shard (re-read: never below zero),
//      extends the shard's draw chain and adds the draw record with its result. All of it commits
//      or none: never a paid draw without its result, never stock or a cap passed.
//   2. delivery — the prize's own idempotent write under a key derived from the draw key (points:
//      a ledger credit whose transaction marks the record fulfilled; a card: the member's items and
//      the record in one transaction; a red packet: the payout outbox). A crash or a lost reply
//      between 1 and 2 leaves the record `drawn`: the retry (or the sweep) delivers it, once.
// A retry of the key answers the first result; the key with another payment is IDEMPOTENCY_MISMATCH.
import { createHash } from 'node:crypto';
import { getDb } from '../cloud';
import { cachedDoc } from '../codes/cache';
import { allowance, counted, pruneCounters, used, type Counters } from '../campaigns/counters';
import { expiryPolicy } from '../campaigns/earn';
import { COLLECTIONS as CAMPAIGNS, type Campaign } from '../campaigns/model';
import { enqueuePayout } from '../codes/redpackets';
import { redeem } from '../mall/redeem';
import { MALL, type Address } from '../mall/model';
import { addressProblem } from '../mall/rules';
import { COUNTERS, shardIdOf } from '../counter/capped';
import { AppError, isDuplicateKeyError } from '../errors';
import * as ledger from '../ledger/service';
import { withOwnFields } from '../ledger/access';
import { withCards } from '../earn/signin';
import type { Account } from '../ledger/model';
import { inTransaction, txGet, type Tx } from '../tx';
import { audienceFor, audienceMessage } from './audience';
import { byDeck, byOdds, type Outcome } from './engine';
import { recordHash, rollOf } from './fair';
import { drawKeyOf, freeCounterKey, GAME_NAMES, PLAY, prizeKeyOf, stockCounterOf, type DrawRecord, type MemberItems, type Pool, type PoolShard, type SeedDoc } from './model';

/** points: the entry points; free: today's free play; granted: a play granted by another campaign (a scan, a task). */
export type Pay = 'points' | 'free' | 'granted';

const RETRY_CODES = ['IDEMPOTENCY_MISMATCH', 'LIMIT_EXCEEDED', 'NO_FREE_PLAYS', 'NO_GRANTED_PLAYS', 'SOLD_OUT', 'INSUFFICIENT_POINTS'];

export interface DrawRequest {
  pool: string;
  member: string;
  clientKey: string;
  pay: Pay;
  now?: Date;
}

interface Ctx {
  campaign: Campaign;
  pool: Pool;
  seed: string;
  member: string;
  clientKey: string;
  key: string;
  pay: Pay;
  now: Date;
}

/** Ledger keys are at most 128 characters: a longer draw key is represented by its digest. */
export const ledgerKeyOf = (key: string) => (key.length <= 120 ? key : `draw:${createHash('sha256').update(key).digest('base64url')}`);
const prizeLedgerKey = (key: string) => prizeKeyOf(ledgerKeyOf(key)).slice(0, 128);

/** Whether the pool takes plays at `now`, or the code that refuses them. */
export function liveness(c: Campaign, now: Date): 'live' | 'POOL_NOT_PUBLISHED' | 'POOL_NOT_STARTED' | 'POOL_ENDED' {
  if (c.status === 'ended' || (c.window.to && +now >= +new Date(c.window.to))) return c.status === 'draft' ? 'POOL_NOT_PUBLISHED' : 'POOL_ENDED';
  if (c.status !== 'published') return 'POOL_NOT_PUBLISHED';
  if (c.window.from && +now < +new Date(c.window.from)) return 'POOL_NOT_STARTED';
  return 'live';
}

export const readDraw = async (key: string): Promise<DrawRecord | null> => ((await getDb().collection(PLAY.draws).doc(key).get()).data as DrawRecord) ?? null;

/** The pool, its campaign and seed (both cached by the instance: a published version never changes, nor its seed). */
export async function loadPool(poolId: string): Promise<{ campaign: Campaign; pool: Pool; seed: SeedDoc | null }> {
  const campaign = await cachedDoc<Campaign>(CAMPAIGNS.campaigns, poolId);
  if (!campaign || campaign.kind !== 'game') throw new AppError('NOT_FOUND', `no pool ${poolId}`);
  const seed = campaign.status === 'draft' ? null : await cachedDoc<SeedDoc>(PLAY.seeds, poolId);
  return { campaign, pool: campaign.rule as unknown as Pool, seed };
}

export async function draw(req: DrawRequest): Promise<DrawRecord> {
  const now = req.now ?? new Date();
  const key = drawKeyOf(req.pool, req.member, req.clientKey);
  const { campaign, pool, seed } = await loadPool(req.pool);
  const state = liveness(campaign, now);
  if (state !== 'live' || !seed) {
    const first = await readDraw(key); // a retry after the end still answers its first result
    if (first) return answer(first, req);
    throw new AppError(state === 'live' ? 'POOL_NOT_PUBLISHED' : state, `pool ${req.pool} is not open`);
  }
  const audience = await audienceFor(campaign, req.member);
  if (!audience.eligible) {
    const first = await readDraw(key); // a retry after the member's tier changed still answers its first result
    if (first) return answer(first, req);
    throw new AppError('POOL_AUDIENCE', audienceMessage(audience));
  }
  const ctx: Ctx = { campaign, pool, seed: seed.seed, member: req.member, clientKey: req.clientKey, key, pay: req.pay, now };
  let record: DrawRecord | null = null;
  try {
    record = req.pay === 'points' && pool.entry.points > 0 ? await paidDraw(ctx) : await freeDraw(ctx);
  } catch (e) {
    // A refusal may be a retry's: the first draw under the key used the last play or ticket.
    const retryish = isDuplicateKeyError(e) || (e instanceof AppError && RETRY_CODES.includes(e.code));
    if (!retryish) throw e;
    const first = await readDraw(key);
    if (first) return answer(first, req);
    if (isDuplicateKeyError(e)) throw new AppError('CONFLICT', 'this draw is being recorded; try again');
    throw e;
  }
  if (!record) {
    // The ledger answered the key's first entry (a retry, a double tap, a lost reply): its draw answers.
    const first = await readDraw(key);
    if (!first) throw new AppError('IDEMPOTENCY_MISMATCH', 'key was used for a different request');
    return answer(first, req);
  }
  return record.status === 'drawn' ? deliver(record, campaign) : record;
}

async function answer(first: DrawRecord, req: DrawRequest): Promise<DrawRecord> {
  if (first.member !== req.member || first.paid !== req.pay) throw new AppError('IDEMPOTENCY_MISMATCH', 'key was used for a different draw');
  if (first.status === 'fulfilled') return first;
  const { campaign } = await loadPool(first.pool);
  return deliver(first, campaign);
}

/**
 * Entry points through the ledger: the draw is the debit's hook (same transaction, same account
 * update), and a points prize is credited in that very transaction (ledger.debitThenCredit): the
 * record is written already delivered. Other prizes are delivered after it commits.
 */
async function paidDraw(ctx: Ctx): Promise<DrawRecord | null> {
  let made: DrawRecord | null = null;
  try {
    const out = await ledger.debitThenCredit({
      member: ctx.member,
      amount: ctx.pool.entry.points,
      key: ledgerKeyOf(ctx.key),
      source: { kind: 'game', ref: ctx.campaign._id },
      reason: `${GAME_NAMES[ctx.pool.game]} · ${ctx.campaign.name}`,
      now: ctx.now,
      thenCredit: async (tx, _now, account) => {
        made = null;
        const { record, counters } = await drawInTx(tx, ctx, account, true);
        made = record;
        const p = record.prize;
        const policy = expiryPolicy(ctx.campaign);
        return {
          fields: { counters: getDb().command.set(counters) },
          credit:
            p.kind === 'points'
              ? { key: prizeLedgerKey(record._id), amount: p.points!, source: { kind: 'game', ref: ctx.campaign._id }, campaign: ctx.campaign._id, ...(policy ? { expiry: policy } : {}), reason: `${GAME_NAMES[ctx.pool.game]}中奖 · ${p.name}` }
              : null,
        };
      },
    });
    return out.replayed ? null : made;
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND' && /account/.test(e.message)) throw new AppError('INSUFFICIENT_POINTS', 'no points account yet');
    throw e;
  }
}

/**
 * A free or granted play: the same draw in a transaction of our own on the member's account (its
 * counters and granted plays only — the member's own game state, never the ledger's fields).
 */
async function freeDraw(ctx: Ctx): Promise<DrawRecord> {
  if (ctx.pay !== 'granted' && ctx.pool.entry.freePerDay <= 0) throw new AppError('NO_FREE_PLAYS', 'this pool has no free plays');
  return withOwnFields(
    ctx.member,
    async (tx, account) => {
      const { record, counters } = await drawInTx(tx, ctx, account);
      const grants = ctx.pay === 'granted' ? { [`${GRANTS_FIELD}.${ctx.campaign._id}`]: grantedOf(account, ctx.campaign._id) - 1 } : {};
      return { fields: { counters: getDb().command.set(counters), ...grants }, result: record };
    },
    ctx.now,
  );
}

/** The account field holding plays granted by other campaigns, per pool (play/grants.ts). */
export const GRANTS_FIELD = 'playGrants';
export const grantedOf = (account: object | null, pool: string): number => ((account as { [GRANTS_FIELD]?: Record<string, number> } | null)?.[GRANTS_FIELD]?.[pool] ?? 0);

/** Plays the member has made today / in total, and free plays left today, from their counters. */
export function playsOf(c: Campaign, pool: Pool, counters: Counters, now: Date, granted = 0) {
  const bucket = counters[c._id];
  const freeUsed = used(counters[freeCounterKey(c._id)], 'day', 'times', now);
  const capsLeft = c.caps.length ? Math.min(...c.caps.map((cap) => Math.max(0, cap.limit - used(bucket, cap.period, 'times', now)))) : null;
  return { today: used(bucket, 'day', 'times', now), freeLeft: Math.max(0, pool.entry.freePerDay - freeUsed), granted, capsLeft };
}

const FREE_CAP = (n: number) => [{ period: 'day' as const, unit: 'times' as const, limit: n }];

/**
 * Inside the draw transaction, on the account it re-read: the caps, the free plays, the prize from
 * a stock shard (re-read), the chain, the record. Throws (and the transaction writes nothing) when a
 * cap is reached, no free play is left, or a deck has no ticket left.
 */
async function drawInTx(tx: Tx, ctx: Ctx, account: Account, creditsPoints = false): Promise<{ record: DrawRecord; counters: Counters }> {
  const { campaign, pool, now } = ctx;
  const seen = ((account as Account & { counters?: Counters }).counters ?? {}) as Counters;
  if (allowance(campaign.caps, seen[campaign._id], 1, now) <= 0) throw new AppError('LIMIT_EXCEEDED', '已达到参与次数上限');
  const granted = ctx.pay === 'granted';
  const free = ctx.pay === 'free' || (ctx.pay === 'points' && pool.entry.points === 0);
  const freeKey = freeCounterKey(campaign._id);
  if (free && used(seen[freeKey], 'day', 'times', now) >= pool.entry.freePerDay) throw new AppError('NO_FREE_PLAYS', '今日免费次数已用完');
  if (granted && grantedOf(account, campaign._id) < 1) throw new AppError('NO_GRANTED_PLAYS', '没有可用的抽奖机会');

  const roll = rollOf(ctx.seed, ctx.member, ctx.key);
  const counter = stockCounterOf(campaign._id);
  const start = Math.floor(Math.random() * pool.shards);
  const order = Array.from({ length: pool.shards }, (_, k) => (start + k) % pool.shards);
  const shards = new Map<number, PoolShard>();
  const shardAt = async (i: number) => {
    if (!shards.has(i)) shards.set(i, (await txGet<PoolShard>(tx, COUNTERS.shards, shardIdOf(counter, i)))!);
    return shards.get(i)!;
  };
  let at = start;
  let outcome: Outcome | null;
  if (pool.mode === 'deck') {
    outcome = null;
    for (const i of order) {
      const s = await shardAt(i);
      if (s.left > 0) {
        at = i;
        outcome = byDeck(pool, roll, s.remaining);
        break;
      }
    }
    if (!outcome) throw new AppError('SOLD_OUT', '奖券已全部抽完');
  } else {
    // The roll names a prize; a finite one is taken from the first shard (from a random start) that has it.
    await shardAt(start);
    outcome = byOdds(pool, roll, () => true);
    const named = outcome.prize;
    if (named.count !== null) {
      let found = -1;
      for (const i of order) if (((await shardAt(i)).remaining[named.id] ?? 0) > 0) { found = i; break; }
      if (found >= 0) at = found;
      else outcome = byOdds(pool, roll, () => false);
    }
  }
  const shard = await shardAt(at);
  const prize = outcome.prize;
  const takes = prize.count !== null;
  const before = pool.mode === 'deck' ? { ...shard.remaining } : undefined;
  const chained = { pool: campaign._id, shard: at, seq: shard.seq + 1, member: ctx.member, key: ctx.key, roll, prize: prize.id, prev: shard.head };
  const hash = recordHash(chained);
  const _ = getDb().command;
  await tx.collection(COUNTERS.shards).doc(shard._id).update({
    data: { seq: chained.seq, head: hash, ...(takes ? { left: _.inc(-1), [`remaining.${prize.id}`]: _.inc(-1) } : {}) },
  });
  const { id, name, kind, points, item, amountFen, char, costFen } = prize;
  const record: DrawRecord = {
    _id: ctx.key,
    pool: campaign._id,
    game: pool.game,
    version: campaign.version,
    member: ctx.member,
    clientKey: ctx.clientKey,
    paid: granted ? 'granted' : free ? 'free' : 'points',
    cost: free || granted ? 0 : pool.entry.points,
    shard: at,
    seq: chained.seq,
    roll,
    prev: shard.head,
    hash,
    ...(before ? { before } : {}),
    ...(outcome.fallbackFrom ? { fallbackFrom: outcome.fallbackFrom } : {}),
    prize: JSON.parse(JSON.stringify({ id, name, kind, points, item, amountFen, char, costFen })),
    createdAt: now,
    // 谢谢参与 needs no delivery; a points prize of a paid draw is credited in this transaction.
    ...(kind === 'none' ? { status: 'fulfilled' as const, fulfilledAt: now } : kind === 'points' && creditsPoints ? { status: 'fulfilled' as const, fulfilledAt: now, deliveredAs: prizeLedgerKey(ctx.key) } : { status: 'drawn' as const }),
  };
  await tx.collection(PLAY.draws).add({ data: record });
  let next: Counters = campaign.caps.length ? { ...seen, [campaign._id]: counted(campaign.caps, seen[campaign._id], record.cost, now) } : seen;
  if (free) next = { ...next, [freeKey]: counted(FREE_CAP(pool.entry.freePerDay), seen[freeKey], 0, now) };
  return { record, counters: pruneCounters(next, now, 0) };
}

/**
 * Delivers a drawn prize exactly once, by a key derived from the draw (a retry, a resumption and
 * the sweep may all call it): the delivery and the record's `fulfilled` commit together where
 * the delivery is a transaction; a payout is enqueued (idempotent by id) before the record moves.
 */
export async function deliver(record: DrawRecord, campaign: Campaign, now = new Date()): Promise<DrawRecord> {
  const db = getDb();
  const p = record.prize;
  const done = { status: 'fulfilled' as const, fulfilledAt: now };
  if (p.kind === 'points') {
    const policy = expiryPolicy(campaign);
    const entry = await ledger.credit({
      // A free play's points prize (a paid draw's is credited with its entry).
      member: record.member,
      amount: p.points!,
      key: prizeLedgerKey(record._id),
      source: { kind: 'game', ref: campaign._id },
      campaign: campaign._id,
      // No points budget here: the pool's prizes are bounded by their stock (published, budgeted in fen at publish).
      ...(policy ? { expiry: policy } : {}),
      reason: `${GAME_NAMES[record.game]}中奖 · ${p.name}`,
      now,
      alsoInTransaction: async (tx) => {
        await tx.collection(PLAY.draws).doc(record._id).update({ data: { ...done, deliveredAs: prizeLedgerKey(record._id) } });
      },
    });
    return { ...record, ...done, deliveredAs: entry.entry._id };
  }
  if (p.kind === 'makeupCard') {
    // Into the member's sign-in state, where 每日签到's make-up spends it (one card pool for tasks
    // and games), with the draw marked delivered in the same transaction on the account.
    await withOwnFields(record.member, async (tx, account) => {
      const r = await txGet<DrawRecord>(tx, PLAY.draws, record._id);
      if (!r || r.status === 'fulfilled') return { fields: {}, result: undefined };
      await tx.collection(PLAY.draws).doc(record._id).update({ data: { ...done, deliveredAs: `signin:${record.member}` } });
      return { fields: withCards(account, 1), result: undefined };
    }, now);
    return { ...record, ...done, deliveredAs: `signin:${record.member}` };
  }
  if (p.kind === 'charCard') {
    const slot = p.char!;
    await inTransaction(async (tx) => {
      const r = await txGet<DrawRecord>(tx, PLAY.draws, record._id);
      if (!r || r.status === 'fulfilled') return;
      await addItem(tx, record.member, record.pool, slot, 1, now);
      await tx.collection(PLAY.draws).doc(record._id).update({ data: { ...done, deliveredAs: `items:${record.member}` } });
    });
    return { ...record, ...done, deliveredAs: `items:${record.member}` };
  }
  if (p.kind === 'redPacket') {
    const id = `payout:${prizeLedgerKey(record._id)}`.slice(0, 128);
    await enqueuePayout({ id, member: record.member, amountFen: p.amountFen!, campaign: record.pool, ref: record._id, now });
    await db.collection(PLAY.draws).where({ _id: record._id, status: 'drawn' }).update({ data: { ...done, deliveredAs: id } });
    return { ...record, ...done, deliveredAs: id };
  }
  if (p.kind === 'mallItem') {
    // A physical prize ships to an address the member gives in 我的奖品 (play.prizeAddress): until
    // then the draw waits (待填写地址), out of the sweep's way; no order is made without one.
    if (!record.address && (await isPhysical(p.item!))) {
      if (!record.awaitingAddress) await db.collection(PLAY.draws).where({ _id: record._id, status: 'drawn' }).update({ data: { awaitingAddress: true } });
      return { ...record, awaitingAddress: true };
    }
    // A 0-point mall order under a key derived from the draw and its delivery attempt (a retry finds
    // the same order; the mall keeps a failed attempt's answer under its key, so the next attempt
    // after a failure uses the next key).
    const attempt = record.attempts ?? 0;
    try {
      const { order } = await redeem({ member: record.member, item: p.item!, quantity: 1, clientKey: `prize:${record._id}:${attempt}`, address: record.address ?? null, prize: record._id, now });
      // The address lives on in the order (with the mall's retention), not on the draw.
      await db.collection(PLAY.draws).where({ _id: record._id, status: 'drawn' }).update({ data: { ...done, deliveredAs: order.id, ...(record.address ? { address: db.command.remove() } : {}) } });
      const { address: _shipped, ...rest } = record;
      return { ...rest, ...done, deliveredAs: order.id };
    } catch (e) {
      // Out of codes or stock: the draw stands (paid, its result recorded), shown 待发放 until the sweep delivers it.
      if (!(e instanceof AppError)) throw e;
      await db.collection(PLAY.draws).where({ _id: record._id, status: 'drawn', attempts: attempt ? attempt : db.command.exists(false) }).update({ data: { attempts: attempt + 1 } });
      return record;
    }
  }
  return record;
}

/** Adds `n` (may be negative) of `slot` to the member's items for the pool, inside `tx`. */
export async function addItem(tx: Tx, member: string, pool: string, slot: string, n: number, now: Date): Promise<MemberItems> {
  const doc = await txGet<MemberItems>(tx, PLAY.items, member);
  const pools = { ...(doc?.pools ?? {}) };
  const mine = { ...(pools[pool] ?? {}) };
  mine[slot] = (mine[slot] ?? 0) + n;
  if (mine[slot] < 0) throw new AppError('CARD_NOT_HELD', '卡片数量不足');
  pools[pool] = mine;
  const next: MemberItems = { _id: member, pools, sets: doc?.sets ?? {}, updatedAt: now };
  if (doc) await tx.collection(PLAY.items).doc(member).update({ data: { [`pools.${pool}`]: getDb().command.set(mine), updatedAt: now } });
  else await tx.collection(PLAY.items).add({ data: next });
  return next;
}

const isPhysical = async (item: string) => ((await getDb().collection(MALL.items).doc(item).field({ kind: true }).get().catch(() => ({ data: null }))).data as { kind?: string } | null)?.kind === 'physical';

/**
 * 我的奖品's address for a physical prize the member won (play.prizeAddress): recorded on the draw
 * (only the member's own, only while it waits), then delivered — the 0-point order ships there.
 * Again with the draw delivered answers it as it is.
 */
export async function givePrizeAddress(member: string, key: string, address: Address, now = new Date()): Promise<DrawRecord> {
  const db = getDb();
  const found = (await db.collection(PLAY.draws).doc(key).get().catch(() => ({ data: null }))).data as DrawRecord | null;
  if (!found || found.member !== member || found.prize.kind !== 'mallItem') throw new AppError('NOT_FOUND', `no prize ${key} of yours waiting for an address`);
  if (found.status !== 'drawn') return found;
  const problem = addressProblem(address);
  if (problem) throw new AppError('ADDRESS_INVALID', `address: ${problem}`);
  const clean = { ...address, name: address.name.trim(), detail: address.detail.trim() };
  // First address wins (a second tap while the first is delivering changes nothing).
  await db.collection(PLAY.draws).where({ _id: key, member, status: 'drawn', address: db.command.exists(false) }).update({ data: { address: clean, awaitingAddress: false } });
  const record = (await db.collection(PLAY.draws).doc(key).get()).data as DrawRecord;
  const { campaign } = await loadPool(record.pool);
  return deliver(record, campaign, now);
}

/** The sweep: draws left `drawn` by a crash (older than `olderThanMs`) are delivered; prizes waiting for an address wait. */
export async function deliverStale(now = new Date(), olderThanMs = 60_000, limit = 100): Promise<number> {
  const db = getDb();
  const { data } = await db.collection(PLAY.draws).where({ status: 'drawn', awaitingAddress: db.command.neq(true), createdAt: db.command.lte(new Date(+now - olderThanMs)) }).limit(limit).get();
  let n = 0;
  for (const r of data as DrawRecord[]) {
    const { campaign } = await loadPool(r.pool);
    await deliver(r, campaign, now);
    n++;
  }
  return n;
}
