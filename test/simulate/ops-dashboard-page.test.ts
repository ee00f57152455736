/**
 * @jest-environment jsdom
 */
// 数据看板 as compiled by `taro build --type weapp` (see ./boot.ts): it asks who the operator is, then
// loads admin.dashboard once; the KPI cards, the province tiles, the campaigns' A/B/C/D and their
// readings render from the reply; the period switch changes the figures without another call; an
// error shows the Chinese text and 重试 loads again; a shopper sees only the refusal.
import { bootPage, ok, opsServer, requireDist, text, waitFor, type Route, type SimNode } from './boot'

const DASHBOARD = 'packages/ops/dashboard/index'

const period = (key: string, label: string, issued: number) => ({
  key,
  label,
  from: '2026-11-29',
  to: '2026-11-29',
  issued,
  spent: 40,
  expired: 5,
  reversed: 3,
  penalized: 0,
  active: 12,
  scans: 9,
  claims: 6,
  redemptions: 2,
  sources: [
    { key: 'scan', label: '扫码', points: issued - 20 },
    { key: 'signin', label: '签到', points: 20 }
  ],
  uses: [
    { key: 'mall', label: '商城兑换', points: 40 },
    { key: 'expired', label: '过期', points: 5 }
  ],
  provinceScans: [
    { province: '33', name: '浙江省', scans: 6, claims: 3 },
    { province: 'none', name: '未知地区', scans: 3, claims: 3 }
  ],
  top: { batches: [{ id: 'B1', name: '安吉白茶 · AJ-01', scans: 9, claims: 6 }], products: [{ id: 'tea', name: '安吉白茶', scans: 9, claims: 6 }] }
})

const DASH = {
  generatedAt: '2026-11-29T04:00:00.000Z',
  today: '2026-11-29',
  closedThrough: '2026-11-28',
  periods: [period('today', '今日', 120), period('d7', '近7天', 870), period('d30', '近30天', 3456)],
  daily: [
    { day: '2026-11-28', issued: 100, spent: 30, expired: 0, reversed: 0, active: 8, outstanding: 900, liabilityFen: 900, live: false },
    { day: '2026-11-29', issued: 120, spent: 40, expired: 5, reversed: 3, active: 12, outstanding: 972, liabilityFen: 972, live: true }
  ],
  campaigns: [
    {
      campaign: 'spring', name: '春季扫码', status: 'published', statusLabel: '进行中', A: 5000, B: 4600, C: 0.25, D: 0.5, issued: 4600, spent: 1150, expired: 0,
      outstanding: 3450, liabilityFen: 3450, rates: [], receivers: 10, spenders: 5, burnPerDay: 100, daysToA: 4,
      readings: ['B 接近 A：预算将尽，需追加预算或收紧规则', '按近7天日均发放 100 分，约 4 天后达到 A（即将用完）']
    }
  ],
  outstanding: 972,
  liabilityFen: 972
}

const OPERATOR = { openid: 'o-ops', name: '品牌运营', role: 'owner', roleLabel: '负责人', disabled: false, createdAt: null, updatedAt: null }

const server = (overrides: Record<string, Route> = {}) => opsServer(OPERATOR, { 'admin.dashboard': () => ok(DASH) }, overrides)

/**
 * miniprogram-simulate has no canvas node query: the chart wrapper's query answers no node (the
 * charts stay blank, as on a base library without canvas 2d); everything else is the real page.
 */
const noCanvas = (wx: Record<string, any>) => {
  const query: Record<string, any> = {
    in: () => query,
    select: () => query,
    selectAll: () => query,
    fields: () => query,
    boundingClientRect: () => query,
    exec: (cb?: (res: unknown[]) => void) => cb?.([null])
  }
  wx.createSelectorQuery = () => query
}
const boot = (replies: ReturnType<typeof server>) => bootPage(DASHBOARD, replies, {}, noCanvas)

const kpi = (page: SimNode, key: string) => text(page.querySelector(`.ops-dash-kpi-${key}`)!)

describe('数据看板 (compiled weapp output)', () => {
  beforeAll(() => requireDist(DASHBOARD))

  test('one dashboard read; cards, tiles, campaigns and readings from it; the period switch needs no call', async () => {
    const { page, calls } = boot(server())
    await waitFor('the KPI cards', () => !!page.querySelector('.ops-dash-kpi-issued'))
    expect(calls.filter(c => c.name === 'admin').map(c => c.data.action)).toEqual(['whoami', 'dashboard'])
    expect(kpi(page, 'issued')).toContain('120')
    expect(kpi(page, 'scans')).toContain('其中领取积分 6')
    expect(kpi(page, 'outstanding')).toContain('负债 ¥9.72')
    expect(text(page.querySelector('.ops-dash-fresh')!)).toContain('已汇总至 2026-11-28')
    // Province tiles: 浙江 has the scans; the ones without a place are counted apart.
    expect(text(page.querySelector('.ops-dash-tile-33')!)).toBe('浙江6')
    expect(text(page.querySelector('.ops-dash-tile-11')!)).toBe('北京—')
    expect(text(page.querySelector('.ops-dash-provinces')!)).toContain('另有 3 次扫码未取得位置')
    const campaign = text(page.querySelector('.ops-dash-campaign-spring')!)
    for (const words of ['春季扫码', '进行中', 'A 最大可发5,000', 'B 已发4,600', 'C 兑换率25.0%', 'D 使用率50.0%', '约 4 天', 'B 接近 A：预算将尽']) expect(campaign).toContain(words)
    expect(text(page.querySelector('.ops-dash-sources')!)).toContain('扫码 100 分')
    expect(text(page.querySelector('.ops-dash-batches')!)).toContain('安吉白茶 · AJ-01')

    page.querySelector('.ops-dash-period-d30')!.dispatchEvent('tap')
    await waitFor('the 30-day figures', () => kpi(page, 'issued').includes('3,456'))
    expect(text(page.querySelector('.ops-dash-sources')!)).toContain('积分来源 · 近30天')
    expect(calls.filter(c => c.data.action === 'dashboard')).toHaveLength(1)
    expect(text(page)).not.toMatch(/undefined|NaN|null/)
    page.detach()
  })

  test('an error shows the Chinese text; 重试 loads again', async () => {
    let n = 0
    const { page } = boot(server({ 'admin.dashboard': () => (n++ ? ok(DASH) : { ok: false, code: 'INTERNAL', message: 'boom' }) }))
    await waitFor('the error', () => !!page.querySelector('.ops-dash-error'))
    expect(text(page.querySelector('.ops-dash-error-text')!)).toBe('服务器开小差了，请稍后再试')
    page.querySelector('.ops-dash-retry')!.dispatchEvent('tap')
    await waitFor('the cards', () => !!page.querySelector('.ops-dash-kpi-issued'))
    page.detach()
  })

  test('a brand without figures sees the empty state', async () => {
    const empty = { ...DASH, periods: DASH.periods.map(p => ({ ...p, issued: 0, spent: 0, expired: 0, reversed: 0, scans: 0 })), campaigns: [] }
    const { page } = boot(server({ 'admin.dashboard': () => ok(empty) }))
    await waitFor('the empty state', () => !!page.querySelector('.ops-dash-empty'))
    expect(text(page.querySelector('.ops-dash-empty')!)).toContain('还没有积分数据')
    page.detach()
  })

  test('a shopper sees only the refusal, and no dashboard call is made', async () => {
    const { page, calls } = boot(server({ 'admin.whoami': () => ({ ok: false, code: 'FORBIDDEN', message: 'no' }) }))
    await waitFor('the refusal', () => !!page.querySelector('.ops-refused'))
    expect(text(page)).toContain('仅运营人员可以访问')
    expect(page.querySelector('.ops-dash-kpi-issued')).toBeUndefined()
    expect(calls.some(c => c.data.action === 'dashboard')).toBe(false)
    page.detach()
  })
})
