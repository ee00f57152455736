import { Text, View } from '@tarojs/components'
import { useEffect } from 'react'
import { useAsync } from '../../hooks/useAsync'
import * as orders from '../../services/orders'
import { useMember } from '../../store/member'
import './index.scss'

// 我的积分: points from the brand's orders still 冻结中 (not spendable until the return window after
// delivery has passed), each with its order number and the day it becomes available.
export default function PendingPoints() {
  const member = useMember()
  const state = useAsync(orders.pending)
  useEffect(() => {
    if (member.status === 'ready') void state.run()
  }, [member.status, member.generation])
  const p = state.data
  if (!p || p.orders.length === 0) return null
  return (
    <View className='pending-points'>
      <View className='pending-points__head'>
        <Text className='pending-points__title'>冻结中</Text>
        <Text className='pending-points__total'>{p.total} 积分</Text>
      </View>
      <Text className='pending-points__note'>订单积分在确认收货且退货期满后可用</Text>
      {p.orders.map(o => (
        <View key={o.orderId} className='pending-points__row' data-order={o.orderId}>
          <Text className='pending-points__order'>订单 {o.orderId}</Text>
          <Text className='pending-points__when'>{o.availableOn ? `${o.availableOn} 可用` : `确认收货后 ${o.returnDays} 天可用`}</Text>
          <Text className='pending-points__points'>{o.points} 积分</Text>
        </View>
      ))}
    </View>
  )
}
