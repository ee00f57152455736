// The consent sheet before any API that needs privacy authorisation (docs/privacy.md#consent).
// weapp: WeChat decides when (Taro.requirePrivacyAuthorize → onNeedPrivacyAuthorization when the
// member has not agreed to the current 用户隐私保护指引); our sheet answers through the listener's
// resolve, the 同意 button being <Button openType='agreePrivacyAuthorization' id='agree-btn'>.
// H5: Taro's privacy APIs are not supported, so the same sheet runs before the browser's
// geolocation, its answer kept in localStorage. Refusing resolves false: callers carry on without.
import Taro from '@tarojs/taro'
import type { PrivacyPurpose } from './guide'

const IS_WEAPP = process.env.TARO_ENV === 'weapp'
export const AGREE_BUTTON_ID = 'agree-btn'
const H5_KEY = 'privacy-consent'

type Resolve = (r: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void

export interface SheetState {
  open: boolean
  purpose: PrivacyPurpose
}

let state: SheetState = { open: false, purpose: 'location' }
let pending: { resolve: Resolve | null; done: (agreed: boolean) => void } | null = null
const listeners = new Set<(s: SheetState) => void>()

function set(next: SheetState) {
  state = next
  listeners.forEach(l => l(state))
}

export function subscribe(l: (s: SheetState) => void): () => void {
  listeners.add(l)
  l(state)
  return () => void listeners.delete(l)
}

const purposeOfReferrer = (referrer: string | undefined): PrivacyPurpose =>
  /Address/i.test(referrer ?? '') ? 'address' : /Clipboard/i.test(referrer ?? '') ? 'clipboard' : /Phone/i.test(referrer ?? '') ? 'phone' : 'location'

let registered = false
/** weapp: WeChat calls this when a privacy API needs the member's agreement; our sheet answers. */
function register() {
  if (registered || !IS_WEAPP || typeof Taro.onNeedPrivacyAuthorization !== 'function') return
  registered = true
  Taro.onNeedPrivacyAuthorization((resolve, info) => {
    const waiting = pending
    pending = { resolve: resolve as Resolve, done: waiting?.done ?? (() => {}) }
    resolve({ event: 'exposureAuthorization' })
    set({ open: true, purpose: waiting ? state.purpose : purposeOfReferrer(info?.referrer) })
  })
}

function h5Answer(): 'agreed' | 'refused' | null {
  try {
    const v = globalThis.localStorage?.getItem(H5_KEY)
    return v === 'agreed' || v === 'refused' ? v : null
  } catch {
    return null
  }
}

/**
 * Resolves true when the member has agreed (now or before), false when they refuse. Asks only when
 * needed: weapp asks WeChat; H5 asks once and remembers (a refusal asks again next time).
 */
export function ensurePrivacy(purpose: PrivacyPurpose): Promise<boolean> {
  if (!IS_WEAPP) {
    if (h5Answer() === 'agreed') return Promise.resolve(true)
    return new Promise(done => {
      pending = { resolve: null, done }
      set({ open: true, purpose })
    })
  }
  register()
  if (typeof Taro.requirePrivacyAuthorize !== 'function') return Promise.resolve(true) // base library < 2.32.3
  return new Promise(done => {
    pending = { resolve: null, done }
    set({ open: false, purpose })
    // Taro promisifies it when the base library has it; callbacks work either way (and the
    // promise's rejection is ours to swallow: the refusal is answered by fail).
    const r = Taro.requirePrivacyAuthorize({
      success: () => finish(true),
      fail: () => finish(false)
    } as any) as unknown
    if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => {})
  })
}

function finish(agreed: boolean) {
  const p = pending
  pending = null
  set({ ...state, open: false })
  p?.done(agreed)
}

/** The sheet's 同意 (weapp: after the agreePrivacyAuthorization button's event). */
export function agree() {
  if (!IS_WEAPP) {
    try {
      globalThis.localStorage?.setItem(H5_KEY, 'agreed')
    } catch {
      /* private mode: ask again next time */
    }
    return finish(true)
  }
  const r = pending?.resolve
  if (!r) return finish(true)
  pending!.resolve = null
  set({ ...state, open: false })
  // requirePrivacyAuthorize's success (ours) or the waiting API itself (a direct call) goes on.
  r({ event: 'agree', buttonId: AGREE_BUTTON_ID })
}

/** The sheet's 不同意: the API fails and the caller goes on without it. */
export function refuse() {
  if (!IS_WEAPP) return finish(false)
  const r = pending?.resolve
  if (!r) return finish(false)
  pending!.resolve = null
  set({ ...state, open: false })
  r({ event: 'disagree' })
}

/** Register the weapp listener early (pages with privacy APIs call this on load). */
export const usePrivacyListener = register
