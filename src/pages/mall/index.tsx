import { Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import EmptyState from '../../components/EmptyState'
import PlayEntries from '../../components/PlayEntries'
import { ErrorView, LoadingView } from '../../components/StatusViews'
import { usePagedList } from '../../hooks/usePagedList'
import { describeError } from '../../services/errors'
import * as mall from '../../services/mall'
import * as points from '../../services/points'
import { useAsync } from '../../hooks/useAsync'
import { useMember } from '../../store/member'
import { formatFen, heldNote } from '../../utils/points'
import './index.scss'

// 积分商城: the spendable balance, category tabs and the item grid (paged as the member scrolls).
// Flash-sale items not yet open show a countdown computed against the server's clock.
export default function MallPage() {
  const member = useMember()
  const [cats, setCats] = useState<string[]>([])
  const [category, setCategory] = useState('')
  const categoryRef = useRef('')
  const skew = useRef(0) // server time − local time
  const [now, setNow] = useState(Date.now())
  const list = usePagedList<mall.MallItem>(async cursor => {
    const page = await mall.items({ category: categoryRef.current || undefined, cursor })
    skew.current = Date.parse(page.serverNow) - Date.now()
    return page
  })

  // The available points as of now (a redemption or a cancel elsewhere changes them).
  const balance = useAsync(points.summary)

  useEffect(() => {
    list.reset()
    balance.reset()
    if (member.status === 'ready') {
      void list.reload()
      void balance.run()
      mall.categories().then(r => setCats(r.categories), () => setCats([]))
    }
  }, [member.status, member.generation])

  // Back on the tab (after redeeming or cancelling): fresh balance and stock, rows kept meanwhile.
  const shown = useRef(false)
  useDidShow(() => {
    if (!shown.current) {
      shown.current = true
      return
    }
    if (member.status === 'ready') {
      void balance.run()
      void list.reload(true)
    }
  })

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() + skew.current), 1000)
    return () => clearInterval(t)
  }, [])

  const choose = (c: string) => {
    if (c === categoryRef.current) return
    categoryRef.current = c
    setCategory(c)
    void list.reload()
  }

  useReachBottom(() => {
    if (!list.error) void list.loadMore()
  })
  usePullDownRefresh(() => {
    // A new login answer reloads the list too (the effect above).
    member.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const open = (id: string) => Taro.navigateTo({ url: `/packages/mall/item/index?id=${encodeURIComponent(id)}` })
  const session = member.status === 'ready' ? member.session : null

  return (
    <View className='page mall'>
      {member.status === 'loading' ? <LoadingView className='mall-loading' rows={2} /> : null}
      {member.status === 'error' && member.error ? (
        <ErrorView prefix='mall' message={describeError(member.error)} onRetry={() => void member.reload()} />
      ) : null}
      {session ? (
        <View className='mall-ready'>
          <View className='mall-balance-bar'>
            <Text className='mall-balance-bar__label'>可用积分</Text>
            {/* Only the fresh summary: the session's figure may predate a redemption made since. */}
            <Text className='mall-balance-bar__value mall-balance' data-ready={balance.data ? 'true' : 'false'}>{balance.data ? balance.data.available : '…'}</Text>
            {balance.data ? <Text className='mall-balance-bar__worth mall-balance-worth'>≈ ¥{formatFen(balance.data.valueFen)}</Text> : null}
            {balance.data && balance.data.held > 0 ? <Text className='mall-balance-bar__held'>{heldNote(balance.data)}</Text> : null}
            <Text className='mall-orders-link' onClick={() => Taro.navigateTo({ url: '/packages/mall/orders/index' })}>
              我的订单 ›
            </Text>
            {session.isOperator ? (
              <Text className='mall-orders-link mall-ops-link' onClick={() => Taro.navigateTo({ url: '/packages/mall/ops/index' })}>
                运营 ›
              </Text>
            ) : null}
          </View>
          <PlayEntries title='积分抽奖' />
          <View className='mall-tabs'>
            {['', ...cats].map(c => (
              <Text key={c || 'all'} className={`mall-tab ${c === category ? 'mall-tab--active' : ''}`} data-category={c} onClick={() => choose(c)}>
                {c || '全部'}
              </Text>
            ))}
          </View>
          {!list.loaded && list.loading ? <LoadingView className='mall-items-loading' rows={3} /> : null}
          {list.error && !list.items.length ? (
            <ErrorView prefix='mall-items' message={describeError(list.error)} onRetry={() => void list.reload()} />
          ) : null}
          {list.loaded && !list.items.length && !list.error ? (
            <EmptyState className='mall-empty' title='暂无可兑换的商品' description='上新后会第一时间出现在这里' />
          ) : null}
          <View className='mall-grid'>
            {list.items.map(item => {
              const left = mall.countdown(item.listAt, now)
              return (
                <View key={item.id} className='mall-card' data-item={item.id} onClick={() => open(item.id)}>
                  {item.images[0] ? (
                    <Image className='mall-card__image' src={item.images[0]} mode='aspectFill' />
                  ) : (
                    <View className='mall-card__image mall-card__image--blank'>
                      <Text>{item.title.slice(0, 2)}</Text>
                    </View>
                  )}
                  {item.flashSale ? <Text className='mall-card__badge'>秒杀</Text> : item.tierOnly ? <Text className='mall-card__badge mall-card__badge--tier'>{item.tierOnly.label}</Text> : null}
                  <Text className='mall-card__title'>{item.title}</Text>
                  <Text className='mall-card__price'>{mall.priceText(item.points, item.cashFen)}</Text>
                  <Text className='mall-card__meta'>
                    {item.state === 'upcoming' && left ? `距开始 ${left}` : item.stockLeft > 0 ? `剩余 ${item.stockLeft}` : '已兑完'}
                  </Text>
                </View>
              )
            })}
          </View>
          {list.loaded && list.nextCursor ? (
            <Text className='mall-more' onClick={() => void list.loadMore()}>
              {list.loading ? '加载中…' : '加载更多'}
            </Text>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}
