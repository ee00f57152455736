// The rule registry: one module per campaign kind, with its zod schema and a pure evaluation of
// plain inputs (the event, the member's counters, their tier, now) → points or a prize. No I/O in
// rules. A kind without a module cannot be created yet; signin / task / order / game plug in here
// with a rule module and a form.
import type { z } from 'zod';
import type { Campaign, CampaignContent, Kind } from '../model';
import type { Tx } from '../../tx';
import type { Counters } from '../counters';
import { gameRule } from './game';
import { manualRule } from './manual';
import { orderRule } from './order';
import { scanRule } from './scan';
import { signinRule } from './signin';
import { taskRule } from './task';

export interface EvalInput<E> {
  event: E;
  counters: Counters;
  tier: string;
  now: Date;
}

/** Points (before caps), or a prize, and why (shown to the member and kept with the credit). */
export interface Award {
  points: number;
  prize?: { kind: string; [k: string]: unknown };
  /** Chinese, e.g. "基础 20 × 3 倍". */
  why: string;
}

export interface RuleModule<R, E> {
  kind: Kind;
  schema: z.ZodType<R>;
  evaluate(rule: R, input: EvalInput<E>): Award;
  /** At publish, inside its transaction (doc get/set/add only): validate and freeze what the kind needs (a game's seed and stock). */
  freeze?(tx: Tx, id: string, content: CampaignContent, head: Campaign, now: Date): Promise<void>;
}

export const RULES: Partial<Record<Kind, RuleModule<any, any>>> = {
  scan: scanRule,
  manual: manualRule,
  signin: signinRule,
  task: taskRule,
  order: orderRule,
  game: gameRule,
};

export function ruleModule(kind: Kind): RuleModule<any, any> | null {
  return RULES[kind] ?? null;
}
