// Shapes of the cloud functions' replies (the server contract). Keep in step with docs/api.md.

export interface Member {
  openid: string
  nickname: string
  /** '' = none; the UI draws a placeholder from the nickname's first character. */
  avatarUrl: string
  /** '' = none. */
  phone: string
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
