// Provably fair draws (docs/play.md#verification). At publish a pool draws a secret seed and
// publishes SHA256(seed); each draw's roll is HMAC-SHA256(seed, "<member>:<drawKey>") — fixed by the
// commitment and the member's own key, so nobody can steer it after the fact; each draw record
// holds the hash of the record before it on its stock shard (a chain: none can be dropped or
// inserted later); at the end the seed is revealed and anyone can recompute every roll and prize.
// Pure and dependency-free but node:crypto: scripts/verify-draws.ts runs the same code.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const newSeed = (): string => randomBytes(32).toString('hex');
export const commitOf = (seed: string): string => createHash('sha256').update(seed).digest('hex');

/** The roll of one draw: 64 hex digits. */
export const rollOf = (seed: string, member: string, drawKey: string): string => createHmac('sha256', seed).update(`${member}:${drawKey}`).digest('hex');

/** The roll as a fraction in [0, 1): its first 52 bits (exact in a double). */
export const fractionOf = (roll: string): number => parseInt(roll.slice(0, 13), 16) / 2 ** 52;

/** An index in [0, n) from the roll (never n: no "roll equal to the total" hole). */
export const pick = (roll: string, n: number): number => Math.min(n - 1, Math.floor(fractionOf(roll) * n));

/** The fields a draw record's hash covers, in this order. */
export interface Chained {
  pool: string;
  shard: number;
  seq: number;
  member: string;
  key: string;
  roll: string;
  prize: string;
  prev: string;
}

/** SHA256 over the record's chained fields (canonical JSON array). */
export const recordHash = (r: Chained): string =>
  createHash('sha256').update(JSON.stringify([r.pool, r.shard, r.seq, r.member, r.key, r.roll, r.prize, r.prev])).digest('hex');

/** The first record of every shard chains to this. */
export const GENESIS = '0'.repeat(64);
