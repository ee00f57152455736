// Pure helpers behind 签到, 任务中心 and 首页's card: the calendar grid, the Chinese texts of rewards
// and bonuses, task grouping and where 去完成 goes. No Taro, no I/O (unit-tested).
import type { DayState, NextBonus, SigninStatus, TaskItem } from '../services/earn'

export const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']

/** Blank cells before the 1st in a grid whose weeks start on Monday. */
export function leadingBlanks(month: string): number {
  const dow = new Date(`${month}-01T00:00:00Z`).getUTCDay()
  return (dow + 6) % 7
}

/** "2026年11月" */
export const monthTitle = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`

/** "11月27日" */
export const dayTitle = (day: string) => `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`

/** The month before / after `YYYY-MM`. */
export function shiftMonth(month: string, by: number): string {
  const y = Number(month.slice(0, 4))
  const m = Number(month.slice(5, 7)) - 1 + by
  const d = new Date(Date.UTC(y, m, 1))
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
}

export const DAY_STATE_LABEL: Record<DayState, string> = {
  signed: '已签',
  madeUp: '补签',
  missed: '漏签',
  today: '今天',
  future: '',
  beforeJoin: ''
}

/** "再签 2 天得 50 积分" (or null when no bonus is ahead). */
export function nextBonusText(next: NextBonus | null): string | null {
  if (!next) return null
  return `再签 ${next.inDays} 天得 ${next.points} 积分`
}

/** The reward ladder as rows: the base, each streak rung, each cumulative bonus. */
export function ladderRows(s: Pick<SigninStatus, 'basePoints' | 'ladder' | 'cumulativeBonuses' | 'cycle'>): { key: string; label: string; points: number }[] {
  const period = s.cycle === 'week' ? '本周' : '本月'
  return [
    { key: 'base', label: '每日签到', points: s.basePoints },
    ...s.ladder.map(r => ({ key: `s${r.day}`, label: `连续签到第 ${r.day} 天 额外`, points: r.points })),
    ...s.cumulativeBonuses.map(c => ({ key: `c${c.days}`, label: `${period}累计签到 ${c.days} 天 额外`, points: c.points }))
  ]
}

/** The rules, in Chinese, from the campaign's own figures. */
export function rulesText(s: Pick<SigninStatus, 'cycle' | 'basePoints' | 'makeUp'>): string[] {
  const cycle = s.cycle === 'week' ? '连续天数每周一重新计算' : s.cycle === 'month' ? '连续天数每月 1 日重新计算' : '连续签到不中断则一直累计，奖励阶梯循环发放'
  const rules = [
    `每天可签到 1 次，每次得 ${s.basePoints} 积分；连签奖励和累计奖励在基础积分之外额外发放。`,
    `${cycle}；每档奖励在同一周期内只发放一次。`,
    '日期以北京时间为准，0 点更新。'
  ]
  if (s.makeUp.enabled) {
    const cost = s.makeUp.costPoints ? `每次消耗 ${s.makeUp.costPoints} 积分（有补签卡时可用补签卡）` : '免费'
    rules.push(`可补签最近 ${s.makeUp.windowDays} 天内漏签的日期，每月最多 ${s.makeUp.perMonth} 次，${cost}；补签${s.makeUp.paysBase ? '可得基础积分，' : '不得基础积分，'}不发连签奖励，已发过的奖励不会重复发放。`)
  } else {
    rules.push('本活动不支持补签。')
  }
  return rules
}

export const GROUP_ORDER: TaskItem['group'][] = ['新手', '每日', '每周', '每月']

const STATE_ORDER: Record<TaskItem['state'], number> = { done: 0, todo: 1, claimed: 2 }

/** By group (新手, 每日, 每周, 每月); in a group, 领取 first, then 去完成, then 已完成. */
export function groupTasks(items: TaskItem[]): { group: TaskItem['group']; items: TaskItem[] }[] {
  return GROUP_ORDER.map(group => ({ group, items: items.filter(t => t.group === group).sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]) })).filter(
    g => g.items.length > 0
  )
}

const TAB_PAGES = ['/pages/index/index', '/pages/mall/index', '/pages/me/index']
/** Tab pages are reached with switchTab, the others with navigateTo. */
export const isTabPage = (page: string) => TAB_PAGES.includes(page)

/** Progress as a percentage 0..100 for the bar. */
export const progressPercent = (t: Pick<TaskItem, 'progress' | 'target'>) => Math.min(100, Math.round((t.progress / Math.max(1, t.target)) * 100))

/**
 * A task's reward as the member reads it: "+30 积分 + 1 张补签卡 + 2 次「幸运大转盘」机会" (the points
 * paid once claimed; game plays only while their game is open, since a closed one gives none).
 */
export function taskRewardText(t: Pick<TaskItem, 'points' | 'state' | 'claimedPoints' | 'makeUpCards' | 'plays'>): string {
  const points = t.state === 'claimed' && t.claimedPoints ? t.claimedPoints : t.points
  const cards = t.makeUpCards ? ` + ${t.makeUpCards} 张补签卡` : ''
  const plays = t.plays?.name ? ` + ${t.plays.n} 次「${t.plays.name}」机会` : ''
  return `+${points} 积分${cards}${plays}`
}

/** The toast after 领取: "领取成功 +30 积分，获得 2 次游戏机会". */
export const claimToastText = (r: { points: number; plays?: number }) => `领取成功 +${r.points} 积分${r.plays ? `，获得 ${r.plays} 次游戏机会` : ''}`
