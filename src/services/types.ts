// Shapes of the cloud functions' replies (the server contract). Keep in step with docs/api.md.

export interface Member {
  openid: string
  nickname: string
  /** '' = none; the UI draws a placeholder from the nickname's first character. */
  avatarUrl: string
  /** '' = none. */
  phone: string
  /** `YYYY-MM-DD`, '' = not given; set once (生日礼遇, docs/tiers.md#birthday). */
  birthday?: string
  /** ISO 8601. */
  createdAt: string
}

export interface PointsSummary {
  balance: number
  held: number
  debt: number
}

export interface LoginResult {
  member: Member
  points: PointsSummary
  isOperator: boolean
  created: boolean
}

export interface ProfileResult {
  member: Member
  points: PointsSummary
  isOperator: boolean
}

export interface UpdateProfileInput {
  nickname?: string
  phone?: string
  birthday?: string
}

export interface UpdateProfileResult {
  member: Member
}

export type MemberWithBalance = Member & { balance: number }

export interface ListMembersInput {
  cursor?: string
  /** 1..50, server default 20. */
  limit?: number
}

export interface ListMembersResult {
  items: MemberWithBalance[]
  nextCursor: string | null
  total: number
}

// ── points (cloudfunctions/points; shapes from cloudfunctions/common/ledger/queries.ts) ──

export type EntryType = 'earn' | 'spend' | 'hold' | 'release' | 'expire' | 'penalty' | 'reverse' | 'adjust'

/** What caused a movement: kind is scan, signin, order, checkout, game, ops, expiry, test, … */
export interface PointsSource {
  kind: string
  /** The thing's id in its own collection (code, order id, …). */
  ref: string
}

export interface ExpiringPoints {
  /** Last valid Shanghai day, YYYY-MM-DD. */
  day: string
  points: number
}

/** An in-app expiry reminder created `leadDays` before `day`. */
export interface ExpiryReminder {
  day: string
  points: number
  leadDays: number
}

/** points.summary: the account plus what it is worth and what expires when. */
export interface PointsSummaryResult extends PointsSummary {
  /** balance − held. */
  available: number
  pointsPerYuan: number
  /** What the available points are worth, in fen (integer). */
  valueFen: number
  /** Every upcoming last valid day with its points, soonest first. */
  expiring: ExpiringPoints[]
  reminders: ExpiryReminder[]
  /** Subscribe messages the member has allowed (one per accepted prompt). */
  reminderCredits: number
  reminderTemplateId: string
}

/** One ledger entry as the member sees it. */
export interface LedgerEntry {
  id: string
  type: EntryType
  /** Points moved, always positive. */
  amount: number
  /** Signed effect on the balance (0 for holds). */
  delta: number
  balanceAfter: number
  source: PointsSource
  /** '' = outside any campaign. */
  campaign: string
  /** The campaign's name, what a member reads ('' when none or unknown). */
  campaignName?: string
  reason: string
  /** ISO 8601. */
  createdAt: string
}

export interface HistoryInput {
  cursor?: string
  /** Only these types; omitted = all. */
  types?: EntryType[]
  /** 1..50, server default 20. */
  limit?: number
}

export interface HistoryResult {
  items: LedgerEntry[]
  nextCursor: string | null
}

export interface LedgerEntryDetail extends LedgerEntry {
  heldAfter: number
  debtAfter: number
  debtRepaid: number
  debtCreated: number
  /** Points per yuan in force when the entry was written. */
  rate: number
  /** The entry this one reverses, commits or releases; '' = none. */
  ref: string
}

/** A lot (batch of points with one expiry) an entry issued or touched. */
export interface EntryLot {
  id: string
  /** Points of this lot the entry moved. */
  points: number
  /** null when the lot can no longer be read. */
  source: PointsSource | null
  campaign: string
  campaignName?: string
  rate: number
  /** ISO 8601, null when unknown. */
  issuedAt: string | null
  /** YYYY-MM-DD (Shanghai), null when unknown. */
  lastValidDay: string | null
}

export interface EntryResult {
  entry: LedgerEntryDetail
  lots: EntryLot[]
}

export interface SubscribeRemindersInput {
  /** A fresh random id per accepted prompt, reused when the report is retried. */
  key: string
  templateId: string
}

export interface SubscribeRemindersResult {
  credits: number
  /** false when templateId is not the server's reminder template (nothing counted). */
  accepted: boolean
}

/** Every cloud function answers in this envelope. */
export type CloudReply<T> =
  | { ok: true; data: T }
  | { ok: false; code: string; message?: string }

export interface CloudEvent {
  action: string
  [key: string]: unknown
}

export interface Persona {
  id: string
  nickname: string
  role: 'shopper' | 'operator'
  description: string
}

export interface PersonaList {
  personas: Persona[]
  defaultId: string
}
