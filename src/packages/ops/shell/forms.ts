// Console forms: the server's refusal of one field lands next to that field. INVALID_FIELD names the
// field; a BAD_REQUEST's message names it as `field: …` (zod's path). Anything else is the form's.
import { describeError, isCloudError } from '../../../services/errors'

export type FieldErrors = Record<string, string>

/** The key for a message that belongs to no one field. */
export const FORM = '_form'

export function fieldErrors(e: unknown): FieldErrors {
  if (isCloudError(e)) {
    if (e.code === 'INVALID_FIELD' && e.field) return { [e.field]: e.serverMessage || describeError(e) }
    const m = /^([\w.]+): (.+)$/.exec(e.serverMessage)
    if (e.code === 'BAD_REQUEST' && m && /[\u4e00-\u9fff]/.test(m[2])) return { [m[1].split('.')[0]]: m[2] }
  }
  return { [FORM]: describeError(e) }
}

/** Chinese limits every console form checks before sending (the server checks the same). */
export function checkText(value: string, label: string, opts: { required?: boolean; max: number }): string | undefined {
  const v = value.trim()
  if (opts.required && !v) return `请填写${label}`
  if ([...v].length > opts.max) return `${label}最多 ${opts.max} 个字`
  return undefined
}
