import { callCloud } from './cloud'
import type { LoginResult, ProfileResult, UpdateProfileInput, UpdateProfileResult } from './types'

const FN = 'user'

/** Creates the member on first call; identity comes from the WeChat context, never from us. */
export function login(): Promise<LoginResult> {
  return callCloud<LoginResult>(FN, { action: 'login' })
}

export function getProfile(): Promise<ProfileResult> {
  return callCloud<ProfileResult>(FN, { action: 'getProfile' })
}

/** Only the fields present are changed; phone '' clears the phone. */
export function updateProfile(input: UpdateProfileInput): Promise<UpdateProfileResult> {
  const event: { action: string; nickname?: string; phone?: string } = { action: 'updateProfile' }
  if (input.nickname !== undefined) event.nickname = input.nickname
  if (input.phone !== undefined) event.phone = input.phone
  return callCloud<UpdateProfileResult>(FN, event)
}
