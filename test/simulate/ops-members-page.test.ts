/**
 * @jest-environment jsdom
 */
// 会员 as compiled by `taro build --type weapp` (see ./boot.ts): the newest members without a search,
// a search sent with the typed words, an empty search refused on the page with nothing sent, the
// results' empty state. (A row's tap is checked in Chromium: miniprogram-simulate does not reach the
// table rows, which Taro renders in its deeper template component.)
import { bootPage, ok, opsServer, requireDist, text, waitFor, type Route } from './boot'

const MEMBERS = 'packages/ops/members/index'
const OPERATOR = { openid: 'o-ops', name: '品牌运营', role: 'operator', roleLabel: '运营', disabled: false, createdAt: null, updatedAt: null }
const ROW = (openid: string, nickname: string, phone: string, balance: number) => ({ openid, nickname, avatarUrl: '', phone, createdAt: '2026-10-01T02:00:00.000Z', balance, held: 0, debt: 0 })

const server = (overrides: Record<string, Route> = {}) =>
  opsServer(
    OPERATOR,
    {
      'admin.searchMembers': (call) =>
        call.data.q === '林'
          ? ok({ items: [ROW('o-alice', '林小雨', '138****8000', 280)], nextCursor: null })
          : call.data.q
            ? ok({ items: [], nextCursor: null })
            : ok({ items: [ROW('o-alice', '林小雨', '138****8000', 280), ROW('o-bob', '王大山', '', 673)], nextCursor: null }),
    },
    overrides,
  )

const search = async (page: ReturnType<typeof bootPage>['page'], q: string) => {
  page.querySelector('.ops-members-q')!.dispatchEvent('input', { detail: { value: q } })
  await new Promise((r) => setTimeout(r, 30))
  page.querySelector('.ops-members-search')!.dispatchEvent('tap')
}

describe('会员 (compiled weapp output)', () => {
  beforeAll(() => requireDist(MEMBERS))

  test('the newest members first; a search sends its words and shows its results', async () => {
    const { page, calls } = bootPage(MEMBERS, server())
    await waitFor('the newest members', () => text(page).includes('王大山'))
    expect(text(page)).toContain('未绑定手机号')
    expect(text(page)).toContain('最新注册的会员')
    expect(calls.filter((c) => c.data.action === 'searchMembers').map((c) => c.data.q)).toEqual([''])

    await search(page, '林')
    await waitFor('the results', () => text(page).includes('“林”的搜索结果') && !text(page).includes('王大山'))
    expect(calls.filter((c) => c.data.action === 'searchMembers').map((c) => c.data.q)).toEqual(['', '林'])
    expect(text(page)).not.toMatch(/undefined|NaN|null/)
    page.detach()
  })

  test('an empty search is refused on the page with nothing sent; no match shows the empty state', async () => {
    const { page, calls } = bootPage(MEMBERS, server())
    await waitFor('the newest members', () => text(page).includes('王大山'))
    await search(page, '  ')
    await waitFor('the refusal', () => !!page.querySelector('.ops-members-problem'))
    expect(text(page.querySelector('.ops-members-problem')!)).toBe('请输入昵称、手机号或 OPENID')
    expect(calls.filter((c) => c.data.action === 'searchMembers')).toHaveLength(1)

    await search(page, '没有这个人')
    await waitFor('the empty state', () => text(page).includes('没有找到符合条件的会员'))
    page.detach()
  })
})
