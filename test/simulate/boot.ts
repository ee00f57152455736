// Boots a page of the compiled mini-program (dist/, from `npm run build:weapp`) in
// miniprogram-simulate with the official wcc compiler. Only wx.cloud and wx.navigateTo are stubbed
// and Page/App/getApp/getCurrentPages shimmed; the Taro runtime, React, our services and store are
// the real dist/ code. Checks data, events and API calls of the shipped output, not layout.
import fs from 'node:fs'
import path from 'node:path'

export const DIST = path.resolve(__dirname, '../../dist')

/** The slice of miniprogram-simulate / j-component these tests use. */
export interface SimNode {
  dom: { textContent: string | null; getAttribute?(name: string): string | null } | undefined
  data: Record<string, unknown>
  querySelector(selector: string): SimNode | undefined
  querySelectorAll(selector: string): SimNode[]
  dispatchEvent(eventName: string, options?: unknown): void
}
export interface SimRoot extends SimNode {
  attach(parent: unknown): void
  detach(): void
  /** The page object: Taro's page lifecycle methods (onReachBottom, onPullDownRefresh, …). */
  instance: Record<string, any>
}
interface Simulate {
  load(componentPath: string, options?: { compiler?: 'official' | 'simulate'; rootPath?: string }): string
  render(id: string, properties?: unknown): SimRoot
}

export interface CallFunctionParam {
  name: string
  data: Record<string, unknown>
}

/** Answers one cloud call with the reply's `result` (the {ok, data} envelope). */
export type Replies = unknown[] | ((call: CallFunctionParam, index: number) => unknown)

export const LOGIN_RESULT = {
  member: { openid: 'o-test-1', nickname: '测试会员', avatarUrl: '', phone: '', createdAt: '2025-01-02T03:04:05.000Z' },
  points: { balance: 1288, held: 0, debt: 0 },
  isOperator: false,
  created: true
}

export const ok = (data: unknown) => ({ ok: true, data })

/** Answers one kind of call (`fn.action`). */
export type Route = (call: CallFunctionParam) => unknown

/**
 * A console page's cloud: the member logs in as an operator, `admin.whoami` answers `operator`, each
 * `fn.action` of `routes` (then `overrides`, a test's variation) answers; anything else UNKNOWN_ACTION.
 */
export function opsServer(operator: unknown, routes: Record<string, Route>, overrides: Record<string, Route> = {}) {
  const all: Record<string, Route> = { 'user.login': () => ok({ ...LOGIN_RESULT, isOperator: true }), 'admin.whoami': () => ok(operator), ...routes, ...overrides }
  return (call: CallFunctionParam) => {
    const key = `${call.name}.${String(call.data.action)}`
    return all[key] ? all[key](call) : { ok: false, code: 'UNKNOWN_ACTION', message: key }
  }
}

export function requireDist(route: string): void {
  const page = path.join(DIST, route)
  if (!fs.existsSync(`${page}.js`) || !fs.existsSync(path.join(DIST, 'app.js'))) {
    throw new Error(`dist/ has no compiled mini-program (${page}.js): run npm run build:weapp first`)
  }
}

/**
 * Loads a fresh copy of the compiled app and the page at `route` (e.g. 'pages/index/index') with
 * `query` as its onLoad options. `replies` answers successive cloud calls: an array (the last one
 * repeats) or a function of the call. Fresh modules and globals per call: the app logs in once,
 * when app.js is first evaluated.
 */
export function bootPage(
  route: string,
  replies: Replies,
  query: Record<string, string> = {},
  /** Stubs more wx APIs before the app loads (Taro binds the wx APIs present at start). */
  setup?: (wx: Record<string, any>) => void
) {
  jest.resetModules()
  const g = globalThis as Record<string, any>
  delete g.wx // webpackJsonp and Taro's API bindings hang off wx; start clean

  const simulate = require('miniprogram-simulate') as Simulate // installs global.Component and wx
  const calls: CallFunctionParam[] = []
  const queue = Array.isArray(replies) ? [...replies] : []
  g.wx.cloud = {
    init: jest.fn(),
    callFunction: jest.fn(async (param: CallFunctionParam) => {
      const call = { name: param.name, data: param.data }
      calls.push(call)
      const result = typeof replies === 'function' ? replies(call, calls.length - 1) : queue.length > 1 ? queue.shift() : queue[0]
      return { errMsg: 'cloud.callFunction:ok', requestID: `req-${calls.length}`, result }
    })
  }
  g.wx.navigateTo = jest.fn(async () => ({ errMsg: 'navigateTo:ok' }))
  g.wx.stopPullDownRefresh = jest.fn()
  setup?.(g.wx)

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
          this.route = route
          this.options = query
          pages.push(this)
          this.onLoad({ ...query })
          this.onShow()
          this.onReady()
        }
      }
    })
  }

  require(path.join(DIST, 'app.js'))
  if (!app) throw new Error('dist/app.js did not call App()')
  app.onLaunch?.({ path: route, query, scene: 1001 })
  app.onShow?.({ path: route, query, scene: 1001 })

  const id = simulate.load(path.join(DIST, route), { compiler: 'official', rootPath: DIST })
  const page = simulate.render(id)
  // jsdom's document; this file is typechecked without the DOM lib (tsconfig.server.json).
  const doc = g.document as { createElement(tagName: string): unknown }
  page.attach(doc.createElement('parent-wrapper'))
  return {
    page,
    calls,
    cloud: g.wx.cloud as { init: jest.Mock; callFunction: jest.Mock },
    navigateTo: g.wx.navigateTo as jest.Mock
  }
}

export function text(node: SimNode): string {
  return (node.dom?.textContent ?? '').replace(/\s+/g, ' ')
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
