// 数据看板's pure parts: numbers in Chinese form, the chart options, the province tile grid. No Taro,
// no I/O (test/client/ops-dashboard.test.ts).
import type { Dashboard, DashboardPeriod, Ranked, Slice } from '../../../services/ops-dashboard'

/** 12,345 → "12,345"; 1,234,567 → "123.5万"; null → "—". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  if (Math.abs(n) >= 1_000_000) return `${(Math.round(n / 1000) / 10).toFixed(1)}万`
  return n.toLocaleString('en-US')
}

/** Integer fen → "¥1,234.56". */
export const formatYuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

export const formatPercent = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`

/** "2026-11-29" → "11-29". */
export const shortDay = (day: string) => day.slice(5)

const COLORS = { issued: '#fa2c19', spent: '#2f7bf5', expired: '#a0a6b0', outstanding: '#14a06f', net: '#f5a623' }
const PIE_COLORS = ['#fa2c19', '#2f7bf5', '#14a06f', '#f5a623', '#8e5cf7', '#20b5c9', '#a0a6b0']

const axisLabel = { color: '#6b7280', fontSize: 11 }
const grid = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true }

/** 近30天每日发放 / 消耗 / 过期 (stacked bars: the three ways points move, per day). */
export function dailyOption(d: Dashboard) {
  const days = d.daily
  return {
    color: [COLORS.issued, COLORS.spent, COLORS.expired],
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 12 } },
    grid,
    xAxis: { type: 'category', data: days.map(x => (x.live ? '今日' : shortDay(x.day))), axisLabel },
    yAxis: { type: 'value', axisLabel },
    series: [
      { name: '发放', type: 'bar', stack: 'points', data: days.map(x => x.issued) },
      { name: '消耗', type: 'bar', stack: 'points', data: days.map(x => x.spent) },
      { name: '过期', type: 'bar', stack: 'points', data: days.map(x => x.expired) }
    ]
  }
}

/** 发放与消耗的差额: points still in lots at each day's end (line), and each day's net change (bars). */
export function balanceOption(d: Dashboard) {
  const days = d.daily
  return {
    color: [COLORS.outstanding, COLORS.net],
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 12 } },
    grid,
    xAxis: { type: 'category', data: days.map(x => (x.live ? '今日' : shortDay(x.day))), axisLabel },
    yAxis: { type: 'value', axisLabel },
    series: [
      { name: '未兑换积分', type: 'line', smooth: true, showSymbol: false, connectNulls: true, data: days.map(x => x.outstanding) },
      { name: '当日净增', type: 'bar', data: days.map(x => x.issued - x.spent - x.expired - x.reversed) }
    ]
  }
}

/** A donut of sources or uses (slices with no points are left out). */
export function pieOption(slices: Slice[]) {
  return {
    color: PIE_COLORS,
    tooltip: { trigger: 'item', confine: true, formatter: '{b}：{c} 分（{d}%）' },
    legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 12 } },
    series: [
      {
        type: 'pie',
        radius: ['38%', '64%'],
        center: ['50%', '42%'],
        label: { show: false },
        data: slices.filter(s => s.points > 0).map(s => ({ name: s.label, value: s.points }))
      }
    ]
  }
}

/** 扫码最多的商品 (horizontal bars, the largest on top). */
export function topOption(items: Ranked[]) {
  const list = [...items].reverse()
  return {
    color: [COLORS.spent, COLORS.issued],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 12 } },
    grid,
    xAxis: { type: 'value', axisLabel },
    yAxis: { type: 'category', data: list.map(x => x.name), axisLabel: { ...axisLabel, width: 90, overflow: 'truncate' } },
    series: [
      { name: '扫码次数', type: 'bar', data: list.map(x => x.scans) },
      { name: '领取积分', type: 'bar', data: list.map(x => x.claims) }
    ]
  }
}

// Provinces as tiles placed roughly where they lie (no map data needed): [code, short name, row, col].
export const PROVINCE_TILES: [string, string, number, number][] = [
  ['23', '黑龙江', 0, 7],
  ['65', '新疆', 1, 0], ['15', '内蒙古', 1, 4], ['11', '北京', 1, 5], ['22', '吉林', 1, 7],
  ['62', '甘肃', 2, 2], ['64', '宁夏', 2, 3], ['14', '山西', 2, 4], ['13', '河北', 2, 5], ['12', '天津', 2, 6], ['21', '辽宁', 2, 7],
  ['54', '西藏', 3, 0], ['63', '青海', 3, 1], ['61', '陕西', 3, 3], ['41', '河南', 3, 4], ['37', '山东', 3, 5],
  ['51', '四川', 4, 2], ['50', '重庆', 4, 3], ['42', '湖北', 4, 4], ['34', '安徽', 4, 5], ['32', '江苏', 4, 6], ['31', '上海', 4, 7],
  ['53', '云南', 5, 2], ['52', '贵州', 5, 3], ['43', '湖南', 5, 4], ['36', '江西', 5, 5], ['33', '浙江', 5, 6],
  ['45', '广西', 6, 3], ['44', '广东', 6, 4], ['35', '福建', 6, 5],
  ['46', '海南', 7, 3]
]
export const TILE_ROWS = 8
export const TILE_COLS = 8

export interface Tile {
  code: string
  name: string
  row: number
  col: number
  scans: number
  claims: number
  /** 0 (none) … 4 (the most), for the tile's shade. */
  level: number
}

/** The tiles with the period's scans; `unknown`: scans without a known place. */
export function provinceTiles(p: DashboardPeriod): { tiles: Tile[]; unknown: number; max: number } {
  const by = new Map(p.provinceScans.map(v => [v.province, v]))
  const max = Math.max(0, ...PROVINCE_TILES.map(([code]) => by.get(code)?.scans ?? 0))
  const tiles = PROVINCE_TILES.map(([code, name, row, col]) => {
    const v = by.get(code)
    const scans = v?.scans ?? 0
    return { code, name, row, col, scans, claims: v?.claims ?? 0, level: scans && max ? Math.max(1, Math.ceil((scans / max) * 4)) : 0 }
  })
  const known = new Set(PROVINCE_TILES.map(([code]) => code))
  const unknown = p.provinceScans.filter(v => !known.has(v.province)).reduce((s, v) => s + v.scans, 0)
  return { tiles, unknown, max }
}

/** Whether a period has anything to show (an empty brand shows the empty state, not zeros). */
export const periodEmpty = (p: DashboardPeriod) => !p.issued && !p.spent && !p.expired && !p.reversed && !p.scans

/** "数据截至 11-28，今日实时" / "尚未汇总，全部实时". */
export function freshness(d: Dashboard): string {
  return d.closedThrough ? `已汇总至 ${d.closedThrough}，今日数据实时` : '尚未汇总，全部为实时数据'
}
