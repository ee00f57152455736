/**
 * @jest-environment jsdom
 */
// 首页 as compiled by `taro build --type weapp`, rendered by miniprogram-simulate with the official
// wcc compiler (the pure-JS one renders Taro's recursive templates empty). wx.cloud.callFunction
// is stubbed; everything else (Taro runtime, React, our services and store) is the real dist/ code.
// This checks data, events and API calls of the shipped output, not layout.
import { bootPage, LOGIN_RESULT, requireDist, text, waitFor, type Replies } from './boot'

const HOME = 'pages/index/index'
const bootHomePage = (replies: Replies) => bootPage(HOME, replies)

describe('首页 (compiled weapp output)', () => {
  beforeAll(() => requireDist(HOME))

  test('logs in through wx.cloud.callFunction and shows the balance from the login result', async () => {
    const { page, calls, cloud } = bootHomePage([{ ok: true, data: LOGIN_RESULT }])

    await waitFor('the balance', () => !!page.querySelector('.home-balance'))

    expect(calls[0]).toEqual({ name: 'user', data: { action: 'login' } })
    // One login; components read their own data after it (the tier badge: tiers.badge).
    expect(calls.filter((c) => c.name === 'user')).toHaveLength(1)
    expect(cloud.init).toHaveBeenCalledTimes(1)
    expect(cloud.init.mock.calls[0][0]).toMatchObject({ traceUser: true })
    expect(text(page.querySelector('.home-balance')!)).toBe('1288')
    expect(text(page.querySelector('.home-nickname')!)).toBe('测试会员')
    expect(text(page)).toContain('扫码赚积分')
    expect(text(page)).toContain('每日签到')
    expect(page.querySelector('.home-loading')).toBeUndefined()
    expect(page.querySelector('.home-error')).toBeUndefined()
    // H5-only persona switch must not exist in the mini-program.
    expect(page.querySelector('.persona-switch')).toBeUndefined()
    expect(JSON.stringify(page.data)).toContain('1288')
    page.detach()
  })

  test('a failed login shows the Chinese error text and 重试 logs in again', async () => {
    const { page, calls } = bootHomePage([
      { ok: false, code: 'INTERNAL', message: 'boom' },
      { ok: true, data: LOGIN_RESULT }
    ])

    await waitFor('the error state', () => !!page.querySelector('.home-error'))

    expect(calls).toEqual([{ name: 'user', data: { action: 'login' } }])
    expect(text(page.querySelector('.home-error-text')!)).toBe('服务器开小差了，请稍后再试')
    expect(JSON.stringify(page.data)).toContain('服务器开小差了，请稍后再试')
    expect(page.querySelector('.home-balance')).toBeUndefined()
    const retry = page.querySelector('.home-retry')
    expect(retry).toBeDefined()
    expect(text(retry!)).toContain('重试')

    retry!.dispatchEvent('tap')
    await waitFor('the balance after 重试', () => !!page.querySelector('.home-balance'))

    expect(calls.filter((c) => c.name === 'user')).toEqual([
      { name: 'user', data: { action: 'login' } },
      { name: 'user', data: { action: 'login' } },
    ])
    expect(text(page.querySelector('.home-balance')!)).toBe('1288')
    expect(page.querySelector('.home-error')).toBeUndefined()
    page.detach()
  })

  test('a reply outside the {ok, data} envelope is shown as 服务返回异常', async () => {
    const { page } = bootHomePage([{ balance: 5 }])
    await waitFor('the error state', () => !!page.querySelector('.home-error'))
    expect(text(page.querySelector('.home-error-text')!)).toBe('服务返回异常')
    page.detach()
  })
})
