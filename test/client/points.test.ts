/**
 * @jest-environment jsdom
 */
// 我的积分 / 积分详情: the points wrappers send the contract events, the subscribe prompt per platform,
// and the pure helpers behind the pages (labels, signs, money, filters, reminders, Shanghai time).
import Taro from '@tarojs/taro'
import { resetCloudForTests } from '../../src/services/cloud'
import * as points from '../../src/services/points'
import { askToSubscribe } from '../../src/services/subscribe'
import {
  deltaTone,
  entryIdFromRoute,
  entryTypeLabel,
  entryUrl,
  filterTypes,
  formatDelta,
  formatFen,
  HISTORY_FILTERS,
  newActionKey,
  rateText,
  reminderNotices,
  sourceLabel
} from '../../src/utils/points'
import { formatShanghaiDate, formatShanghaiDateTime } from '../../src/utils/time'

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    cloud: { init: jest.fn(), callFunction: jest.fn() },
    request: jest.fn(),
    requestSubscribeMessage: jest.fn()
  }
}))

const callFunction = Taro.cloud.callFunction as unknown as jest.Mock
const request = Taro.request as unknown as jest.Mock
const requestSubscribeMessage = Taro.requestSubscribeMessage as unknown as jest.Mock

beforeEach(() => {
  jest.clearAllMocks()
  resetCloudForTests()
  window.localStorage.clear()
})

describe('points wrappers send the contract events', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'weapp'
    callFunction.mockResolvedValue({ result: { ok: true, data: {} } })
  })

  test('summary, history, entry, subscribeReminders', async () => {
    await points.summary()
    await points.history()
    await points.history({ cursor: 'MTcwMHxhYmM', types: ['earn'], limit: 20 })
    await points.history({ types: [] })
    await points.entry('scan:o-1:abc')
    await points.subscribeReminders({ key: 'sub-1', templateId: 'tmpl-1' })
    expect(callFunction.mock.calls.map(c => c[0])).toEqual([
      { name: 'points', data: { action: 'summary' } },
      { name: 'points', data: { action: 'history' } },
      { name: 'points', data: { action: 'history', cursor: 'MTcwMHxhYmM', types: ['earn'], limit: 20 } },
      // An empty filter means all types: the server is not sent an empty list.
      { name: 'points', data: { action: 'history' } },
      { name: 'points', data: { action: 'entry', id: 'scan:o-1:abc' } },
      { name: 'points', data: { action: 'subscribeReminders', key: 'sub-1', templateId: 'tmpl-1' } }
    ])
  })

  test('replies come back as data; NOT_FOUND and INSUFFICIENT_POINTS in Chinese', async () => {
    const page = { items: [{ id: 'e1', type: 'earn', amount: 5, delta: 5, balanceAfter: 5 }], nextCursor: null }
    callFunction.mockResolvedValueOnce({ result: { ok: true, data: page } })
    await expect(points.history()).resolves.toEqual(page)

    callFunction.mockResolvedValueOnce({ result: { ok: false, code: 'NOT_FOUND', message: 'no such entry' } })
    await expect(points.entry('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: '内容不存在' })

    callFunction.mockResolvedValueOnce({ result: { ok: false, code: 'INSUFFICIENT_POINTS' } })
    await expect(points.summary()).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS', message: '积分不足' })
  })

  test('in H5 they POST to /api/cloud/points', async () => {
    process.env.TARO_ENV = 'h5'
    request.mockResolvedValue({ statusCode: 200, data: { ok: true, data: { credits: 1, accepted: true } } })
    await expect(points.subscribeReminders({ key: 'k1', templateId: 'local-expiry-reminder' })).resolves.toEqual({ credits: 1, accepted: true })
    expect(request.mock.calls[0][0]).toMatchObject({
      url: '/api/cloud/points',
      method: 'POST',
      data: { action: 'subscribeReminders', key: 'k1', templateId: 'local-expiry-reminder' }
    })
    expect(callFunction).not.toHaveBeenCalled()
  })
})

describe('askToSubscribe', () => {
  test('weapp: asks WeChat for the template and reads its answer', async () => {
    process.env.TARO_ENV = 'weapp'
    requestSubscribeMessage.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-1': 'accept' })
    await expect(askToSubscribe('tmpl-1')).resolves.toBe('accept')
    expect(requestSubscribeMessage).toHaveBeenCalledWith({ tmplIds: ['tmpl-1'] })

    requestSubscribeMessage.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-1': 'reject' })
    await expect(askToSubscribe('tmpl-1')).resolves.toBe('reject')

    requestSubscribeMessage.mockResolvedValueOnce({ errMsg: 'requestSubscribeMessage:ok', 'other': 'accept' })
    await expect(askToSubscribe('tmpl-1')).resolves.toBe('fail')

    requestSubscribeMessage.mockRejectedValueOnce({ errCode: 20004, errMsg: 'requestSubscribeMessage:fail' })
    await expect(askToSubscribe('tmpl-1')).resolves.toBe('fail')
  })

  test('H5 has no prompt: opting in is the tap itself', async () => {
    process.env.TARO_ENV = 'h5'
    await expect(askToSubscribe('local-expiry-reminder')).resolves.toBe('accept')
    expect(requestSubscribeMessage).not.toHaveBeenCalled()
  })
})

describe('labels', () => {
  test('every entry type has its Chinese label', () => {
    expect(['earn', 'spend', 'hold', 'release', 'expire', 'penalty', 'reverse', 'adjust'].map(entryTypeLabel)).toEqual([
      '获得', '使用', '冻结', '解冻', '过期', '扣罚', '撤销', '调整'
    ])
    expect(entryTypeLabel('transfer')).toBe('transfer')
    expect(entryTypeLabel('toString')).toBe('toString')
  })

  test('source kinds in Chinese; an unknown kind is 其他', () => {
    expect(['scan', 'signin', 'order', 'checkout', 'mall', 'game', 'ops', 'expiry'].map(sourceLabel)).toEqual([
      '扫码积分', '签到', '订单积分', '门店抵扣', '商城兑换', '游戏', '运营调整', '到期'
    ])
    expect(sourceLabel('lottery')).toBe('其他')
    expect(sourceLabel('constructor')).toBe('其他')
    expect(sourceLabel('')).toBe('其他')
    expect(sourceLabel(null)).toBe('其他')
  })
})

test('signed deltas keep a parseable sign and a tone', () => {
  expect(formatDelta(120)).toBe('+120')
  expect(formatDelta(-35)).toBe('-35')
  expect(formatDelta(0)).toBe('0')
  expect(Number(formatDelta(-35))).toBe(-35)
  expect([deltaTone(1), deltaTone(-1), deltaTone(0)]).toEqual(['plus', 'minus', 'zero'])
})

test('fen are shown as yuan with two decimals, exactly', () => {
  expect(formatFen(0)).toBe('0.00')
  expect(formatFen(5)).toBe('0.05')
  expect(formatFen(1288)).toBe('12.88')
  expect(formatFen(100000001)).toBe('1000000.01')
  expect(formatFen(-250)).toBe('-2.50')
})

test('rate text', () => {
  expect(rateText(100)).toBe('100 积分 = ¥1')
  expect(rateText(0)).toBe('')
})

test('filter tabs: 全部 asks for every type, the others for the types whose sign they promise', () => {
  expect(HISTORY_FILTERS.map(f => [f.key, f.label])).toEqual([['all', '全部'], ['earn', '获得'], ['spend', '使用'], ['expire', '过期']])
  expect(filterTypes('all')).toBeUndefined()
  expect(filterTypes('earn')).toEqual(['earn'])
  expect(filterTypes('spend')).toEqual(['spend'])
  expect(filterTypes('expire')).toEqual(['expire'])
})

test('reminder notices: one per day, the latest reminder (fewest lead days) wins, soonest first', () => {
  const notices = reminderNotices([
    { day: '2026-02-01', points: 80, leadDays: 30 },
    { day: '2026-01-10', points: 100, leadDays: 30 },
    { day: '2026-01-10', points: 60, leadDays: 7 }
  ])
  expect(notices.map(n => [n.day, n.points])).toEqual([['2026-01-10', 60], ['2026-02-01', 80]])
  expect(notices[0].text).toBe('您有 60 积分有效期至 2026-01-10，请尽快使用')
  expect(reminderNotices([])).toEqual([])
})

test('entry ids survive the route whether or not the platform decoded the query', () => {
  const id = 'checkout:o-1:order|42@a.b'
  const url = entryUrl(id)
  expect(url.startsWith('/packages/points/entry/index?id=')).toBe(true)
  const raw = url.split('?id=')[1]
  expect(entryIdFromRoute(raw)).toBe(id)
  expect(entryIdFromRoute(decodeURIComponent(raw))).toBe(id)
  expect(entryIdFromRoute(undefined)).toBe('')
  expect(entryIdFromRoute('%E0%A4%A')).toBe('%E0%A4%A')
})

test('action keys are fresh and fit the server key charset', () => {
  const a = newActionKey('sub')
  const b = newActionKey('sub')
  expect(a).not.toBe(b)
  expect(a).toMatch(/^sub-[\w:.\-|@]{1,120}$/)
  expect(a.length).toBeLessThanOrEqual(128)
})

describe('Shanghai time', () => {
  test('a UTC time near midnight formats to the Shanghai date and time', () => {
    expect(formatShanghaiDateTime('2025-12-31T16:05:00.000Z')).toBe('2026-01-01 00:05')
    expect(formatShanghaiDateTime('2025-12-31T15:59:59.999Z')).toBe('2025-12-31 23:59')
    expect(formatShanghaiDate('2025-12-31T16:05:00.000Z')).toBe('2026-01-01')
    expect(formatShanghaiDateTime('2025-06-01T01:02:03Z')).toBe('2025-06-01 09:02')
    expect(formatShanghaiDateTime('garbage')).toBe('')
  })

  test('whatever zone the device is set to', () => {
    const original = process.env.TZ
    try {
      for (const tz of ['America/Los_Angeles', 'UTC', 'Asia/Tokyo']) {
        process.env.TZ = tz
        expect(formatShanghaiDateTime('2025-03-31T16:30:00.000Z')).toBe('2025-04-01 00:30')
      }
    } finally {
      process.env.TZ = original
    }
  })
})
