// Words the codes pages share: batch states, region verdicts, risk kinds, and the server's form
// refusals placed next to their field.
import { isCloudError } from '../../../services/errors'
import type { BatchStatus, RiskKind, Verdict } from '../../../services/ops-codes'
import { fieldErrors, type FieldErrors } from '../shell/forms'
import { MAX_BATCH_SIZE } from './forms'

export const STATUS_LABEL: Record<BatchStatus, string> = {
  generating: '生成中',
  ready: '待激活',
  active: '已激活',
  void: '已作废',
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  unlocated: '无位置信息',
  inside: '销售区域内',
  outside: '销售区域外（疑似窜货）',
}

export const RISK_LABEL: Record<RiskKind, string> = {
  counterfeit: '疑似假冒',
  diversion: '窜货',
  bruteforce: '暴力猜码',
}

/**
 * The server's refusal as the form shows it: INVALID_FIELD's `标签：原因` next to its field (the
 * label is already beside it, so only the reason), a batch size out of range next to 数量.
 */
export function formErrors(e: unknown): FieldErrors {
  if (isCloudError(e) && e.code === 'BATCH_SIZE_INVALID') return { size: `须为 1 到 ${MAX_BATCH_SIZE} 的整数` }
  const out: FieldErrors = {}
  const errors = fieldErrors(e)
  for (const k of Object.keys(errors)) out[k] = errors[k].replace(/^[^：]{1,8}：/, '')
  return out
}
