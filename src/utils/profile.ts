// Pure helpers for showing and editing a member's profile (shared by 我的 and 运营后台). Dates: utils/time.ts.

export const NICKNAME_MAX = 20
export const PHONE_PATTERN = /^1[3-9]\d{9}$/

/** Characters as the user sees them (a surrogate pair counts once). */
function charCount(s: string): number {
  return Array.from(s).length
}

/** null when valid, else the Chinese reason. Validates the trimmed value. */
export function validateNickname(raw: string): string | null {
  const value = raw.trim()
  if (!value) return '请输入昵称'
  if (charCount(value) > NICKNAME_MAX) return `昵称最多 ${NICKNAME_MAX} 个字`
  return null
}

/** Empty is allowed (no phone); otherwise an 11-digit mainland mobile number. */
export function validatePhone(raw: string): string | null {
  const value = raw.trim()
  if (!value) return null
  if (!PHONE_PATTERN.test(value)) return '请输入 11 位手机号，或留空'
  return null
}

/** 13812345678 → 138****5678; '' → ''. */
export function maskPhone(phone: string): string {
  if (!phone) return ''
  if (phone.length < 7) return phone
  return phone.slice(0, 3) + '****' + phone.slice(-4)
}

/** The character drawn in the placeholder avatar. */
export function avatarInitial(nickname: string): string {
  return Array.from(nickname.trim())[0] ?? '会'
}

/** Server-side BAD_REQUEST messages name the field; turn that into a Chinese hint. */
export function fieldHint(serverMessage: string): string | null {
  if (/nickname/i.test(serverMessage)) return '昵称格式不正确'
  if (/phone/i.test(serverMessage)) return '手机号格式不正确'
  return null
}
