// points: the member's points (summary, history, entry detail, reminder opt-in) and the operators'
// ledger tools (adjust, penalty, reverse, exchange rate, budgets, metrics). Other functions credit
// and debit through the ledger service in cloudfunctions/common/ledger directly.
import { z } from 'zod';
import { action, defineFunction } from '../common/handler';
import { instantInput, shanghaiDayInput } from '../common/inputs';
import { createBudget } from '../common/ledger/budgets';
import { campaignNames } from '../common/campaigns/service';
import { entryDetail, history, summary } from '../common/ledger/queries';
import { dailyMetrics, metrics } from '../common/metrics/queries';
import { addSubscriptionCredit, reminderTemplateId } from '../common/ledger/reminders';
import { adjust, OPERATOR_KEY_MAX, penalty, reverse } from '../common/ledger/service';
import { MAX_POINTS } from '../common/ledger/sources';
import { rateHistory, setRate } from '../common/ledger/settings';

const ENTRY_TYPES = ['earn', 'spend', 'hold', 'release', 'expire', 'penalty', 'reverse', 'adjust'] as const;
const key = z.string().regex(/^[\w:.\-|@]{1,128}$/, 'key must be 1-128 characters of letters, digits and _ : . - | @');
/** Stored as `op:<key>` (its own namespace), hence shorter. */
const operatorKey = z.string().regex(new RegExp(`^[\\w:.\\-|@]{1,${OPERATOR_KEY_MAX}}$`), `key must be 1-${OPERATOR_KEY_MAX} characters of letters, digits and _ : . - | @`);
const openid = z.string().min(1).max(128);
const reason = z.string().trim().min(1, 'reason is required').max(200);
const day = shanghaiDayInput();
const points = z.number().int('must be an integer').positive().max(100_000_000);

export const main = defineFunction({
  name: 'points',
  actions: {
    summary: action({
      auth: 'member',
      input: z.object({}).strict(),
      run: (_i, { caller }) => summary(caller.openid),
    }),
    history: action({
      auth: 'member',
      input: z
        .object({
          cursor: z.string().min(1).max(300).optional(),
          types: z.array(z.enum(ENTRY_TYPES)).max(8).optional(),
          limit: z.number().int().min(1).max(50).default(20),
        })
        .strict(),
      run: async (i, { caller }) => {
        const page = await history(caller.openid, i);
        const names = await campaignNames(page.items.map((e) => e.campaign));
        return { ...page, items: page.items.map((e) => ({ ...e, campaignName: names[e.campaign] ?? '' })) };
      },
    }),
    entry: action({
      auth: 'member',
      input: z.object({ id: z.string().min(1).max(300) }).strict(),
      run: async (i, { caller }) => {
        const d = await entryDetail(caller.openid, i.id);
        const names = await campaignNames([d.entry.campaign, ...d.lots.map((l) => l.campaign)]);
        return { entry: { ...d.entry, campaignName: names[d.entry.campaign] ?? '' }, lots: d.lots.map((l) => ({ ...l, campaignName: names[l.campaign] ?? '' })) };
      },
    }),
    subscribeReminders: action({
      auth: 'member',
      // One accepted Taro.requestSubscribeMessage = one credit; `key` makes a retried report count once.
      input: z.object({ key, templateId: z.string().min(1).max(64) }).strict(),
      run: async (i, { caller }) => {
        if (i.templateId !== reminderTemplateId()) return { credits: 0, accepted: false };
        return { credits: await addSubscriptionCredit(caller.openid, i.templateId, `${caller.openid}:${i.key}`), accepted: true };
      },
    }),

    adjust: action({
      auth: 'operator',
      input: z
        .object({ member: openid, delta: z.number().int().min(-MAX_POINTS.adjust).max(MAX_POINTS.adjust).refine((d) => d !== 0, 'delta must not be 0'), reason, key: operatorKey })
        .strict(),
      run: async (i, { caller }) => (await adjust({ ...i, operator: caller.openid })).entry,
    }),
    penalty: action({
      auth: 'operator',
      input: z.object({ member: openid, amount: z.number().int('must be an integer').positive().max(MAX_POINTS.penalty), reason, key: operatorKey }).strict(),
      run: async (i, { caller }) => (await penalty({ ...i, operator: caller.openid })).entry,
    }),
    reverse: action({
      auth: 'operator',
      input: z.object({ entry: z.string().min(1).max(300), reason }).strict(),
      run: async (i, { caller }) => (await reverse(i.entry, { reason: i.reason, operator: caller.openid })).entry,
    }),
    rates: action({
      auth: 'operator', role: 'viewer',
      input: z.object({}).strict(),
      run: async () => ({ history: await rateHistory() }),
    }),
    setRate: action({
      auth: 'operator',
      input: z.object({ pointsPerYuan: z.number().int().min(1).max(100_000), effectiveFrom: instantInput() }).strict(),
      run: async (i) => ({ history: await setRate(i.pointsPerYuan, new Date(i.effectiveFrom)) }),
    }),
    createBudget: action({
      auth: 'operator',
      input: z
        .object({
          id: z.string().regex(/^[\w\-]{1,64}$/, 'id: letters, digits, _ and - only'),
          campaign: z.string().max(64),
          cap: points,
          shards: z.number().int().min(1).max(64).optional(),
        })
        .strict(),
      run: (i, { caller }) => createBudget({ ...i, operator: caller.openid }),
    }),
    dailyMetrics: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ from: day, to: day, campaign: z.string().max(64).optional() }).strict(),
      run: (i) => dailyMetrics(i.from, i.to, i.campaign),
    }),
    metrics: action({
      auth: 'operator', role: 'viewer',
      input: z.object({ campaign: z.string().max(64).default(''), budget: z.string().max(64).optional() }).strict(),
      run: (i) => metrics(i.campaign, i.budget),
    }),
  },
});
