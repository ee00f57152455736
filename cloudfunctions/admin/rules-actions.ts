// The console's campaigns-and-rules actions (issue 13 §2; docs/api.md, "Campaigns and rules: the console's actions"): save a campaign
// form, validate / simulate / diff a draft before publishing, the exchange rate's schedule, the
// checkout rules, the expiry policies. Form actions take their fields loosely and answer the first
// problem as INVALID_FIELD `字段名：原因` (Chinese, the label the form shows) with nothing written.
import { z } from 'zod';
import { action } from '../common/handler';
import { AppError } from '../common/errors';
import { getDb } from '../common/cloud';
import { COLLECTIONS as LEDGER } from '../common/ledger/model';
import { checkCampaignForm, checkTierScheme } from '../common/campaigns/fields';
import { fieldError, isIntIn } from '../common/forms';
import { COLLECTIONS as TIERS, saveScheme } from '../common/tiers/service';
import { describeExpiry, diffContent } from '../common/campaigns/diff';
import { COLLECTIONS as CAMPAIGNS, type Campaign, type CampaignContent } from '../common/campaigns/model';
import * as campaigns from '../common/campaigns/service';
import { draftAndPublished, simulateCampaign } from '../common/campaigns/simulate';
import { DEFAULT_EXPIRY } from '../common/ledger/policy';
import { cancelScheduled, rateView, scheduleProblem } from '../common/ledger/rate-schedule';
import { RATE_DOC, rateHistory, setRate } from '../common/ledger/settings';
import { CHECKOUT_SETTINGS, checkoutRules, setCheckoutRules } from '../common/mall/checkout';

const campaignId = z.string().regex(/^[\w\-]{1,64}$/, 'letters, digits, _ and - only');
/** A form's fields, checked by the action itself (Chinese messages), bounded by the handler's event checks. */
const form = z.record(z.string(), z.unknown());

const contentOnly = (c: CampaignContent): Record<string, unknown> => ({
  kind: c.kind, name: c.name, window: c.window, rule: c.rule, caps: c.caps,
  ...(c.budget ? { budget: c.budget } : {}), ...(c.expiry ? { expiry: c.expiry } : {}), ...(c.audience ? { audience: c.audience } : {}),
});

async function assertBudgetKnown(budget: string | undefined): Promise<void> {
  if (!budget) return;
  const { data } = await getDb().collection(LEDGER.budgets).doc(budget).get();
  if (!data) throw fieldError('budget', '预算（A）', `没有编号为 ${budget} 的预算`);
}

export const rulesActions = {
  /** Create (`create: true`) or save the draft of a campaign from the console's form. */
  saveCampaign: action({
    auth: 'operator',
    audit: { target: (i) => ({ collection: CAMPAIGNS.campaigns, id: String(i.campaign.id ?? '') }) },
    input: z.object({ create: z.boolean().default(false), campaign: form }).strict(),
    run: async ({ create, campaign: raw }, { caller }) => {
      const now = new Date();
      const { id, ...content } = checkCampaignForm(raw, now);
      await assertBudgetKnown(content.budget);
      if (create) {
        const { data: exists } = await getDb().collection(CAMPAIGNS.campaigns).doc(id).get();
        if (exists) throw fieldError('id', '活动编号', '已被使用，请换一个');
        return campaigns.createDraft({ id, ...content } as never, caller.openid, now);
      }
      const { head } = await draftAndPublished(id);
      if (head.kind !== content.kind) throw fieldError('kind', '活动类型', '创建后不能更改');
      if (head.status === 'ended') throw fieldError('name', '活动名称', '活动已结束，不能再修改');
      const { kind: _kind, ...changes } = contentOnly(content);
      return campaigns.updateDraft({ id, changes: { budget: undefined, expiry: undefined, audience: undefined, ...changes } as never }, caller.openid, now);
    },
  }),

  /** Validate: the draft as it would be published now (time passes: a fixed expiry can go stale). */
  validateCampaign: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ id: campaignId }).strict(),
    run: async ({ id }) => {
      const { head, draft } = await draftAndPublished(id);
      const problems: string[] = [];
      if (head.status === 'ended') problems.push('活动已结束，不能发布');
      else if (!head.draft) problems.push('没有待发布的草稿');
      try {
        checkCampaignForm({ id, ...contentOnly(draft.content) }, new Date());
        await assertBudgetKnown(draft.content.budget);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        problems.push(e.message);
      }
      return { valid: problems.length === 0, problems, version: draft.version };
    },
  }),

  /** Replays the last 30 days' facts through the draft and the published version (docs/campaigns.md#simulator). */
  simulateCampaign: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ id: campaignId }).strict(),
    run: ({ id }) => simulateCampaign(id),
  }),

  /** Draft vs published, field by field in Chinese. */
  campaignDiff: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({ id: campaignId }).strict(),
    run: async ({ id }) => {
      const { head, draft, published } = await draftAndPublished(id);
      return { draftVersion: head.draft, publishedVersion: published ? head.version : null, rows: head.draft ? diffContent(published, draft.content) : [] };
    },
  }),

  /** The exchange rate: in force now, the dated history, scheduled changes. */
  rateSchedule: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({}).strict(),
    run: async () => rateView(await rateHistory(), new Date()),
  }),

  /** Schedules a rate change at a future instant (≥ 5 minutes ahead); lots already issued keep their rate. */
  scheduleRate: action({
    auth: 'operator',
    audit: { target: () => ({ collection: 'settings', id: RATE_DOC }) },
    input: z.object({ pointsPerYuan: z.unknown(), effectiveFrom: z.unknown() }).strict(),
    run: async (i) => {
      const now = new Date();
      const problem = scheduleProblem(await rateHistory(), i.pointsPerYuan, i.effectiveFrom, now);
      if (problem) throw fieldError(problem[0], problem[1], problem[2]);
      return rateView(await setRate(i.pointsPerYuan as number, new Date(i.effectiveFrom as string), now), now);
    },
  }),

  /** Cancels a scheduled change still at least 5 minutes away. */
  cancelRateChange: action({
    auth: 'operator',
    audit: { target: () => ({ collection: 'settings', id: RATE_DOC }) },
    input: z.object({ effectiveFrom: z.iso.datetime() }).strict(),
    run: async (i) => {
      const now = new Date();
      return rateView(await cancelScheduled(new Date(i.effectiveFrom), now), now);
    },
  }),

  /** Checkout deduction rules with the rate in force. */
  checkoutSettings: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({}).strict(),
    run: () => checkoutRules(),
  }),

  saveCheckoutRules: action({
    auth: 'operator',
    audit: { target: () => ({ collection: 'settings', id: CHECKOUT_SETTINGS }) },
    input: z.object({ stepPoints: z.unknown(), maxSharePercent: z.unknown() }).strict(),
    run: async (i, { caller }) => {
      if (!isIntIn(i.stepPoints, 1, 100_000)) throw fieldError('stepPoints', '抵扣步长', '须为 1 到 100000 之间的整数');
      if (!isIntIn(i.maxSharePercent, 1, 100)) throw fieldError('maxSharePercent', '最高抵扣比例', '须为 1 到 100 之间的整数（百分比）');
      return setCheckoutRules({ stepPoints: i.stepPoints, maxSharePercent: i.maxSharePercent }, caller.openid);
    },
  }),

  /** Expiry policies: the default for credits naming none, and each campaign's (edited in the campaign's form). */
  expiryPolicies: action({
    auth: 'operator',
    role: 'viewer',
    input: z.object({}).strict(),
    run: async () => {
      const { data } = await getDb().collection(CAMPAIGNS.campaigns).orderBy('updatedAt', 'desc').field({ name: true, kind: true, status: true, expiry: true, window: true }).limit(100).get();
      return {
        default: { policy: DEFAULT_EXPIRY, text: describeExpiry(undefined) },
        campaigns: (data as Campaign[]).map((c) => ({ id: c._id, name: c.name, kind: c.kind, status: c.status, expiry: c.expiry ?? null, text: describeExpiry(c.expiry) })),
      };
    },
  }),

  /** The tier scheme (会员等级) from the console's form: its problems per field in Chinese; read with `tiers.scheme`. */
  saveTierScheme: action({
    auth: 'operator',
    audit: { target: () => ({ collection: TIERS.schemes, id: 'current' }) },
    input: z.object({ scheme: form }).strict(),
    run: async ({ scheme }, { caller }) => {
      return saveScheme(checkTierScheme(scheme), caller.openid);
    },
  }),
};
