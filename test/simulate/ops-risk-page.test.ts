/**
 * @jest-environment jsdom
 */
// 风控审核 as compiled by `taro build --type weapp` (see ./boot.ts): the queue from one riskQueue read
// (kinds and states in Chinese, the open counts, when the queue was last brought up to date);
// 立即更新 asks for a refresh (an operator's change) and lists again; a viewer reads the same queue
// without that button; an error shows the Chinese text.
import { bootPage, ok, opsServer, requireDist, text, waitFor, type Route } from './boot'

const RISK = 'packages/ops/risk/index'
const operator = (role: string, roleLabel: string) => ({ openid: 'o-ops', name: '品牌运营', role, roleLabel, disabled: false, createdAt: null, updatedAt: null })

const CASE = (id: string, kind: string, extra: Record<string, unknown>) => ({
  id, kind, status: 'open', code: '', batch: '', province: '', provinceName: '', member: '', memberName: '', batchNo: '', day: '',
  members: 1, facts: 1, firstAt: '2026-11-30T02:00:00.000Z', lastAt: '2026-11-30T02:05:00.000Z', ...extra,
})
const QUEUE = {
  items: [
    CASE('velocity:o-zhao:2026-11-30', 'velocity', { member: 'o-zhao', memberName: '赵小七', day: '2026-11-30' }),
    CASE('diversion:B1:44', 'diversion', { batch: 'B1', batchNo: 'AJ-2026-11-B', province: '44', provinceName: '广东省', members: 2, facts: 2 }),
  ],
  nextCursor: null,
  open: { velocity: 1, diversion: 1 },
  refreshedAt: '2026-11-30T02:05:00.000Z',
}

const server = (role = 'owner', overrides: Record<string, Route> = {}) =>
  opsServer(
    operator(role, role === 'viewer' ? '只读' : '负责人'),
    {
      'admin.riskQueue': () => ok(QUEUE),
      'admin.refreshRiskQueue': () => ok({ created: 1, updated: 0, events: 3, refreshedAt: '2026-11-30T02:10:00.000Z' }),
    },
    overrides,
  )

describe('风控审核 (compiled weapp output)', () => {
  beforeAll(() => requireDist(RISK))

  test('the queue in Chinese with when it was brought up to date; 立即更新 refreshes, then lists again', async () => {
    const { page, calls } = bootPage(RISK, server())
    await waitFor('the queue', () => !!page.querySelector('.ops-risk-fresh') && text(page).includes('赵小七'))
    expect(text(page.querySelector('.ops-risk-fresh')!)).toBe('更新于 2026-11-30 10:05 · 每 5 分钟自动更新')
    const all = text(page)
    for (const words of ['积分异常增长', '窜货', '赵小七 · 2026-11-30', '批次 AJ-2026-11-B 流入广东省', '待处理']) expect(all).toContain(words)
    expect(all).not.toMatch(/undefined|NaN|null|velocity|diversion|o-zhao/)
    const lists = () => calls.filter((c) => c.data.action === 'riskQueue').length
    const before = lists()

    page.querySelector('.ops-risk-refresh')!.dispatchEvent('tap')
    await waitFor('the refresh and a new listing', () => calls.some((c) => c.data.action === 'refreshRiskQueue') && lists() > before)
    expect(calls.filter((c) => c.data.action === 'refreshRiskQueue')).toHaveLength(1)
    page.detach()
  })

  test('a viewer reads the same queue without 立即更新', async () => {
    const { page, calls } = bootPage(RISK, server('viewer'))
    await waitFor('the queue', () => text(page).includes('赵小七'))
    expect(page.querySelector('.ops-risk-refresh')).toBeUndefined()
    expect(calls.some((c) => c.data.action === 'refreshRiskQueue')).toBe(false)
    page.detach()
  })

  test('an error shows the Chinese text and 重试 lists again', async () => {
    let n = 0
    const { page } = bootPage(RISK, server('owner', { 'admin.riskQueue': () => (n++ ? ok(QUEUE) : { ok: false, code: 'INTERNAL', message: 'boom' }) }))
    await waitFor('the error', () => text(page).includes('服务器开小差了，请稍后再试'))
    expect(text(page)).not.toContain('boom')
    page.querySelector('.ops-risk-retry')!.dispatchEvent('tap')
    await waitFor('the queue', () => text(page).includes('赵小七'))
    page.detach()
  })
})
