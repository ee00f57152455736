import { callCloud } from './cloud'

// 导出我的数据 and 注销账号 (docs/api.md, user function). Identity comes from the WeChat context only.
const FN = 'user'

export interface ExportedAddress {
  name: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
}

export interface MyData {
  generatedAt: string
  profile: { openid: string; nickname: string; avatarUrl: string; phone: string; birthday?: string; createdAt: string | null; updatedAt: string | null }
  addresses: ExportedAddress[]
  points: { balance: number; held: number; debt: number; earned: number; spent: number; expired: number; lots: { amount: number; remaining: number; expiresAt: string | null }[] }
  history: { truncated: boolean; items: { id: string; type: string; delta: number; balanceAfter: number; kind: string; reason: string; createdAt: string | null }[] }
  orders: { truncated: boolean; items: { id: string; no: string; title: string; quantity: number; points: number; cashFen: number; status: string; address: ExportedAddress | null; createdAt: string | null }[] }
  scans: { truncated: boolean; items: { code: string; batch: string; points: number; claimedAt: string | null }[] }
}

export interface ClosurePreview {
  policy: 'forfeit' | 'mustBeZero'
  balance: number
  forfeit: number
  blocked: null | 'ORDERS_OPEN' | 'POINTS_NOT_ZERO'
}

export function exportMyData(): Promise<MyData> {
  return callCloud<MyData>(FN, { action: 'exportMyData' })
}

export function closurePreview(): Promise<ClosurePreview> {
  return callCloud<ClosurePreview>(FN, { action: 'closurePreview' })
}

/** `confirmForfeit`: the points the member was shown would be forfeited (closurePreview.forfeit). */
export function closeAccount(confirmForfeit: number): Promise<{ closed: true; forfeited: number }> {
  return callCloud(FN, { action: 'closeAccount', confirmForfeit })
}
