// Pure helpers behind 我的积分 and 积分详情: the Chinese labels of entry types and sources, signed
// amounts, money, the history filters and the reminder notice. No Taro, no I/O (unit-tested).
import type { EntryType, ExpiringPoints, ExpiryReminder, PointsSummary } from '../services/types'

export const ENTRY_TYPE_LABEL: Record<EntryType, string> = {
  earn: '获得',
  spend: '使用',
  hold: '冻结',
  release: '解冻',
  expire: '过期',
  penalty: '扣罚',
  reverse: '撤销',
  adjust: '调整'
}

/** A type a newer server might add shows as itself rather than as nothing. */
export function entryTypeLabel(type: string): string {
  return Object.prototype.hasOwnProperty.call(ENTRY_TYPE_LABEL, type) ? ENTRY_TYPE_LABEL[type as EntryType] : type
}

/**
 * Every source kind the ledger accepts (its closed list, cloudfunctions/common/ledger/sources.ts)
 * in Chinese; test/client/source-kinds.test.ts checks the two lists agree.
 */
export const SOURCE_KIND_LABEL = {
  scan: '扫码积分',
  signin: '签到',
  task: '任务奖励',
  birthday: '生日礼遇',
  order: '订单积分',
  checkout: '门店抵扣',
  mall: '商城兑换',
  game: '游戏',
  manual: '活动发放',
  ops: '运营调整',
  expiry: '到期',
  closure: '注销作废'
} as const

export type SourceKind = keyof typeof SOURCE_KIND_LABEL

/** Source kind → Chinese; a kind this client does not know (or none) → 其他, never the raw English. */
export function sourceLabel(kind: string | null | undefined): string {
  if (!kind || !Object.prototype.hasOwnProperty.call(SOURCE_KIND_LABEL, kind)) return '其他'
  return SOURCE_KIND_LABEL[kind as SourceKind]
}

export type DeltaTone = 'plus' | 'minus' | 'zero'

export function deltaTone(delta: number): DeltaTone {
  return delta > 0 ? 'plus' : delta < 0 ? 'minus' : 'zero'
}

/** +120 / -120 / 0. ASCII signs, so the text still parses as a number. */
export function formatDelta(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta)
}

/** Integer fen → "12.88" (no rounding: fen are whole). */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

export type HistoryFilter = 'all' | 'earn' | 'spend' | 'expire'

/**
 * The 积分明细 tabs and the entry types each asks the server for. The server filters by type, not
 * by sign, and adjust / reverse / penalty go either way or are deductions, so a tab holds only
 * the types whose sign it promises: 获得 is earn (always +), 使用 is spend (always −), 过期 is
 * expire. Everything else (调整, 撤销, 扣罚, 冻结, 解冻) is listed under 全部.
 */
export const HISTORY_FILTERS: { key: HistoryFilter; label: string; types?: EntryType[] }[] = [
  { key: 'all', label: '全部' },
  { key: 'earn', label: '获得', types: ['earn'] },
  { key: 'spend', label: '使用', types: ['spend'] },
  { key: 'expire', label: '过期', types: ['expire'] }
]

export function filterTypes(filter: HistoryFilter): EntryType[] | undefined {
  return HISTORY_FILTERS.find(f => f.key === filter)?.types
}

/**
 * One notice line per expiry day. The reminder job may have written several for a day (30 and 7
 * days ahead); the one with the fewest lead days is the latest, so its points are the freshest.
 */
export function reminderNotices(reminders: ExpiryReminder[]): { day: string; points: number; text: string }[] {
  const byDay = new Map<string, ExpiryReminder>()
  for (const r of reminders) {
    const seen = byDay.get(r.day)
    if (!seen || r.leadDays < seen.leadDays) byDay.set(r.day, r)
  }
  return [...byDay.values()]
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
    .map(r => ({ day: r.day, points: r.points, text: `您有 ${r.points} 积分有效期至 ${r.day}，请尽快使用` }))
}

/** "100 积分 = ¥1"; '' when the rate is unknown (0). */
export function rateText(pointsPerYuan: number): string {
  return pointsPerYuan > 0 ? `${pointsPerYuan} 积分 = ¥1` : ''
}

/** An idempotency key for one user action: unique enough per member, within the server's charset. */
export function newActionKey(prefix = 'k'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`
}

/**
 * The id from 积分详情's route. navigateTo is given an encoded id; one platform decodes query values
 * and another does not, so decode when it still looks encoded. Entry ids never contain '%'.
 */
export function entryIdFromRoute(raw: string | undefined): string {
  if (!raw) return ''
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

export function entryUrl(id: string): string {
  return `/packages/points/entry/index?id=${encodeURIComponent(id)}`
}

/**
 * One definition of the member's figures on every page (首页, 商城, 我的积分, 我的): 可用积分 is what
 * can be spent now (balance − held, never below 0), the number shown large; 共 … · 冻结中 … only
 * when points are held (an unpaid or paying redemption), so the two never disagree.
 */
export function availablePoints(p: PointsSummary): number {
  return Math.max(0, p.balance - p.held)
}

export function heldNote(p: PointsSummary): string {
  return p.held > 0 ? `共 ${p.balance} 积分 · 冻结中 ${p.held}` : ''
}

/** Days from one Shanghai day to another (YYYY-MM-DD), e.g. 2026-11-30 → 2026-12-05 is 5. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export const EXPIRING_SOON_DAYS = 90

export type ExpiringRow = ExpiringPoints & { daysLeft: number; text: string }

/**
 * 即将过期: what expires within 90 days (soonest first, with "N 天后过期"); the later dates go behind
 * 全部有效期. `today` is the Shanghai day (utils/time shanghaiToday).
 */
export function splitExpiring(expiring: ExpiringPoints[], today: string, withinDays = EXPIRING_SOON_DAYS): { soon: ExpiringRow[]; later: ExpiringRow[] } {
  const rows = expiring
    .map(e => {
      const daysLeft = Math.max(0, daysBetween(today, e.day))
      return { ...e, daysLeft, text: daysLeft === 0 ? '今天过期' : `${daysLeft} 天后过期` }
    })
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
  return { soon: rows.filter(r => r.daysLeft <= withinDays), later: rows.filter(r => r.daysLeft > withinDays) }
}
