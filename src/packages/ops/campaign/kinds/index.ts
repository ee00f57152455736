// The campaign kinds the editor knows, one file each: a new kind is a rule module on the server
// (cloudfunctions/common/campaigns/rules/) and one form file here, listed below.
import type { CampaignKind } from '../../../../services/ops-rules'
import { gameForm } from './game'
import { manualForm } from './manual'
import { orderForm } from './order'
import { scanForm } from './scan'
import { signinForm } from './signin'
import { taskForm } from './task'
import type { KindForm } from './types'

export const KIND_FORMS: Record<CampaignKind, KindForm> = {
  scan: scanForm,
  signin: signinForm,
  task: taskForm,
  order: orderForm,
  game: gameForm,
  manual: manualForm
}

export const KIND_LABEL = (kind: string): string => KIND_FORMS[kind as CampaignKind]?.label ?? '其他活动'

export type { KindForm }
