// Tasks (任务中心, docs/earn.md#tasks): a campaign of kind `task` per task. Pure: the rule says which
// server-recorded fact counts, over which period, how many make it done, and what it pays.
//
// WeChat's operating rules forbid rewarding sharing or following (诱导分享 / 诱导关注) and a reward
// for a review must not depend on its rating or content: the facts below are a closed list with no
// share or follow in it, and the schema refuses such a task — or a rating / content condition —
// with the reason, so an operator cannot create one.
import { z } from 'zod';
import { assertGrantable } from '../../play/grants';
import { multiplied, NO_TIER, tierWhy, type TierInput } from '../tier';
import type { RuleModule } from './index';

/** Facts the server records, and where the member does them (去完成). */
export const TASK_EVENTS = {
  register: { label: '注册会员', page: '/pages/me/index' },
  profile: { label: '完善资料', page: '/pages/me/index' },
  phone: { label: '绑定手机号', page: '/pages/me/index' },
  scan: { label: '扫码', page: '/packages/scan/index' },
  signin: { label: '签到', page: '/packages/earn/signin/index' },
  redeem: { label: '兑换商品', page: '/pages/mall/index' },
  // Reviews happen in the brand's shop, reported by its order system (orders.reviewed); 去完成 opens
  // 我的积分, where the member's brand orders are, and the task says any review counts.
  review: { label: '评价订单', page: '/packages/points/ledger/index', hint: '在品牌商城评价已购订单即可，好评差评均计入，每笔订单计 1 次' },
} as const;
export type TaskEvent = keyof typeof TASK_EVENTS;
const EVENT_IDS = Object.keys(TASK_EVENTS) as [TaskEvent, ...TaskEvent[]];

export const TASK_PERIODS = ['once', 'day', 'week', 'month'] as const;
export type TaskPeriod = (typeof TASK_PERIODS)[number];

/** Events an operator may try that the rules forbid paying for, with why. */
const FORBIDDEN_EVENTS = /share|follow|forward|invite_share|subscribe_oa|like|分享|转发|关注|点赞/i;
const SHARE_REASON = '微信运营规范禁止以奖励诱导分享、转发或关注公众号（诱导分享/诱导关注），不能创建此任务';
const RATING_FIELDS = /rating|star|score|content|keyword|positive|评分|好评|内容|星/i;
const RATING_REASON = '评价任务须奖励任何真实评价，不能以评分或评价内容为条件';

const fields = {
  event: z.enum(EVENT_IDS),
  /** once: a one-time task (新手); day / week / month: repeats each Shanghai day / ISO week / month. */
  period: z.enum(TASK_PERIODS),
  /** How many of the event make it done in the period (e.g. scan 3 products this week). */
  target: z.number().int().min(1).max(100),
  points: z.number().int().min(1).max(100_000),
  /** auto: paid as soon as it is done (seen by the task centre); button: the member taps 领取. */
  claim: z.enum(['auto', 'button']),
  /** Make-up cards (补签卡) given with the points, 0..3: spent on 签到 instead of points. */
  makeUpCards: z.number().int().min(0).max(3).optional(),
  /** Plays of a game pool given with the points (play/grants.ts): publishing checks the pool lists 'task'. */
  plays: z.object({ pool: z.string().regex(/^[\w\-]{1,32}$/), n: z.number().int().min(1).max(10) }).strict().optional(),
};
const strict = z.object(fields).strict();

export const taskRuleSchema = z
  .record(z.string(), z.unknown())
  .superRefine((raw, ctx) => {
    if (typeof raw.event === 'string' && FORBIDDEN_EVENTS.test(raw.event)) ctx.addIssue({ code: 'custom', path: ['event'], message: SHARE_REASON });
    for (const k of Object.keys(raw)) if (!(k in fields) && RATING_FIELDS.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: RATING_REASON });
  })
  .pipe(strict);

export type TaskRule = z.infer<typeof strict>;

/** Which group the task centre shows it in. */
export const groupOf = (r: TaskRule): '新手' | '每日' | '每周' | '每月' => (r.period === 'once' ? '新手' : r.period === 'day' ? '每日' : r.period === 'week' ? '每周' : '每月');

export interface TaskEventInput {
  /** The member's count of the event in the task's current period (from server facts). */
  count: number;
  /** The member's tier and its task multiplier, as the earn path read it (absent = none). */
  tier?: TierInput;
  /** The task's name, so the member's 积分明细 says which task paid ('' or absent: unnamed). */
  name?: string;
}

export const taskRule: RuleModule<TaskRule, TaskEventInput> = {
  kind: 'task',
  schema: taskRuleSchema as unknown as z.ZodType<TaskRule>,
  /** Done (count ≥ target) → the task's points × the tier's multiplier; not done → 0. */
  evaluate(rule, { event }) {
    if (event.count < rule.target) return { points: 0, why: '任务未完成' };
    const tier = event.tier ?? NO_TIER;
    const points = multiplied(rule.points, tier.multiplier);
    const what = event.name ? `任务「${event.name}」奖励` : '任务奖励';
    return { points, why: `${what} ${rule.points}${tierWhy(tier)}` };
  },
  freeze: (tx, _id, content) => assertGrantable(tx, (content.rule as TaskRule).plays, 'task'),
};
