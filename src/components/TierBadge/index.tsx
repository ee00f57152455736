import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect } from 'react'
import { useAsync } from '../../hooks/useAsync'
import * as tiers from '../../services/tiers'
import { useMember } from '../../store/member'
import './index.scss'

// The member's tier as a chip (首页, 我的): its name and earn multiplier; tapping opens 会员等级.
// Renders nothing until the tier is known (a failed read hides the chip rather than breaking the page).
export default function TierBadge({ className = '' }: { className?: string }) {
  const member = useMember()
  const state = useAsync(tiers.badge)
  useEffect(() => {
    if (member.status === 'ready') void state.run()
  }, [member.status, member.generation])
  const b = state.data
  if (!b || typeof b.name !== 'string') return null
  return (
    <View className={`tier-badge tier-badge--${b.tier} ${className}`} onClick={() => void Taro.navigateTo({ url: '/packages/tiers/index' })}>
      <Text className='tier-badge__name'>{b.name}</Text>
      {b.earnMultiplier > 1 ? <Text className='tier-badge__perk'>消费积分 {b.earnMultiplier} 倍</Text> : null}
      <Text className='tier-badge__go'>会员等级 ›</Text>
    </View>
  )
}
