// 集字有礼 (docs/play.md#collect): characters come as prizes of draws (and, later, scans and
// tasks) into the member's items; a full set combines into the pool's set prize in ONE
// transaction (each character −1, the set counted, the set prize's stock taken, its record added),
// then the prize is delivered like a draw's. A spare card is given to a friend through a gift
// held in escrow: the giver's card leaves in one transaction, the friend claims it exactly once in
// another (a gift cannot be claimed by its giver). No card is ever given for sharing.
import { createCounter, takeInTx } from '../counter/capped';
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { inTransaction, txGet } from '../tx';
import { addItem, deliver, liveness, loadPool, readDraw } from './draw';
import { PLAY, type DrawRecord, type MemberItems, type Pool } from './model';
import type { Tx } from '../tx';

export const GIFTS = 'cardGifts';
export const setCounterOf = (pool: string) => `game:${pool}:set`;

export interface Gift {
  _id: string;
  from: string;
  pool: string;
  char: string;
  status: 'open' | 'claimed';
  to?: string;
  createdAt: Date;
  claimedAt?: Date;
}

/** At publish (inside its transaction): the set prize's stock on the shared counter. */
export async function freezeSet(tx: Tx, poolId: string, pool: Pool, now: Date): Promise<void> {
  if (pool.collect) await createCounter({ id: setCounterOf(poolId), cap: pool.collect.prize.count ?? 0, shards: 1, now }, tx);
}

export async function combine(o: { pool: string; member: string; clientKey: string; now?: Date }): Promise<DrawRecord> {
  const now = o.now ?? new Date();
  const key = `combine:${o.pool}:${o.member}:${o.clientKey}`;
  const { campaign, pool } = await loadPool(o.pool);
  if (!pool.collect) throw new AppError('NOT_FOUND', `pool ${o.pool} has no set to collect`);
  const state = liveness(campaign, now);
  let record: DrawRecord;
  try {
    if (state !== 'live' && state !== 'POOL_ENDED') throw new AppError(state, 'pool is not open');
    const set = pool.collect;
    record = await inTransaction(async (tx) => {
      const items = await txGet<MemberItems>(tx, PLAY.items, o.member);
      const mine = { ...(items?.pools?.[o.pool] ?? {}) };
      const missing = set.chars.filter((c) => (mine[c] ?? 0) < 1);
      if (missing.length) throw new AppError('SET_INCOMPLETE', `还差：${missing.join('、')}`);
      for (const c of set.chars) mine[c] -= 1;
      await takeInTx(tx, setCounterOf(o.pool), 1, { code: 'SOLD_OUT', shards: 1 });
      await tx.collection(PLAY.items).doc(o.member).update({
        data: { [`pools.${o.pool}`]: getDb().command.set(mine), [`sets.${o.pool}`]: (items!.sets?.[o.pool] ?? 0) + 1, updatedAt: now },
      });
      const { id, name, kind, points, item, amountFen, char, costFen } = set.prize;
      const r: DrawRecord = {
        _id: key, pool: o.pool, game: 'collect', version: campaign.version, member: o.member, clientKey: o.clientKey, paid: 'free', cost: 0,
        shard: -1, seq: 0, roll: '', prev: '', hash: '',
        prize: JSON.parse(JSON.stringify({ id, name, kind, points, item, amountFen, char, costFen })),
        status: kind === 'none' ? 'fulfilled' : 'drawn', createdAt: now,
      };
      await tx.collection(PLAY.draws).add({ data: r });
      return r;
    });
  } catch (e) {
    const first = await readDraw(key);
    if (first && first.member === o.member) return first.status === 'drawn' ? deliver(first, campaign, now) : first;
    if (isDuplicateKeyError(e)) throw new AppError('CONFLICT', 'this combination is being recorded; try again');
    throw e;
  }
  return record.status === 'drawn' ? deliver(record, campaign, now) : record;
}

/** The giver's card leaves into a gift (escrow); the friend claims it with the gift id. */
export async function giveCard(o: { pool: string; member: string; char: string; clientKey: string; now?: Date }): Promise<Gift> {
  const now = o.now ?? new Date();
  const { pool } = await loadPool(o.pool);
  if (!pool.collect?.chars.includes(o.char)) throw new AppError('NOT_FOUND', `no card ${o.char} in pool ${o.pool}`);
  const gift: Gift = { _id: `gift-${o.member.slice(-12)}-${o.clientKey}`, from: o.member, pool: o.pool, char: o.char, status: 'open', createdAt: now };
  try {
    await inTransaction(async (tx) => {
      await addItem(tx, o.member, o.pool, o.char, -1, now);
      await tx.collection(GIFTS).add({ data: gift });
    });
  } catch (e) {
    const { data } = await getDb().collection(GIFTS).doc(gift._id).get().catch(() => ({ data: null }));
    const first = data as Gift | null;
    if (first && first.from === o.member && first.char === o.char && first.pool === o.pool) return first;
    if (first) throw new AppError('IDEMPOTENCY_MISMATCH', 'key was used for another gift');
    throw e;
  }
  return gift;
}

/** Claims a gift: exactly once, never by its giver. A repeat by the same friend answers it again. */
export async function claimGift(o: { gift: string; member: string; now?: Date }): Promise<Gift> {
  const now = o.now ?? new Date();
  return inTransaction(async (tx) => {
    const g = await txGet<Gift>(tx, GIFTS, o.gift);
    if (!g) throw new AppError('NOT_FOUND', 'no such gift');
    if (g.from === o.member) throw new AppError('CARD_TO_SELF', 'one cannot claim one\'s own gift');
    if (g.status === 'claimed') {
      if (g.to === o.member) return g;
      throw new AppError('CONFLICT', 'this gift was claimed by someone else: 已被领取');
    }
    await addItem(tx, o.member, g.pool, g.char, 1, now);
    await tx.collection(GIFTS).doc(g._id).update({ data: { status: 'claimed', to: o.member, claimedAt: now } });
    return { ...g, status: 'claimed' as const, to: o.member, claimedAt: now };
  });
}

