// The campaign simulator (docs/campaigns.md#simulator): replays the last 30 days of real facts —
// scan claims, sign-ins, brand order reports — through a draft's rules and the published version's,
// and answers issued points, liability in ¥, C, D and days to A for both, side by side.
//
// Two halves: `simulate()` is pure (facts + context → figures) and evaluates every fact with the
// campaigns registry's own decisions (earn.ts `decide` / `countEarn`, the kind's rule module, the
// caps on per-member counters, `planSignin` for sign-ins), so a simulated figure is what the earn
// path would have credited — there is no second copy of any formula here. `loadFacts()` /
// `simulateCampaign()` read the facts where they live, bounded (see BOUNDS).
import { getDb } from '../cloud';
import { COLLECTIONS as CODES } from '../codes/model';
import { AppError } from '../errors';
import { budgetStatus } from '../ledger/budgets';
import { entriesForReading } from '../ledger/access';
import { rateAt, type RateChange } from '../ledger/rates';
import { DEFAULT_POINTS_PER_YUAN, rateHistory } from '../ledger/settings';
import { liabilityFen, ratesList, scopeOf } from '../metrics/figures';
import { METRICS, memberMarkerId } from '../metrics/model';
import { ORDERS } from '../orders/model';
import { shanghaiDay, shanghaiDayStart } from '../time';
import type { Counters } from './counters';
import { countEarn, decide, isLive } from './earn';
import { COLLECTIONS as C, versionId, type Campaign, type CampaignContent, type Version } from './model';
import { ruleModule } from './rules';
import type { OrderItemIn } from './rules/order';
import { addDays, emptyState, planSignin, type SigninRule, type SigninState } from './rules/signin';
import type { TierInput } from './tier';

/** How far back the facts go, and the most read per simulation (per kind's facts). */
export const BOUNDS = { days: 30, maxFacts: 10_000, page: 1_000, maxBatches: 100, maxScopes: 20 } as const;

export type Fact =
  | { kind: 'scan'; member: string; at: Date; product: string; productName?: string; basePoints: number; diverted: boolean }
  | { kind: 'signin'; member: string; at: Date; day: string; makeUp: boolean; tier: TierInput }
  | { kind: 'order'; member: string; at: Date; orderId: string; items: OrderItemIn[]; tier: string; tierName: string; tierMultiplier: number };

export type SimKind = Fact['kind'];
export const SIMULATED_KINDS: readonly SimKind[] = ['scan', 'signin', 'order'];

export interface SimContext {
  /** The window replayed: [from, to). */
  from: Date;
  to: Date;
  /** The exchange rate's dated history: each credit is valued at the rate in force at its time. */
  rates: RateChange[];
  /** Points of the basis campaigns spent in the window (closed days). */
  spent: number;
  /** Members who spent points of the basis campaigns in the window. */
  spenders: ReadonlySet<string>;
  /** A and B now, per budget id (what a version names). */
  budgets: Record<string, { cap: number; issued: number }>;
}

export interface SimFigures {
  /** Points the version would have issued over the facts (after rules and caps). */
  issued: number;
  /** Credits it would have made, and facts that earned nothing (rule gave 0, capped, outside the window). */
  credits: number;
  nothing: number;
  /** Distinct members who would have received points. */
  receivers: number;
  /** What the issued points are worth, each at the rate in force when it was issued (fen). */
  liabilityFen: number;
  /** C = spent / issued (the window's spend held fixed), null with nothing issued. */
  redemptionRate: number | null;
  /** D = receivers who spent / receivers, null with no receivers. */
  usageRate: number | null;
  /** A, B and days until B reaches A at the simulated daily issue; null without a budget. */
  budgetCap: number | null;
  budgetIssued: number | null;
  daysToA: number | null;
  /** Issued per Shanghai day of the window. */
  byDay: { day: string; points: number }[];
}

/** A version's content as the campaign the earn path would read. */
function asCampaign(id: string, content: CampaignContent, version: number): Campaign {
  const mod = ruleModule(content.kind);
  if (!mod) throw new AppError('BAD_REQUEST', '该类型活动尚未开放');
  const parsed = mod.schema.safeParse(content.rule); // defaults filled in, as stored on save
  if (!parsed.success) throw new AppError('BAD_REQUEST', '规则不完整，无法模拟');
  const epoch = new Date(0);
  return { _id: id, ...content, rule: parsed.data as Record<string, unknown>, status: 'published', version, draft: null, createdAt: epoch, updatedAt: epoch };
}

/** The rate in force at `at`, or the ledger's default before any change (as credits do). */
function rateOf(history: RateChange[], at: Date): number {
  if (!history.length) return DEFAULT_POINTS_PER_YUAN;
  try {
    return rateAt(history, at);
  } catch {
    return DEFAULT_POINTS_PER_YUAN;
  }
}

interface Replay {
  issued: number;
  credits: number;
  nothing: number;
  members: Map<string, number>;
  byRate: Map<number, number>;
  byDay: Map<string, number>;
}

/** Every fact, in time order, through the version: the rule, the member's caps, their counters after. */
export function replay(id: string, content: CampaignContent, version: number, facts: readonly Fact[], rates: RateChange[]): Replay {
  const c = asCampaign(id, content, version);
  const out: Replay = { issued: 0, credits: 0, nothing: 0, members: new Map(), byRate: new Map(), byDay: new Map() };
  const counters = new Map<string, Counters>();
  const signins = new Map<string, SigninState>();
  const ordered = [...facts].filter((f) => f.kind === c.kind).sort((a, b) => +a.at - +b.at || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  for (const f of ordered) {
    const now = f.at;
    const mine = counters.get(f.member) ?? {};
    let points = 0;
    let signed: SigninState | null = null;
    if (isLive(c, now)) {
      if (f.kind === 'scan') {
        points = decide(c, { event: { product: f.product, productName: f.productName, basePoints: f.basePoints, diverted: f.diverted }, counters: mine, tier: '', now }).points;
      } else if (f.kind === 'order') {
        const audience = c.audience?.tiers ?? [];
        if (!audience.length || audience.includes(f.tier)) {
          const event = { orderId: f.orderId, items: f.items, tierName: f.tierName, tierMultiplier: f.tierMultiplier, paidAt: now };
          points = decide(c, { event, counters: mine, tier: f.tier, now }).points;
        }
      } else {
        // Sign-in: the member's state as replayed so far (it starts empty at the window's start).
        const state = signins.get(f.member) ?? emptyState(addDays(f.day, -400));
        const plan = planSignin(c.rule as SigninRule, state, f.day, f.makeUp, f.tier);
        const d = decide(c, { event: { plan }, counters: mine, tier: f.tier.tier, now });
        // As signIn: a sign-in the caps would cut is refused whole (the day stays unsigned).
        if (d.points === plan.points) {
          points = d.points;
          signed = plan.state;
        }
      }
    }
    if (signed) signins.set(f.member, signed);
    if (points <= 0) {
      out.nothing++;
      continue;
    }
    counters.set(f.member, countEarn(c, mine, points, now));
    out.issued += points;
    out.credits++;
    out.members.set(f.member, (out.members.get(f.member) ?? 0) + points);
    const rate = rateOf(rates, now);
    out.byRate.set(rate, (out.byRate.get(rate) ?? 0) + points);
    const day = shanghaiDay(now);
    out.byDay.set(day, (out.byDay.get(day) ?? 0) + points);
  }
  return out;
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

/** One version's figures from its replay and the window's context. */
export function figures(r: Replay, content: CampaignContent, ctx: SimContext): SimFigures {
  const windowDays = Math.max(1, Math.round((+ctx.to - +ctx.from) / 86_400_000));
  const receivers = r.members.size;
  let spending = 0;
  for (const m of r.members.keys()) if (ctx.spenders.has(m)) spending++;
  const budget = content.budget ? ctx.budgets[content.budget] : undefined;
  let daysToA: number | null = null;
  if (budget) {
    const left = Math.max(0, budget.cap - budget.issued);
    // At the simulated average daily issue: 0 when already reached; null when it would never be.
    daysToA = left === 0 ? 0 : r.issued > 0 ? Math.ceil((left * windowDays) / r.issued) : null;
  }
  const days: { day: string; points: number }[] = [];
  for (let d = shanghaiDay(ctx.from); d < shanghaiDay(ctx.to) || (d === shanghaiDay(ctx.to) && +shanghaiDayStart(d) < +ctx.to); d = addDays(d, 1)) {
    days.push({ day: d, points: r.byDay.get(d) ?? 0 });
  }
  return {
    issued: r.issued,
    credits: r.credits,
    nothing: r.nothing,
    receivers,
    liabilityFen: liabilityFen(ratesList(r.byRate)),
    redemptionRate: r.issued > 0 ? Math.min(1, ratio(ctx.spent, r.issued)!) : null,
    usageRate: ratio(spending, receivers),
    budgetCap: budget ? budget.cap : null,
    budgetIssued: budget ? budget.issued : null,
    daysToA,
    byDay: days,
  };
}

export interface Simulation {
  kind: SimKind;
  from: Date;
  to: Date;
  /** Facts replayed, and whether the bound cut them (then only the earliest maxFacts were replayed). */
  facts: number;
  truncated: boolean;
  spent: number;
  draft: SimFigures & { version: number };
  published: (SimFigures & { version: number }) | null;
}

/** Pure: the draft's and the published version's figures over the same facts. */
export function simulate(
  id: string,
  draft: { content: CampaignContent; version: number },
  published: { content: CampaignContent; version: number } | null,
  facts: readonly Fact[],
  ctx: SimContext,
): Pick<Simulation, 'draft' | 'published'> {
  const one = (v: { content: CampaignContent; version: number }) => ({
    version: v.version,
    ...figures(replay(id, v.content, v.version, facts, ctx.rates), v.content, ctx),
  });
  return { draft: one(draft), published: published ? one(published) : null };
}

// ---------------------------------------------------------------------------------------------
// Reading the facts (bounded: ≤ BOUNDS.maxFacts facts of the kind, pages of 1,000, each on an index).

interface Loaded {
  facts: Fact[];
  truncated: boolean;
  /** The campaigns whose points the facts earned (their spend is the window's spend). */
  scopes: string[];
}

/** Pages of a query ordered by (field, _id) with a (time, id) cursor, up to `max` documents. */
async function pages<T extends { _id: string }>(
  query: (after: { at: Date; id: string } | null) => Promise<T[]>,
  atOf: (d: T) => Date,
  max: number,
): Promise<{ docs: T[]; truncated: boolean }> {
  const docs: T[] = [];
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const page = await query(after);
    for (const d of page) {
      if (docs.length >= max) return { docs, truncated: true };
      docs.push(d);
    }
    if (page.length < BOUNDS.page) return { docs, truncated: false };
    const last = page[page.length - 1];
    after = { at: new Date(atOf(last)), id: last._id };
  }
}

/** `base` and the time field in [from, to), after the cursor: (t > at) or (t = at and _id > id). */
function pageWhere(base: Record<string, unknown>, field: string, from: Date, to: Date, after: { at: Date; id: string } | null): Record<string, unknown> {
  const _ = getDb().command;
  if (!after) return { ...base, [field]: _.gte(from).and(_.lt(to)) };
  return _.or([{ ...base, [field]: _.gt(after.at).and(_.lt(to)) }, { ...base, [field]: _.eq(after.at), _id: _.gt(after.id) }]) as unknown as Record<string, unknown>;
}

/** Scan claims: the codes of the campaign's batches claimed in the window (index codes.batch_claimedAt). */
async function scanFacts(campaignId: string, from: Date, to: Date): Promise<Loaded> {
  const db = getDb();
  const _ = db.command;
  const { data: batches } = await db.collection(CODES.batches).where({ campaign: campaignId }).field({ product: true }).limit(BOUNDS.maxBatches).get();
  const productIds = [...new Set((batches as { product: string }[]).map((b) => b.product))];
  const { data: products } = productIds.length
    ? await db.collection(CODES.products).where({ _id: _.in(productIds) }).field({ name: true, basePoints: true }).limit(productIds.length).get()
    : { data: [] };
  const productOf = new Map((products as { _id: string; name: string; basePoints: number }[]).map((p) => [p._id, p]));
  const facts: Fact[] = [];
  let truncated = false;
  for (const b of batches as { _id: string; product: string }[]) {
    const left = BOUNDS.maxFacts - facts.length;
    if (left <= 0) {
      truncated = true;
      break;
    }
    // Diverted claims: the batch's diversion risk events (index riskEvents.batch_kind).
    const { data: diverted } = await db.collection(CODES.riskEvents).where({ batch: b._id, kind: 'diversion', createdAt: _.gte(from) }).field({ code: true, member: true }).limit(BOUNDS.maxFacts).get();
    const divertedKeys = new Set((diverted as { code: string; member: string }[]).map((d) => `${d.code}|${d.member}`));
    const got = await pages<{ _id: string; claimedBy: string; claimedAt: Date }>(
      async (after) =>
        (await db.collection(CODES.codes).where(pageWhere({ batch: b._id }, 'claimedAt', from, to, after)).orderBy('claimedAt', 'asc').orderBy('_id', 'asc').field({ claimedBy: true, claimedAt: true }).limit(BOUNDS.page).get()).data as never,
      (d) => d.claimedAt,
      left,
    );
    truncated ||= got.truncated;
    const p = productOf.get(b.product);
    for (const code of got.docs) {
      facts.push({ kind: 'scan', member: code.claimedBy, at: new Date(code.claimedAt), product: b.product, productName: p?.name ?? '', basePoints: p?.basePoints ?? 0, diverted: divertedKeys.has(`${code._id}|${code.claimedBy}`) });
    }
  }
  return { facts, truncated, scopes: [campaignId] };
}

/** Campaign ids of a kind (the basis of kind-wide facts: every member's sign-ins and orders). */
async function campaignsOfKind(kind: string): Promise<string[]> {
  const { data } = await getDb().collection(C.campaigns).where({ kind }).orderBy('updatedAt', 'desc').field({ _id: true }).limit(BOUNDS.maxScopes).get();
  return (data as { _id: string }[]).map((d) => d._id);
}

/** Sign-ins: the credits of sign-in campaigns in the window (index ledger.campaign_type), make-ups included. */
async function signinFacts(from: Date, to: Date): Promise<Loaded> {
  const db = getDb();
  const _ = db.command;
  const ids = await campaignsOfKind('signin');
  if (!ids.length) return { facts: [], truncated: false, scopes: [] };
  const got = await pages<{ _id: string; member: string; createdAt: Date; campaign: string; source: { ref: string; tier?: string; multiplier?: number } }>(
    async (after) => {
      const where = pageWhere({ campaign: _.in(ids), type: 'earn', 'source.kind': 'signin' }, 'createdAt', from, to, after);
      return (await entriesForReading().where(where).orderBy('createdAt', 'asc').orderBy('_id', 'asc').field({ member: true, createdAt: true, campaign: true, source: true }).limit(BOUNDS.page).get()).data as never;
    },
    (d) => d.createdAt,
    BOUNDS.maxFacts,
  );
  const facts: Fact[] = got.docs.map((e) => {
    const makeUp = e.source.ref.startsWith('makeup:');
    return { kind: 'signin', member: e.member, at: new Date(e.createdAt), day: makeUp ? e.source.ref.slice(7) : e.source.ref, makeUp, tier: { tier: e.source.tier ?? '', name: '', multiplier: e.source.multiplier ?? 1 } };
  });
  return { facts, truncated: got.truncated, scopes: [...new Set(got.docs.map((d) => d.campaign))] };
}

/** Brand order reports paid in the window (index orderEarnings.paidAt). */
async function orderFacts(from: Date, to: Date): Promise<Loaded> {
  const db = getDb();
  const got = await pages<{ _id: string; member: string; paidAt: Date; campaign: string; items: OrderItemIn[]; tier: string; tierName: string; tierMultiplier: number }>(
    async (after) => {
      const where = pageWhere({}, 'paidAt', from, to, after);
      return (await db.collection(ORDERS.orders).where(where).orderBy('paidAt', 'asc').orderBy('_id', 'asc').field({ member: true, paidAt: true, campaign: true, items: true, tier: true, tierName: true, tierMultiplier: true }).limit(BOUNDS.page).get()).data as never;
    },
    (d) => d.paidAt,
    BOUNDS.maxFacts,
  );
  const facts: Fact[] = got.docs.map((o) => ({
    kind: 'order',
    member: o.member,
    at: new Date(o.paidAt),
    orderId: o._id,
    items: o.items.map((i) => ({ sku: i.sku, category: i.category, paidFen: i.paidFen })),
    tier: o.tier ?? '',
    tierName: o.tierName ?? '',
    tierMultiplier: o.tierMultiplier ?? 1,
  }));
  return { facts, truncated: got.truncated, scopes: [...new Set(got.docs.map((d) => d.campaign).filter(Boolean))] };
}

export async function loadFacts(kind: SimKind, campaignId: string, from: Date, to: Date): Promise<Loaded> {
  if (kind === 'scan') return scanFacts(campaignId, from, to);
  if (kind === 'signin') return signinFacts(from, to);
  return orderFacts(from, to);
}

/**
 * The window's spend of the basis campaigns' points, from the metrics roll-up (closed days; one
 * query, ≤ 30 × 20 day documents), and which of the facts' members spent them (their markers).
 */
async function spendOf(scopes: string[], members: string[], from: Date, to: Date): Promise<{ spent: number; spenders: Set<string> }> {
  const db = getDb();
  const _ = db.command;
  const s = scopes.slice(0, BOUNDS.maxScopes).map(scopeOf);
  if (!s.length) return { spent: 0, spenders: new Set() };
  const fromDay = shanghaiDay(from);
  const { data: days } = await db.collection(METRICS.days).where({ scope: _.in(s), day: _.gte(fromDay).and(_.lt(shanghaiDay(to))) }).field({ spent: true }).limit(BOUNDS.days * BOUNDS.maxScopes).get();
  const spent = (days as { spent?: number }[]).reduce((t, d) => t + (d.spent ?? 0), 0);
  const spenders = new Set<string>();
  const ids = s.flatMap((scope) => members.map((m) => memberMarkerId(scope, m)));
  for (let i = 0; i < ids.length; i += BOUNDS.page) {
    const chunk = ids.slice(i, i + BOUNDS.page);
    const { data } = await db.collection(METRICS.members).where({ _id: _.in(chunk), s: _.gte(fromDay) }).field({ _id: true }).limit(chunk.length).get();
    for (const d of data as { _id: string }[]) spenders.add(d._id.slice(d._id.indexOf('|') + 1));
  }
  return { spent, spenders };
}

/** The campaign's pending draft (or, with none, its live content) and its published content (null before the first publish). */
export async function draftAndPublished(id: string): Promise<{ head: Campaign; draft: { content: CampaignContent; version: number }; published: CampaignContent | null }> {
  const db = getDb();
  const { data } = await db.collection(C.campaigns).doc(id).get();
  if (!data) throw new AppError('NOT_FOUND', '没有这个活动');
  const head = data as Campaign;
  let draft = { content: head as CampaignContent, version: head.version };
  if (head.draft) {
    const { data: v } = await db.collection(C.versions).doc(versionId(id, head.draft)).get();
    if (v) draft = { content: v as Version, version: head.draft };
  }
  return { head, draft, published: head.status === 'draft' ? null : head };
}

/**
 * The server action: the campaign's pending draft (or, with none, its live version) against its
 * published version, over the last 30 days' facts of its kind. Kinds without replayable facts
 * (task, game, manual) are refused with the reason.
 */
export async function simulateCampaign(campaignId: string, now = new Date()): Promise<Simulation> {
  const { head: c, draft, published: live } = await draftAndPublished(campaignId);
  if (!(SIMULATED_KINDS as readonly string[]).includes(c.kind)) throw new AppError('BAD_REQUEST', '此类型活动没有可回放的历史数据，暂不支持模拟');
  const kind = c.kind as SimKind;
  const published = live ? { content: live, version: c.version } : null;
  const to = now;
  const from = new Date(+now - BOUNDS.days * 86_400_000);
  const [loaded, rates] = await Promise.all([loadFacts(kind, campaignId, from, to), rateHistory()]);
  const members = [...new Set(loaded.facts.map((f) => f.member))];
  const { spent, spenders } = await spendOf(loaded.scopes, members, from, to);
  const budgets: SimContext['budgets'] = {};
  for (const b of new Set([draft.content.budget, published?.content.budget].filter((x): x is string => !!x))) {
    try {
      const s = await budgetStatus(b);
      budgets[b] = { cap: s.budget.cap, issued: s.issued };
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'NOT_FOUND')) throw e;
    }
  }
  const ctx: SimContext = { from, to, rates, spent, spenders, budgets };
  return { kind, from, to, facts: loaded.facts.length, truncated: loaded.truncated, spent, ...simulate(campaignId, draft, published, loaded.facts, ctx) };
}
