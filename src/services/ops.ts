// The console's own calls (docs/console.md): who the operator is, the operators, the audit log.
import { callCloud } from './cloud'

export type OpsRole = 'owner' | 'operator' | 'viewer'

export interface Operator {
  openid: string
  name: string
  role: OpsRole
  roleLabel: string
  disabled: boolean
  createdAt: string | null
  updatedAt: string | null
}

export interface AuditItem {
  id: string
  actor: string
  actorName: string
  role: OpsRole
  roleLabel: string
  fn: string
  action: string
  label: string
  input: unknown
  outcome: string
  target: { collection: string; id: string } | null
  before: unknown
  after: unknown
  at: string
}

export interface AuditFilter {
  actor?: string
  what?: string
  targetId?: string
  outcome?: 'ok' | 'failed'
  from?: string
  to?: string
  cursor?: string
}

export const whoami = () => callCloud<Operator>('admin', { action: 'whoami' })
export const listOperators = () => callCloud<{ items: Operator[] }>('admin', { action: 'listOperators' })
export const saveOperator = (input: { openid: string; name: string; role: OpsRole; disabled?: boolean }) =>
  callCloud<Operator>('admin', { action: 'saveOperator', ...input })

export function auditLog(filter: AuditFilter) {
  const event: Record<string, unknown> = { action: 'auditLog', limit: 20 }
  for (const [k, v] of Object.entries(filter)) if (v) event[k] = v
  return callCloud<{ items: AuditItem[]; nextCursor: string | null }>('admin', event as never)
}
