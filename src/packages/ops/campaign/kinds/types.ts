import type { ComponentType } from 'react'
import type { CampaignKind } from '../../../../services/ops-rules'
import type { FieldErrors } from '../../shell/forms'
import type { KindFormProps, Rule } from '../parts'

/**
 * One campaign kind's form (a plug-in: a new kind is one file here, listed in index.ts). `edit` is
 * the form's own state (text while typing); `toRule` makes the rule the server validates again.
 */
export interface KindForm {
  kind: CampaignKind
  label: string
  /** Whether the console creates campaigns of this kind (else it only shows them). */
  creatable: boolean
  fromRule(rule: Rule): Rule
  toRule(edit: Rule): Rule
  /** Client checks, keyed by the server's field paths (`rule.basePoints`). */
  check(edit: Rule): FieldErrors
  Form: ComponentType<KindFormProps>
}
