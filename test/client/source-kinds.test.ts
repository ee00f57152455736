// The ledger's closed list of entry source kinds and the client's Chinese label for each, checked
// the way error codes are (errors.test.ts): a kind the server may write never reaches a member as
// English ("使用 · mall").
import { SOURCE_KINDS } from '../../cloudfunctions/common/ledger/sources'
import { entryTypeLabel, SOURCE_KIND_LABEL, sourceLabel } from '../../src/utils/points'

const HAN = /[\u4e00-\u9fff]/

test('the client labels exactly the server\'s source kinds', () => {
  expect(Object.keys(SOURCE_KIND_LABEL).sort()).toEqual(Object.keys(SOURCE_KINDS).sort())
})

test.each(Object.keys(SOURCE_KINDS))('%s has a Chinese label of its own', kind => {
  const label = sourceLabel(kind)
  expect(label).toMatch(HAN)
  expect(label).not.toBe('其他')
  expect(label).not.toMatch(/[a-z]/i)
})

test('labels are distinct; a mall spend reads 使用 · 商城兑换', () => {
  const labels = Object.keys(SOURCE_KINDS).map(sourceLabel)
  expect(new Set(labels).size).toBe(labels.length)
  expect(`${entryTypeLabel('spend')} · ${sourceLabel('mall')}`).toBe('使用 · 商城兑换')
})
