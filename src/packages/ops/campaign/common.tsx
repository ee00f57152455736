import { View } from '@tarojs/components'
import type { Cap, CampaignContent, Expiry } from '../../../services/ops-rules'
import OpsField from '../shell/OpsField'
import { checkText, type FieldErrors } from '../shell/forms'
import { Chips, checkInt, isoToWall, NumberInput, only, Rows, TextInput, toInt, wallToIso } from './parts'

// The fields every campaign has (name, time, per-member caps, budget, expiry), as a form.
export interface Common {
  id: string
  name: string
  from: string
  to: string
  caps: { period: Cap['period']; unit: Cap['unit']; limit: string }[]
  budget: string
  expiryKind: 'default' | Expiry['kind']
  expiryN: string
  expiryAt: string
  audience?: { tiers?: string[] }
}

export function commonOf(id: string, c: CampaignContent | null): Common {
  const e = c?.expiry
  return {
    id,
    name: c?.name ?? '',
    from: isoToWall(c?.window.from),
    to: isoToWall(c?.window.to),
    caps: (c?.caps ?? []).map(x => ({ ...x, limit: String(x.limit) })),
    budget: c?.budget ?? '',
    expiryKind: e ? e.kind : 'default',
    expiryN: e?.kind === 'rolling' ? String(e.days) : e?.kind === 'afterEnd' ? String(e.months) : e?.kind === 'yearEnd' ? String(e.yearsAfter ?? 0) : '',
    expiryAt: e?.kind === 'fixed' ? isoToWall(e.at) : '',
    audience: c?.audience
  }
}

export function expiryOf(c: Common): Expiry | undefined {
  switch (c.expiryKind) {
    case 'rolling':
      return { kind: 'rolling', days: toInt(c.expiryN) }
    case 'yearEnd':
      return toInt(c.expiryN) > 0 ? { kind: 'yearEnd', yearsAfter: toInt(c.expiryN) } : { kind: 'yearEnd' }
    case 'fixed':
      return { kind: 'fixed', at: wallToIso(c.expiryAt) ?? c.expiryAt }
    case 'afterEnd':
      return { kind: 'afterEnd', months: toInt(c.expiryN) }
    default:
      return undefined
  }
}

/** The common fields as the server takes them. */
export function contentOf(c: Common): Omit<CampaignContent, 'kind' | 'rule'> {
  const expiry = expiryOf(c)
  return {
    name: c.name.trim(),
    window: { from: c.from.trim() ? wallToIso(c.from) ?? c.from : null, to: c.to.trim() ? wallToIso(c.to) ?? c.to : null },
    caps: c.caps.map(x => ({ period: x.period, unit: x.unit, limit: toInt(x.limit) })),
    ...(c.budget.trim() ? { budget: c.budget.trim() } : {}),
    ...(expiry ? { expiry } : {}),
    ...(c.audience ? { audience: c.audience } : {})
  }
}

export function checkCommon(c: Common, creating: boolean, now = Date.now()): FieldErrors {
  const from = c.from.trim() ? wallToIso(c.from) : null
  const to = c.to.trim() ? wallToIso(c.to) : null
  const at = c.expiryKind === 'fixed' ? wallToIso(c.expiryAt) : null
  return only({
    id: creating && !/^[\w-]{1,64}$/.test(c.id.trim()) ? '活动编号为 1 至 64 位字母、数字、_ 或 -' : undefined,
    name: checkText(c.name, '活动名称', { required: true, max: 40 }),
    'window.from': c.from.trim() && !from ? '时间格式为 2026-12-01 08:00（北京时间）' : undefined,
    'window.to': c.to.trim() && !to ? '时间格式为 2026-12-01 08:00（北京时间）' : from && to && to <= from ? '结束时间必须晚于开始时间' : undefined,
    caps: c.caps.map(x => checkInt(x.limit, '上限', 1, 100000000)).find(Boolean),
    budget: c.budget.trim() && !/^[\w-]{1,64}$/.test(c.budget.trim()) ? '预算编号只能包含字母、数字、_ 和 -' : undefined,
    expiry:
      c.expiryKind === 'rolling'
        ? checkInt(c.expiryN, '有效天数', 1, 3650)
        : c.expiryKind === 'afterEnd'
          ? checkInt(c.expiryN, '月数', 1, 36) ?? (!c.to.trim() ? '“活动结束后 N 个月”需要先填写结束时间' : undefined)
          : c.expiryKind === 'yearEnd'
            ? checkInt(c.expiryN || '0', '年数', 0, 5)
            : c.expiryKind === 'fixed'
              ? !at
                ? '时间格式为 2026-12-01 08:00（北京时间）'
                : Date.parse(at) <= now
                  ? '到期时间已过：发放的积分会立即过期'
                  : undefined
              : undefined
  })
}

const PERIODS = [
  { value: 'day' as const, label: '每日' },
  { value: 'week' as const, label: '每周' },
  { value: 'month' as const, label: '每月' },
  { value: 'total' as const, label: '累计' }
]
const UNITS = [
  { value: 'points' as const, label: '积分' },
  { value: 'times' as const, label: '次' }
]
const EXPIRY = [
  { value: 'default' as const, label: '默认（365 天）' },
  { value: 'rolling' as const, label: '发放后 N 天' },
  { value: 'yearEnd' as const, label: '年底清零' },
  { value: 'fixed' as const, label: '固定时间' },
  { value: 'afterEnd' as const, label: '活动结束后 N 月' }
]

export function CommonFields({ c, set, errors, readOnly, creating }: { c: Common; set: (p: Partial<Common>) => void; errors: FieldErrors; readOnly: boolean; creating: boolean }) {
  return (
    <View className='ops-common'>
      {creating ? (
        <OpsField name='id' label='活动编号' required error={errors.id} hint='创建后不能修改；字母、数字、_ 或 -，如 2026-01'>
          <TextInput name='id' value={c.id} readOnly={readOnly} maxlength={64} onChange={id => set({ id })} />
        </OpsField>
      ) : null}
      <OpsField name='name' label='活动名称' required error={errors.name}>
        <TextInput name='name' value={c.name} readOnly={readOnly} maxlength={60} placeholder='会员看到的名称' onChange={name => set({ name })} />
      </OpsField>
      <OpsField name='window-from' label='开始时间' error={errors['window.from']} hint='北京时间，如 2026-12-01 08:00；不填则发布即开始'>
        <TextInput name='from' value={c.from} readOnly={readOnly} placeholder='不限' onChange={from => set({ from })} />
      </OpsField>
      <OpsField name='window-to' label='结束时间' error={errors['window.to']} hint='不填则长期有效'>
        <TextInput name='to' value={c.to} readOnly={readOnly} placeholder='不限' onChange={to => set({ to })} />
      </OpsField>
      <OpsField name='caps' label='每人上限' error={errors.caps}>
        <Rows
          name='caps'
          items={c.caps}
          readOnly={readOnly}
          max={8}
          addLabel='添加上限'
          blank={(): Common['caps'][number] => ({ period: 'day', unit: 'points', limit: '' })}
          onChange={caps => set({ caps })}
          render={(x, setX) => (
            <>
              <Chips name='cap-period' options={PERIODS} value={x.period} readOnly={readOnly} onChange={period => setX({ ...x, period })} />
              <NumberInput name='cap-limit' value={x.limit} readOnly={readOnly} placeholder='最多' onChange={limit => setX({ ...x, limit })} />
              <Chips name='cap-unit' options={UNITS} value={x.unit} readOnly={readOnly} onChange={unit => setX({ ...x, unit })} />
            </>
          )}
        />
      </OpsField>
      <OpsField name='budget' label='预算（A）' error={errors.budget} hint='积分预算编号；不填则不限'>
        <TextInput name='budget' value={c.budget} readOnly={readOnly} maxlength={64} placeholder='不限' onChange={budget => set({ budget })} />
      </OpsField>
      <OpsField name='expiry' label='积分有效期' error={errors.expiry}>
        <Chips name='expiry' options={EXPIRY} value={c.expiryKind} readOnly={readOnly} onChange={expiryKind => set({ expiryKind })} />
        {c.expiryKind === 'rolling' || c.expiryKind === 'afterEnd' || c.expiryKind === 'yearEnd' ? (
          <NumberInput
            name='expiry-n'
            value={c.expiryN}
            readOnly={readOnly}
            placeholder={c.expiryKind === 'rolling' ? '天数' : c.expiryKind === 'afterEnd' ? '月数' : '0 为当年年底，1 为次年年底'}
            onChange={expiryN => set({ expiryN })}
          />
        ) : null}
        {c.expiryKind === 'fixed' ? <TextInput name='expiry-at' value={c.expiryAt} readOnly={readOnly} placeholder='2027-12-31 23:59' onChange={expiryAt => set({ expiryAt })} /> : null}
      </OpsField>
    </View>
  )
}
