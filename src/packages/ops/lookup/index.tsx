import { Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError } from '../../../services/errors'
import * as opsCodes from '../../../services/ops-codes'
import { formatShanghaiDateTime } from '../../../utils/time'
import OpsField from '../shell/OpsField'
import OpsShell from '../shell/OpsShell'
import { FORM, type FieldErrors } from '../shell/forms'
import { codeProblems } from '../codes/forms'
import { formErrors, RISK_LABEL, STATUS_LABEL, VERDICT_LABEL } from '../codes/words'
import './index.scss'

// 运营后台 · 码查询: one printed code's story — batch and product, sales region, who claimed it
// (nickname masked), its latest scans with time, province and region verdict, and its risk events.
// ?code= opens with a code filled in and looked up.
export default function OpsLookupPage() {
  const { params } = useRouter()
  return (
    <OpsShell active='lookup' title='码查询'>
      <Lookup initial={decodeURIComponent(params.code ?? '')} />
    </OpsShell>
  )
}

function Lookup({ initial }: { initial: string }) {
  const [text, setText] = useState(initial)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [loading, setLoading] = useState(false)
  const [result, setResult] = useState<opsCodes.LookupResult | null>(null)
  const [error, setError] = useState<unknown>(null)

  const search = async (value = text) => {
    const problems = codeProblems(value)
    setErrors(problems)
    setError(null)
    if (Object.keys(problems).length) return
    setLoading(true)
    try {
      setResult(await opsCodes.lookup(value.trim()))
    } catch (e) {
      const f = formErrors(e)
      if (f.code) setErrors(f)
      else setError(e)
      setResult(null)
    } finally {
      setLoading(false)
    }
  }
  useEffect(() => {
    if (initial) void search(initial)
  }, [])

  return (
    <View className='ops-lookup'>
      <View className='ops-card ops-lookup-form'>
        <OpsField name='code' label='码' required error={errors.code || errors[FORM]} hint='20 位码，可带空格或 -，也可粘贴二维码链接'>
          <Input className='ops-input ops-lookup-input' value={text} maxlength={300} placeholder='如 1XAJ-G639-WBAZ-X9HA-3ZGN' confirmType='search' onInput={e => setText(e.detail.value)} onConfirm={() => void search()} />
        </OpsField>
        <View className='ops-lookup__actions'>
          <Button type='primary' size='small' className='ops-lookup-submit' loading={loading} disabled={loading} onClick={() => void search()}>
            查询
          </Button>
        </View>
      </View>
      {loading && !result ? <LoadingView className='ops-lookup-loading' rows={4} /> : null}
      {error ? <ErrorView prefix='ops-lookup' message={describeError(error)} onRetry={() => void search()} /> : null}
      {result && !result.found ? <NotFound r={result} /> : null}
      {result && result.found ? <Found r={result} /> : null}
    </View>
  )
}

function NotFound({ r }: { r: Extract<opsCodes.LookupResult, { found: false }> }) {
  return (
    <View className={`ops-card ops-lookup-not-found ops-lookup-not-found--${r.reason}`}>
      <Text className='ops-card__title'>{r.reason === 'forged' ? '校验失败：不是本品牌生成的码' : '查无此码'}</Text>
      <Text className='ops-lookup__code'>{r.code}</Text>
      <Text className='ops-lookup__hint'>
        {r.reason === 'forged'
          ? '码的校验位对不上，可能是抄错或伪造。若是消费者手中的实物码，请按假冒线索处理。'
          : '校验位正确，但系统中没有这个码：可能来自已删除的批次，或是被猜中的格式。请核对是否抄写有误。'}
      </Text>
    </View>
  )
}

function Row({ label, value, className = '' }: { label: string; value: string; className?: string }) {
  return (
    <View className={`ops-lookup__row ${className}`}>
      <Text className='ops-lookup__label'>{label}</Text>
      <Text className='ops-lookup__value'>{value}</Text>
    </View>
  )
}

const who = (nickname: string) => nickname || '未知会员'

function Found({ r }: { r: opsCodes.LookupFound }) {
  const openBatch = () => void Taro.navigateTo({ url: `/packages/ops/batch/index?id=${encodeURIComponent(r.batch.id)}` })
  const openMember = (member: string) => void Taro.navigateTo({ url: `/packages/ops/member/index?openid=${encodeURIComponent(member)}` })
  return (
    <View className='ops-lookup-found'>
      <View className='ops-card ops-lookup-code'>
        <Text className='ops-card__title'>码 {r.code}</Text>
        <Row label='产品' value={r.batch.product.name || '（产品已删除）'} />
        <View className='ops-lookup__row'>
          <Text className='ops-lookup__label'>批次</Text>
          <Text className='ops-lookup__value ops-link ops-lookup-batch' onClick={openBatch}>
            批号 {r.batch.batchNo || '（已删除）'} · 序号 {r.seq} · {STATUS_LABEL[r.batch.status]}
          </Text>
        </View>
        <Row label='生产日期' value={r.batch.productionDate || '—'} />
        <Row label='销售区域' className='ops-lookup-region' value={r.region.length ? r.region.map(p => p.name).join('、') : '全国'} />
      </View>

      <View className='ops-card ops-lookup-claim'>
        <Text className='ops-card__title'>领取</Text>
        {r.claim ? (
          <View>
            <View className='ops-lookup__row'>
              <Text className='ops-lookup__label'>领取人</Text>
              <Text className='ops-lookup__value ops-link ops-lookup-claimant' onClick={() => openMember(r.claim!.member)}>
                {who(r.claim.nickname)}
              </Text>
            </View>
            <Row label='领取时间' value={formatShanghaiDateTime(r.claim.at)} />
            <Row label='获得积分' className='ops-lookup-points' value={`${r.claim.points} 积分`} />
          </View>
        ) : (
          <Text className='ops-lookup__hint ops-lookup-unclaimed'>尚未被领取</Text>
        )}
      </View>

      <View className='ops-card ops-lookup-scans'>
        <Text className='ops-card__title'>扫码记录</Text>
        <View className='ops-lookup__stats'>
          <Row label='扫码次数' className='ops-lookup-scan-count' value={`${r.scans.count} 次`} />
          <Row label='扫码人数' value={`${r.scans.distinct} 人`} />
          <Row label='首次扫码' value={r.scans.first ? formatShanghaiDateTime(r.scans.first) : '—'} />
          <Row label='最近扫码' value={r.scans.last ? formatShanghaiDateTime(r.scans.last) : '—'} />
        </View>
        {r.recent.length ? (
          <View className='ops-lookup__list'>
            {r.recent.map((s, i) => (
              <View key={i} className={`ops-lookup__item ops-lookup-scan ops-lookup-scan--${s.verdict}`}>
                <Text className='ops-lookup__item-time'>{formatShanghaiDateTime(s.at)}</Text>
                <Text className='ops-lookup__item-who'>
                  {who(s.nickname)}
                  {s.claim ? '（领取）' : ''}
                </Text>
                <Text className='ops-lookup__item-place'>{s.provinceName || '位置未知'}</Text>
                <Text className={`ops-lookup__verdict ops-lookup__verdict--${s.verdict}`}>{VERDICT_LABEL[s.verdict]}</Text>
              </View>
            ))}
            {r.scans.count > r.recent.length ? <Text className='ops-lookup__hint'>仅显示最近 {r.recent.length} 次</Text> : null}
          </View>
        ) : (
          <Text className='ops-lookup__hint ops-lookup-no-scans'>{r.scans.count ? '早期扫码未记录时间与位置' : '还没有人扫过这个码'}</Text>
        )}
      </View>

      <View className='ops-card ops-lookup-risk'>
        <Text className='ops-card__title'>风险事件</Text>
        {r.risk.length ? (
          r.risk.map((e, i) => (
            <View key={i} className={`ops-lookup__item ops-lookup-risk-item ops-lookup-risk-item--${e.kind}`}>
              <Text className='ops-lookup__item-time'>{formatShanghaiDateTime(e.at)}</Text>
              <Text className={`ops-lookup__risk ops-lookup__risk--${e.kind}`}>{RISK_LABEL[e.kind]}</Text>
              <Text className='ops-lookup__item-who'>{who(e.nickname)}</Text>
              <Text className='ops-lookup__item-place'>{e.provinceName || '位置未知'}</Text>
            </View>
          ))
        ) : (
          <Text className='ops-lookup__hint ops-lookup-no-risk'>没有风险事件</Text>
        )}
      </View>
    </View>
  )
}
