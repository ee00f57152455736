// The console's campaigns and rules (docs/api.md#campaigns-and-rules-the-consoles-actions-rules-actionsts):
// campaigns, their drafts' validation, simulation and diff, the exchange rate, checkout rules, expiry.
import { callCloud } from './cloud'

const FN = 'admin'

export type CampaignKind = 'scan' | 'signin' | 'task' | 'order' | 'game' | 'manual'
export type CampaignStatus = 'draft' | 'published' | 'ended'

export interface Cap {
  period: 'day' | 'week' | 'month' | 'total'
  unit: 'points' | 'times'
  limit: number
}

export type Expiry =
  | { kind: 'rolling'; days: number }
  | { kind: 'yearEnd'; yearsAfter?: number }
  | { kind: 'fixed'; at: string }
  | { kind: 'afterEnd'; months: number }

export interface CampaignContent {
  name: string
  kind: CampaignKind
  window: { from: string | null; to: string | null }
  rule: Record<string, unknown>
  caps: Cap[]
  budget?: string
  expiry?: Expiry
  audience?: { tiers?: string[] }
}

export interface Campaign extends CampaignContent {
  _id: string
  status: CampaignStatus
  version: number
  draft: number | null
  createdAt: string
  updatedAt: string
  publishedAt?: string
  endedAt?: string
}

export interface CampaignVersion extends CampaignContent {
  _id: string
  version: number
  status: 'draft' | 'published'
  createdAt: string
  publishedAt?: string
}

export interface SimFigures {
  version: number
  issued: number
  credits: number
  nothing: number
  receivers: number
  liabilityFen: number
  redemptionRate: number | null
  usageRate: number | null
  budgetCap: number | null
  budgetIssued: number | null
  daysToA: number | null
  byDay: { day: string; points: number }[]
}

export interface Simulation {
  kind: 'scan' | 'signin' | 'order'
  from: string
  to: string
  facts: number
  truncated: boolean
  spent: number
  draft: SimFigures
  published: SimFigures | null
}

export interface DiffRow {
  field: string
  label: string
  before: string
  after: string
}

export interface RateView {
  current: { pointsPerYuan: number; effectiveFrom: string | null }
  rows: { pointsPerYuan: number; effectiveFrom: string; state: 'past' | 'current' | 'scheduled' }[]
}

export interface CheckoutRules {
  pointsPerYuan: number
  stepPoints: number
  maxSharePercent: number
}

export interface ExpiryPolicies {
  default: { text: string }
  campaigns: { id: string; name: string; kind: CampaignKind; status: CampaignStatus; expiry: Expiry | null; text: string }[]
}

export const listCampaigns = (filter: { kind?: CampaignKind; status?: CampaignStatus } = {}) =>
  callCloud<{ items: Campaign[] }>(FN, { action: 'listCampaigns', ...filter })

export const getCampaign = (id: string) => callCloud<{ campaign: Campaign; versions: CampaignVersion[] }>(FN, { action: 'getCampaign', id })

/** Create (`create`) or save the draft; a field's problem comes back as INVALID_FIELD naming it. */
export const saveCampaign = (campaign: CampaignContent & { id: string }, create: boolean) =>
  callCloud<unknown>(FN, { action: 'saveCampaign', create, campaign })

export const validateCampaign = (id: string) => callCloud<{ valid: boolean; problems: string[]; version: number }>(FN, { action: 'validateCampaign', id })
export const simulateCampaign = (id: string) => callCloud<Simulation>(FN, { action: 'simulateCampaign', id })
export const campaignDiff = (id: string) =>
  callCloud<{ draftVersion: number | null; publishedVersion: number | null; rows: DiffRow[] }>(FN, { action: 'campaignDiff', id })
export const publishCampaign = (id: string) => callCloud<Campaign>(FN, { action: 'publishCampaign', id })
export const endCampaign = (id: string) => callCloud<Campaign>(FN, { action: 'endCampaign', id })

export const rateSchedule = () => callCloud<RateView>(FN, { action: 'rateSchedule' })
export const scheduleRate = (pointsPerYuan: number, effectiveFrom: string) => callCloud<RateView>(FN, { action: 'scheduleRate', pointsPerYuan, effectiveFrom })
export const cancelRateChange = (effectiveFrom: string) => callCloud<RateView>(FN, { action: 'cancelRateChange', effectiveFrom })
export const checkoutSettings = () => callCloud<CheckoutRules>(FN, { action: 'checkoutSettings' })
export const saveCheckoutRules = (r: { stepPoints: number; maxSharePercent: number }) => callCloud<CheckoutRules>(FN, { action: 'saveCheckoutRules', ...r })
export const expiryPolicies = () => callCloud<ExpiryPolicies>(FN, { action: 'expiryPolicies' })
