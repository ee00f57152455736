// Member tiers (会员等级, docs/tiers.md), pure: the scheme, a member's tier state, and every change
// to it as a function of (state, growth entry | cycle end). The stored state is always the fold of
// the member's growth entries and cycle ends in their `seq` order, so it can be replayed and checked.
import { z } from 'zod';

const id = z.string().regex(/^[\w\-]{1,32}$/, 'letters, digits, _ and - only');
const multiplier = z
  .number()
  .min(1)
  .max(10)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'at most 2 decimal places');

export const tierSchema = z
  .object({
    level: id,
    name: z.string().trim().min(1).max(10),
    /** Growth in the current cycle that reaches this tier (the first tier: 0). */
    minGrowth: z.number().int().min(0).max(100_000_000),
    benefits: z
      .object({
        earnMultiplier: multiplier,
        signinMultiplier: multiplier,
        birthdayPoints: z.number().int().min(0).max(100_000).default(0),
        extraPlaysPerDay: z.number().int().min(0).max(20).default(0),
        /** Mall items only this tier and above may redeem (stored; the mall enforces it later). */
        exclusiveItems: z.array(z.string().regex(/^[\w\-]{1,64}$/)).max(50).default([]),
      })
      .strict(),
  })
  .strict();

export const schemeSchema = z
  .object({
    tiers: z
      .array(tierSchema)
      .min(1)
      .max(8)
      .refine((t) => t[0].minGrowth === 0, 'the first tier starts at 0 growth')
      .refine((t) => t.every((x, i) => i === 0 || x.minGrowth > t[i - 1].minGrowth), 'thresholds must rise strictly')
      .refine((t) => new Set(t.map((x) => x.level)).size === t.length, 'tier levels must be unique'),
    /** Growth value (成长值) per source, as the operator configures: per ¥1 of an order's items, per scan, per sign-in. */
    growth: z
      .object({
        orderPerYuan: z.number().int().min(0).max(100).default(1),
        // Scans and sign-ins: per claimed code / per sign-in credit, posted after the fact by the jobs
        // tick (tiers/activity.ts), so neither path spends requests on it.
        scan: z.number().int().min(0).max(100).default(0),
        signin: z.number().int().min(0).max(100).default(0),
      })
      .strict(),
    /** The tier cycle: months from the member's first growth (anniversary); a downgrade only at its end. */
    cycleMonths: z.number().int().min(1).max(24).default(12),
    /** Days before the cycle's end the member is reminded of the growth still needed to keep the tier. */
    remindDays: z.number().int().min(0).max(60).default(15),
  })
  .strict();

export type Tier = z.infer<typeof tierSchema>;
export type SchemeContent = z.infer<typeof schemeSchema>;
export interface Scheme extends SchemeContent {
  version: number;
}

/** No scheme saved yet: one tier, no multipliers (earning works exactly as without tiers). */
export const DEFAULT_SCHEME: Scheme = {
  version: 0,
  tiers: [{ level: 'normal', name: '普通会员', minGrowth: 0, benefits: { earnMultiplier: 1, signinMultiplier: 1, birthdayPoints: 0, extraPlaysPerDay: 0, exclusiveItems: [] } }],
  growth: { orderPerYuan: 1, scan: 0, signin: 0 },
  cycleMonths: 12,
  remindDays: 15,
};

/** `memberTiers/<member>`. Days are Asia/Shanghai `YYYY-MM-DD`. */
export interface TierState {
  level: string;
  /** The level the cycle began with: a refund never takes the member below it (only a cycle end does). */
  levelAtCycleStart: string;
  cycleStart: string;
  /** The first day of the next cycle. */
  cycleEnd: string;
  growthInCycle: number;
  lifetimeGrowth: number;
  /** Growth entries and cycle ends applied so far (each has its seq). */
  seq: number;
}

export type ChangeReason = 'upgrade' | 'refund' | 'cycle-down' | 'cycle-keep';
export const REASON_TEXT: Record<ChangeReason, string> = {
  upgrade: '成长值达标，立即升级',
  // An order's refund, or a scan / sign-in credit reversed (tiers/activity.ts): growth taken back.
  refund: '成长值因退款或撤销扣回，恢复原等级',
  'cycle-down': '周期结束未达保级成长值，降一级',
  'cycle-keep': '周期结束，保级成功',
};

export interface Change {
  from: string;
  to: string;
  reason: ChangeReason;
}

export function indexOf(scheme: Pick<SchemeContent, 'tiers'>, level: string): number {
  const i = scheme.tiers.findIndex((t) => t.level === level);
  return i < 0 ? 0 : i; // a level the scheme no longer has counts as the first
}

export const tierAt = (scheme: Pick<SchemeContent, 'tiers'>, level: string): Tier => scheme.tiers[indexOf(scheme, level)];

const shortName = (name: string) => name.replace(/会员$/, '');

/**
 * The label of a tier-only mall item (docs/tiers.md#tier-only-items): "金卡专享", "金卡及以上专享" (its
 * tiers are one tier and all above it), "银卡、黑金专享"; null for an item for everyone.
 */
export function tierOnlyLabel(scheme: Pick<SchemeContent, 'tiers'>, levels: string[] | undefined): string | null {
  if (!levels?.length) return null;
  const idx = [...new Set(levels.map((l) => scheme.tiers.findIndex((t) => t.level === l)).filter((i) => i >= 0))].sort((a, b) => a - b);
  if (!idx.length) return '会员专享'; // tiers the scheme no longer has: nobody qualifies by name
  const names = idx.map((i) => shortName(scheme.tiers[i].name));
  if (idx.length === 1) return `${names[0]}专享`;
  const toTop = idx[idx.length - 1] === scheme.tiers.length - 1 && idx.every((v, k) => k === 0 || v === idx[k - 1] + 1);
  return toTop ? `${names[0]}及以上专享` : `${names.join('、')}专享`;
}

/** The highest tier `growth` reaches. */
export function qualified(scheme: Pick<SchemeContent, 'tiers'>, growth: number): number {
  let i = 0;
  scheme.tiers.forEach((t, k) => {
    if (growth >= t.minGrowth) i = k;
  });
  return i;
}

/** `day` + n calendar months (a 31st becomes the month's last day). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function initialState(scheme: Scheme, today: string): TierState {
  const first = scheme.tiers[0].level;
  return { level: first, levelAtCycleStart: first, cycleStart: today, cycleEnd: addMonths(today, scheme.cycleMonths), growthInCycle: 0, lifetimeGrowth: 0, seq: 0 };
}

/**
 * One growth entry. `inCycle`: the entry (or, for a reversal, the entry it reverses) belongs to the
 * current cycle; a reversal of a past cycle's growth changes only the lifetime total.
 * Up: at once, as far as the growth reaches. Down (a refund): only back to what the growth still
 * reaches, never below the cycle's starting level.
 */
export function applyGrowth(scheme: Scheme, s: TierState, delta: number, inCycle: boolean): { state: TierState; change: Change | null } {
  const next: TierState = { ...s, seq: s.seq + 1, lifetimeGrowth: s.lifetimeGrowth + delta };
  if (!inCycle) return { state: next, change: null };
  next.growthInCycle = s.growthInCycle + delta;
  const cur = indexOf(scheme, s.level);
  const reach = qualified(scheme, next.growthInCycle);
  let to = cur;
  if (delta > 0 && reach > cur) to = reach;
  if (delta < 0 && reach < cur) to = Math.max(reach, indexOf(scheme, s.levelAtCycleStart));
  if (to === cur) return { state: next, change: null };
  next.level = scheme.tiers[to].level;
  return { state: next, change: { from: s.level, to: next.level, reason: delta > 0 ? 'upgrade' : 'refund' } };
}

/**
 * Closes the cycle that ended by `today` (one call per cycle): the tier stays if its growth in the
 * cycle reached the tier's threshold, else it drops ONE level; a new cycle starts with 0 growth.
 * Null when the cycle has not ended.
 */
export function closeCycle(scheme: Scheme, s: TierState, today: string): { state: TierState; change: Change } | null {
  if (s.cycleEnd > today) return null;
  const cur = indexOf(scheme, s.level);
  const keep = s.growthInCycle >= scheme.tiers[cur].minGrowth;
  const to = keep ? cur : Math.max(0, cur - 1);
  const level = scheme.tiers[to].level;
  const state: TierState = { ...s, level, levelAtCycleStart: level, cycleStart: s.cycleEnd, cycleEnd: addMonths(s.cycleEnd, scheme.cycleMonths), growthInCycle: 0, seq: s.seq + 1 };
  return { state, change: { from: s.level, to: level, reason: keep ? 'cycle-keep' : 'cycle-down' } };
}

/** "还差 X 成长值保级" when the cycle ends within remindDays and the tier is not yet kept; else null. */
export function keepReminder(scheme: Scheme, s: TierState, today: string): { short: number; cycleEnd: string; text: string } | null {
  const cur = indexOf(scheme, s.level);
  if (cur === 0) return null;
  const need = scheme.tiers[cur].minGrowth - s.growthInCycle;
  if (need <= 0) return null;
  const days = Math.round((Date.parse(`${s.cycleEnd}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (days > scheme.remindDays || days <= 0) return null;
  return { short: need, cycleEnd: s.cycleEnd, text: `还差 ${need} 成长值保级（${s.cycleEnd} 前）` };
}

/** Growth from an order's items (shipping excluded), floored. */
export const orderGrowth = (scheme: Pick<SchemeContent, 'growth'>, itemsFen: number): number => Math.floor((itemsFen * scheme.growth.orderPerYuan) / 100);

/** A replay record: a growth entry or a cycle end, in seq order. */
export type ReplayStep = { seq: number; kind: 'growth'; delta: number; inCycle: boolean } | { seq: number; kind: 'cycle'; day: string };

/** The state the steps produce from the initial state (what `memberTiers` must equal). */
export function replay(scheme: Scheme, start: TierState, steps: ReplayStep[]): TierState {
  let s = start;
  for (const st of [...steps].sort((a, b) => a.seq - b.seq)) {
    if (st.kind === 'growth') s = applyGrowth(scheme, s, st.delta, st.inCycle).state;
    else s = closeCycle(scheme, s, st.day)?.state ?? s;
  }
  return s;
}
