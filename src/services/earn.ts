import { callCloud } from './cloud'

// The `earn` function (docs/api.md#earn): daily sign-in, make-up, the task centre, 首页's card.
// Named after the function's actions; import as `* as earn`.
const FN = 'earn'

export type DayState = 'signed' | 'madeUp' | 'missed' | 'today' | 'future' | 'beforeJoin'

export interface NextBonus {
  inDays: number
  points: number
  kind: 'streak' | 'cumulative'
}

export interface SigninStatus {
  available: true
  campaign: { id: string; name: string; version: number }
  today: string
  signedToday: boolean
  streak: number
  cumulative: number
  monthTotal: number
  todayReward: number
  next: NextBonus | null
  cycle: 'rolling' | 'week' | 'month'
  basePoints: number
  ladder: { day: number; points: number }[]
  cumulativeBonuses: { days: number; points: number }[]
  makeUp: { enabled: boolean; costPoints: number; windowDays: number; perMonth: number; left: number; cards: number; paysBase: boolean }
  month: string
  days: { day: string; state: DayState; canMakeUp: boolean }[]
  templateId: string
}

export type SigninStatusResult = SigninStatus | { available: false; templateId: string }

export interface SigninResult {
  day: string
  already: boolean
  points: number
  why: string
  streak: number
  bonuses: { kind: 'streak' | 'cumulative'; n: number; points: number }[]
  status: Omit<SigninStatus, 'templateId'>
  /** The last day (Asia/Shanghai) the points of this sign-in are valid; null for a make-up. */
  validUntil: string | null
}

export interface TaskItem {
  id: string
  name: string
  group: '新手' | '每日' | '每周' | '每月'
  event: string
  eventLabel: string
  page: string
  /** How the event is done when the page alone does not say (a review in the brand's shop). */
  hint?: string
  target: number
  progress: number
  points: number
  claim: 'auto' | 'button'
  makeUpCards: number
  /** Game plays given with the points; `name` (the game's) only while the game is open. */
  plays: { pool: string; n: number; name?: string } | null
  state: 'todo' | 'done' | 'claimed'
  claimedPoints?: number
}

export interface HomeSummary {
  today: string
  signin: { available: false } | { available: true; signedToday: boolean; streak: number; todayReward: number; next: NextBonus | null }
  tasksToDo: number
  tasks: TaskItem[]
  templateId: string
}

export const signinStatus = (month?: string) => callCloud<SigninStatusResult>(FN, month ? { action: 'signinStatus', month } : { action: 'signinStatus' })
/** `day`: the page's today; a page left open over midnight is told to refresh (SIGNIN_NOT_TODAY). */
export const signIn = (day?: string) => callCloud<SigninResult>(FN, day ? { action: 'signIn', day } : { action: 'signIn' })
export const makeUp = (day: string, pay: 'points' | 'card' = 'points') => callCloud<SigninResult>(FN, { action: 'makeUp', day, pay })
export const subscribeSignin = (key: string, templateId: string) =>
  callCloud<{ credits: number; accepted: boolean }>(FN, { action: 'subscribeSignin', key, templateId })
export const tasks = () => callCloud<{ items: TaskItem[]; paid: { id: string; points: number; plays?: number }[] }>(FN, { action: 'tasks' })
export const claimTask = (id: string) => callCloud<{ id: string; points: number; why: string; plays: number }>(FN, { action: 'claimTask', id })
export const home = () => callCloud<HomeSummary>(FN, { action: 'home' })
