// Pure helpers behind 我的 and 运营后台.
import { avatarInitial, fieldHint, maskPhone, validateNickname, validatePhone } from '../../src/utils/profile'
import { formatShanghaiDate } from '../../src/utils/time'

describe('validateNickname', () => {
  test('1–20 characters after trimming', () => {
    expect(validateNickname('小')).toBeNull()
    expect(validateNickname('  小明  ')).toBeNull()
    expect(validateNickname('一'.repeat(20))).toBeNull()
    expect(validateNickname('一'.repeat(21))).toBe('昵称最多 20 个字')
    expect(validateNickname('')).toBe('请输入昵称')
    expect(validateNickname('   ')).toBe('请输入昵称')
  })

  test('an emoji counts as one character', () => {
    expect(validateNickname('😀'.repeat(20))).toBeNull()
  })
})

describe('validatePhone', () => {
  test.each(['13800138000', '19912345678', ''])('%s is accepted', phone => {
    expect(validatePhone(phone)).toBeNull()
  })
  test.each(['12800138000', '1380013800', '138001380000', '+8613800138000', '1380013800a'])('%s is refused', phone => {
    expect(validatePhone(phone)).toBe('请输入 11 位手机号，或留空')
  })
})

test('maskPhone hides the middle four digits', () => {
  expect(maskPhone('13812345678')).toBe('138****5678')
  expect(maskPhone('')).toBe('')
})

test('avatarInitial takes the first character, with a fallback', () => {
  expect(avatarInitial('小明')).toBe('小')
  expect(avatarInitial('  amy')).toBe('a')
  expect(avatarInitial('😀abc')).toBe('😀')
  expect(avatarInitial('')).toBe('会')
})

test('formatShanghaiDate uses UTC+8 whatever the machine zone', () => {
  expect(formatShanghaiDate('2025-03-31T16:30:00.000Z')).toBe('2025-04-01')
  expect(formatShanghaiDate('2025-03-31T15:59:59.000Z')).toBe('2025-03-31')
  expect(formatShanghaiDate('not a date')).toBe('')
})

test('fieldHint names the field from a server BAD_REQUEST message', () => {
  expect(fieldHint('nickname must be 1-20 characters')).toBe('昵称格式不正确')
  expect(fieldHint('phone: invalid')).toBe('手机号格式不正确')
  expect(fieldHint('bad')).toBeNull()
})
