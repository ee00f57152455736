// Scan campaigns (one-item-one-code, docs/codes.md): points per product, multiplier windows,
// whether a scan outside the batch's sales region earns, the counterfeit threshold, cash red packets.
import { z } from 'zod';
import { assertGrantable } from '../../play/grants';
import type { RuleModule } from './index';

const id = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');

export const redPacketSchema = z
  .object({
    /** Chance a first scan wins, 0..1. */
    probability: z.number().min(0).max(1),
    amountFen: z.number().int().min(1).max(20_000), // ≤ ¥200 per packet
    dailyBudgetFen: z.number().int().min(0).max(100_000_000),
    totalBudgetFen: z.number().int().min(0).max(1_000_000_000),
  })
  .strict();

export const scanRuleSchema = z
  .object({
    /** Points per product (overrides the product's basePoints). */
    pointsByProduct: z.record(id, z.number().int().min(0).max(100_000)).optional(),
    multipliers: z.array(z.object({ from: z.iso.datetime(), to: z.iso.datetime(), factor: z.number().min(1).max(10) }).strict()).max(20).optional(),
    /** Whether a scan outside the batch's region still earns points (default yes). */
    creditOutsideRegion: z.boolean().optional(),
    /** Scans of one code past which every answer warns of counterfeits. */
    counterfeitThreshold: z.number().int().min(1).max(1000).optional(),
    redPacket: redPacketSchema.optional(),
    /** Plays of a game pool a genuine first scan gives (play/grants.ts): publishing checks the pool lists 'scan'. */
    grantPlays: z.object({ pool: z.string().regex(/^[\w\-]{1,32}$/), n: z.number().int().min(1).max(10) }).strict().optional(),
  })
  .strict();

export type ScanRule = z.infer<typeof scanRuleSchema>;
export type RedPacketRule = z.infer<typeof redPacketSchema>;

export interface ScanEvent {
  product: string;
  basePoints: number;
  /** The product's name, so the member's 积分明细 says what was scanned ('' on events from before it). */
  productName?: string;
  /** Scanned outside the batch's sales region. */
  diverted: boolean;
}

/** "扫码 安吉白茶·明前特级 · " — the row in 积分明细 names the product scanned. */
export const scanWhat = (event: ScanEvent) => (event.productName ? `扫码 ${event.productName} · ` : '扫码 ');

export const scanRule: RuleModule<ScanRule, ScanEvent> = {
  kind: 'scan',
  schema: scanRuleSchema,
  /** Base points for the product, times the multiplier window in force (the largest, floored). */
  evaluate(rule, { event, now }) {
    if (event.diverted && rule.creditOutsideRegion === false) return { points: 0, why: '非销售区域扫码' };
    const base = rule.pointsByProduct?.[event.product] ?? event.basePoints;
    let factor = 1;
    for (const m of rule.multipliers ?? []) {
      if (+new Date(m.from) <= +now && +now < +new Date(m.to)) factor = Math.max(factor, m.factor);
    }
    const points = Math.max(0, Math.floor(base * factor));
    return { points, why: `${scanWhat(event)}${factor > 1 ? `${base} × ${factor} 倍` : base}` };
  },
  freeze: (tx, _id, content) => assertGrantable(tx, (content.rule as ScanRule).grantPlays, 'scan'),
};
