// The signed-in member, shared by every page: the app logs in once at launch and the tab pages read
// the result from this context. Switching persona (H5) or tapping 重试 calls reload().
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type PropsWithChildren } from 'react'
import { isCloudError, CloudError } from '../services/errors'
import * as userService from '../services/user'
import type { LoginResult, Member } from '../services/types'

export type MemberStatus = 'loading' | 'ready' | 'error'

export interface MemberState {
  status: MemberStatus
  /** The latest login/profile answer; null until the first success (and while a reload runs). */
  session: LoginResult | null
  error: CloudError | null
  /** Bumped on every (re)login so pages holding their own data know to refetch. */
  generation: number
}

export interface MemberContextValue extends MemberState {
  /** Log in again from scratch (retry, persona switch). */
  reload: () => Promise<void>
  /** Re-read balance and profile without blanking the page; throws CloudError on failure. */
  refresh: () => Promise<void>
  /** Apply a member returned by updateProfile. */
  setMember: (member: Member) => void
}

const MemberContext = createContext<MemberContextValue | null>(null)

function asCloudError(err: unknown): CloudError {
  return isCloudError(err) ? err : new CloudError('INTERNAL', String(err))
}

export function MemberProvider({ children }: PropsWithChildren) {
  const [state, setState] = useState<MemberState>({ status: 'loading', session: null, error: null, generation: 0 })
  // Only the latest request may write: a persona switch mid-login must not show the old persona.
  const seq = useRef(0)

  const reload = useCallback(async () => {
    const id = ++seq.current
    setState(s => ({ status: 'loading', session: null, error: null, generation: s.generation }))
    try {
      const session = await userService.login()
      if (id !== seq.current) return
      setState(s => ({ status: 'ready', session, error: null, generation: s.generation + 1 }))
    } catch (err) {
      if (id !== seq.current) return
      setState(s => ({ status: 'error', session: null, error: asCloudError(err), generation: s.generation + 1 }))
    }
  }, [])

  const refresh = useCallback(async () => {
    const id = seq.current
    const profile = await userService.getProfile()
    if (id !== seq.current) return
    setState(s => s.session
      ? { ...s, session: { ...s.session, ...profile } }
      : { status: 'ready', session: { ...profile, created: false }, error: null, generation: s.generation + 1 })
  }, [])

  const setMember = useCallback((member: Member) => {
    setState(s => (s.session ? { ...s, session: { ...s.session, member } } : s))
  }, [])

  useEffect(() => {
    void reload()
  }, [reload])

  const value = useMemo<MemberContextValue>(() => ({ ...state, reload, refresh, setMember }), [state, reload, refresh, setMember])
  return <MemberContext.Provider value={value}>{children}</MemberContext.Provider>
}

export function useMember(): MemberContextValue {
  const value = useContext(MemberContext)
  if (!value) throw new Error('useMember must be used inside <MemberProvider> (src/app.tsx)')
  return value
}
