import { Text, View } from '@tarojs/components'
import OpsField from '../../shell/OpsField'
import { Chips, checkInt, NumberInput, only, toInt, type KindFormProps, type Rule } from '../parts'
import type { KindForm } from './types'

// 任务: which server-recorded fact counts, over which period, how many, what it pays. (No share or
// follow tasks: WeChat's rules forbid rewarding them, and the server refuses them too.)
interface Edit {
  event: string
  period: string
  target: string
  points: string
  claim: 'auto' | 'button'
  cards: string
  rest: Rule
}

const EVENTS = [
  { value: 'register', label: '注册会员' },
  { value: 'profile', label: '完善资料' },
  { value: 'phone', label: '绑定手机号' },
  { value: 'scan', label: '扫码' },
  { value: 'signin', label: '签到' },
  { value: 'redeem', label: '兑换商品' }
]
const PERIODS = [
  { value: 'once', label: '一次性（新手）' },
  { value: 'day', label: '每日' },
  { value: 'week', label: '每周' },
  { value: 'month', label: '每月' }
]
const CLAIMS = [
  { value: 'auto' as const, label: '完成即发放' },
  { value: 'button' as const, label: '会员点击领取' }
]

function fromRule(r: Rule): Rule {
  const { event, period, target, points, claim, makeUpCards, ...rest } = r as Record<string, any>
  const e: Edit = { event: event ?? 'scan', period: period ?? 'day', target: String(target ?? 1), points: points === undefined ? '' : String(points), claim: claim ?? 'button', cards: String(makeUpCards ?? 0), rest }
  return e as unknown as Rule
}

function toRule(raw: Rule): Rule {
  const e = raw as unknown as Edit
  return { ...e.rest, event: e.event, period: e.period, target: toInt(e.target), points: toInt(e.points), claim: e.claim, ...(toInt(e.cards) > 0 ? { makeUpCards: toInt(e.cards) } : {}) }
}

function check(raw: Rule) {
  const e = raw as unknown as Edit
  return only({
    'rule.target': checkInt(e.target, '目标次数', 1, 100),
    'rule.points': checkInt(e.points, '奖励积分', 1, 100000),
    'rule.makeUpCards': checkInt(e.cards, '赠送补签卡', 0, 3)
  })
}

function Form({ rule, set, errors, readOnly }: KindFormProps) {
  const e = rule as unknown as Edit
  const put = (p: Partial<Edit>) => set(p as Rule)
  return (
    <View className='ops-kind ops-kind-task'>
      <OpsField name='rule-event' label='任务行为' error={errors['rule.event']}>
        <Chips name='event' options={EVENTS} value={e.event} readOnly={readOnly} onChange={event => put({ event })} />
      </OpsField>
      <OpsField name='rule-period' label='任务周期' error={errors['rule.period']}>
        <Chips name='period' options={PERIODS} value={e.period} readOnly={readOnly} onChange={period => put({ period })} />
      </OpsField>
      <OpsField name='rule-target' label='目标次数' required error={errors['rule.target']}>
        <NumberInput name='target' value={e.target} readOnly={readOnly} onChange={target => put({ target })} />
      </OpsField>
      <OpsField name='rule-points' label='奖励积分' required error={errors['rule.points']}>
        <NumberInput name='points' value={e.points} readOnly={readOnly} onChange={points => put({ points })} />
      </OpsField>
      <OpsField name='rule-claim' label='领取方式'>
        <Chips name='claim' options={CLAIMS} value={e.claim} readOnly={readOnly} onChange={claim => put({ claim })} />
      </OpsField>
      <OpsField name='rule-makeUpCards' label='赠送补签卡' error={errors['rule.makeUpCards']} hint='0 至 3 张'>
        <NumberInput name='cards' value={e.cards} readOnly={readOnly} onChange={cards => put({ cards })} />
      </OpsField>
      <Text className='ops-kind__note'>按微信运营规范，不能设置分享、转发、关注公众号类任务。</Text>
    </View>
  )
}

export const taskForm: KindForm = { kind: 'task', label: '任务', creatable: true, fromRule, toRule, check, Form }
