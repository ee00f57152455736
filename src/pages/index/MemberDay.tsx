import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Skeleton } from '../../components/nutui'
import * as mall from '../../services/mall'
import * as points from '../../services/points'
import type { PointsSummaryResult } from '../../services/types'
import { formatFen, splitExpiring } from '../../utils/points'
import { shanghaiToday } from '../../utils/time'
import { affordableCount, nextGoal, recommended } from '../../utils/goals'

interface Day {
  summary: PointsSummaryResult
  items: mall.MallItem[]
  redeemed: { units: number; valueFen: number }
}

const itemUrl = (id: string) => `/packages/mall/item/index?id=${encodeURIComponent(id)}`

/**
 * 首页's member's day below the balance: what expires soonest (as 我的积分's 即将过期: within 90
 * days, "N 天后过期"), what the points have bought (已兑换 N 件好礼，价值 ¥X), what they are close to
 * (再攒 N 积分可兑换 …), and recommended mall items. The figures are the ones 商城
 * and 我的积分 show: 可用积分 from `points.summary`. Reloads with `generation` (a persona switch,
 * pull-down). A failure hides the card (the balance above stays): it is an invitation, not a record.
 */
export default function MemberDay({ generation, onSummary }: { generation: number; onSummary: (s: PointsSummaryResult) => void }) {
  const [day, setDay] = useState<Day | null>(null)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let live = true
    setFailed(false)
    Promise.all([points.summary(), mall.items(), mall.redeemed()]).then(
      ([summary, page, redeemed]) => {
        if (!live) return
        onSummary(summary)
        setDay({ summary, items: page.items, redeemed })
      },
      () => live && setFailed(true)
    )
    return () => {
      live = false
    }
  }, [generation])

  if (failed) return null
  if (!day) {
    return (
      <View className='home-day home-day-loading skeleton-visible'>
        <Skeleton rows={3} animated />
      </View>
    )
  }
  const available = day.summary.available
  const goal = nextGoal(day.items, available)
  const canNow = affordableCount(day.items, available)
  const picks = recommended(day.items)
  const [soonest] = splitExpiring(day.summary.expiring, shanghaiToday()).soon
  return (
    <View className='home-day'>
      {soonest ? (
        <View className='home-day__expiring home-expiring' onClick={() => void Taro.navigateTo({ url: '/packages/points/ledger/index' })}>
          <Text className='home-day__expiring-text'>{`${soonest.points} 积分 ${soonest.text}`}</Text>
          <Text className='home-day__expiring-day'>有效期至 {soonest.day} ›</Text>
        </View>
      ) : null}
      <View className='home-day__value home-value' onClick={() => void Taro.navigateTo({ url: '/packages/mall/orders/index' })}>
        <Text className='home-day__line home-redeemed'>
          {day.redeemed.units > 0 ? `已兑换 ${day.redeemed.units} 件好礼，价值 ¥${formatFen(day.redeemed.valueFen)}` : '还没有兑换过好礼，积分可以换好物'}
        </Text>
        {goal ? (
          <Text className='home-day__goal home-goal' onClick={() => void Taro.navigateTo({ url: itemUrl(goal.item.id) })}>
            再攒 {goal.missing} 积分可兑换 {goal.item.title}
          </Text>
        ) : canNow > 0 ? (
          <Text className='home-day__goal home-goal'>现有积分可兑换 {canNow} 件商品</Text>
        ) : null}
      </View>
      {picks.length ? (
        <View className='home-day__picks'>
          <View className='home-day__head'>
            <Text className='section-title home-day__title'>为你推荐</Text>
            <Text className='home-day__more' onClick={() => void Taro.switchTab({ url: '/pages/mall/index' })}>
              去商城 ›
            </Text>
          </View>
          <View className='home-day__grid'>
            {picks.map(i => (
              <View key={i.id} className='home-pick' data-item={i.id} onClick={() => void Taro.navigateTo({ url: itemUrl(i.id) })}>
                {i.images[0] ? (
                  <Image className='home-pick__image' src={i.images[0]} mode='aspectFill' />
                ) : (
                  <View className='home-pick__image home-pick__image--blank'>
                    <Text>{i.title.slice(0, 2)}</Text>
                  </View>
                )}
                <Text className='home-pick__title'>{i.title}</Text>
                <Text className='home-pick__price'>{mall.priceText(i.points, i.cashFen)}</Text>
                <Text className={`home-pick__can ${i.points <= available ? 'home-pick__can--yes' : ''}`}>
                  {i.points <= available ? '可兑换' : `差 ${i.points - Math.max(0, available)} 积分`}
                </Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}
    </View>
  )
}
