/**
 * @jest-environment jsdom
 */
// 我的积分 and 积分详情 as compiled by `taro build --type weapp` (see ./boot.ts): the cloud calls they
// make, what they render, filters, paging on reach-bottom, the subscribe prompt and NOT_FOUND.
import { bootPage, LOGIN_RESULT, requireDist, text, waitFor, type CallFunctionParam } from './boot'

const LEDGER = 'packages/points/ledger/index'
const ENTRY = 'packages/points/entry/index'

const SUMMARY = {
  balance: 1288,
  held: 30,
  debt: 0,
  available: 1258,
  pointsPerYuan: 100,
  valueFen: 1258,
  expiring: [
    { day: '2026-01-10', points: 100 },
    { day: '2026-03-31', points: 200 }
  ],
  reminders: [{ day: '2026-01-10', points: 100, leadDays: 7 }],
  reminderCredits: 0,
  reminderTemplateId: 'tmpl-expiry'
}

const entry = (n: number, over: Record<string, unknown> = {}) => ({
  id: `e:${n}`,
  type: 'earn',
  amount: n,
  delta: n,
  balanceAfter: 1000 + n,
  source: { kind: 'scan', ref: `code-${n}` },
  campaign: '',
  reason: '',
  createdAt: '2025-12-31T16:05:00.000Z',
  ...over
})

const ok = (data: unknown) => ({ ok: true, data })

/** Routes each call by function and action; `history` answers by cursor and types. */
function server(overrides: Partial<Record<string, (call: CallFunctionParam) => unknown>> = {}) {
  return (call: CallFunctionParam) => {
    const key = `${call.name}.${String(call.data.action)}`
    if (overrides[key]) return overrides[key]!(call)
    switch (key) {
      case 'user.login':
        return ok(LOGIN_RESULT)
      case 'points.summary':
        return ok(SUMMARY)
      case 'orders.pending':
        return ok({ total: 153, orders: [{ orderId: 'SO-1', points: 153, paidAt: '2026-11-20T04:00:00.000Z', delivered: false, availableOn: null, returnDays: 7 }] })
      case 'points.history': {
        const types = call.data.types as string[] | undefined
        if (types?.includes('spend')) return ok({ items: [], nextCursor: null })
        if (call.data.cursor === 'c2') return ok({ items: [entry(1)], nextCursor: null })
        return ok({ items: [entry(3), entry(2, { type: 'spend', delta: -2, source: { kind: 'checkout', ref: 'o' } })], nextCursor: 'c2' })
      }
      default:
        return { ok: false, code: 'UNKNOWN_ACTION' }
    }
  }
}

describe('我的积分 (compiled weapp output)', () => {
  beforeAll(() => requireDist(LEDGER))

  test('shows the balance, its worth, every expiry date, the reminder and the first page', async () => {
    const { page, calls } = bootPage(LEDGER, server())
    await waitFor('the list', () => page.querySelectorAll('.points-row').length === 2)
    await waitFor('the summary', () => !!page.querySelector('.points-balance'))

    expect(calls.map(c => c.data)).toEqual([
      { action: 'login' },
      { action: 'summary' },
      { action: 'history', limit: 20 },
      { action: 'pending' }
    ])
    // 可用积分 (balance − held) is the large number, its ¥ value beside it; the total and held under it.
    expect(text(page.querySelector('.points-balance')!)).toBe('1258')
    // Brand orders' points still 冻结中, with the order number (PendingPoints, docs/orders.md).
    await waitFor('the pending points', () => !!page.querySelector('.pending-points'))
    expect(text(page.querySelector('.pending-points')!)).toContain('订单 SO-1')
    expect(text(page.querySelector('.pending-points')!)).toContain('确认收货后 7 天可用')
    expect(text(page.querySelector('.points-value')!)).toBe('≈ ¥12.58')
    expect(text(page)).toContain('共 1288 积分 · 冻结中 30')
    // Both dates within 90 days of the fixture's days (N 天后过期 depends on today: not asserted here).
    const expiring = page.querySelectorAll('.points-expiring-item').map(text)
    expect(expiring).toHaveLength(2)
    expect(expiring[0]).toContain('有效期至 2026-01-10')
    expect(expiring[0]).toContain('100 积分')
    expect(expiring[1]).toContain('有效期至 2026-03-31')
    expect(expiring[1]).toContain('200 积分')
    expect(text(page.querySelector('.points-reminder')!)).toContain('您有 100 积分有效期至 2026-01-10')
    const rows = page.querySelectorAll('.points-row')
    expect(text(rows[0])).toContain('获得 · 扫码')
    expect(text(rows[0])).toContain('2026-01-01 00:05')
    // (j-component queries from the page only, not from a row)
    expect(page.querySelectorAll('.points-row-delta').map(text)).toEqual(['+3', '-2'])
    expect(text(rows[1])).toContain('使用 · 门店抵扣')
    expect(page.querySelector('.points-load-more')).toBeDefined()
    page.detach()
  })

  test('reaching the bottom fetches the next page until 没有更多了', async () => {
    const { page, calls } = bootPage(LEDGER, server())
    await waitFor('the first page', () => page.querySelectorAll('.points-row').length === 2)

    page.instance.onReachBottom()
    await waitFor('the second page', () => page.querySelectorAll('.points-row').length === 3)
    expect(calls[calls.length - 1].data).toEqual({ action: 'history', cursor: 'c2', limit: 20 })
    expect(text(page.querySelector('.points-no-more')!)).toBe('没有更多了')

    const before = calls.length
    page.instance.onReachBottom()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(calls).toHaveLength(before)
    page.detach()
  })

  test('a filter tab asks for its types; nothing there shows 暂无积分记录', async () => {
    const { page, calls } = bootPage(LEDGER, server())
    await waitFor('the first page', () => page.querySelectorAll('.points-row').length === 2)

    page.querySelector('.points-filter--spend')!.dispatchEvent('tap')
    await waitFor('the empty state', () => !!page.querySelector('.points-empty'))
    expect(calls[calls.length - 1].data).toEqual({ action: 'history', types: ['spend'], limit: 20 })
    expect(text(page.querySelector('.points-empty')!)).toContain('暂无积分记录')
    expect(page.querySelectorAll('.points-row')).toHaveLength(0)
    page.detach()
  })

  test('订阅过期提醒 asks WeChat, then reports the acceptance once with a fresh key', async () => {
    const boot = bootPage(LEDGER, server({ 'points.subscribeReminders': () => ok({ credits: 1, accepted: true }) }))
    const { page, calls } = boot
    const g = globalThis as Record<string, any>
    g.wx.requestSubscribeMessage = jest.fn((opts: { tmplIds: string[]; success?: (r: unknown) => void; complete?: (r: unknown) => void }) => {
      const res = { errMsg: 'requestSubscribeMessage:ok', [opts.tmplIds[0]]: 'accept' }
      opts.success?.(res)
      opts.complete?.(res)
    })
    g.wx.showToast = jest.fn()
    await waitFor('the opt-in', () => !!page.querySelector('.points-subscribe'))
    expect(text(page.querySelector('.points-subscribe-credits')!)).toContain('剩余提醒 0 次')

    page.querySelector('.points-subscribe')!.dispatchEvent('tap')
    await waitFor('the new credits', () => text(page.querySelector('.points-subscribe-credits')!).includes('剩余提醒 1 次'))
    expect(g.wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tmpl-expiry'])
    const reports = calls.filter(c => c.data.action === 'subscribeReminders')
    expect(reports).toHaveLength(1)
    expect(reports[0].data).toEqual({ action: 'subscribeReminders', key: expect.stringMatching(/^sub-[\w-]+$/), templateId: 'tmpl-expiry' })
    page.detach()
  })

  test('tapping a row opens 积分详情 for that entry', async () => {
    const { page, navigateTo } = bootPage(LEDGER, server())
    await waitFor('the first page', () => page.querySelectorAll('.points-row').length === 2)
    page.querySelectorAll('.points-row')[0].dispatchEvent('tap')
    await waitFor('navigateTo', () => navigateTo.mock.calls.length > 0)
    expect(navigateTo.mock.calls[0][0].url).toBe('/packages/points/entry/index?id=e%3A3')
    page.detach()
  })
})

describe('积分详情 (compiled weapp output)', () => {
  beforeAll(() => requireDist(ENTRY))

  const DETAIL = {
    entry: {
      ...entry(300, { type: 'adjust', source: { kind: 'ops', ref: 'op-1' }, reason: '补偿' }),
      heldAfter: 0,
      debtAfter: 0,
      debtRepaid: 120,
      debtCreated: 0,
      rate: 100,
      ref: ''
    },
    lots: [
      { id: 'lot:a', points: 180, source: { kind: 'ops', ref: 'op-1' }, campaign: '', rate: 100, issuedAt: '2025-12-31T16:05:00.000Z', lastValidDay: '2026-12-31' }
    ]
  }

  test('shows the entry with its debt repaid, rate and lots', async () => {
    const { page, calls } = bootPage(ENTRY, server({ 'points.entry': () => ok(DETAIL) }), { id: 'e%3A300' })
    await waitFor('the entry', () => !!page.querySelector('.entry-delta'))
    expect(calls[calls.length - 1].data).toEqual({ action: 'entry', id: 'e:300' })
    expect(text(page.querySelector('.entry-delta')!)).toBe('+300')
    const all = text(page)
    for (const s of ['调整', '运营', '补偿', '抵扣欠分', '120 积分', '100 积分 = ¥1', '2026-01-01 00:05']) expect(all).toContain(s)
    const lots = page.querySelectorAll('.entry-lot')
    expect(lots).toHaveLength(1)
    expect(text(lots[0])).toContain('有效期至 2026-12-31')
    expect(text(lots[0])).toContain('180 积分')
    page.detach()
  })

  test('NOT_FOUND (not the member\'s) shows the not-found state', async () => {
    const { page } = bootPage(ENTRY, server({ 'points.entry': () => ({ ok: false, code: 'NOT_FOUND', message: 'no such entry' }) }), { id: 'x' })
    await waitFor('not found', () => !!page.querySelector('.entry-not-found'))
    expect(page.querySelector('.entry-delta')).toBeUndefined()
    page.detach()
  })

  test('another error shows its Chinese text and 重试 asks again', async () => {
    let n = 0
    const { page, calls } = bootPage(ENTRY, server({ 'points.entry': () => (n++ === 0 ? { ok: false, code: 'INTERNAL' } : ok(DETAIL)) }), { id: 'e:300' })
    await waitFor('the error', () => !!page.querySelector('.entry-error'))
    expect(text(page.querySelector('.entry-error-text')!)).toBe('服务器开小差了，请稍后再试')
    page.querySelector('.entry-retry')!.dispatchEvent('tap')
    await waitFor('the entry', () => !!page.querySelector('.entry-delta'))
    expect(calls.filter(c => c.data.action === 'entry')).toHaveLength(2)
    page.detach()
  })
})
