/**
 * @jest-environment jsdom
 */
// WeChat's privacy flow in the compiled scan page (docs/privacy.md#consent): with 使用我的位置 on,
// the scan asks wx.requirePrivacyAuthorize; WeChat (stubbed) calls our onNeedPrivacyAuthorization
// listener, our sheet shows; 不同意 resolves 'disagree' and the scan goes on without a location and
// without wx.getLocation; 同意 (the agreePrivacyAuthorization button) resolves 'agree' with its id
// and the location is sent.
import { bootPage, LOGIN_RESULT, requireDist, waitFor, type CallFunctionParam } from './boot'

const SCAN = 'packages/scan/index'
const CODE = '1XAJG639WBAZX9HA3ZGN'

function server(call: CallFunctionParam) {
  if (call.data.action === 'login') return { ok: true, data: LOGIN_RESULT }
  return { ok: false, code: 'CODE_UNKNOWN', message: 'x' }
}

function privacyWx() {
  const resolved: unknown[] = []
  const stubs = {
    resolved,
    listener: null as null | ((resolve: (r: any) => void, info: unknown) => void),
    getLocation: jest.fn((o: any) => o.success?.({ latitude: 30.27, longitude: 120.15, errMsg: 'getLocation:ok' })),
    setup(wx: Record<string, any>) {
      wx.onNeedPrivacyAuthorization = (l: any) => {
        stubs.listener = l
      }
      // As WeChat does for a member who has not agreed: the listener decides success or fail.
      wx.requirePrivacyAuthorize = (o: any) => {
        stubs.listener!((r: any) => {
          resolved.push(r)
          if (r.event === 'agree' && r.buttonId === 'agree-btn') o.success?.({ errMsg: 'requirePrivacyAuthorize:ok' })
          if (r.event === 'disagree') o.fail?.({ errMsg: 'requirePrivacyAuthorize:fail privacy permission is not authorized' })
        }, { referrer: 'getLocation' })
      }
      wx.getLocation = stubs.getLocation
      wx.scanCode = (o: any) => o.success?.({ result: CODE, errMsg: 'scanCode:ok' })
      wx.showToast = jest.fn()
    }
  }
  return stubs
}

async function scanWithLocation(stubs: ReturnType<typeof privacyWx>) {
  const boot = bootPage(SCAN, server, {}, stubs.setup)
  const { page } = boot
  await waitFor('the form', () => !!page.querySelector('.scan-location'))
  page.querySelector('.scan-location')!.dispatchEvent('tap')
  await waitFor('location on', () => !!page.querySelector('.scan-location--on'))
  page.querySelector('.scan-camera')!.dispatchEvent('tap')
  await waitFor('the consent sheet', () => !!page.querySelector('.privacy-sheet'))
  expect(stubs.resolved).toEqual([{ event: 'exposureAuthorization' }])
  return boot
}

describe('consent before getLocation (compiled weapp output)', () => {
  beforeAll(() => requireDist(SCAN))

  test('不同意: the scan goes on without a location and wx.getLocation is never called', async () => {
    const stubs = privacyWx()
    const { page, calls } = await scanWithLocation(stubs)
    page.querySelector('.privacy-sheet__refuse')!.dispatchEvent('tap')
    await waitFor('the scan call', () => calls.some(c => c.data.action === 'scan'))
    expect(stubs.resolved[1]).toEqual({ event: 'disagree' })
    expect(stubs.getLocation).not.toHaveBeenCalled()
    const scan = calls.find(c => c.data.action === 'scan')!
    expect(scan.data.location ?? null).toBeNull()
    expect(page.querySelector('.privacy-sheet')).toBeUndefined()
    page.detach()
  })

  test('同意: resolve names the agree button, then the location is read and sent', async () => {
    const stubs = privacyWx()
    const { page, calls } = await scanWithLocation(stubs)
    page.querySelector('.privacy-sheet__agree')!.dispatchEvent('agreeprivacyauthorization')
    await waitFor('the scan call', () => calls.some(c => c.data.action === 'scan'))
    expect(stubs.resolved[1]).toEqual({ event: 'agree', buttonId: 'agree-btn' })
    expect(stubs.getLocation).toHaveBeenCalledTimes(1)
    expect(stubs.getLocation.mock.calls[0][0].type).toBe('gcj02')
    expect(calls.find(c => c.data.action === 'scan')!.data.location).toEqual({ latitude: 30.27, longitude: 120.15 })
    page.detach()
  })
})
