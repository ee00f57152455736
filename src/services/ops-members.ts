// 会员 and 风控审核 (docs/api.md, docs/risk.md): the console's member search, a member's page and its
// sections, corrections with their preview, and the risk queue with its actions.
import { callCloud } from './cloud'

export type SearchBy = 'nickname' | 'phone' | 'openid'

export interface MemberRow {
  openid: string
  nickname: string
  avatarUrl: string
  phone: string
  createdAt: string
  balance: number
  held: number
  debt: number
}

export interface MemberLot {
  id: string
  amount: number
  remaining: number
  held: number
  campaign: string
  rate: number
  lastValidDay: string
  expired: boolean
}

export interface MemberDetail {
  member: { openid: string; nickname: string; avatarUrl: string; phone: string; birthday: string; createdAt: string }
  points: { balance: number; held: number; debt: number; available: number; earned: number; spent: number; expired: number; penalized: number } | null
  lots: MemberLot[]
  lotCount: number
  tier: { level: string; name: string }
  earnBlock: { case: string; by: string; at: string; reason: string } | null
  freezes: { id: string; amount: number; kind: string; ref: string; expiresAt: string; createdAt: string }[]
}

export type Section = 'history' | 'signins' | 'draws' | 'orders' | 'scans' | 'risk'

export interface SectionQuery {
  openid: string
  section: Section
  cursor?: string
  kinds?: string[]
  from?: string
  to?: string
}

export type Row = Record<string, any> & { id: string }

export interface Totals {
  balance: number
  held: number
  debt: number
  available: number
}

export interface Preview {
  op: 'adjust' | 'penalty' | 'reverse' | 'freeze'
  member: string
  delta: number
  before: Totals
  after: Totals
  fromLots: number
  debtCreated: number
  debtRepaid: number
  entry?: { id: string; type: string; amount: number; kind: string; reason: string; createdAt: string }
}

export const searchMembers = (q: string, by?: SearchBy, cursor?: string) =>
  callCloud<{ items: MemberRow[]; nextCursor: string | null }>('admin', { action: 'searchMembers', q, ...(by ? { by } : {}), ...(cursor ? { cursor } : {}), limit: 20 } as never)

export const memberDetail = (openid: string) => callCloud<MemberDetail>('admin', { action: 'memberDetail', openid } as never)

export function memberSection(q: SectionQuery) {
  const event: Record<string, unknown> = { action: 'memberSection', openid: q.openid, section: q.section, limit: 10 }
  if (q.cursor) event.cursor = q.cursor
  if (q.kinds?.length) event.kinds = q.kinds
  if (q.from) event.from = q.from
  if (q.to) event.to = q.to
  return callCloud<{ items: Row[]; nextCursor: string | null }>('admin', event as never)
}

export type Correction = { op: 'adjust'; member: string; delta: number } | { op: 'penalty'; member: string; amount: number } | { op: 'reverse'; entry: string }

export const previewCorrection = (c: Correction) => callCloud<Preview>('admin', { action: 'previewCorrection', ...c } as never)

export function applyCorrection(c: Correction, reason: string, key: string) {
  if (c.op === 'adjust') return callCloud<Row>('admin', { action: 'adjustMember', member: c.member, delta: c.delta, reason, key } as never)
  if (c.op === 'penalty') return callCloud<Row>('admin', { action: 'penalizeMember', member: c.member, amount: c.amount, reason, key } as never)
  return callCloud<Row>('admin', { action: 'reverseEntry', entry: c.entry, reason } as never)
}

// ── 风控审核 ──

export type CaseKind = 'counterfeit' | 'diversion' | 'bruteforce' | 'velocity' | 'draws'
export type CaseStatus = 'open' | 'actioned' | 'dismissed'

export interface CaseSummary {
  id: string
  kind: CaseKind
  status: CaseStatus
  code: string
  batch: string
  province: string
  provinceName: string
  member: string
  memberName: string
  batchNo: string
  day: string
  members: number
  facts: number
  firstAt: string
  lastAt: string
}

export interface Evidence {
  id: string
  at: string
  member: string
  code: string
  batch: string
  province: string
  figure: number
  norm: number
}

export interface CaseAction {
  action: 'freeze' | 'unfreeze' | 'clawBack' | 'restore' | 'block' | 'unblock' | 'voidCode' | 'unvoidCode' | 'voidBatch' | 'dismiss' | 'reopen'
  by: string
  at: string
  note: string
  member?: string
  ref?: string
  amount?: number
}

export interface RiskCase {
  _id: string
  kind: CaseKind
  status: CaseStatus
  code: string
  batch: string
  province: string
  member: string
  day: string
  members: string[]
  evidence: Evidence[]
  facts: number
  firstAt: string
  lastAt: string
  actions: CaseAction[]
  /** Nicknames (members) and names (operators) by OPENID. */
  names: Record<string, string>
  provinces: Record<string, string>
  /** Batch id → its printed batch number. */
  batches: Record<string, string>
}

export function riskQueue(filter: { kind?: CaseKind; status?: CaseStatus; cursor?: string }) {
  const event: Record<string, unknown> = { action: 'riskQueue', limit: 20 }
  for (const [k, v] of Object.entries(filter)) if (v) event[k] = v
  return callCloud<{ items: CaseSummary[]; nextCursor: string | null; open: Partial<Record<CaseKind, number>>; refreshedAt: string | null }>('admin', event as never)
}

/** Brings the queue up to date now (the jobs tick does every 5 minutes): what the refresh found. */
export const refreshRiskQueue = () => callCloud<{ created: number; updated: number; events: number; refreshedAt: string }>('admin', { action: 'refreshRiskQueue' } as never)

export const riskCase = (id: string) => callCloud<RiskCase>('admin', { action: 'riskCase', case: id } as never)

export const riskPreview = (p: { op: 'freeze'; member: string } | { op: 'clawBack'; entry: string }) => callCloud<Preview>('admin', { action: 'riskPreview', ...p } as never)

export type RiskAct =
  | { action: 'riskFreeze'; member: string }
  | { action: 'riskUnfreeze'; hold: string }
  | { action: 'riskClawBack'; entry: string }
  | { action: 'riskRestore'; entry: string }
  | { action: 'riskBlock'; member: string }
  | { action: 'riskUnblock'; member: string }
  | { action: 'riskVoidCode'; code: string }
  | { action: 'riskUnvoidCode'; code: string }
  | { action: 'riskVoidBatch'; batch: string }
  | { action: 'riskDismiss' }
  | { action: 'riskReopen' }

export const riskAct = (caseId: string, act: RiskAct, note: string) => callCloud<{ case: RiskCase }>('admin', { ...act, case: caseId, note } as never)
