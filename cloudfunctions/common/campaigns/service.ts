// Operators' side of campaigns (docs/campaigns.md#operations): list, get, create a draft, update the
// draft, publish, end. Published versions are immutable: editing a published campaign makes a new
// draft version, which goes live when published. Every change is audited (operator, time, before /
// after) in the same transaction as the change itself.
import { z } from 'zod';
import { instantInput } from '../inputs';
import { getDb } from '../cloud';
import { forget } from '../codes/cache';
import { COUNTERS, createCounter, raise, type Counter } from '../counter/capped';
import { AppError, isDuplicateKeyError } from '../errors';
import { budgetExists } from '../ledger/budgets';
import { inTransaction, txGet, type Tx } from '../tx';
import { contentProblem } from './earn';
import { COLLECTIONS as C, KINDS, versionId, type AuditRecord, type Campaign, type CampaignContent, type Version } from './model';
import { ruleModule } from './rules';
import type { RedPacketRule } from './rules/scan';

const id = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');
const instant = instantInput().nullable();

export const expirySchema = z.union([
  z.object({ kind: z.literal('rolling'), days: z.number().int().min(1).max(3650) }).strict(),
  z.object({ kind: z.literal('yearEnd'), yearsAfter: z.number().int().min(0).max(5).optional() }).strict(),
  z.object({ kind: z.literal('fixed'), at: instantInput() }).strict(),
  z.object({ kind: z.literal('afterEnd'), months: z.number().int().min(1).max(36) }).strict(),
]);

export const capSchema = z
  .object({ period: z.enum(['day', 'week', 'month', 'total']), unit: z.enum(['points', 'times']), limit: z.number().int().min(1).max(100_000_000) })
  .strict();

/** The editable fields (kind only on create). */
const contentFields = {
  name: z.string().trim().min(1).max(40),
  window: z.object({ from: instant, to: instant }).strict(),
  rule: z.record(z.string(), z.unknown()),
  caps: z.array(capSchema).max(8),
  budget: id.optional(),
  expiry: expirySchema.optional(),
  audience: z.object({ tiers: z.array(z.string().max(20)).max(10).optional() }).strict().optional(),
};

export const createInput = z
  .object({ id, kind: z.enum(KINDS), ...contentFields, window: contentFields.window.default({ from: null, to: null }), caps: contentFields.caps.default([]) })
  .strict();
export const updateInput = z.object({ id, changes: z.object(contentFields).partial().strict() }).strict();

const OPTIONAL = ['budget', 'expiry', 'audience'] as const;

const contentOf = (c: CampaignContent): CampaignContent => ({
  name: c.name, kind: c.kind, window: c.window, rule: c.rule, caps: c.caps,
  ...(c.budget ? { budget: c.budget } : {}), ...(c.expiry ? { expiry: c.expiry } : {}), ...(c.audience ? { audience: c.audience } : {}),
});

/** Validates the content at `now`: the kind has a rule module, the rule fits it, the expiry is not past. */
function checked(c: CampaignContent, now: Date): CampaignContent {
  const mod = ruleModule(c.kind);
  if (!mod) throw new AppError('BAD_REQUEST', `kind ${c.kind}: 该类型活动尚未开放`);
  const r = mod.schema.safeParse(c.rule);
  if (!r.success) throw new AppError('BAD_REQUEST', `rule: ${r.error.issues.map((i) => `${i.path.join('.') || '(rule)'} ${i.message}`).join('; ')}`);
  const problem = contentProblem(c, now);
  if (problem) throw new AppError('BAD_REQUEST', problem);
  return { ...c, rule: r.data as Record<string, unknown> };
}

async function assertBudget(tx: Tx, budget?: string): Promise<void> {
  if (budget && !(await budgetExists(tx, budget))) throw new AppError('NOT_FOUND', `no budget ${budget}`);
}

async function audit(tx: Tx, r: AuditRecord): Promise<void> {
  await tx.collection(C.audit).add({ data: r });
}

async function head(tx: Tx, campaignId: string): Promise<Campaign> {
  const c = await txGet<Campaign>(tx, C.campaigns, campaignId);
  if (!c) throw new AppError('NOT_FOUND', `no campaign ${campaignId}`);
  return c;
}

export async function createDraft(input: z.infer<typeof createInput>, operator: string, now = new Date()): Promise<Campaign> {
  const { id: campaignId, ...rest } = input;
  const content = checked(contentOf(rest as CampaignContent), now);
  const version: Version = { _id: versionId(campaignId, 1), campaign: campaignId, version: 1, status: 'draft', ...content, createdAt: now, createdBy: operator };
  const campaign: Campaign = { _id: campaignId, ...content, status: 'draft', version: 1, draft: 1, createdAt: now, updatedAt: now };
  try {
    await inTransaction(async (tx) => {
      await assertBudget(tx, content.budget);
      await tx.collection(C.campaigns).add({ data: campaign });
      await tx.collection(C.versions).add({ data: version });
      await audit(tx, { campaign: campaignId, version: 1, action: 'create', operator, at: now, before: null, after: content });
    });
  } catch (e) {
    if (isDuplicateKeyError(e)) throw new AppError('BAD_REQUEST', `campaign ${campaignId} exists`);
    throw e;
  }
  forget(C.campaigns, campaignId);
  return campaign;
}

/**
 * Changes the pending draft, or — when the campaign has none — starts a new draft version from the
 * live one. A campaign that was never published keeps its head in step with its draft.
 */
export async function updateDraft(input: z.infer<typeof updateInput>, operator: string, now = new Date()): Promise<Version> {
  const out = await inTransaction(async (tx) => {
    const c = await head(tx, input.id);
    if (c.status === 'ended') throw new AppError('BAD_REQUEST', `campaign ${input.id} has ended: 已结束的活动不能修改`);
    const pending = c.draft ? await txGet<Version>(tx, C.versions, versionId(c._id, c.draft)) : null;
    const base = pending ?? c;
    const content = checked(contentOf({ ...contentOf(base), ...input.changes, kind: c.kind }), now);
    await assertBudget(tx, content.budget);
    let version: Version;
    // An optional field the new content leaves out is removed (a spread would keep the old value).
    const dropped = OPTIONAL.filter((k) => !(k in content));
    if (pending) {
      version = { ...pending, ...content };
      for (const k of dropped) delete version[k];
      await tx.collection(C.versions).doc(pending._id).set({ data: withoutId(version) });
    } else {
      const n = c.version + 1;
      version = { _id: versionId(c._id, n), campaign: c._id, version: n, status: 'draft', ...content, createdAt: now, createdBy: operator };
      await tx.collection(C.versions).add({ data: version });
    }
    const headData = c.status === 'draft' ? { ...content, updatedAt: now } : { draft: version.version, updatedAt: now };
    const removals = c.status === 'draft' ? Object.fromEntries(dropped.filter((k) => k in c).map((k) => [k, getDb().command.remove()])) : {};
    await tx.collection(C.campaigns).doc(c._id).update({ data: { ...replaceWhole(headData), ...removals } });
    await audit(tx, { campaign: c._id, version: version.version, action: 'update', operator, at: now, before: contentOf(base), after: content });
    return version;
  });
  forget(C.campaigns, input.id);
  return out;
}

/** The pending draft becomes the live version (immutable from now on). */
export async function publish(campaignId: string, operator: string, now = new Date()): Promise<Campaign> {
  let raiseBy = 0;
  const out = await inTransaction(async (tx) => {
    raiseBy = 0;
    const c = await head(tx, campaignId);
    if (c.status === 'ended') throw new AppError('BAD_REQUEST', `campaign ${campaignId} has ended: 已结束的活动不能发布`);
    if (!c.draft) throw new AppError('BAD_REQUEST', `campaign ${campaignId} has no draft to publish`);
    const draft = await txGet<Version>(tx, C.versions, versionId(campaignId, c.draft));
    if (!draft) throw new AppError('INTERNAL', `draft ${c.draft} of ${campaignId} is missing`);
    const content = checked(contentOf(draft), now); // checked again: time has passed since it was saved
    await assertBudget(tx, content.budget);
    raiseBy = await ensureRedPacketBudget(tx, campaignId, (content.rule as { redPacket?: RedPacketRule }).redPacket, now);
    await ruleModule(content.kind)?.freeze?.(tx, campaignId, content, c, now);
    await tx.collection(C.versions).doc(draft._id).update({ data: { status: 'published', publishedAt: now, publishedBy: operator } });
    // The head is exactly the published content (a field the new version dropped does not linger).
    const live: Campaign = { _id: c._id, ...content, status: 'published', version: draft.version, draft: null, createdAt: c.createdAt, updatedAt: now, publishedAt: now };
    await tx.collection(C.campaigns).doc(campaignId).set({ data: withoutId(live) });
    await audit(tx, { campaign: campaignId, version: draft.version, action: 'publish', operator, at: now, before: c.status === 'published' ? contentOf(c) : null, after: content });
    return live;
  });
  if (raiseBy > 0) await raise(redPacketCounter(campaignId), raiseBy); // a crash before it leaves the budget lower: never over
  forget(C.campaigns, campaignId);
  return out;
}

export async function end(campaignId: string, operator: string, now = new Date()): Promise<Campaign> {
  const out = await inTransaction(async (tx) => {
    const c = await head(tx, campaignId);
    if (c.status === 'ended') return c;
    await tx.collection(C.campaigns).doc(campaignId).update({ data: { status: 'ended', endedAt: now, updatedAt: now } });
    await audit(tx, { campaign: campaignId, version: c.version, action: 'end', operator, at: now, before: { status: c.status }, after: { status: 'ended' } });
    return { ...c, status: 'ended' as const, endedAt: now, updatedAt: now };
  });
  forget(C.campaigns, campaignId);
  return out;
}

export async function list(filter: { kind?: string; status?: string }): Promise<Campaign[]> {
  const where: Record<string, string> = {};
  if (filter.kind) where.kind = filter.kind;
  if (filter.status) where.status = filter.status;
  const { data } = await getDb().collection(C.campaigns).where(where).orderBy('updatedAt', 'desc').limit(100).get();
  return data as Campaign[];
}

/**
 * Campaign id → its name, for what members read (积分明细 and 积分详情 name the campaign, never
 * its id). Ids with no campaign are left out; the caller shows nothing for them.
 */
export async function campaignNames(ids: string[]): Promise<Record<string, string>> {
  const wanted = [...new Set(ids.filter(Boolean))];
  if (!wanted.length) return {};
  const _ = getDb().command;
  const { data } = await getDb().collection(C.campaigns).where({ _id: _.in(wanted) }).limit(wanted.length).get();
  return Object.fromEntries((data as Campaign[]).map((c) => [c._id, c.name]));
}

export async function get(campaignId: string): Promise<{ campaign: Campaign; versions: Version[]; audit: AuditRecord[] }> {
  const db = getDb();
  const [{ data }, versions, trail] = await Promise.all([
    db.collection(C.campaigns).doc(campaignId).get(),
    db.collection(C.versions).where({ campaign: campaignId }).orderBy('version', 'desc').limit(50).get(),
    db.collection(C.audit).where({ campaign: campaignId }).orderBy('at', 'desc').limit(50).get(),
  ]);
  if (!data) throw new AppError('NOT_FOUND', `no campaign ${campaignId}`);
  return { campaign: data as Campaign, versions: versions.data as Version[], audit: trail.data as AuditRecord[] };
}

// ---------------------------------------------------------------------------------------------
// Red-packet budgets live on the shared capped counter (docs/counters.md).

/** The counter of a scan campaign's red-packet total budget (fen). */
export const redPacketCounter = (campaignId: string) => `rp:${campaignId}`;
/** The counter of its budget for one Shanghai day (created on the day's first win). */
export const redPacketDayCounter = (campaignId: string, day: string) => `rp:${campaignId}:${day}`;
export const RED_PACKET_SHARDS = 4;

/**
 * At publish: the total budget's counter exists with the rule's cap. A larger total raises the cap
 * (returned: raised after the commit, as `raise` is a transaction of its own); a smaller one is
 * refused (what was paid cannot be unpaid).
 */
async function ensureRedPacketBudget(tx: Tx, campaignId: string, rule: RedPacketRule | undefined, now: Date): Promise<number> {
  if (!rule) return 0;
  const counterId = redPacketCounter(campaignId);
  const counter = await txGet<Counter>(tx, COUNTERS.counters, counterId);
  if (!counter) {
    await createCounter({ id: counterId, cap: rule.totalBudgetFen, shards: RED_PACKET_SHARDS, now }, tx);
    return 0;
  }
  if (rule.totalBudgetFen < counter.cap) throw new AppError('BAD_REQUEST', `红包总预算不能低于已设的 ${counter.cap} 分`);
  return rule.totalBudgetFen - counter.cap;
}

// ---------------------------------------------------------------------------------------------

function withoutId<T extends { _id: string }>(d: T): Omit<T, '_id'> {
  const { _id, ...rest } = d;
  return rest;
}

/** Object and array values replace the stored ones whole (an update merges plain objects by path). */
function replaceWhole(data: Record<string, unknown>): Record<string, unknown> {
  const _ = getDb().command;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v && typeof v === 'object' && !(v instanceof Date) ? _.set(v) : v]));
}
