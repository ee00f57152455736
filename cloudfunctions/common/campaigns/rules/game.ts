// Game campaigns (积分玩法, docs/play.md): the campaign's rule is a prize pool; `evaluate` names the
// prize a draw's roll gives (the points, when it is a points prize). Publishing validates and
// freezes the pool (play/freeze.ts); the draw itself is play/draw.ts.
import { byDeck, byOdds } from '../../play/engine';
import { freezePool } from '../../play/freeze';
import { poolSchema, type Pool } from '../../play/model';
import type { RuleModule } from './index';

export interface GameEvent {
  roll: string;
  /** Deck mode: the shard's remaining counts; odds mode: whether a finite prize has stock. */
  remaining?: Record<string, number>;
  available?: (prizeId: string) => boolean;
}

export const gameRule: RuleModule<Pool, GameEvent> = {
  kind: 'game',
  schema: poolSchema as unknown as RuleModule<Pool, GameEvent>['schema'],
  evaluate(pool, { event }) {
    const out = pool.mode === 'deck' ? byDeck(pool, event.roll, event.remaining ?? {}) : byOdds(pool, event.roll, event.available ?? (() => true));
    if (!out) return { points: 0, why: '奖券已抽完' };
    const p = out.prize;
    return { points: p.kind === 'points' ? p.points! : 0, prize: { ...p }, why: p.name };
  },
  freeze: freezePool,
};
