import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import CloudImage from '../../../components/CloudImage'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadFailedView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import { useMember } from '../../../store/member'
import { tierOnlyReason } from '../../../utils/tier-only'
import './index.scss'

// 商品详情: price, stock, limits, the flash sale's countdown, and the quantity to redeem.
export default function ItemPage() {
  const id = useRouter().params.id ?? ''
  const member = useMember()
  const detail = useAsync(mall.item)
  const [quantity, setQuantity] = useState(1)
  const skew = useRef(0)
  const [now, setNow] = useState(Date.now())

  useEffect(() => {
    if (member.status === 'ready' && id) void detail.run(id)
  }, [member.status, member.generation, id])
  useEffect(() => {
    if (detail.data) skew.current = Date.parse(detail.data.serverNow) - Date.now()
  }, [detail.data])
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() + skew.current), 1000)
    return () => clearInterval(t)
  }, [])

  const data = detail.data
  const item = data?.item
  const left = item ? mall.countdown(item.listAt, now) : ''
  const max = item ? Math.max(1, Math.min(item.perOrderMax, item.stockLeft, item.perMemberLimit ? item.perMemberLimit - data!.memberTaken : 99)) : 1
  const blocked = !item
    ? '…'
    : item.state === 'upcoming' && left
      ? `距开始 ${left}`
      : item.state === 'delisted'
        ? '已下架'
        : item.tierOnly && !item.tierOnly.eligible
          ? item.tierOnly.label
        : item.stockLeft <= 0
          ? '已兑完'
          : item.perMemberLimit && data!.memberTaken >= item.perMemberLimit
            ? '已达限兑数量'
            : ''

  return (
    <View className='page mall-item'>
      {!data && (detail.loading || member.status === 'loading') ? <LoadingView className='mall-item-loading' rows={3} /> : null}
      {member.status === 'error' ? <ErrorView prefix='mall-item' message={describeError(member.error)} onRetry={() => void member.reload()} /> : null}
      {!data && detail.error ? (
        <LoadFailedView
          prefix='mall-item'
          error={detail.error}
          onRetry={() => void detail.run(id)}
          notFound={{ message: '这件商品不存在或已下架', backText: '返回商城', onBack: () => void Taro.switchTab({ url: '/pages/mall/index' }) }}
        />
      ) : null}
      {item ? (
        <View className='mall-item-ready'>
          {item.images[0] ? (
            <CloudImage className='mall-item__image' src={item.images[0]} />
          ) : (
            <View className='mall-item__image mall-item__image--blank'>
              <Text>{item.title.slice(0, 2)}</Text>
            </View>
          )}
          <View className='mall-item__card'>
            {item.flashSale ? <Text className='mall-item__flash'>秒杀{left ? ` · 距开始 ${left}` : ' · 进行中'}</Text> : null}
            {item.tierOnly ? <Text className='mall-item__tier'>{item.tierOnly.label}</Text> : null}
            <Text className='mall-item__title'>{item.title}</Text>
            <Text className='mall-item__price'>{mall.priceText(item.points, item.cashFen)}</Text>
            <Text className='mall-item__meta'>
              剩余 {item.stockLeft} · 已兑 {item.sold}
              {item.perMemberLimit ? ` · 每人限兑 ${item.perMemberLimit}` : ''}
            </Text>
            <Text className='mall-item__desc'>{item.description}</Text>
          </View>
          <View className='mall-item__qty'>
            <Text>数量</Text>
            <View className='mall-item__stepper'>
              <Text className='mall-item__step mall-item-minus' onClick={() => setQuantity(q => Math.max(1, q - 1))}>
                －
              </Text>
              <Text className='mall-item-quantity'>{quantity}</Text>
              <Text className='mall-item__step mall-item-plus' onClick={() => setQuantity(q => Math.min(max, q + 1))}>
                ＋
              </Text>
            </View>
          </View>
          {item.tierOnly && !item.tierOnly.eligible ? (
            <View className='mall-item__tier-note' onClick={() => void Taro.navigateTo({ url: '/packages/tiers/index' })}>
              <Text>{tierOnlyReason(item.tierOnly)}</Text>
              <Text className='mall-item__tier-link'>查看会员等级 ›</Text>
            </View>
          ) : null}
          <Button
            className='mall-item-redeem'
            type='primary'
            block
            disabled={!!blocked}
            onClick={() => Taro.navigateTo({ url: `/packages/mall/redeem/index?id=${encodeURIComponent(item.id)}&quantity=${quantity}` })}
          >
            {blocked || '立即兑换'}
          </Button>
        </View>
      ) : null}
    </View>
  )
}
