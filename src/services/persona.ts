// H5 only: the local server's persona switch. The chosen persona id lives in localStorage
// (`localPersona`) and rides on every cloud call as `X-Persona`. Nothing here runs in the
// mini-program: callers guard with process.env.TARO_ENV === 'h5', which webpack folds away.
import Taro from '@tarojs/taro'
import { CloudError } from './errors'
import type { PersonaList } from './types'

export const PERSONA_STORAGE_KEY = 'localPersona'
export const PERSONA_HEADER = 'X-Persona'

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' && window.localStorage ? window.localStorage : null
  } catch {
    return null // storage disabled (privacy mode)
  }
}

/** The stored persona id, or '' to let the server use its default. */
export function getPersonaId(): string {
  return storage()?.getItem(PERSONA_STORAGE_KEY) ?? ''
}

export function setPersonaId(id: string): void {
  const s = storage()
  if (!s) return
  if (id) s.setItem(PERSONA_STORAGE_KEY, id)
  else s.removeItem(PERSONA_STORAGE_KEY)
}

function isPersonaList(value: unknown): value is PersonaList {
  const v = value as PersonaList | null
  return !!v && Array.isArray(v.personas) && typeof v.defaultId === 'string'
}

/** GET /api/local/personas → {ok:true, data:{personas, defaultId}}. */
export async function listPersonas(): Promise<PersonaList> {
  let res: Taro.request.SuccessCallbackResult<string | TaroGeneral.IAnyObject | ArrayBuffer>
  try {
    res = await Taro.request({ url: '/api/local/personas', method: 'GET', timeout: 10000 })
  } catch (err) {
    throw new CloudError('NETWORK', (err as { errMsg?: string })?.errMsg ?? String(err))
  }
  const reply = res.data as { ok?: unknown; data?: unknown; code?: unknown; message?: unknown } | null
  if (reply && reply.ok === true && isPersonaList(reply.data)) return reply.data
  if (reply && reply.ok === false && typeof reply.code === 'string') {
    throw new CloudError(reply.code, typeof reply.message === 'string' ? reply.message : '')
  }
  throw new CloudError('BAD_RESPONSE', `GET /api/local/personas → HTTP ${res.statusCode}`)
}
