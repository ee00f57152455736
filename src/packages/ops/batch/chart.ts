// The batch page's scan chart: the server answers only the days that had scans; the chart shows
// every day of the latest window, empty days as zero, bars scaled to the busiest day.
import type { DayStats } from '../../../services/ops-codes'

export const CHART_DAYS = 30

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

export interface Bar extends DayStats {
  /** 0..100: the day's scans against the busiest day's. */
  height: number
  /** The claims' part of the bar, 0..100 of the bar itself. */
  claimShare: number
  label: string
}

/** The `n` days up to `today` (Shanghai), with totals over the window. */
export function chartBars(days: DayStats[], today: string, n = CHART_DAYS): { bars: Bar[]; total: DayStats; max: number } {
  const byDay = new Map(days.map(d => [d.day, d]))
  const window: DayStats[] = []
  for (let i = n - 1; i >= 0; i--) {
    const day = addDays(today, -i)
    window.push(byDay.get(day) ?? { day, scans: 0, claims: 0, points: 0 })
  }
  const max = Math.max(0, ...window.map(d => d.scans))
  const total = window.reduce((t, d) => ({ day: '', scans: t.scans + d.scans, claims: t.claims + d.claims, points: t.points + d.points }), { day: '', scans: 0, claims: 0, points: 0 })
  const bars = window.map(d => ({
    ...d,
    height: max ? Math.round((d.scans / max) * 100) : 0,
    claimShare: d.scans ? Math.round((d.claims / d.scans) * 100) : 0,
    label: `${Number(d.day.slice(5, 7))}/${Number(d.day.slice(8, 10))}`,
  }))
  return { bars, total, max }
}
