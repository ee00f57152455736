import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError } from '../../../services/errors'
import { cancelRateChange, checkoutSettings, expiryPolicies, rateSchedule, saveCheckoutRules, scheduleRate, type ExpiryPolicies, type RateView } from '../../../services/ops-rules'
import { formatShanghaiDateTime } from '../../../utils/time'
import { KIND_LABEL } from '../campaign/kinds'
import { checkInt, NumberInput, only, TextInput, toInt, wallToIso } from '../campaign/parts'
import OpsField from '../shell/OpsField'
import OpsFormEnd from '../shell/OpsFormEnd'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import { FORM, fieldErrors, type FieldErrors } from '../shell/forms'
import TierSchemeCard from './TierScheme'
import './index.scss'

// 运营后台 · 积分规则: the exchange rate (in force, its dated history, a change scheduled for a
// future time), expiry policies, checkout deduction rules, the tier scheme. A viewer sees them read-only.
export default function OpsRulesPage() {
  return (
    <OpsShell active='rules' title='积分规则'>
      <Rules />
    </OpsShell>
  )
}

function Rules() {
  const { can } = useOpsRole()
  const readOnly = !can('operator')
  return (
    <View className='ops-rules'>
      {readOnly ? <Text className='ops-banner ops-readonly-hint'>只读：你的角色只能查看，不能修改</Text> : null}
      <Rate readOnly={readOnly} />
      <Checkout readOnly={readOnly} />
      <Expiry />
      <TierSchemeCard readOnly={readOnly} />
    </View>
  )
}

const STATE = { past: '已结束', current: '当前生效', scheduled: '待生效' } as const
type RateRow = RateView['rows'][number]

function Rate({ readOnly }: { readOnly: boolean }) {
  const view = useAsync(rateSchedule)
  const [rate, setRate] = useState('')
  const [at, setAt] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => void view.run(), [])

  const submit = async () => {
    const iso = wallToIso(at)
    const e = only({
      pointsPerYuan: checkInt(rate, '兑换比例', 1, 100000),
      effectiveFrom: !iso ? '时间格式为 2026-12-01 08:00（北京时间）' : Date.parse(iso) < Date.now() + 5 * 60_000 ? '生效时间须至少在 5 分钟之后' : undefined
    })
    setErrors(e)
    setNotice('')
    if (Object.keys(e).length) return
    setBusy(true)
    try {
      await scheduleRate(toInt(rate), iso!)
      setNotice(`已预约：${at} 起每 1 元 = ${toInt(rate)} 积分`)
      setRate('')
      setAt('')
      await view.run()
    } catch (err) {
      setErrors(fieldErrors(err))
    } finally {
      setBusy(false)
    }
  }

  const cancel = async (r: RateRow) => {
    setNotice('')
    try {
      await cancelRateChange(r.effectiveFrom)
      setNotice('已取消这次调整')
      await view.run()
    } catch (err) {
      setErrors(fieldErrors(err))
    }
  }

  const columns: OpsColumn<RateRow>[] = [
    { key: 'pointsPerYuan', title: '每 1 元积分', render: r => `${r.pointsPerYuan}` },
    { key: 'effectiveFrom', title: '生效时间', grow: 2, render: r => formatShanghaiDateTime(r.effectiveFrom) },
    { key: 'state', title: '状态', render: r => <Text className={`ops-rules__state ops-rules__state--${r.state}`}>{STATE[r.state]}</Text> },
    {
      key: 'op',
      title: '操作',
      render: r =>
        r.state === 'scheduled' && !readOnly ? (
          <Text className='ops-link ops-rate-cancel' onClick={() => void cancel(r)}>
            取消
          </Text>
        ) : (
          <Text className='ops-rules__none'>—</Text>
        )
    }
  ]

  return (
    <View className='ops-card ops-rules-rate'>
      <Text className='ops-card__title'>兑换比例</Text>
      {view.loading && !view.data ? <LoadingView className='ops-rate-loading' rows={2} /> : null}
      {view.error && !view.data ? <ErrorView prefix='ops-rate' message={describeError(view.error)} onRetry={() => void view.run()} /> : null}
      {view.data ? (
        <>
          <Text className='ops-rules__big ops-rate-current'>
            当前：每 1 元 = {view.data.current.pointsPerYuan} 积分
            {view.data.current.effectiveFrom ? `（${formatShanghaiDateTime(view.data.current.effectiveFrom)} 起）` : '（默认）'}
          </Text>
          <Text className='ops-rules__hint'>每笔积分按发放时的比例计算负债与抵扣价值；调整只影响生效时间之后发放的积分。</Text>
          <OpsTable className='ops-rate-table' columns={columns} rows={view.data.rows} rowKey={r => r.effectiveFrom} empty='还没有调整过，使用默认比例' />
        </>
      ) : null}
      <Text className='ops-card__subtitle'>预约调整</Text>
      <OpsField name='pointsPerYuan' label='兑换比例' required error={errors.pointsPerYuan} hint='每 1 元对应的积分，1 至 100000 的整数'>
        <NumberInput name='rate' value={rate} readOnly={readOnly} placeholder='如 100' onChange={setRate} />
      </OpsField>
      <OpsField name='effectiveFrom' label='生效时间' required error={errors.effectiveFrom} hint='北京时间，至少 5 分钟之后，如 2027-01-01 00:00'>
        <TextInput name='effectiveFrom' value={at} readOnly={readOnly} placeholder='2027-01-01 00:00' onChange={setAt} />
      </OpsField>
      <OpsFormEnd name='rate' error={errors[FORM]} notice={notice}>
        <Button className='ops-rate-save' type='primary' size='small' disabled={readOnly} loading={busy} onClick={() => void submit()}>
          预约调整
        </Button>
      </OpsFormEnd>
    </View>
  )
}

function Checkout({ readOnly }: { readOnly: boolean }) {
  const rules = useAsync(checkoutSettings)
  const [step, setStep] = useState('')
  const [share, setShare] = useState('')
  const [errors, setErrors] = useState<FieldErrors>({})
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    void rules.run().then(r => {
      if (!r) return
      setStep(String(r.stepPoints))
      setShare(String(r.maxSharePercent))
    })
  }, [])

  const submit = async () => {
    const e = only({ stepPoints: checkInt(step, '抵扣步长', 1, 100000), maxSharePercent: checkInt(share, '最高抵扣比例', 1, 100) })
    setErrors(e)
    setNotice('')
    if (Object.keys(e).length) return
    setBusy(true)
    try {
      await saveCheckoutRules({ stepPoints: toInt(step), maxSharePercent: toInt(share) })
      setNotice('已保存')
      await rules.run()
    } catch (err) {
      setErrors(fieldErrors(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='ops-card ops-rules-checkout'>
      <Text className='ops-card__title'>结算抵扣规则</Text>
      {rules.error && !rules.data ? <ErrorView prefix='ops-checkout' message={describeError(rules.error)} onRetry={() => void rules.run()} /> : null}
      {rules.data ? (
        <Text className='ops-rules__hint'>
          会员在品牌商城结算时可用积分抵现：按当前比例每 {rules.data.pointsPerYuan} 积分抵 1 元，每次抵扣须为步长的整数倍，且不超过订单金额的一定比例。
        </Text>
      ) : null}
      <OpsField name='stepPoints' label='抵扣步长' required error={errors.stepPoints} hint='积分只能按此数的整数倍抵扣'>
        <NumberInput name='step' value={step} readOnly={readOnly} onChange={setStep} />
      </OpsField>
      <OpsField name='maxSharePercent' label='最高抵扣比例' required error={errors.maxSharePercent} hint='最多抵扣订单金额的百分之几（1 至 100）'>
        <NumberInput name='share' value={share} readOnly={readOnly} onChange={setShare} />
      </OpsField>
      <OpsFormEnd name='checkout' error={errors[FORM]} notice={notice}>
        <Button className='ops-checkout-save' type='primary' size='small' disabled={readOnly} loading={busy} onClick={() => void submit()}>
          保存
        </Button>
      </OpsFormEnd>
    </View>
  )
}

type PolicyRow = ExpiryPolicies['campaigns'][number]
const STATUS = { draft: '草稿', published: '进行中', ended: '已结束' } as const

function Expiry() {
  const list = useAsync(expiryPolicies)
  useEffect(() => void list.run(), [])
  const columns: OpsColumn<PolicyRow>[] = [
    { key: 'name', title: '活动', grow: 2 },
    { key: 'kind', title: '类型', render: r => KIND_LABEL(r.kind) },
    { key: 'status', title: '状态', render: r => STATUS[r.status] },
    { key: 'text', title: '积分有效期', grow: 2 }
  ]
  return (
    <View className='ops-card ops-rules-expiry'>
      <Text className='ops-card__title'>积分有效期</Text>
      {list.error && !list.data ? <ErrorView prefix='ops-expiry' message={describeError(list.error)} onRetry={() => void list.run()} /> : null}
      {list.data ? (
        <>
          <Text className='ops-rules__hint ops-expiry-default'>未单独设置的活动：{list.data.default.text}。每个活动的有效期在活动编辑中设置，点击一行修改。</Text>
          <OpsTable
            className='ops-expiry-table'
            columns={columns}
            rows={list.data.campaigns}
            rowKey={r => r.id}
            onRowClick={r => void Taro.navigateTo({ url: `/packages/ops/campaign/index?id=${encodeURIComponent(r.id)}` })}
            empty='还没有活动'
          />
        </>
      ) : null}
    </View>
  )
}
