/**
 * @jest-environment jsdom
 */
// The scan service on the client: the contract event, and finding the code in what a scanner read
// or a launch carried (the printed link in `q`, URL-encoded; `?code=`; a bare code).
import Taro from '@tarojs/taro'
import { resetCloudForTests } from '../../src/services/cloud'
import * as codes from '../../src/services/codes'

jest.mock('@tarojs/taro', () => ({
  __esModule: true,
  default: { cloud: { init: jest.fn(), callFunction: jest.fn() }, request: jest.fn() }
}))

const callFunction = Taro.cloud.callFunction as unknown as jest.Mock
const CODE = '1XAJG639WBAZX9HA3ZGN'

beforeEach(() => {
  jest.clearAllMocks()
  resetCloudForTests()
  process.env.TARO_ENV = 'weapp'
})

test('scan sends the code and, only when given, the coordinates', async () => {
  callFunction.mockResolvedValue({ result: { ok: true, data: { outcome: 'earned' } } })
  await codes.scan(CODE)
  await codes.scan(CODE, { latitude: 30.27, longitude: 120.15, accuracy: 5 } as never)
  expect(callFunction.mock.calls.map((c) => c[0])).toEqual([
    { name: 'codes', data: { action: 'scan', code: CODE } },
    { name: 'codes', data: { action: 'scan', code: CODE, location: { latitude: 30.27, longitude: 120.15 } } }
  ])
  callFunction.mockResolvedValueOnce({ result: { ok: false, code: 'CODE_FORGED' } })
  await expect(codes.scan('x')).rejects.toMatchObject({ code: 'CODE_FORGED', message: '防伪码校验失败，谨防假冒' })
})

test('the code in a printed link, a launch q, a ?code= URL or bare', () => {
  const link = `https://q.shanyechashi.example/q/${CODE}`
  expect(codes.codeFromText(link)).toBe(CODE)
  expect(codes.codeFromLaunch({ q: encodeURIComponent(link), scancode_time: '1700000000' })).toBe(CODE)
  expect(codes.codeFromLaunch({ code: '1XAJ-G639-WBAZ-X9HA-3ZGN' })).toBe('1XAJ-G639-WBAZ-X9HA-3ZGN')
  expect(codes.codeFromText(`http://127.0.0.1:3000/?code=${CODE}#/pages/index/index`)).toBe(CODE)
  expect(codes.codeFromText(` ${CODE} `)).toBe(CODE)
  expect(codes.codeFromLaunch({})).toBe('')
  expect(codes.codeFromText('%E0%A4%A')).toBe('%E0%A4%A') // not decodable: left as typed
})
