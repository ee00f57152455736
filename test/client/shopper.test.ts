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
