import { View } from '@tarojs/components'
import OpsField from '../../shell/OpsField'
import { Chips, checkInt, NumberInput, only, Rows, toInt, YES_NO, type KindFormProps, type Rule } from '../parts'
import type { KindForm } from './types'

// 每日签到: the streak's cycle, base points, streak and cumulative bonuses, make-up (补签).
interface Edit {
  cycle: 'rolling' | 'week' | 'month'
  basePoints: string
  streak: { day: string; points: string }[]
  cumulative: { days: string; points: string }[]
  makeUp: 'yes' | 'no'
  windowDays: string
  perMonth: string
  costPoints: string
  paysBase: 'yes' | 'no'
}

type Stored = { cycle?: Edit['cycle']; basePoints?: number; streakBonuses?: { day: number; points: number }[]; cumulativeBonuses?: { days: number; points: number }[]; makeUp?: { enabled: boolean; windowDays: number; perMonth: number; costPoints: number; paysBase: boolean } }

function fromRule(raw: Rule): Rule {
  const r = raw as Stored
  const mu = r.makeUp
  const e: Edit = {
    cycle: r.cycle ?? 'rolling',
    basePoints: r.basePoints === undefined ? '' : String(r.basePoints),
    streak: (r.streakBonuses ?? []).map(b => ({ day: String(b.day), points: String(b.points) })),
    cumulative: (r.cumulativeBonuses ?? []).map(b => ({ days: String(b.days), points: String(b.points) })),
    makeUp: mu?.enabled ? 'yes' : 'no',
    windowDays: String(mu?.windowDays ?? 1),
    perMonth: String(mu?.perMonth ?? 0),
    costPoints: String(mu?.costPoints ?? 0),
    paysBase: mu?.paysBase ? 'yes' : 'no'
  }
  return e as unknown as Rule
}

function toRule(raw: Rule): Rule {
  const e = raw as unknown as Edit
  return {
    cycle: e.cycle,
    basePoints: toInt(e.basePoints),
    streakBonuses: e.streak.map(b => ({ day: toInt(b.day), points: toInt(b.points) })),
    cumulativeBonuses: e.cumulative.map(b => ({ days: toInt(b.days), points: toInt(b.points) })),
    makeUp: { enabled: e.makeUp === 'yes', windowDays: toInt(e.windowDays), perMonth: toInt(e.perMonth), costPoints: toInt(e.costPoints), paysBase: e.paysBase === 'yes' }
  }
}

function check(raw: Rule) {
  const e = raw as unknown as Edit
  const maxDay = e.cycle === 'week' ? 7 : 31
  const streak = e.streak.map(b => checkInt(b.day, '连签天数', 2, maxDay) ?? checkInt(b.points, '奖励积分', 1, 100000)).find(Boolean)
  const dupStreak = new Set(e.streak.map(b => b.day)).size !== e.streak.length ? '连签奖励的天数不能重复' : undefined
  const cum = e.cumulative.map(b => checkInt(b.days, '累计天数', 1, maxDay) ?? checkInt(b.points, '奖励积分', 1, 100000)).find(Boolean)
  const dupCum = new Set(e.cumulative.map(b => b.days)).size !== e.cumulative.length ? '累计奖励的天数不能重复' : undefined
  return only({
    'rule.basePoints': checkInt(e.basePoints, '每日签到积分', 1, 100000),
    'rule.streakBonuses': streak ?? dupStreak,
    'rule.cumulativeBonuses': cum ?? dupCum,
    'rule.makeUp.windowDays': checkInt(e.windowDays, '可补签天数', 1, 7),
    'rule.makeUp.perMonth': checkInt(e.perMonth, '每月补签次数', 0, 10),
    'rule.makeUp.costPoints': checkInt(e.costPoints, '补签消耗积分', 0, 100000)
  })
}

const CYCLES = [
  { value: 'rolling' as const, label: '连续不重置' },
  { value: 'week' as const, label: '每周一重置' },
  { value: 'month' as const, label: '每月 1 日重置' }
]

function Form({ rule, set, errors, readOnly }: KindFormProps) {
  const e = rule as unknown as Edit
  const put = (p: Partial<Edit>) => set(p as Rule)
  return (
    <View className='ops-kind ops-kind-signin'>
      <OpsField name='rule-cycle' label='连签周期' error={errors['rule.cycle']}>
        <Chips name='cycle' options={CYCLES} value={e.cycle} readOnly={readOnly} onChange={cycle => put({ cycle })} />
      </OpsField>
      <OpsField name='rule-basePoints' label='每日签到积分' required error={errors['rule.basePoints']}>
        <NumberInput name='basePoints' value={e.basePoints} readOnly={readOnly} onChange={basePoints => put({ basePoints })} />
      </OpsField>
      <OpsField name='rule-streakBonuses' label='连签奖励' error={errors['rule.streakBonuses']} hint='连续签到第 N 天额外奖励，与基础积分相加'>
        <Rows
          name='streak'
          items={e.streak}
          readOnly={readOnly}
          max={10}
          addLabel='添加连签奖励'
          blank={() => ({ day: '', points: '' })}
          onChange={streak => put({ streak })}
          render={(b, setB) => (
            <>
              <NumberInput name='streak-day' value={b.day} readOnly={readOnly} placeholder='第几天' onChange={day => setB({ ...b, day })} />
              <NumberInput name='streak-points' value={b.points} readOnly={readOnly} placeholder='奖励积分' onChange={points => setB({ ...b, points })} />
            </>
          )}
        />
      </OpsField>
      <OpsField name='rule-cumulativeBonuses' label='累计签到奖励' error={errors['rule.cumulativeBonuses']} hint='周期内累计签到满 N 天奖励'>
        <Rows
          name='cumulative'
          items={e.cumulative}
          readOnly={readOnly}
          max={10}
          addLabel='添加累计奖励'
          blank={() => ({ days: '', points: '' })}
          onChange={cumulative => put({ cumulative })}
          render={(b, setB) => (
            <>
              <NumberInput name='cum-days' value={b.days} readOnly={readOnly} placeholder='累计天数' onChange={days => setB({ ...b, days })} />
              <NumberInput name='cum-points' value={b.points} readOnly={readOnly} placeholder='奖励积分' onChange={points => setB({ ...b, points })} />
            </>
          )}
        />
      </OpsField>
      <OpsField name='rule-makeUp-enabled' label='允许补签'>
        <Chips name='makeup' options={YES_NO} value={e.makeUp} readOnly={readOnly} onChange={makeUp => put({ makeUp })} />
      </OpsField>
      {e.makeUp === 'yes' ? (
        <>
          <OpsField name='rule-makeUp-windowDays' label='可补签天数' error={errors['rule.makeUp.windowDays']} hint='最多可补签几天前（1 至 7）'>
            <NumberInput name='windowDays' value={e.windowDays} readOnly={readOnly} onChange={windowDays => put({ windowDays })} />
          </OpsField>
          <OpsField name='rule-makeUp-perMonth' label='每月补签次数' error={errors['rule.makeUp.perMonth']}>
            <NumberInput name='perMonth' value={e.perMonth} readOnly={readOnly} onChange={perMonth => put({ perMonth })} />
          </OpsField>
          <OpsField name='rule-makeUp-costPoints' label='补签消耗积分' error={errors['rule.makeUp.costPoints']} hint='0 为免费；有补签卡时用卡'>
            <NumberInput name='costPoints' value={e.costPoints} readOnly={readOnly} onChange={costPoints => put({ costPoints })} />
          </OpsField>
          <OpsField name='rule-makeUp-paysBase' label='补签得基础积分'>
            <Chips name='paysBase' options={YES_NO} value={e.paysBase} readOnly={readOnly} onChange={paysBase => put({ paysBase })} />
          </OpsField>
        </>
      ) : null}
    </View>
  )
}

export const signinForm: KindForm = { kind: 'signin', label: '每日签到', creatable: true, fromRule, toRule, check, Form }
