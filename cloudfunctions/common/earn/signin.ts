// Daily sign-in and make-up (docs/earn.md#sign-in), on the live campaign of kind `signin`.
//
// One sign-in per member per Shanghai day whatever the taps, retries or instances: the day is in
// the ledger key (`signin:<member>:<YYYY-MM-DD>`) and the day's bit is set in the member's sign-in
// state (`accounts.signin`, month bitmasks) in the credit's own transaction, which re-checks the
// bit on the account it re-read — never a read-then-insert. Cost: the account's state and the
// member's tier in one aggregate (1 request) + the ledger credit (5) = 6; the campaign and the tier
// scheme are cached per instance. The tier's sign-in multiplier is plain input to the rule, and the
// credit records the tier and multiplier it used (`source.tier`, `source.multiplier`).
//
// A make-up (补签) of day D uses the same key, so a day is signed at most once, by either. Its cost
// and its reward are ONE ledger operation (the net: a credit when the reward is larger, a debit when
// the cost is) with the state in its transaction, so a make-up is never paid for without being made.
import { getDb } from '../cloud';
import { earn } from '../campaigns/credit';
import type { Counters } from '../campaigns/counters';
import { isLive } from '../campaigns/earn';
import type { Campaign } from '../campaigns/model';
import {
  addDays,
  emptyState,
  isMadeUp,
  isSigned,
  makeUpProblem,
  makeUpsIn,
  nextBonus,
  planSignin,
  STATE_FIELD,
  streakAt,
  withDay,
  withMakeUpCounted,
  countInPeriod,
  type SigninPlan,
  type SigninRule,
  type SigninState,
} from '../campaigns/rules/signin';
import { tierSource, type TierInput } from '../campaigns/tier';
import { AppError, type ErrorCode } from '../errors';
import { debit, readEntry } from '../ledger/service';
import { withOwnFields } from '../ledger/access';
import type { Account, Entry } from '../ledger/model';
import { shanghaiDay } from '../time';
import { liveCampaigns } from './live';
import { readMember } from './member';
import { validUntilOf } from '../ledger/reminders';

export const signinKey = (member: string, day: string) => `signin:${member}:${day}`;

type AccountView = Pick<Account, 'createdAt'> & { signin?: SigninState; counters?: Counters; tier: TierInput };

/** The live sign-in campaign (the most recently published, if an operator left several live), or null. */
export async function liveSigninCampaign(now: Date): Promise<Campaign | null> {
  const live = (await liveCampaigns('signin')).filter((c) => isLive(c, now));
  return live.sort((a, b) => +new Date(b.publishedAt ?? 0) - +new Date(a.publishedAt ?? 0))[0] ?? null;
}

/** The member's account fields of sign-in and campaigns, and their tier: one request (member.ts). */
async function readAccount(member: string): Promise<AccountView> {
  const { account, tier } = await readMember(member, 'signin');
  return { ...(account as unknown as AccountView), tier };
}

const stateOf = (a: Pick<AccountView, 'createdAt' | 'signin'>): SigninState => a.signin ?? emptyState(shanghaiDay(new Date(a.createdAt)));
/** A sign-in on a day proves the member was there: `first` is never after a signed day (seeded histories). */
const joinedBy = (s: SigninState, day: string): SigninState => (day < s.first ? { ...s, first: day } : s);

/** The state moved under us (another sign-in or make-up of this member committed): plan again. */
class StateMoved extends Error {
  constructor(readonly state: SigninState) {
    super('sign-in state moved');
  }
}
/** Inside the transaction: the day is already signed. */
class AlreadySigned extends Error {}

const sameState = (a: SigninState, b: SigninState) => JSON.stringify(a) === JSON.stringify(b);
const MAX_STATE_RETRIES = 5;

/** In the transaction: the account's state must still be the one planned on, and the day unsigned. */
function recheck(account: Account, planned: SigninState, day: string): void {
  const seen = joinedBy(stateOf(account as unknown as AccountView), day);
  if (isSigned(seen, day)) throw new AlreadySigned();
  if (!sameState(seen, planned)) throw new StateMoved(seen);
}

function requireCampaign(c: Campaign | null): asserts c is Campaign {
  if (!c) throw new AppError('SIGNIN_UNAVAILABLE', '签到活动未开始或已结束');
}

export interface SigninResult {
  day: string;
  /** True when the day was already signed (a second tap, a retry): nothing new was credited. */
  already: boolean;
  points: number;
  why: string;
  streak: number;
  bonuses: { kind: 'streak' | 'cumulative'; n: number; points: number }[];
  status: SigninStatus;
  /** The last day the points of this sign-in are valid (the lot its credit created), or null. */
  validUntil: string | null;
}

export async function signIn(member: string, opts: { day?: string; now?: Date } = {}): Promise<SigninResult> {
  const now = opts.now ?? new Date();
  const today = shanghaiDay(now);
  if (opts.day !== undefined && opts.day !== today) throw new AppError('SIGNIN_NOT_TODAY', `only today (${today}, Asia/Shanghai) can be signed; ${opts.day} cannot`);
  const campaign = await liveSigninCampaign(now);
  requireCampaign(campaign);
  const rule = campaign.rule as SigninRule;
  const account = await readAccount(member);
  const tier = account.tier;
  let state = joinedBy(stateOf(account), today);
  const key = signinKey(member, today);
  for (let attempt = 0; ; attempt++) {
    if (isSigned(state, today)) return already(rule, state, today, key, campaign, tier);
    const plan = planSignin(rule, state, today, false, tier);
    try {
      const r = await earn({
        campaign,
        member,
        event: { plan },
        key,
        source: { kind: 'signin', ref: today, ...tierSource(tier) } as never,
        now,
        tier: tier.tier,
        counters: account.counters ?? {},
        alongside: async (_tx, _seen, points, acc) => {
          recheck(acc, state, today);
          if (points !== plan.points) throw new AppError('LIMIT_EXCEEDED', '已达到签到活动的发放上限');
          return { [STATE_FIELD]: getDb().command.set(plan.state) };
        },
      });
      if (r.kind === 'capped') throw new AppError('LIMIT_EXCEEDED', '已达到签到活动的发放上限');
      if (r.kind === 'replayed') return already(rule, plan.state, today, key, campaign, tier, r.entry);
      return { ...result(rule, plan, plan.state, today, campaign, false, tier), validUntil: validUntilOf(r.entry) };
    } catch (e) {
      if (e instanceof AlreadySigned) return already(rule, withSigned(state, today), today, key, campaign, tier);
      // Our key with another amount: a concurrent tap that planned on another state committed first.
      if (e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH') return already(rule, withSigned(state, today), today, key, campaign, tier);
      if (e instanceof StateMoved && attempt < MAX_STATE_RETRIES) {
        state = e.state;
        continue;
      }
      throw e;
    }
  }
}

const withSigned = (s: SigninState, day: string): SigninState => (isSigned(s, day) ? s : withDay(s, day, false));

async function already(rule: SigninRule, state: SigninState, today: string, key: string, campaign: Campaign, tier: TierInput, known?: Entry): Promise<SigninResult> {
  const entry = known ?? (await readEntry(key));
  return {
    day: today,
    already: true,
    points: entry?.amount ?? 0,
    why: entry?.reason ?? '',
    streak: streakAt(state, today, rule.cycle),
    bonuses: [],
    status: statusOf(campaign, state, today, today.slice(0, 7), tier),
    validUntil: validUntilOf(entry),
  };
}

function result(rule: SigninRule, plan: SigninPlan, state: SigninState, today: string, campaign: Campaign, already: boolean, tier: TierInput): SigninResult {
  return {
    day: plan.day,
    already,
    points: plan.points,
    why: plan.why,
    streak: streakAt(state, today, rule.cycle),
    bonuses: plan.bonuses.map(({ kind, n, points }) => ({ kind, n, points })),
    status: statusOf(campaign, state, today, plan.day.slice(0, 7), tier),
    validUntil: null,
  };
}

// --- make-up --------------------------------------------------------------------------------

export async function makeUp(member: string, o: { day: string; pay?: 'points' | 'card'; now?: Date }): Promise<SigninResult> {
  const now = o.now ?? new Date();
  const today = shanghaiDay(now);
  const campaign = await liveSigninCampaign(now);
  requireCampaign(campaign);
  const rule = campaign.rule as SigninRule;
  const account = await readAccount(member);
  const tier = account.tier;
  let state = stateOf(account);
  const key = signinKey(member, o.day);
  for (let attempt = 0; ; attempt++) {
    const problem = makeUpProblem(rule, state, o.day, today);
    if (problem) throw new AppError(problem as ErrorCode, makeUpMessage(problem, rule));
    const useCard = o.pay === 'card';
    if (useCard && !(state.cards ?? 0)) throw new AppError('MAKEUP_NO_CARD', '没有补签卡');
    const cost = useCard ? 0 : rule.makeUp.costPoints;
    const plan = planSignin(rule, state, o.day, true, tier);
    let after = withMakeUpCounted(plan.state, today);
    if (useCard) after = { ...after, cards: (state.cards ?? 1) - 1 };
    const net = plan.points - cost;
    const why = `${plan.why}${cost ? ` − 补签消耗 ${cost}` : ''}${useCard ? ' · 使用补签卡' : ''}`;
    const planned = state;
    const set = { [STATE_FIELD]: getDb().command.set(after) };
    try {
      if (net > 0) {
        const r = await earn({
          campaign,
          member,
          event: { plan: { ...plan, points: net, why } },
          key,
          source: { kind: 'signin', ref: `makeup:${o.day}`, ...tierSource(tier) } as never,
          now,
          tier: tier.tier,
          counters: account.counters ?? {},
          alongside: async (_tx, _seen, points, acc) => {
            recheck(acc, planned, o.day);
            if (points !== net) throw new AppError('LIMIT_EXCEEDED', '已达到签到活动的发放上限');
            return set;
          },
        });
        if (r.kind === 'capped') throw new AppError('LIMIT_EXCEEDED', '已达到签到活动的发放上限');
        if (r.kind === 'replayed') throw new AppError('MAKEUP_DAY_SIGNED', '这一天已签到');
      } else if (net < 0) {
        const { replayed } = await debit({
          member,
          amount: -net,
          key,
          source: { kind: 'signin', ref: `makeup:${o.day}`, ...tierSource(tier) } as never,
          reason: why,
          now,
          alsoInTransaction: async (_tx, _now, acc) => {
            recheck(acc, planned, o.day);
            return set;
          },
        });
        if (replayed) throw new AppError('MAKEUP_DAY_SIGNED', '这一天已签到');
      } else {
        // Nothing to pay either way: the state alone, re-checked on the account.
        await withOwnFields(
          member,
          async (_tx, acc) => {
            recheck(acc, planned, o.day);
            return { fields: set, result: undefined };
          },
          now,
        );
      }
      return result(rule, { ...plan, points: net, why }, after, today, campaign, false, tier);
    } catch (e) {
      if (e instanceof AlreadySigned) throw new AppError('MAKEUP_DAY_SIGNED', '这一天已签到');
      if (e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH') throw new AppError('MAKEUP_DAY_SIGNED', '这一天已签到');
      if (e instanceof StateMoved && attempt < MAX_STATE_RETRIES) {
        state = e.state;
        continue;
      }
      throw e;
    }
  }
}

function makeUpMessage(code: string, rule: SigninRule): string {
  switch (code) {
    case 'MAKEUP_DISABLED':
      return '本活动不支持补签';
    case 'MAKEUP_NOT_PAST':
      return '只能补签今天以前的日期';
    case 'MAKEUP_BEFORE_JOIN':
      return '不能补签注册之前的日期';
    case 'MAKEUP_OUT_OF_WINDOW':
      return `只能补签最近 ${rule.makeUp.windowDays} 天内的日期`;
    case 'MAKEUP_DAY_SIGNED':
      return '这一天已签到';
    default:
      return `本月补签次数已用完（每月 ${rule.makeUp.perMonth} 次）`;
  }
}

// --- what the page shows ------------------------------------------------------------------

export type DayState = 'signed' | 'madeUp' | 'missed' | 'today' | 'future' | 'beforeJoin';

export interface SigninStatus {
  available: true;
  campaign: { id: string; name: string; version: number };
  today: string;
  signedToday: boolean;
  streak: number;
  /** Days signed in the cycle's period (this week / this month). */
  cumulative: number;
  /** Days signed in the month shown. */
  monthTotal: number;
  /** What signing today pays (0 once signed). */
  todayReward: number;
  next: { inDays: number; points: number; kind: 'streak' | 'cumulative' } | null;
  cycle: SigninRule['cycle'];
  basePoints: number;
  ladder: { day: number; points: number }[];
  cumulativeBonuses: { days: number; points: number }[];
  makeUp: { enabled: boolean; costPoints: number; windowDays: number; perMonth: number; left: number; cards: number; paysBase: boolean };
  month: string;
  days: { day: string; state: DayState; canMakeUp: boolean }[];
}

/** The page's view, computed from the state alone (no reads): what a sign-in or a make-up answers too. */
export function statusOf(campaign: Campaign, state: SigninState, today: string, month: string, tier?: TierInput): SigninStatus {
  const rule = campaign.rule as SigninRule;
  const signedToday = isSigned(state, today);
  const streakDay = signedToday ? today : addDays(today, -1);
  const days: SigninStatus['days'] = [];
  for (let d = `${month}-01`; d.startsWith(month); d = addDays(d, 1)) {
    const st: DayState = isSigned(state, d) ? (isMadeUp(state, d) ? 'madeUp' : 'signed') : d === today ? 'today' : d > today ? 'future' : d < state.first ? 'beforeJoin' : 'missed';
    days.push({ day: d, state: st, canMakeUp: st === 'missed' && makeUpProblem(rule, state, d, today) === null });
  }
  return {
    available: true,
    campaign: { id: campaign._id, name: campaign.name, version: campaign.version },
    today,
    signedToday,
    streak: streakAt(state, streakDay, rule.cycle),
    cumulative: countInPeriod(state, rule.cycle, today),
    monthTotal: days.filter((d) => d.state === 'signed' || d.state === 'madeUp').length,
    todayReward: signedToday ? 0 : planSignin(rule, state, today, false, tier).points,
    next: nextBonus(rule, state, today, tier),
    cycle: rule.cycle,
    basePoints: rule.basePoints,
    ladder: [...rule.streakBonuses].sort((a, b) => a.day - b.day),
    cumulativeBonuses: [...rule.cumulativeBonuses].sort((a, b) => a.days - b.days),
    makeUp: {
      enabled: rule.makeUp.enabled,
      costPoints: rule.makeUp.costPoints,
      windowDays: rule.makeUp.windowDays,
      perMonth: rule.makeUp.perMonth,
      left: Math.max(0, rule.makeUp.perMonth - makeUpsIn(state, today)),
      cards: state.cards ?? 0,
      paysBase: rule.makeUp.paysBase,
    },
    month,
    days,
  };
}

/** The member's sign-in page: `{available: false}` when no sign-in campaign is live. */
export async function status(member: string, o: { month?: string; now?: Date } = {}): Promise<SigninStatus | { available: false }> {
  const now = o.now ?? new Date();
  const today = shanghaiDay(now);
  const [campaign, account] = await Promise.all([liveSigninCampaign(now), readAccount(member)]);
  if (!campaign) return { available: false };
  return statusOf(campaign, stateOf(account), today, o.month && o.month <= today.slice(0, 7) ? o.month : today.slice(0, 7), account.tier);
}

/**
 * For another earn's transaction (a task's reward): the account's sign-in state with `n` more
 * make-up cards, as the field to set in the same account update. A concurrent sign-in sees the
 * state moved and plans again.
 */
export function withCards(account: Account, n: number): Record<string, unknown> {
  const s = stateOf(account as unknown as AccountView);
  return { [STATE_FIELD]: getDb().command.set({ ...s, cards: (s.cards ?? 0) + n }) };
}

/** The member's sign-in state (for the task centre's sign-in tasks). */
export async function stateFor(member: string): Promise<SigninState> {
  return stateOf(await readAccount(member));
}
