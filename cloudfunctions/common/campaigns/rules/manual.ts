// Manual campaigns: an operator grants points under a campaign (a compensation, a prize handed out
// offline); the rule bounds what one grant may be.
import { z } from 'zod';
import type { RuleModule } from './index';

export const manualRuleSchema = z.object({ maxPoints: z.number().int().min(1).max(1_000_000) }).strict();
export type ManualRule = z.infer<typeof manualRuleSchema>;

export interface ManualEvent {
  points: number;
}

export const manualRule: RuleModule<ManualRule, ManualEvent> = {
  kind: 'manual',
  schema: manualRuleSchema,
  evaluate(rule, { event }) {
    const points = Number.isSafeInteger(event.points) && event.points > 0 ? Math.min(event.points, rule.maxPoints) : 0;
    return { points, why: `人工发放 ${points}` };
  },
};
