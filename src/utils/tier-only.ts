// A tier-only mall item (会员专享, docs/tiers.md#tier-only-items) as the member reads it. Pure.
import type { TierOnly } from '../services/mall'

/** Why a member below a tier-only item's tiers cannot redeem it: "你当前为普通会员，升级至金卡会员即可兑换". */
export function tierOnlyReason(t: TierOnly): string {
  const who = t.memberTier ? `你当前为${t.memberTier}，` : ''
  return t.lowestTier ? `${who}升级至${t.lowestTier}即可兑换` : `${who}该商品为指定会员等级专享`
}
