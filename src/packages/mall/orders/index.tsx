import { Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import EmptyState from '../../../components/EmptyState'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import { useMember } from '../../../store/member'
import { formatShanghaiDateTime } from '../../../utils/time'
import './index.scss'

type Tab = mall.OrderStatus | 'all'

// 我的订单: status tabs (待付款 / 待发货 / 已发货 / 已完成 / 已取消), newest first, paged.
export default function OrdersPage() {
  const member = useMember()
  const [tab, setTab] = useState<Tab>('all')
  const tabRef = useRef<Tab>('all')
  const list = usePagedList<mall.MallOrder>(cursor => mall.orders({ status: tabRef.current === 'all' ? undefined : tabRef.current, cursor }))

  useEffect(() => {
    list.reset()
    if (member.status === 'ready') void list.reload()
  }, [member.status, member.generation])
  // Back from an order (cancelled, paid): show what changed.
  useDidShow(() => {
    if (member.status === 'ready' && list.loaded) void list.reload(true)
  })
  useReachBottom(() => {
    if (!list.error) void list.loadMore()
  })
  usePullDownRefresh(() => {
    list.reload(true).finally(() => Taro.stopPullDownRefresh())
  })

  const choose = (t: Tab) => {
    if (t === tabRef.current) return
    tabRef.current = t
    setTab(t)
    void list.reload()
  }

  return (
    <View className='page mall-orders'>
      <View className='mall-orders__tabs'>
        {mall.ORDER_TABS.map(t => (
          <Text key={t.status} className={`mall-orders__tab ${t.status === tab ? 'mall-orders__tab--active' : ''}`} data-status={t.status} onClick={() => choose(t.status)}>
            {t.label}
          </Text>
        ))}
      </View>
      {!list.loaded && (list.loading || member.status === 'loading') ? <LoadingView className='mall-orders-loading' rows={3} /> : null}
      {member.status === 'error' ? <ErrorView prefix='mall-orders' message={describeError(member.error)} onRetry={() => void member.reload()} /> : null}
      {list.error && !list.items.length ? <ErrorView prefix='mall-orders' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded && !list.items.length && !list.error ? <EmptyState className='mall-orders-empty' title='还没有订单' description='去商城看看吧' /> : null}
      {list.items.map(o => (
        <View
          key={o.id}
          className='mall-orders__row mall-order-row'
          data-order={o.id}
          data-status={o.status}
          onClick={() => Taro.navigateTo({ url: `/packages/mall/order/index?id=${encodeURIComponent(o.id)}` })}
        >
          {o.image ? <Image className='mall-orders__thumb mall-order-thumb' src={o.image} mode='aspectFill' /> : null}
          <View className='mall-orders__body'>
            <View className='mall-orders__head'>
              <Text className='mall-orders__title'>{o.title} × {o.quantity}</Text>
              <Text className='mall-orders__status'>{mall.statusLabel(o.status)}</Text>
            </View>
            <Text className='mall-orders__meta'>
              {mall.priceText(o.points, o.cashFen * o.quantity)} · {formatShanghaiDateTime(o.createdAt)}
            </Text>
            <Text className='mall-orders__meta mall-order-no'>订单号 {o.no}</Text>
          </View>
        </View>
      ))}
    </View>
  )
}
