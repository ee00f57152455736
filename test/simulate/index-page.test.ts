/**
 * @jest-environment jsdom
 */
// 首页 as compiled by `taro build --type weapp`, rendered by miniprogram-simulate with the official
// wcc compiler (the pure-JS one renders Taro's recursive templates empty). wx.cloud.callFunction
// is stubbed; everything else (Taro runtime, React, our services and store) is the real dist/ code.
// This checks data, events and API calls of the shipped output, not layout.
import fs from 'node:fs'
import path from 'node:path'

const DIST = path.resolve(__dirname, '../../dist')
const HOME = path.join(DIST, 'pages/index/index')

/** The slice of miniprogram-simulate / j-component this test uses. */
interface SimNode {
  dom: { textContent: string | null } | undefined
  data: Record<string, unknown>
  querySelector(selector: string): SimNode | undefined
  dispatchEvent(eventName: string, options?: unknown): void
}
interface SimRoot extends SimNode {
  attach(parent: unknown): void
  detach(): void
}
interface Simulate {
  load(componentPath: string, options?: { compiler?: 'official' | 'simulate'; rootPath?: string }): string
  render(id: string, properties?: unknown): SimRoot
}

type CloudReply = unknown
interface CallFunctionParam {
  name: string
  data: Record<string, unknown>
}

const LOGIN_RESULT = {
  member: { openid: 'o-test-1', nickname: '测试会员', avatarUrl: '', phone: '', createdAt: '2025-01-02T03:04:05.000Z' },
  points: { balance: 1288, held: 0, debt: 0 },
  isOperator: false,
  created: true
}

function requireDist(): void {
  if (!fs.existsSync(`${HOME}.js`) || !fs.existsSync(path.join(DIST, 'app.js'))) {
    throw new Error(`dist/ has no compiled mini-program (${HOME}.js): run npm run build:weapp first`)
  }
}

/**
 * Loads a fresh copy of the compiled app and 首页 with `replies` answering successive cloud calls.
 * Fresh modules and globals per call: the app logs in once, when app.js is first evaluated.
 */
function bootHomePage(replies: CloudReply[]) {
  jest.resetModules()
  const g = globalThis as Record<string, any>
  delete g.wx // webpackJsonp and Taro's API bindings hang off wx; start clean

  const simulate = require('miniprogram-simulate') as Simulate // installs global.Component and wx
  const calls: CallFunctionParam[] = []
  const queue = [...replies]
  g.wx.cloud = {
    init: jest.fn(),
    callFunction: jest.fn(async (param: CallFunctionParam) => {
      calls.push({ name: param.name, data: param.data })
      const result = queue.length > 1 ? queue.shift() : queue[0]
      return { errMsg: 'cloud.callFunction:ok', requestID: `req-${calls.length}`, result }
    })
  }
  g.wx.navigateTo = jest.fn(async () => ({ errMsg: 'navigateTo:ok' }))

  // The shims miniprogram-simulate lacks for a Taro app (toolchain pitfall 5).
  const pages: unknown[] = []
  let app: Record<string, any> | undefined
  g.App = (options: Record<string, any>) => {
    app = options
  }
  g.getApp = () => app
  g.getCurrentPages = () => pages
  g.Page = (options: Record<string, any>) => {
    const methods: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(options)) if (typeof value === 'function') methods[key] = value
    return g.Component({
      data: options.data ?? {},
      methods,
      lifetimes: {
        attached(this: Record<string, any>) {
          this.route = 'pages/index/index'
          pages.push(this)
          this.onLoad({})
          this.onShow()
          this.onReady()
        }
      }
    })
  }

  require(path.join(DIST, 'app.js'))
  if (!app) throw new Error('dist/app.js did not call App()')
  app.onLaunch?.({ path: 'pages/index/index', query: {}, scene: 1001 })
  app.onShow?.({ path: 'pages/index/index', query: {}, scene: 1001 })

  const id = simulate.load(HOME, { compiler: 'official', rootPath: DIST })
  const page = simulate.render(id)
  // jsdom's document; this file is typechecked without the DOM lib (tsconfig.server.json).
  const doc = g.document as { createElement(tagName: string): unknown }
  page.attach(doc.createElement('parent-wrapper'))
  return { page, calls, cloud: g.wx.cloud as { init: jest.Mock; callFunction: jest.Mock } }
}

function text(node: SimNode): string {
  return (node.dom?.textContent ?? '').replace(/\s+/g, ' ')
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

describe('首页 (compiled weapp output)', () => {
  beforeAll(requireDist)

  test('logs in through wx.cloud.callFunction and shows the balance from the login result', async () => {
    const { page, calls, cloud } = bootHomePage([{ ok: true, data: LOGIN_RESULT }])

    await waitFor('the balance', () => !!page.querySelector('.home-balance'))

    expect(calls[0]).toEqual({ name: 'user', data: { action: 'login' } })
    expect(calls).toHaveLength(1)
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

    expect(calls).toHaveLength(2)
    expect(calls[1]).toEqual({ name: 'user', data: { action: 'login' } })
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
