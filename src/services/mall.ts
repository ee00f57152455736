import Taro from '@tarojs/taro'
import { callCloud } from './cloud'

// The mall function's member actions (docs/mall.md); import as `* as mall`.
const FN = 'mall'

export const ITEMS_PAGE_SIZE = 10
export const ORDERS_PAGE_SIZE = 10

export type ItemKind = 'physical' | 'coupon' | 'cardCode' | 'redPacket'
export type ListingState = 'hidden' | 'upcoming' | 'onSale' | 'delisted'
/** `paying`: the payment arrived and the order is being delivered (seconds; finished by the jobs sweep if cut short). */
export type OrderStatus = 'unpaid' | 'paying' | 'toShip' | 'shipped' | 'completed' | 'cancelled'

export interface MallItem {
  id: string
  title: string
  images: string[]
  description: string
  category: string
  kind: ItemKind
  points: number
  cashFen: number
  perMemberLimit: number
  perOrderMax: number
  listAt: string | null
  delistAt: string | null
  flashSale: boolean
  state: ListingState
  stockLeft: number
  sold: number
  needsAddress: boolean
  /** A tier-only item (会员专享): its label, whether this member may redeem it, and why not. */
  tierOnly?: TierOnly | null
}

export interface TierOnly {
  label: string
  eligible: boolean
  memberTier: string
  lowestTier: string
}

export interface Address {
  name: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
}

export interface MallOrder {
  id: string
  /** 订单号 people read and say, \`20261129-483920\` (\`id\` is what actions take). */
  no: string
  item: string
  title: string
  image: string
  kind: ItemKind
  quantity: number
  points: number
  cashFen: number
  status: OrderStatus
  address: Address | null
  code: string | null
  /** Virtual items: one card code per unit (\`code\` joins them with 、). */
  codes?: string[]
  /** Red packets: the cash (fen) and its payout id. */
  redPacket?: { amountFen: number; payout: string | null } | null
  payment: { expiresAt: string; paidAt: string | null } | null
  logistics: { company: string; trackingNo: string; shippedAt: string } | null
  cancel: { reason: string; by: string; at: string } | null
  createdAt: string
}

export type PaymentRequest =
  | { provider: 'simulated'; payUrl: string; totalFee: number }
  | { provider: 'wxpay'; params: Record<string, unknown>; totalFee: number }

export interface ItemsPage {
  items: MallItem[]
  nextCursor: string | null
  serverNow: string
}

export function categories(): Promise<{ categories: string[] }> {
  return callCloud(FN, { action: 'categories' })
}

export function items(input: { category?: string; cursor?: string } = {}): Promise<ItemsPage> {
  const event: { action: string; [field: string]: unknown } = { action: 'items', limit: ITEMS_PAGE_SIZE }
  if (input.category) event.category = input.category
  if (input.cursor) event.cursor = input.cursor
  return callCloud(FN, event)
}

export function item(id: string): Promise<{ item: MallItem; memberTaken: number; serverNow: string }> {
  return callCloud(FN, { action: 'item', id })
}

/**
 * One redemption. `unpaid`: the member's 待付款 order of this item answered instead (nothing new
 * frozen; open it for 去支付 / 取消). `clientKey` is made once per confirmation screen and reused on every retry, so
 * double taps and lost replies produce one order.
 */
export function redeem(input: { item: string; quantity: number; clientKey: string; address?: Address }): Promise<{ order: MallOrder; payment?: PaymentRequest; unpaid?: true }> {
  return callCloud(FN, { action: 'redeem', ...input })
}

export function orders(input: { status?: OrderStatus; cursor?: string } = {}): Promise<{ items: MallOrder[]; nextCursor: string | null }> {
  const event: { action: string; [field: string]: unknown } = { action: 'orders', limit: ORDERS_PAGE_SIZE }
  if (input.status) event.status = input.status
  if (input.cursor) event.cursor = input.cursor
  return callCloud(FN, event)
}

export function order(id: string): Promise<{ order: MallOrder }> {
  return callCloud(FN, { action: 'order', id })
}

export function cancel(id: string): Promise<{ order: MallOrder }> {
  return callCloud(FN, { action: 'cancel', id })
}

/** What the member's points have bought: units and their value (points at today's rate + cash), in fen. */
export function redeemed(): Promise<{ units: number; points: number; cashFen: number; valueFen: number }> {
  return callCloud(FN, { action: 'redeemed' })
}

export function savedAddress(): Promise<{ address: Address | null }> {
  return callCloud(FN, { action: 'address' })
}

export function saveAddress(address: Address): Promise<{ address: Address }> {
  return callCloud(FN, { action: 'saveAddress', address })
}

export const ORDER_TABS: { status: OrderStatus | 'all'; label: string }[] = [
  { status: 'all', label: '全部' },
  { status: 'unpaid', label: '待付款' },
  { status: 'toShip', label: '待发货' },
  { status: 'shipped', label: '已发货' },
  { status: 'completed', label: '已完成' },
  { status: 'cancelled', label: '已取消' }
]

export const statusLabel = (s: OrderStatus) => (s === 'paying' ? '支付确认中' : ORDER_TABS.find(t => t.status === s)?.label ?? s)

export const priceText = (points: number, cashFen: number) => (cashFen > 0 ? `${points} 积分 + ¥${(cashFen / 100).toFixed(2)}` : `${points} 积分`)

/** A fresh idempotency key for one confirmation screen. */
export const newClientKey = () => `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`

/** "距开始 01:02:03" style countdown; '' once started. */
export function countdown(target: string | null, now: number): string {
  if (!target) return ''
  const ms = Date.parse(target) - now
  if (ms <= 0) return ''
  const s = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  const days = Math.floor(s / 86400)
  return `${days ? `${days}天 ` : ''}${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
}

/** Longest value of each address field, in characters (the server's ADDRESS_MAX). */
export const ADDRESS_MAX = { name: 20, province: 20, city: 20, district: 20, detail: 120 } as const
const chars = (s: string) => Array.from(s.trim()).length

/**
 * Mirrors the server's check, so the form can say what is wrong before sending. Over-long text is
 * refused with its limit, never cut (the inputs have no maxlength). Whether the region exists is the
 * picker's (only real divisions can be chosen) and the server's (ADDRESS_REGION_UNKNOWN).
 */
export function addressProblem(a: Address): string | null {
  if (!a.name.trim()) return '请填写收货人'
  if (chars(a.name) > ADDRESS_MAX.name) return `收货人最多 ${ADDRESS_MAX.name} 个字，请删减`
  if (!/^1[3-9]\d{9}$/.test(a.phone)) return '请填写 11 位手机号'
  if (!a.province.trim() || !a.city.trim() || !a.district.trim()) return '请选择所在地区（省、市、区）'
  if (chars(a.detail) > ADDRESS_MAX.detail) return `详细地址最多 ${ADDRESS_MAX.detail} 个字，当前 ${chars(a.detail)} 个字，请删减`
  if (chars(a.detail) < 4) return '请填写详细地址（至少 4 个字）'
  return null
}

/** The payment request again for a 待付款 order. */
export function pay(id: string): Promise<{ order: MallOrder; payment: PaymentRequest }> {
  return callCloud(FN, { action: 'pay', id })
}

/**
 * Hands a payment request to the platform: WeChat Pay in weapp ('paid' or 'notPaid': failed or
 * closed — the order stays 待付款 until it times out), the simulated page locally in H5 ('away': the
 * browser leaves for it and comes back to `orderUrl`).
 */
export async function startPayment(payment: PaymentRequest, orderUrl: string): Promise<'paid' | 'notPaid' | 'away'> {
  if (payment.provider === 'simulated') {
    window.location.href = `${payment.payUrl}?return=${encodeURIComponent(`/#${orderUrl}`)}`
    return 'away'
  }
  try {
    await Taro.requestPayment(payment.params as unknown as Parameters<typeof Taro.requestPayment>[0])
    return 'paid'
  } catch {
    return 'notPaid'
  }
}

// The operators' actions (the console) are in ops-mall.ts.
