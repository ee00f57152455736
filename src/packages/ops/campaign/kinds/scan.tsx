import { Text, View } from '@tarojs/components'
import OpsField from '../../shell/OpsField'
import { Chips, checkInt, checkNum, isoToWall, NumberInput, only, Rows, TextInput, toInt, toNum, wallToIso, YES_NO, type KindFormProps, type Rule } from '../parts'
import type { KindForm } from './types'

// 扫码积分 (one-item-one-code): points per product, multiplier windows, region, counterfeit warning, red packets.
interface Edit {
  products: { product: string; points: string }[]
  multipliers: { from: string; to: string; factor: string }[]
  outside: 'yes' | 'no'
  counterfeit: string
  redPacket: boolean
  probability: string
  amount: string
  daily: string
  total: string
  rest: Rule
}

const yuan = (fen: unknown) => (typeof fen === 'number' ? (fen / 100).toFixed(2).replace(/\.00$/, '') : '')
const fen = (y: string) => Math.round(toNum(y) * 100)

function fromRule(r: Rule): Rule {
  const rp = r.redPacket as { probability: number; amountFen: number; dailyBudgetFen: number; totalBudgetFen: number } | undefined
  const { pointsByProduct, multipliers, creditOutsideRegion, counterfeitThreshold, redPacket, ...rest } = r
  const e: Edit = {
    products: Object.entries((pointsByProduct ?? {}) as Record<string, number>).map(([product, points]) => ({ product, points: String(points) })),
    multipliers: ((multipliers ?? []) as { from: string; to: string; factor: number }[]).map(m => ({ from: isoToWall(m.from), to: isoToWall(m.to), factor: String(m.factor) })),
    outside: creditOutsideRegion === false ? 'no' : 'yes',
    counterfeit: counterfeitThreshold === undefined ? '' : String(counterfeitThreshold),
    redPacket: !!rp,
    probability: rp ? String(Math.round(rp.probability * 10000) / 100) : '',
    amount: yuan(rp?.amountFen),
    daily: yuan(rp?.dailyBudgetFen),
    total: yuan(rp?.totalBudgetFen),
    rest
  }
  void redPacket
  return e as unknown as Rule
}

function toRule(raw: Rule): Rule {
  const e = raw as unknown as Edit
  const out: Rule = { ...e.rest }
  if (e.products.length) out.pointsByProduct = Object.fromEntries(e.products.map(p => [p.product.trim(), toInt(p.points)]))
  if (e.multipliers.length) out.multipliers = e.multipliers.map(m => ({ from: wallToIso(m.from) ?? m.from, to: wallToIso(m.to) ?? m.to, factor: toNum(m.factor) }))
  if (e.outside === 'no') out.creditOutsideRegion = false
  if (e.counterfeit.trim()) out.counterfeitThreshold = toInt(e.counterfeit)
  if (e.redPacket) out.redPacket = { probability: toNum(e.probability) / 100, amountFen: fen(e.amount), dailyBudgetFen: fen(e.daily), totalBudgetFen: fen(e.total) }
  return out
}

function check(raw: Rule) {
  const e = raw as unknown as Edit
  const product = e.products.map(p => (!/^[\w-]{1,64}$/.test(p.product.trim()) ? '产品编号只能包含字母、数字、_ 和 -' : checkInt(p.points, '积分', 0, 100000))).find(Boolean)
  const window = e.multipliers
    .map(m => {
      const from = wallToIso(m.from)
      const to = wallToIso(m.to)
      if (!from || !to) return '时间格式为 2026-12-01 08:00'
      if (to <= from) return '结束时间须晚于开始时间'
      return checkNum(m.factor, '倍数', 1, 10)
    })
    .find(Boolean)
  return only({
    'rule.pointsByProduct': product,
    'rule.multipliers': window,
    'rule.counterfeitThreshold': checkInt(e.counterfeit, '提醒阈值', 1, 1000, true),
    'rule.redPacket.probability': e.redPacket ? checkNum(e.probability, '中奖概率', 0, 100) : undefined,
    'rule.redPacket.amountFen': e.redPacket ? checkNum(e.amount, '红包金额', 0.01, 200) : undefined,
    'rule.redPacket.dailyBudgetFen': e.redPacket ? checkNum(e.daily, '每日预算', 0, 1000000) : undefined,
    'rule.redPacket.totalBudgetFen': e.redPacket ? checkNum(e.total, '总预算', 0, 10000000) : undefined
  })
}

function Form({ rule, set, errors, readOnly }: KindFormProps) {
  const e = rule as unknown as Edit
  const put = (p: Partial<Edit>) => set(p as Rule)
  return (
    <View className='ops-kind ops-kind-scan'>
      <OpsField name='rule-pointsByProduct' label='各产品积分' error={errors['rule.pointsByProduct']} hint='不填则按产品设置的基础积分'>
        <Rows
          name='products'
          items={e.products}
          readOnly={readOnly}
          max={50}
          addLabel='添加产品'
          blank={() => ({ product: '', points: '' })}
          onChange={products => put({ products })}
          render={(p, setP) => (
            <>
              <TextInput name='product' value={p.product} readOnly={readOnly} placeholder='产品编号' onChange={product => setP({ ...p, product })} />
              <NumberInput name='product-points' value={p.points} readOnly={readOnly} placeholder='积分' onChange={points => setP({ ...p, points })} />
            </>
          )}
        />
      </OpsField>
      <OpsField name='rule-multipliers' label='加倍时段' error={errors['rule.multipliers']} hint='时间为北京时间，如 2026-12-01 08:00'>
        <Rows
          name='multipliers'
          items={e.multipliers}
          readOnly={readOnly}
          max={20}
          addLabel='添加加倍时段'
          blank={() => ({ from: '', to: '', factor: '2' })}
          onChange={multipliers => put({ multipliers })}
          render={(m, setM) => (
            <>
              <TextInput name='mult-from' value={m.from} readOnly={readOnly} placeholder='开始' onChange={from => setM({ ...m, from })} />
              <TextInput name='mult-to' value={m.to} readOnly={readOnly} placeholder='结束' onChange={to => setM({ ...m, to })} />
              <NumberInput name='mult-factor' digit value={m.factor} readOnly={readOnly} placeholder='倍数' onChange={factor => setM({ ...m, factor })} />
            </>
          )}
        />
      </OpsField>
      <OpsField name='rule-creditOutsideRegion' label='非销售区域扫码仍得积分' error={errors['rule.creditOutsideRegion']}>
        <Chips name='outside' options={YES_NO} value={e.outside} readOnly={readOnly} onChange={outside => put({ outside })} />
      </OpsField>
      <OpsField name='rule-counterfeitThreshold' label='疑似假货提醒阈值（次）' error={errors['rule.counterfeitThreshold']} hint='同一个码被扫超过此次数后提示疑似假货；不填则用默认值'>
        <NumberInput name='counterfeit' value={e.counterfeit} readOnly={readOnly} onChange={counterfeit => put({ counterfeit })} />
      </OpsField>
      <OpsField name='rule-redPacket' label='红包'>
        <Chips name='redpacket' options={[{ value: 'on', label: '发红包' }, { value: 'off', label: '不发' }]} value={e.redPacket ? 'on' : 'off'} readOnly={readOnly} onChange={v => put({ redPacket: v === 'on' })} />
      </OpsField>
      {e.redPacket ? (
        <>
          <OpsField name='rule-redPacket-probability' label='红包中奖概率（%）' error={errors['rule.redPacket.probability']}>
            <NumberInput name='probability' digit value={e.probability} readOnly={readOnly} onChange={probability => put({ probability })} />
          </OpsField>
          <OpsField name='rule-redPacket-amountFen' label='红包金额（元）' error={errors['rule.redPacket.amountFen']} hint='每个红包最多 200 元'>
            <NumberInput name='amount' digit value={e.amount} readOnly={readOnly} onChange={amount => put({ amount })} />
          </OpsField>
          <OpsField name='rule-redPacket-dailyBudgetFen' label='红包每日预算（元）' error={errors['rule.redPacket.dailyBudgetFen']}>
            <NumberInput name='daily' digit value={e.daily} readOnly={readOnly} onChange={daily => put({ daily })} />
          </OpsField>
          <OpsField name='rule-redPacket-totalBudgetFen' label='红包总预算（元）' error={errors['rule.redPacket.totalBudgetFen']} hint='发布后只能调高'>
            <NumberInput name='total' digit value={e.total} readOnly={readOnly} onChange={total => put({ total })} />
          </OpsField>
        </>
      ) : null}
      {e.rest.grantPlays ? <Text className='ops-kind__note'>扫码另赠游戏次数：已设置（在积分玩法中维护）</Text> : null}
    </View>
  )
}

export const scanForm: KindForm = { kind: 'scan', label: '扫码积分', creatable: true, fromRule, toRule, check, Form }
