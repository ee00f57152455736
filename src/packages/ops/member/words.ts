// The member page's Chinese words (pure; shared with 风控审核).
import { statusLabel } from '../../../services/mall'
import type { CaseKind, CaseStatus } from '../../../services/ops-members'

export const GAME_LABEL: Record<string, string> = { scratch: '刮刮卡', wheel: '大转盘', grid9: '九宫格', collect: '集字有礼' }
export const DRAW_STATUS: Record<string, string> = { drawn: '已抽中', fulfilled: '已发放' }
export const orderStatus = (s: string) => statusLabel(s as never)

export const CASE_KIND_LABEL: Record<CaseKind, string> = {
  counterfeit: '疑似假冒',
  diversion: '窜货',
  bruteforce: '暴力试码',
  velocity: '积分异常增长',
  draws: '频繁抽奖'
}
export const RISK_EVENT_LABEL: Record<string, string> = { counterfeit: '疑似假冒', diversion: '窜货', bruteforce: '暴力试码' }
export const CASE_STATUS_LABEL: Record<CaseStatus, string> = { open: '待处理', actioned: '已处理', dismissed: '已忽略' }

/** A code as printed, grouped in fours with spaces (never one long run of characters). */
export const groupCode = (code: string) => (code ? code.replace(/(.{4})(?=.)/g, '$1 ') : '')
