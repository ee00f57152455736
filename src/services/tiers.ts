import { callCloud } from './cloud'

// Member tiers (会员等级, docs/tiers.md); import as `* as tiers`.
const FN = 'tiers'

export interface TierBenefits {
  earnMultiplier: number
  signinMultiplier: number
  birthdayPoints?: number
  extraPlaysPerDay?: number
  exclusiveItems?: string[]
}

export interface TierBadge {
  tier: string
  name: string
  earnMultiplier: number
  signinMultiplier: number
  extraPlaysPerDay: number
  birthdayPoints: number
}

export interface MyTier {
  schemeVersion: number
  current: TierBadge & { minGrowth: number }
  growthInCycle: number
  lifetimeGrowth: number
  cycleStart: string
  cycleEnd: string
  cycleLastDay: string
  growthRules: { orderPerYuan: number; scan: number; signin: number }
  next: { tier: string; name: string; minGrowth: number; short: number } | null
  reminder: { short: number; cycleEnd: string; text: string } | null
  tiers: { level: string; name: string; minGrowth: number; benefits: TierBenefits }[]
  history: { seq: number; from: string; to: string; reason: string; reasonText: string; day: string }[]
  /** The keep reminder's subscribe-message template. */
  templateId: string
}

export const badge = (): Promise<TierBadge> => callCloud<TierBadge>(FN, { action: 'badge' })
export const mine = (): Promise<MyTier> => callCloud<MyTier>(FN, { action: 'mine' })

/** Reports one accepted keep-reminder prompt (`key`: a retried report counts once). */
export const subscribeKeep = (key: string, templateId: string) =>
  callCloud<{ credits: number; accepted: boolean }>(FN, { action: 'subscribeKeep', key, templateId })
