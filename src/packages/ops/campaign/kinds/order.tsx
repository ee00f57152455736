import { View } from '@tarojs/components'
import OpsField from '../../shell/OpsField'
import { Chips, checkInt, checkNum, NumberInput, only, TextInput, toInt, toNum, YES_NO, type KindFormProps, type Rule } from '../parts'
import type { KindForm } from './types'

// 消费积分 (the brand's orders): points per yuan, exclusions, the tier multiplier and how it stacks, caps per order, the return window.
interface Edit {
  pointsPerYuan: string
  skus: string
  categories: string
  tier: 'yes' | 'no'
  stacking: 'multiply' | 'max' | 'add'
  maxPerOrder: string
  returnDays: string
  rest: Rule
}

const list = (s: string) => s.split(/[,，\s]+/).map(x => x.trim()).filter(Boolean)

function fromRule(r: Rule): Rule {
  const { pointsPerYuan, excludedSkus, excludedCategories, tierMultiplier, stacking, maxPerOrder, returnDays, ...rest } = r as Record<string, any>
  const e: Edit = {
    pointsPerYuan: pointsPerYuan === undefined ? '' : String(pointsPerYuan),
    skus: (excludedSkus ?? []).join('，'),
    categories: (excludedCategories ?? []).join('，'),
    tier: tierMultiplier === false ? 'no' : 'yes',
    stacking: stacking ?? 'multiply',
    maxPerOrder: maxPerOrder === undefined ? '' : String(maxPerOrder),
    returnDays: String(returnDays ?? 7),
    rest
  }
  return e as unknown as Rule
}

function toRule(raw: Rule): Rule {
  const e = raw as unknown as Edit
  return {
    ...e.rest,
    pointsPerYuan: toNum(e.pointsPerYuan),
    excludedSkus: list(e.skus),
    excludedCategories: list(e.categories),
    tierMultiplier: e.tier === 'yes',
    stacking: e.stacking,
    ...(e.maxPerOrder.trim() ? { maxPerOrder: toInt(e.maxPerOrder) } : {}),
    returnDays: toInt(e.returnDays)
  }
}

function check(raw: Rule) {
  const e = raw as unknown as Edit
  const bad = (s: string) => (list(s).some(x => !/^[\w-]{1,64}$/.test(x)) ? '编号只能包含字母、数字、_ 和 -，用逗号分隔' : undefined)
  return only({
    'rule.pointsPerYuan': checkNum(e.pointsPerYuan, '每元积分', 0.0001, 100),
    'rule.excludedSkus': bad(e.skus),
    'rule.excludedCategories': bad(e.categories),
    'rule.maxPerOrder': checkInt(e.maxPerOrder, '单笔订单上限', 1, 100000000, true),
    'rule.returnDays': checkInt(e.returnDays, '退货期', 0, 90)
  })
}

const STACKING = [
  { value: 'multiply' as const, label: '相乘' },
  { value: 'max' as const, label: '取较大' },
  { value: 'add' as const, label: '相加' }
]

function Form({ rule, set, errors, readOnly }: KindFormProps) {
  const e = rule as unknown as Edit
  const put = (p: Partial<Edit>) => set(p as Rule)
  return (
    <View className='ops-kind ops-kind-order'>
      <OpsField name='rule-pointsPerYuan' label='每元积分' required error={errors['rule.pointsPerYuan']} hint='实付每 1 元得多少积分，可为小数（如 0.1）'>
        <NumberInput name='pointsPerYuan' digit value={e.pointsPerYuan} readOnly={readOnly} onChange={pointsPerYuan => put({ pointsPerYuan })} />
      </OpsField>
      <OpsField name='rule-excludedSkus' label='不积分的商品' error={errors['rule.excludedSkus']} hint='商品编号，用逗号分隔'>
        <TextInput name='skus' value={e.skus} readOnly={readOnly} onChange={skus => put({ skus })} />
      </OpsField>
      <OpsField name='rule-excludedCategories' label='不积分的类目' error={errors['rule.excludedCategories']}>
        <TextInput name='categories' value={e.categories} readOnly={readOnly} onChange={categories => put({ categories })} />
      </OpsField>
      <OpsField name='rule-tierMultiplier' label='按会员等级加倍'>
        <Chips name='tier' options={YES_NO} value={e.tier} readOnly={readOnly} onChange={tier => put({ tier })} />
      </OpsField>
      <OpsField name='rule-stacking' label='倍数叠加方式' hint='会员等级倍数与活动加倍如何合并'>
        <Chips name='stacking' options={STACKING} value={e.stacking} readOnly={readOnly} onChange={stacking => put({ stacking })} />
      </OpsField>
      <OpsField name='rule-maxPerOrder' label='单笔订单上限' error={errors['rule.maxPerOrder']} hint='不填则不限'>
        <NumberInput name='maxPerOrder' value={e.maxPerOrder} readOnly={readOnly} onChange={maxPerOrder => put({ maxPerOrder })} />
      </OpsField>
      <OpsField name='rule-returnDays' label='退货期（天）' error={errors['rule.returnDays']} hint='签收后这些天内积分冻结，过后到账'>
        <NumberInput name='returnDays' value={e.returnDays} readOnly={readOnly} onChange={returnDays => put({ returnDays })} />
      </OpsField>
    </View>
  )
}

export const orderForm: KindForm = { kind: 'order', label: '消费积分', creatable: true, fromRule, toRule, check, Form }
