/**
 * @jest-environment jsdom
 */
// The client's error vocabulary and callCloud's mapping of replies, for both transports.
import Taro from '@tarojs/taro'
import { ERROR_CODES as SERVER_ERROR_CODES } from '../../cloudfunctions/common/errors'
import { callCloud, resetCloudForTests } from '../../src/services/cloud'
import { CloudError, describeError, ERROR_CODES, errorText, GENERIC_ERROR_TEXT, isCloudError } from '../../src/services/errors'
import { PERSONA_STORAGE_KEY } from '../../src/services/persona'
import * as admin from '../../src/services/admin'
import * as user from '../../src/services/user'

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: {
    cloud: { init: jest.fn(), callFunction: jest.fn() },
    request: jest.fn()
  }
}))

const cloudInit = Taro.cloud.init as unknown as jest.Mock
const callFunction = Taro.cloud.callFunction as unknown as jest.Mock
const request = Taro.request as unknown as jest.Mock

const HAN = /[\u4e00-\u9fff]/

async function caught(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p
  } catch (err) {
    expect(isCloudError(err)).toBe(true)
    expect(err).toBeInstanceOf(CloudError)
    return err as CloudError
  }
  throw new Error('expected the call to throw')
}

beforeEach(() => {
  jest.clearAllMocks()
  resetCloudForTests()
  window.localStorage.clear()
})

describe('error codes', () => {
  test('the closed list is the server\'s codes plus NETWORK and BAD_RESPONSE', () => {
    expect([...ERROR_CODES].sort()).toEqual([...SERVER_ERROR_CODES, 'NETWORK', 'BAD_RESPONSE'].sort())
    for (const code of ['BAD_REQUEST', 'UNKNOWN_ACTION', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED',
      'CONFLICT', 'RATE_LIMITED', 'INTERNAL', 'NETWORK', 'BAD_RESPONSE']) {
      expect(ERROR_CODES).toContain(code)
    }
  })

  test.each(ERROR_CODES)('%s has Chinese text', code => {
    const text = errorText(code)
    expect(text).toMatch(HAN)
    expect(text).not.toBe(GENERIC_ERROR_TEXT)
  })

  test('every code the server may answer with has its own text', () => {
    for (const code of SERVER_ERROR_CODES) expect(errorText(code)).not.toBe(GENERIC_ERROR_TEXT)
  })

  test('the texts the UI promises', () => {
    expect(errorText('INTERNAL')).toBe('服务器开小差了，请稍后再试')
    expect(errorText('NETWORK')).toBe('网络异常，请检查网络后重试')
    expect(errorText('FORBIDDEN')).toBe('没有权限')
    expect(errorText('BAD_RESPONSE')).toBe('服务返回异常')
  })

  test('an unknown code gets the generic text', () => {
    expect(errorText('SOMETHING_NEW')).toBe(GENERIC_ERROR_TEXT)
    expect(errorText('toString')).toBe(GENERIC_ERROR_TEXT)
    expect(new CloudError('SOMETHING_NEW').message).toBe(GENERIC_ERROR_TEXT)
  })

  test('describeError prefers a Chinese server message, else the code text', () => {
    expect(describeError(new CloudError('BAD_REQUEST', '昵称不能超过 20 个字'))).toBe('昵称不能超过 20 个字')
    expect(describeError(new CloudError('BAD_REQUEST', 'nickname: too long'))).toBe('请求参数有误')
    expect(describeError(new Error('x'))).toBe(GENERIC_ERROR_TEXT)
  })
})

describe('callCloud in the mini-program (Taro.cloud)', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'weapp'
    process.env.TARO_APP_CLOUD_ENV = 'jifen-test-1a2b'
  })

  test('resolves data and initialises the cloud once', async () => {
    callFunction.mockResolvedValue({ errMsg: 'cloud.callFunction:ok', result: { ok: true, data: { n: 1 } } })
    await expect(callCloud('user', { action: 'login' })).resolves.toEqual({ n: 1 })
    await expect(callCloud('user', { action: 'getProfile' })).resolves.toEqual({ n: 1 })
    expect(cloudInit).toHaveBeenCalledTimes(1)
    expect(cloudInit).toHaveBeenCalledWith({ env: 'jifen-test-1a2b', traceUser: true })
    expect(callFunction).toHaveBeenNthCalledWith(1, { name: 'user', data: { action: 'login' } })
    expect(request).not.toHaveBeenCalled()
  })

  test('an empty TARO_APP_CLOUD_ENV leaves the environment to the SDK', async () => {
    process.env.TARO_APP_CLOUD_ENV = ''
    callFunction.mockResolvedValue({ result: { ok: true, data: null } })
    await expect(callCloud('user', { action: 'login' })).resolves.toBeNull()
    expect(cloudInit).toHaveBeenCalledWith({ traceUser: true })
  })

  test('{ok:false} becomes a CloudError with the Chinese text and the server message', async () => {
    callFunction.mockResolvedValue({ result: { ok: false, code: 'FORBIDDEN', message: 'operators only' } })
    const err = await caught(callCloud('admin', { action: 'listMembers' }))
    expect(err.code).toBe('FORBIDDEN')
    expect(err.message).toBe('没有权限')
    expect(err.serverMessage).toBe('operators only')
  })

  test('an unknown server code keeps its code and shows the generic text', async () => {
    callFunction.mockResolvedValue({ result: { ok: false, code: 'QUOTA_EXCEEDED' } })
    const err = await caught(callCloud('user', { action: 'login' }))
    expect(err.code).toBe('QUOTA_EXCEEDED')
    expect(err.message).toBe(GENERIC_ERROR_TEXT)
  })

  test.each([
    ['no result', {}],
    ['a bare value', { result: 42 }],
    ['ok without data', { result: { ok: true } }],
    ['ok:false without code', { result: { ok: false, message: 'x' } }],
    ['a different shape', { result: { success: true, balance: 3 } }]
  ])('%s → BAD_RESPONSE', async (_name, res) => {
    callFunction.mockResolvedValue(res)
    const err = await caught(callCloud('user', { action: 'login' }))
    expect(err.code).toBe('BAD_RESPONSE')
    expect(err.message).toBe('服务返回异常')
  })

  test('a transport failure → NETWORK', async () => {
    callFunction.mockRejectedValue({ errCode: -1, errMsg: 'cloud.callFunction:fail request:fail timeout' })
    const err = await caught(callCloud('user', { action: 'login' }))
    expect(err.code).toBe('NETWORK')
    expect(err.message).toBe('网络异常，请检查网络后重试')
    expect(err.serverMessage).toContain('timeout')
  })

  test('a function that crashed or is missing → INTERNAL', async () => {
    callFunction.mockRejectedValue({ errCode: -504002, errMsg: 'functions execute fail' })
    expect((await caught(callCloud('user', { action: 'login' }))).code).toBe('INTERNAL')
    callFunction.mockRejectedValue({ errCode: -404011, errMsg: 'function not found' })
    expect((await caught(callCloud('nope', { action: 'x' }))).code).toBe('INTERNAL')
  })
})

describe('callCloud in H5 (local server)', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'h5'
  })

  test('POSTs the event to /api/cloud/<name> with the stored persona', async () => {
    window.localStorage.setItem(PERSONA_STORAGE_KEY, 'operator-1')
    request.mockResolvedValue({ statusCode: 200, data: { ok: true, data: { items: [] } } })
    await expect(callCloud('admin', { action: 'listMembers', limit: 5 })).resolves.toEqual({ items: [] })
    expect(request).toHaveBeenCalledTimes(1)
    const arg = request.mock.calls[0][0]
    expect(arg).toMatchObject({
      url: '/api/cloud/admin',
      method: 'POST',
      data: { action: 'listMembers', limit: 5 },
      header: { 'content-type': 'application/json', 'X-Persona': 'operator-1' }
    })
    expect(callFunction).not.toHaveBeenCalled()
    expect(cloudInit).not.toHaveBeenCalled()
  })

  test('no stored persona → no X-Persona header (the server uses its default)', async () => {
    request.mockResolvedValue({ statusCode: 200, data: { ok: true, data: 1 } })
    await callCloud('user', { action: 'login' })
    expect(request.mock.calls[0][0].header).toEqual({ 'content-type': 'application/json' })
  })

  test('an error envelope is honoured whatever the HTTP status', async () => {
    request.mockResolvedValue({ statusCode: 403, data: { ok: false, code: 'FORBIDDEN', message: 'no' } })
    const err = await caught(callCloud('admin', { action: 'listMembers' }))
    expect(err.code).toBe('FORBIDDEN')
    expect(err.message).toBe('没有权限')
  })

  test('a non-envelope reply (proxy error page) → BAD_RESPONSE', async () => {
    request.mockResolvedValue({ statusCode: 502, data: '<html>Bad Gateway</html>' })
    expect((await caught(callCloud('user', { action: 'login' }))).code).toBe('BAD_RESPONSE')
  })

  test('a failed request → NETWORK', async () => {
    request.mockRejectedValue({ errMsg: 'request:fail' })
    expect((await caught(callCloud('user', { action: 'login' }))).code).toBe('NETWORK')
  })
})

describe('typed wrappers send the contract events', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'weapp'
    callFunction.mockResolvedValue({ result: { ok: true, data: {} } })
  })

  test('user', async () => {
    await user.login()
    await user.getProfile()
    await user.updateProfile({ nickname: '小明' })
    await user.updateProfile({ phone: '' })
    expect(callFunction.mock.calls.map(c => c[0])).toEqual([
      { name: 'user', data: { action: 'login' } },
      { name: 'user', data: { action: 'getProfile' } },
      { name: 'user', data: { action: 'updateProfile', nickname: '小明' } },
      { name: 'user', data: { action: 'updateProfile', phone: '' } }
    ])
  })

  test('admin', async () => {
    await admin.listMembers()
    await admin.listMembers({ cursor: 'c2', limit: 50 })
    expect(callFunction.mock.calls.map(c => c[0])).toEqual([
      { name: 'admin', data: { action: 'listMembers' } },
      { name: 'admin', data: { action: 'listMembers', cursor: 'c2', limit: 50 } }
    ])
  })
})
