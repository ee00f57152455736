// Member tiers' storage (docs/tiers.md): the scheme (versioned), each member's state, their keyed
// growth entries and every tier change with its reason. Growth is written inside the caller's
// transaction (an order's payment or refund, a sign-in's credit), so growth and its cause commit
// together, and a key is written once: a retry's add fails on the duplicate _id with everything else.
import { getDb } from '../cloud';
import { cachedDoc, forget } from '../codes/cache';
import { AppError } from '../errors';
import { shanghaiDay, shanghaiDayStart } from '../time';
import { inTransaction, txGet, type Tx } from '../tx';
import type { TierInput } from '../campaigns/tier';
import {
  DEFAULT_SCHEME,
  REASON_TEXT,
  applyGrowth,
  closeCycle,
  indexOf,
  initialState,
  keepReminder,
  tierAt,
  type Change,
  type Scheme,
  type SchemeContent,
  type TierState,
} from './rules';

export const COLLECTIONS = {
  /** `current` (what earn paths read) and every saved version `v<n>`. */
  schemes: 'tierSchemes',
  /** One per member: their tier state. */
  members: 'memberTiers',
  /** Growth value entries, `_id` = the idempotency key (`growth:order:<id>`, `growth:refund:<order>:<refund>`, …). */
  growth: 'growthEntries',
  /** `<member>:<seq>`: every tier change (and cycle end) with its reason. */
  changes: 'tierChanges',
} as const;

export interface StoredState extends TierState {
  _id: string;
  updatedAt: Date;
}

export interface GrowthEntry {
  _id: string;
  member: string;
  delta: number;
  source: { kind: string; ref: string };
  seq: number;
  /** Counted in the cycle's growth (a reversal of an earlier cycle's growth is not). */
  inCycle: boolean;
  cycleStart: string;
  schemeVersion: number;
  levelAfter: string;
  at: Date;
}

export interface ChangeRecord extends Change {
  _id: string;
  member: string;
  seq: number;
  reasonText: string;
  /** The Shanghai day it took effect. */
  day: string;
  growthInCycle: number;
  at: Date;
}

export async function loadScheme(): Promise<Scheme> {
  return (await cachedDoc<Scheme>(COLLECTIONS.schemes, 'current')) ?? DEFAULT_SCHEME;
}

/** `jobRuns/<id>`: where the tick's growth from scans and sign-ins has got to (tiers/activity.ts). */
export const ACTIVITY_CURSOR = 'growth-activity';
const givesActivityGrowth = (g: Partial<Scheme['growth']> | undefined) => !!(g?.scan || g?.signin);

export async function saveScheme(content: SchemeContent, operator: string, now = new Date()): Promise<Scheme> {
  const saved = await inTransaction(async (tx) => {
    const cur = await txGet<Scheme>(tx, COLLECTIONS.schemes, 'current');
    const version = (cur?.version ?? 0) + 1;
    const doc = { ...content, version, savedAt: now, savedBy: operator };
    await tx.collection(COLLECTIONS.schemes).doc('current').set({ data: doc });
    await tx.collection(COLLECTIONS.schemes).doc(`v${version}`).set({ data: doc });
    // Scan / sign-in growth turned on: it is given from now on, never for the time it was off.
    if (givesActivityGrowth(content.growth) && !givesActivityGrowth(cur?.growth)) {
      await tx.collection('jobRuns').doc(ACTIVITY_CURSOR).set({ data: { job: ACTIVITY_CURSOR, at: now, id: '', updatedAt: now } });
    }
    return doc;
  });
  forget(COLLECTIONS.schemes, 'current');
  return saved;
}

export interface TierOf {
  /** The tier's level id (e.g. `gold`). */
  tier: string;
  /** Its Chinese name (e.g. 金卡会员). */
  name: string;
  earnMultiplier: number;
  signinMultiplier: number;
  extraPlaysPerDay: number;
  birthdayPoints: number;
}

export const benefitsOf = (scheme: Scheme, level: string): TierOf => {
  const t = tierAt(scheme, level);
  return { tier: t.level, name: t.name, earnMultiplier: t.benefits.earnMultiplier, signinMultiplier: t.benefits.signinMultiplier, extraPlaysPerDay: t.benefits.extraPlaysPerDay, birthdayPoints: t.benefits.birthdayPoints };
};

/**
 * The member's tier and its multipliers, for every earn path (sign-in, tasks, games): one read of
 * `memberTiers/<member>` (the scheme is cached). A member without growth has the first tier.
 */
export async function tierOf(member: string): Promise<TierOf> {
  const [scheme, { data }] = await Promise.all([loadScheme(), getDb().collection(COLLECTIONS.members).doc(member).field({ level: true }).get()]);
  return benefitsOf(scheme, (data as { level?: string } | null)?.level ?? scheme.tiers[0].level);
}

/**
 * A `$lookup` stage joining the member's tier state (`memberTiers/<member>`, its level and cycle)
 * into another module's one-request aggregate (a sign-in's read of the member's account).
 */
export function tierJoin(member: string, as: string) {
  const pipeline = getDb().command.aggregate.pipeline().match({ _id: member }).project({ level: 1 }).done();
  return { from: COLLECTIONS.members, pipeline, as };
}

/** The tier an earn of `kind` uses, as plain rule input: sign-ins the sign-in multiplier, the rest the earning one. */
export function tierInput(scheme: Scheme, level: string | undefined, kind: 'signin' | 'earn'): TierInput {
  const t = benefitsOf(scheme, level ?? scheme.tiers[0].level);
  return { tier: t.tier, name: t.name, multiplier: kind === 'signin' ? t.signinMultiplier : t.earnMultiplier };
}

/** Inside a transaction: the member's state (or null: no growth yet). */
export const readTierState = (tx: Tx, member: string) => txGet<StoredState>(tx, COLLECTIONS.members, member);

export interface GrowthWrite {
  member: string;
  key: string;
  delta: number;
  source: { kind: string; ref: string };
  now: Date;
  /** For a reversal: the cycle the reversed growth was counted in. */
  originCycleStart?: string;
}

/**
 * Inside the caller's transaction: closes any cycle that ended (so growth lands in the right cycle),
 * adds the growth entry under its key, records tier changes, writes the state. `state` is what the
 * caller read through `tx` (readTierState). Returns the new state and the growth entry.
 */
export async function growInTx(
  tx: Tx,
  scheme: Scheme,
  state: StoredState | null,
  g: GrowthWrite,
  /** The caller's own per-member fields written with the state (e.g. the order campaign's counters). */
  extra?: Record<string, unknown>,
): Promise<{ state: TierState; entry: GrowthEntry | null }> {
  const today = shanghaiDay(g.now);
  let s: TierState = state ? strip(state) : initialState(scheme, today);
  const changes: { change: Change; seq: number; growth: number; day: string }[] = [];
  for (let c = closeCycle(scheme, s, today); c; c = closeCycle(scheme, s, today)) {
    changes.push({ change: c.change, seq: c.state.seq, growth: s.growthInCycle, day: s.cycleEnd });
    s = c.state;
  }
  let entry: GrowthEntry | null = null;
  if (g.delta !== 0) {
    const inCycle = g.originCycleStart === undefined || g.originCycleStart === s.cycleStart;
    const r = applyGrowth(scheme, s, g.delta, inCycle);
    entry = { _id: g.key, member: g.member, delta: g.delta, source: g.source, seq: r.state.seq, inCycle, cycleStart: inCycle ? s.cycleStart : g.originCycleStart!, schemeVersion: scheme.version, levelAfter: r.state.level, at: g.now };
    if (r.change) changes.push({ change: r.change, seq: r.state.seq, growth: r.state.growthInCycle, day: today });
    s = r.state;
  }
  // The member's state first: two transactions of one member conflict on it (and retry) before
  // either adds a record under the same seq.
  if (entry || changes.length || extra) {
    // set() replaces the document: fields other modules keep here travel with it.
    const { _id: _drop, ...kept } = (state ?? {}) as Partial<StoredState>;
    await tx.collection(COLLECTIONS.members).doc(g.member).set({ data: { ...kept, ...s, ...(extra ?? {}), updatedAt: g.now } });
  }
  if (entry) await tx.collection(COLLECTIONS.growth).add({ data: entry });
  for (const c of changes) {
    const rec: ChangeRecord = { _id: `${g.member}:${c.seq}`, member: g.member, seq: c.seq, ...c.change, reasonText: REASON_TEXT[c.change.reason], day: c.day, growthInCycle: c.growth, at: g.now };
    await tx.collection(COLLECTIONS.changes).add({ data: rec });
  }
  return { state: s, entry };
}

const strip = (s: StoredState): TierState => ({
  level: s.level,
  levelAtCycleStart: s.levelAtCycleStart,
  cycleStart: s.cycleStart,
  cycleEnd: s.cycleEnd,
  growthInCycle: s.growthInCycle,
  lifetimeGrowth: s.lifetimeGrowth,
  seq: s.seq,
});

/** Growth from a source outside a transaction of the caller's (e.g. a scan's, after its credit): its own transaction, idempotent by key. */
export async function grow(g: GrowthWrite): Promise<{ state: TierState; replayed: boolean }> {
  const scheme = await loadScheme();
  try {
    return await inTransaction(async (tx) => {
      const r = await growInTx(tx, scheme, await readTierState(tx, g.member), g);
      return { state: r.state, replayed: false };
    });
  } catch (e) {
    const { data } = await getDb().collection(COLLECTIONS.growth).doc(g.key).get();
    if (data) {
      if ((data as GrowthEntry).delta !== g.delta || (data as GrowthEntry).member !== g.member) throw new AppError('IDEMPOTENCY_MISMATCH', `growth key ${g.key} was used for a different amount`);
      const { data: st } = await getDb().collection(COLLECTIONS.members).doc(g.member).get();
      return { state: strip(st as StoredState), replayed: true };
    }
    throw e;
  }
}

/**
 * The daily pass: closes the cycles that ended by today (one level down at most per cycle), page
 * after page within `budgetMs`; what is left waits for the next day's pass (a member's own growth,
 * and their tier page, close their cycle first anyway, so nobody is judged in the wrong cycle).
 */
export async function closeDueCycles(now = new Date(), budgetMs = 2_000, limit = 100): Promise<{ closed: number }> {
  const db = getDb();
  const started = Date.now();
  const today = shanghaiDay(now);
  const scheme = await loadScheme();
  let closed = 0;
  for (;;) {
    // Each close moves its member's cycleEnd past today, out of the query: the first page is always the next.
    const { data } = await db.collection(COLLECTIONS.members).where({ cycleEnd: db.command.lte(today) }).limit(limit).get();
    for (const m of data as StoredState[]) {
      await inTransaction(async (tx) => growInTx(tx, scheme, await readTierState(tx, m._id), { member: m._id, key: `cycle:${m._id}`, delta: 0, source: { kind: 'cycle', ref: today }, now }));
      closed++;
    }
    if (data.length < limit || Date.now() - started > budgetMs) return { closed };
  }
}

/** 会员等级 page: the current tier, progress to the next, every tier's benefits, the history. */
export async function myTier(member: string, now = new Date()) {
  const db = getDb();
  const today = shanghaiDay(now);
  const [scheme, { data: st }, { data: history }] = await Promise.all([
    loadScheme(),
    db.collection(COLLECTIONS.members).doc(member).get(),
    db.collection(COLLECTIONS.changes).where({ member }).orderBy('seq', 'desc').limit(20).get(),
  ]);
  let state = st ? strip(st as StoredState) : initialState(scheme, today);
  // A cycle that ended but is not yet closed by the daily pass is shown as it will be closed.
  for (let c = closeCycle(scheme, state, today); c; c = closeCycle(scheme, state, today)) state = c.state;
  const i = indexOf(scheme, state.level);
  const next = scheme.tiers[i + 1] ?? null;
  return {
    schemeVersion: scheme.version,
    current: { ...benefitsOf(scheme, state.level), minGrowth: scheme.tiers[i].minGrowth },
    growthInCycle: state.growthInCycle,
    lifetimeGrowth: state.lifetimeGrowth,
    cycleStart: state.cycleStart,
    cycleEnd: state.cycleEnd,
    /** The cycle's last day (cycleEnd is the next cycle's first). */
    cycleLastDay: shanghaiDay(+shanghaiDayStart(state.cycleEnd) - 86_400_000),
    growthRules: scheme.growth,
    next: next ? { tier: next.level, name: next.name, minGrowth: next.minGrowth, short: Math.max(0, next.minGrowth - state.growthInCycle) } : null,
    reminder: keepReminder(scheme, state, today),
    tiers: scheme.tiers,
    history: (history as ChangeRecord[]).map((h) => ({ seq: h.seq, from: tierAt(scheme, h.from).name, to: tierAt(scheme, h.to).name, reason: h.reason, reasonText: h.reasonText, day: h.day })),
  };
}
