// callCloud: the ONE place the mini-program talks to cloud functions.
//   weapp → Taro.cloud.callFunction (after a one-time Taro.cloud.init)
//   h5    → POST /api/cloud/<name> on the local server (taro-h5 has no Taro.cloud), with X-Persona
// Every function answers {ok:true, data} or {ok:false, code, message}; callCloud resolves `data`
// or throws a CloudError whose message is the Chinese text for its code.
import Taro from '@tarojs/taro'
import { CloudError } from './errors'
import { getPersonaId, PERSONA_HEADER } from './persona'
import type { CloudEvent } from './types'

/** Cloud-side failures reported by callFunction itself (not the network): function missing or crashed. */
const CLOUD_SIDE_ERRCODES = new Set([-404011, -504002, -501000, -501001])

const H5_TIMEOUT_MS = 20000

let cloudInitialised = false

export function ensureCloud(): void {
  if (cloudInitialised) return
  const env = process.env.TARO_APP_CLOUD_ENV
  // '' → let the SDK use the environment selected in DevTools / the default one.
  Taro.cloud.init(env ? { env, traceUser: true } : { traceUser: true })
  cloudInitialised = true
}

function transportError(err: unknown): CloudError {
  const e = (err ?? {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown }
  const text = String(e.errMsg ?? e.message ?? err ?? '')
  if (typeof e.errCode === 'number' && CLOUD_SIDE_ERRCODES.has(e.errCode)) {
    return new CloudError('INTERNAL', text)
  }
  return new CloudError('NETWORK', text)
}

/** Turns a function's reply into its data, or throws the matching CloudError. */
export function unwrapReply<T>(reply: unknown): T {
  if (reply && typeof reply === 'object') {
    const r = reply as { ok?: unknown; data?: unknown; code?: unknown; message?: unknown; field?: unknown }
    if (r.ok === true && 'data' in r) return r.data as T
    if (r.ok === false && typeof r.code === 'string' && r.code) {
      throw new CloudError(r.code, typeof r.message === 'string' ? r.message : '', typeof r.field === 'string' ? r.field : undefined)
    }
  }
  let preview: string
  try {
    preview = JSON.stringify(reply)?.slice(0, 200) ?? String(reply)
  } catch {
    preview = String(reply)
  }
  throw new CloudError('BAD_RESPONSE', preview)
}

async function callViaWeapp(name: string, data: CloudEvent): Promise<unknown> {
  ensureCloud()
  let res: { result?: unknown }
  try {
    res = await Taro.cloud.callFunction({ name, data })
  } catch (err) {
    throw transportError(err)
  }
  return res?.result
}

async function callViaLocalServer(name: string, data: CloudEvent): Promise<unknown> {
  const header: Record<string, string> = { 'content-type': 'application/json' }
  const persona = getPersonaId()
  if (persona) header[PERSONA_HEADER] = persona
  let res: Taro.request.SuccessCallbackResult<string | TaroGeneral.IAnyObject | ArrayBuffer>
  try {
    res = await Taro.request({
      url: '/api/cloud/' + encodeURIComponent(name),
      method: 'POST',
      data,
      header,
      dataType: 'json',
      timeout: H5_TIMEOUT_MS
    })
  } catch (err) {
    throw transportError(err)
  }
  // A well-formed envelope is honoured whatever the HTTP status (403 + FORBIDDEN, …).
  return res?.data
}

export async function callCloud<T>(name: string, data: CloudEvent): Promise<T> {
  const reply = process.env.TARO_ENV === 'h5'
    ? await callViaLocalServer(name, data)
    : await callViaWeapp(name, data)
  return unwrapReply<T>(reply)
}

/** Test seam: forget the one-time init (jest re-runs the module with different stubs). */
export function resetCloudForTests(): void {
  cloudInitialised = false
}
