// 数据看板's calls (docs/console.md#数据看板, docs/api.md): one read of every figure, and the CSV.
import { callCloud } from './cloud'

export interface Slice {
  key: string
  label: string
  points: number
}

export interface Ranked {
  id: string
  name: string
  scans: number
  claims: number
}

export interface DashboardPeriod {
  key: 'today' | 'd7' | 'd30'
  label: string
  from: string
  to: string
  issued: number
  spent: number
  expired: number
  reversed: number
  penalized: number
  active: number | null
  scans: number
  claims: number
  redemptions: number
  sources: Slice[]
  uses: Slice[]
  provinceScans: { province: string; name: string; scans: number; claims: number }[]
  top: { batches: Ranked[]; products: Ranked[] }
}

export interface DashboardCampaign {
  campaign: string
  name: string
  status: string
  statusLabel: string
  A: number | null
  B: number
  C: number
  D: number
  issued: number
  spent: number
  expired: number
  outstanding: number
  liabilityFen: number
  rates: { rate: number; points: number; liabilityFen: number }[]
  receivers: number
  spenders: number
  burnPerDay: number
  daysToA: number | null
  readings: string[]
}

export interface DashboardDay {
  day: string
  issued: number
  spent: number
  expired: number
  reversed: number
  active: number | null
  outstanding: number | null
  liabilityFen: number | null
  live: boolean
}

export interface Dashboard {
  generatedAt: string
  today: string
  closedThrough: string | null
  periods: DashboardPeriod[]
  daily: DashboardDay[]
  campaigns: DashboardCampaign[]
  outstanding: number
  liabilityFen: number
}

export const loadDashboard = () => callCloud<Dashboard>('admin', { action: 'dashboard' })
export const exportDashboard = () => callCloud<{ filename: string; csv: string }>('admin', { action: 'exportDashboard' })
