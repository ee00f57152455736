// Pure text helpers for what shoppers read (no Taro: unit-tested in test/client/shopper.test.ts).

// Orders cancelled before the server wrote Chinese reasons (cloudfunctions/common/mall/words.ts)
// still carry English ones or an error code: shown in Chinese all the same.
const LEGACY_CANCEL_REASONS: Record<string, string> = {
  'member cancelled': '会员取消',
  'not paid in time': '超时未支付',
  'payment window closed': '超时未支付',
  cancelled: '已取消'
}

export function cancelReasonText(reason: string | null | undefined): string {
  if (!reason) return '已取消'
  if (Object.prototype.hasOwnProperty.call(LEGACY_CANCEL_REASONS, reason)) return LEGACY_CANCEL_REASONS[reason]
  return /^[A-Z_]+$/.test(reason) ? '无法发货，已退款' : reason
}
