// Issue 14 §1 on the client: orders cancelled before the server wrote Chinese reasons still read in Chinese.
import { cancelReasonText } from '../../src/utils/words'

test('legacy English cancel reasons and error codes read in Chinese; Chinese ones as written', () => {
  expect(cancelReasonText('member cancelled')).toBe('会员取消')
  expect(cancelReasonText('not paid in time')).toBe('超时未支付')
  expect(cancelReasonText('payment window closed')).toBe('超时未支付')
  expect(cancelReasonText('CODES_EXHAUSTED')).toBe('无法发货，已退款')
  expect(cancelReasonText('缺货，联系后取消')).toBe('缺货，联系后取消')
  expect(cancelReasonText(undefined)).toBe('已取消')
})

describe('issue 14 §2: one definition of the figures; 即将过期 within 90 days', () => {
  const { availablePoints, heldNote, splitExpiring } = require('../../src/utils/points')

  test('可用 is balance − held everywhere; 共 … · 冻结中 … only when points are held', () => {
    expect(availablePoints({ balance: 280, held: 200, debt: 0 })).toBe(80)
    expect(heldNote({ balance: 280, held: 200, debt: 0 })).toBe('共 280 积分 · 冻结中 200')
    expect(availablePoints({ balance: 100, held: 150, debt: 0 })).toBe(0)
    expect(heldNote({ balance: 280, held: 0, debt: 0 })).toBe('')
  })

  test('within 90 days with N 天后过期, the rest behind 全部有效期', () => {
    const { soon, later } = splitExpiring(
      [{ day: '2027-11-29', points: 20 }, { day: '2026-12-05', points: 120 }, { day: '2026-11-30', points: 5 }, { day: '2027-02-28', points: 7 }],
      '2026-11-30'
    )
    expect(soon.map((r: any) => [r.day, r.text])).toEqual([['2026-11-30', '今天过期'], ['2026-12-05', '5 天后过期'], ['2027-02-28', '90 天后过期']])
    expect(later.map((r: any) => [r.day, r.text])).toEqual([['2027-11-29', '364 天后过期']])
  })
})
