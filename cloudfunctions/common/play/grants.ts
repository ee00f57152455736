// Plays granted by other campaigns (docs/play.md#granted-plays): a genuine scan or a finished task
// may grant plays of a pool whose published entry lists that source (never sharing or following:
// publishing refuses those). One grant per key (the caller's, e.g. `scan:<code>`), recorded in
// `playGrants` in the same transaction that adds the plays to the member's account field
// `playGrants.<pool>`; a draw with `pay: 'granted'` uses one (play/draw.ts).
import { getDb } from '../cloud';
import { AppError, isDuplicateKeyError } from '../errors';
import { accountFields, withOwnFields } from '../ledger/access';
import { GRANTS_FIELD, grantedOf, liveness, loadPool } from './draw';
import { PLAY } from './model';
import { COLLECTIONS as CAMPAIGNS, type Campaign } from '../campaigns/model';
import { txGet, type Tx } from '../tx';

export interface GrantRequest {
  pool: string;
  member: string;
  /** How many plays (1..10). */
  plays: number;
  /** What earned them: must be one of the pool's published entry sources. */
  source: 'scan' | 'task';
  /** The caller's idempotency key. */
  key: string;
  now?: Date;
}

/** Grants plays once per key; answers the member's granted plays left and whether this call granted them. */
export async function grantPlays(req: GrantRequest): Promise<{ granted: boolean; left: number }> {
  const now = req.now ?? new Date();
  if (!Number.isInteger(req.plays) || req.plays < 1 || req.plays > 10) throw new AppError('BAD_REQUEST', 'plays must be 1..10');
  const { campaign, pool } = await loadPool(req.pool);
  if (!pool.entry.sources.includes(req.source)) throw new AppError('BAD_REQUEST', `pool ${req.pool} does not grant plays for ${req.source}`);
  const state = liveness(campaign, now);
  if (state !== 'live') throw new AppError(state, `pool ${req.pool} is not open`);
  const id = `${req.pool}:${req.key}`;
  try {
    return await withOwnFields(
      req.member,
      async (tx, account) => {
        await tx.collection(PLAY.grants).add({ data: { _id: id, pool: req.pool, member: req.member, plays: req.plays, source: req.source, createdAt: now } });
        const left = grantedOf(account, req.pool) + req.plays;
        return { fields: { [`${GRANTS_FIELD}.${req.pool}`]: left }, result: { granted: true, left } };
      },
      now,
    );
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    const db = getDb();
    const { data: first } = await db.collection(PLAY.grants).doc(id).get();
    if ((first as { member?: string } | null)?.member !== req.member) throw new AppError('IDEMPOTENCY_MISMATCH', `grant key ${req.key} was used for another member`);
    return { granted: false, left: grantedOf(await accountFields(req.member, [GRANTS_FIELD]), req.pool) };
  }
}

/** A campaign's grant of plays (a task's `plays`, a scan campaign's `grantPlays`). */
export interface PlaysGrant {
  pool: string;
  n: number;
}

/**
 * At publish of a campaign that grants plays, inside its transaction: the pool must be a game
 * campaign, not ended, whose entry lists the source — else every grant would be refused later.
 */
export async function assertGrantable(tx: Tx, grant: PlaysGrant | undefined, source: GrantRequest['source']): Promise<void> {
  if (!grant) return;
  const c = await txGet<Campaign>(tx, CAMPAIGNS.campaigns, grant.pool);
  if (!c || c.kind !== 'game' || c.status === 'ended') throw new AppError('BAD_REQUEST', `no open pool ${grant.pool}: 赠送抽奖次数的奖池不存在或已结束`);
  const sources = (c.rule as { entry?: { sources?: string[] } }).entry?.sources ?? [];
  if (!sources.includes(source)) throw new AppError('BAD_REQUEST', `pool ${grant.pool} does not list ${source} in entry.sources: 奖池未开放“${source === 'task' ? '完成任务' : '扫码'}”获得参与机会`);
}

/**
 * The grant a paying campaign makes after its payment (idempotent by key, so a retry completes it).
 * A pool that stopped accepting the grant (ended, source dropped) refuses it: the payment stands
 * and no plays are given (null). Other failures propagate so the caller's retry grants them.
 */
export async function grantAfterPayment(req: GrantRequest, o: { ifMissing?: boolean } = {}): Promise<{ granted: boolean } | null> {
  // A retry's check (one read) before the grant's transaction: usually the grant is there.
  if (o.ifMissing && (await getDb().collection(PLAY.grants).doc(`${req.pool}:${req.key}`).get()).data) return { granted: false };
  try {
    return await grantPlays(req);
  } catch (e) {
    if (e instanceof AppError && e.code !== 'CONFLICT' && e.code !== 'INTERNAL') return null;
    throw e;
  }
}
