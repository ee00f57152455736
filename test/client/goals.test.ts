// 首页's "再攒 N 积分可兑换 …" and recommended items (src/utils/goals.ts).
import { affordableCount, nextGoal, recommended } from '../../src/utils/goals'
import type { MallItem } from '../../src/services/mall'

const item = (id: string, points: number, over: Partial<MallItem> = {}): MallItem => ({
  id, title: id, images: [], description: '', category: '茶器', kind: 'physical', points, cashFen: 0, perMemberLimit: 0, perOrderMax: 5,
  listAt: null, delistAt: null, flashSale: false, state: 'onSale', stockLeft: 10, sold: 0, needsAddress: true, ...over,
})

const items = [item('cup', 200), item('longjing', 800), item('set', 100, { cashFen: 2990 }), item('soon', 50, { state: 'upcoming' }), item('gone', 60, { stockLeft: 0 })]

test('the cheapest item not yet affordable, with the points missing; items not on sale or out of stock never count', () => {
  expect(nextGoal(items, 280)).toMatchObject({ item: { id: 'longjing' }, missing: 520 })
  expect(nextGoal(items, 80)).toMatchObject({ item: { id: 'set' }, missing: 20 })
  expect(nextGoal(items, -30)).toMatchObject({ item: { id: 'set' }, missing: 100 }) // debt: the whole price, not more
  expect(nextGoal(items, 800)).toBeNull()
  expect(affordableCount(items, 280)).toBe(2)
  expect(affordableCount(items, 0)).toBe(0)
})

test('recommended: on sale and in stock, in the mall order, at most n', () => {
  expect(recommended(items).map(i => i.id)).toEqual(['cup', 'longjing', 'set'])
  expect(recommended(items, 2).map(i => i.id)).toEqual(['cup', 'longjing'])
})
