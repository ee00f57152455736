// What a member's points are close to buying (the brief's advice on the value of points): pure, so
// 首页 and its test agree. Items as `mall.items` lists them.
import type { MallItem } from '../services/mall'

/** Items a member could redeem now or later: on sale with stock. */
const redeemable = (items: MallItem[]) => items.filter(i => i.state === 'onSale' && i.stockLeft > 0)

/**
 * The cheapest item the member cannot afford yet, with the points still missing ("再攒 120 积分可兑换
 * 山野青瓷茶杯"); when every item is affordable, null (the home says what can be redeemed now).
 */
export function nextGoal(items: MallItem[], available: number): { item: MallItem; missing: number } | null {
  const out = redeemable(items)
    .filter(i => i.points > available)
    .sort((a, b) => a.points - b.points)[0]
  return out ? { item: out, missing: out.points - Math.max(0, available) } : null
}

/** How many listed items the available points cover now (one unit each). */
export const affordableCount = (items: MallItem[], available: number) => redeemable(items).filter(i => i.points <= available).length

/** Recommended on 首页: on sale, in stock, in the mall's own order (sortWeight), at most `n`. */
export const recommended = (items: MallItem[], n = 4) => redeemable(items).slice(0, n)
