// The item editor's form (src/packages/ops/item/form.ts): yuan typed → fen, Beijing wall clock →
// instants and back, the same checks and Chinese messages as the server, only changed fields sent.
import { changedFields, checkDraft, draftOf, EMPTY_DRAFT, joinInstant, previewState, splitInstant, yuanToFen } from '../../src/packages/ops/item/form'
import { csvLines, imageSizeProblem, splitCodes } from '../../src/services/ops-mall'

jest.mock('@tarojs/taro', () => ({ __esModule: true, default: {} }))

const now = Date.parse('2026-11-29T12:00:00Z')
const good = { ...EMPTY_DRAFT, title: '白茶', category: '茶叶', points: '50' }

test('yuan → fen without floating point; more than two decimals is not money', () => {
  expect(yuanToFen('9.9')).toBe(990)
  expect(yuanToFen('0.07')).toBe(7)
  expect(yuanToFen('12')).toBe(1200)
  expect(yuanToFen('12.')).toBe(1200)
  expect(yuanToFen('0.999')).toBeNull()
  expect(yuanToFen('-1')).toBeNull()
  expect(yuanToFen('1e3')).toBeNull()
})

test('Beijing wall clock ↔ instants', () => {
  expect(joinInstant('2026-12-01', '09:30')).toBe('2026-12-01T01:30:00.000Z')
  expect(joinInstant('2026-12-01', '')).toBe('2026-11-30T16:00:00.000Z')
  expect(joinInstant('', '09:30')).toBeNull()
  expect(splitInstant('2026-11-30T16:00:00.000Z')).toEqual({ date: '2026-12-01', time: '00:00' })
})

test.each([
  [{ title: ' ' }, 'title', '标题：不能为空'],
  [{ title: '茶'.repeat(41) }, 'title', '标题：不能超过 40 个字'],
  [{ points: '0' }, 'points', '积分：不能小于 1'],
  [{ points: '1.5' }, 'points', '积分：必须是整数'],
  [{ points: '10000001' }, 'points', '积分：不能超过 10,000,000'],
  [{ cash: '0.001' }, 'cashFen', '现金：最多精确到分（两位小数）'],
  [{ stock: '-1' }, 'stock', '库存：不能为负数'],
  [{ perOrderMax: '0' }, 'perOrderMax', '每单上限：不能小于 1'],
  [{ kind: 'redPacket' as const, redPacket: '0' }, 'redPacketFen', '红包金额：红包商品需要填写金额'],
  [{ listDate: '2026-12-02', delistDate: '2026-12-01' }, 'delistAt', '下架时间：必须晚于上架时间'],
  [{ delistDate: '2026-11-01' }, 'delistAt', '下架时间：不能早于现在'],
])('%j → %s %s', (over, field, message) => {
  expect(checkDraft({ ...good, ...over }, { creating: true, now }).errors[field]).toBe(message)
})

test('a good draft converts; a virtual item sends stock 0; an edit sends only what changed', () => {
  const c = checkDraft({ ...good, cash: '9.90', listDate: '2026-12-01', listTime: '10:00' }, { creating: true, now })
  expect(c.errors).toEqual({})
  expect(c.form).toMatchObject({ title: '白茶', points: 50, cashFen: 990, listAt: '2026-12-01T02:00:00.000Z', delistAt: null })
  expect(checkDraft({ ...good, kind: 'cardCode', stock: '99' }, { creating: true, now }).stock).toBe(0)
  const stored = { id: 'i1', ...c.form, redPacketFen: 0, state: 'upcoming' as const, stockLeft: 100, sold: 0, needsAddress: true }
  expect(changedFields(checkDraft(draftOf(stored), { creating: false, now }).form, stored)).toEqual({})
  expect(changedFields(checkDraft({ ...draftOf(stored), title: '新白茶', listTime: '10:00' }, { creating: false, now }).form, stored)).toEqual({ title: '新白茶' })
  expect(previewState(c.form, now)).toBe('upcoming')
  expect(previewState({ ...c.form, visible: false }, now)).toBe('hidden')
})

test('pasted codes, CSV lines and the picture size', () => {
  expect(splitCodes(' A-1 \nB-2,C-3；D-4\n\n')).toEqual(['A-1', 'B-2', 'C-3', 'D-4'])
  expect(csvLines('\uFEFFa,b,c\r\nd,e,f\n')).toEqual(['a,b,c', 'd,e,f', ''])
  expect(imageSizeProblem(512 * 1024)).toBeNull()
  expect(imageSizeProblem(2 * 1024 * 1024)).toBe('图片：不能超过 512 KB（这个文件 2.0 MB），请压缩后再上传')
})
