import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { useEffect } from 'react'
import EmptyState from '../../components/EmptyState'
import { ErrorView, LoadingView } from '../../components/StatusViews'
import { useAsync } from '../../hooks/useAsync'
import { describeError } from '../../services/errors'
import * as tiers from '../../services/tiers'
import { useMember } from '../../store/member'
import KeepReminder from './KeepReminder'
import './index.scss'

const perks = (b: tiers.TierBenefits): string[] => {
  const out = [`消费积分 ${b.earnMultiplier} 倍`, `签到积分 ${b.signinMultiplier} 倍`]
  if (b.birthdayPoints) out.push(`生日礼 ${b.birthdayPoints} 积分`)
  if (b.extraPlaysPerDay) out.push(`每日游戏多 ${b.extraPlaysPerDay} 次`)
  if (b.exclusiveItems?.length) out.push(`专享兑换商品 ${b.exclusiveItems.length} 款`)
  return out
}

const growthText = (g: tiers.MyTier['growthRules']): string => {
  const from = [g.orderPerYuan ? `消费每 1 元得 ${g.orderPerYuan} 成长值` : '', g.scan ? `扫码每次 ${g.scan}` : '', g.signin ? `签到每次 ${g.signin}` : ''].filter(Boolean)
  // Scan and sign-in growth is posted by the jobs tick (docs/tiers.md): within about ten minutes.
  const later = g.scan || g.signin ? '扫码、签到的成长值约 10 分钟内到账。' : ''
  return `${from.length ? `${from.join('，')}。` : ''}${later}成长值不能用于兑换，订单退款时按退款金额扣回；升级立即生效，周期结束时每次最多降一级。`
}

// 会员等级: the current tier card, progress to the next, every tier's benefits, the change history.
export default function TierPage() {
  const member = useMember()
  const state = useAsync(tiers.mine)
  useEffect(() => {
    if (member.status === 'ready') void state.run()
  }, [member.status, member.generation])
  usePullDownRefresh(() => {
    state.run().finally(() => Taro.stopPullDownRefresh())
  })
  const t = state.data
  if (!t) {
    if (state.error) return <ErrorView prefix='tiers' message={describeError(state.error)} onRetry={() => void state.run()} />
    return <LoadingView className='tiers-loading' rows={4} />
  }
  const progress = t.next ? Math.min(100, Math.round((t.growthInCycle / t.next.minGrowth) * 100)) : 100
  return (
    <View className='page tiers-page'>
      <View className={`tiers-card tiers-card--${t.current.tier}`}>
        <Text className='tiers-card__name tiers-current'>{t.current.name}</Text>
        <Text className='tiers-card__growth'>本周期成长值 {t.growthInCycle}</Text>
        <View className='tiers-progress'>
          <View className='tiers-progress__bar' style={{ width: `${progress}%` }} />
        </View>
        <Text className='tiers-card__next tiers-next'>
          {t.next ? `再得 ${t.next.short} 成长值升级为${t.next.name}` : '已是最高等级'}
        </Text>
        <Text className='tiers-card__cycle'>
          本周期 {t.cycleStart} 至 {t.cycleLastDay}，届时本周期成长值未达本级门槛将降一级
        </Text>
        {t.reminder ? <Text className='tiers-card__reminder tiers-reminder'>{t.reminder.text}</Text> : null}
      </View>
      {t.tiers.length > 1 ? <KeepReminder templateId={t.templateId} /> : null}

      <Text className='section-title'>等级权益</Text>
      <View className='tiers-list'>
        {t.tiers.map(x => (
          <View key={x.level} className={`tiers-row${x.level === t.current.tier ? ' tiers-row--current' : ''}`} data-level={x.level}>
            <View className='tiers-row__head'>
              <Text className='tiers-row__name'>{x.name}</Text>
              <Text className='tiers-row__min'>{x.minGrowth === 0 ? '注册即享' : `成长值 ${x.minGrowth}`}</Text>
            </View>
            <Text className='tiers-row__perks'>{perks(x.benefits).join(' · ')}</Text>
          </View>
        ))}
      </View>

      <Text className='section-title'>等级变化记录</Text>
      {t.history.length === 0 ? (
        <EmptyState className='tiers-history-empty' description='暂无等级变化' />
      ) : (
        <View className='tiers-list tiers-history'>
          {t.history.map(h => (
            <View key={h.seq} className='tiers-history__row'>
              <Text className='tiers-history__change'>{h.from === h.to ? h.to : `${h.from} → ${h.to}`}</Text>
              <Text className='tiers-history__why'>
                {h.day} · {h.reasonText}
              </Text>
            </View>
          ))}
        </View>
      )}
      <Text className='tiers-rules'>{growthText(t.growthRules)}</Text>
    </View>
  )
}
