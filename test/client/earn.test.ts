// 签到 / 任务中心 helpers: the calendar grid (weeks start Monday), month navigation, the Chinese
// texts of the next bonus, the ladder and the rules, task grouping and where 去完成 goes.
import { dayTitle, groupTasks, isTabPage, ladderRows, leadingBlanks, monthTitle, nextBonusText, progressPercent, rulesText, shiftMonth } from '../../src/utils/earn'
import type { TaskItem } from '../../src/services/earn'

test('calendar: Monday-first blanks, titles, month navigation across a year end', () => {
  expect(leadingBlanks('2026-11')).toBe(6) // 1 Nov 2026 is a Sunday
  expect(leadingBlanks('2026-12')).toBe(1) // a Tuesday
  expect(leadingBlanks('2026-06')).toBe(0) // a Monday
  expect(monthTitle('2026-01')).toBe('2026年1月')
  expect(dayTitle('2026-11-07')).toBe('11月7日')
  expect(shiftMonth('2026-12', 1)).toBe('2027-01')
  expect(shiftMonth('2026-01', -1)).toBe('2025-12')
})

test('texts: next bonus, ladder, rules', () => {
  expect(nextBonusText({ inDays: 2, points: 50, kind: 'streak' })).toBe('再签 2 天得 50 积分')
  expect(nextBonusText(null)).toBeNull()
  const s = {
    cycle: 'rolling' as const,
    basePoints: 5,
    ladder: [{ day: 3, points: 10 }],
    cumulativeBonuses: [{ days: 15, points: 50 }],
    makeUp: { enabled: true, costPoints: 10, windowDays: 7, perMonth: 2, left: 2, cards: 0, paysBase: true }
  }
  expect(ladderRows(s).map(r => `${r.label} +${r.points}`)).toEqual(['每日签到 +5', '连续签到第 3 天 额外 +10', '本月累计签到 15 天 额外 +50'])
  const rules = rulesText(s).join('\n')
  expect(rules).toContain('每次得 5 积分')
  expect(rules).toContain('可补签最近 7 天内漏签的日期，每月最多 2 次，每次消耗 10 积分')
  expect(rules).toContain('已发过的奖励不会重复发放')
  expect(rulesText({ ...s, makeUp: { ...s.makeUp, enabled: false } }).join('')).toContain('不支持补签')
})

test('tasks: grouped in order, tab pages by switchTab, progress bar', () => {
  const t = (id: string, group: TaskItem['group']): TaskItem => ({ id, name: id, group, event: 'scan', eventLabel: '扫码', page: '/packages/scan/index', target: 3, progress: 1, points: 5, claim: 'button', makeUpCards: 0, plays: null, state: 'todo' })
  expect(groupTasks([t('a', '每周'), t('b', '新手'), t('c', '每周')]).map(g => [g.group, g.items.map(i => i.id)])).toEqual([['新手', ['b']], ['每周', ['a', 'c']]])
  expect(groupTasks([])).toEqual([])
  const claimed = { ...t('x', '每周'), state: 'claimed' as const }
  const done = { ...t('y', '每周'), state: 'done' as const }
  expect(groupTasks([claimed, t('z', '每周'), done])[0].items.map(i => i.id)).toEqual(['y', 'z', 'x'])
  expect(isTabPage('/pages/mall/index')).toBe(true)
  expect(isTabPage('/packages/scan/index')).toBe(false)
  expect(progressPercent({ progress: 1, target: 3 })).toBe(33)
  expect(progressPercent({ progress: 5, target: 3 })).toBe(100)
})
