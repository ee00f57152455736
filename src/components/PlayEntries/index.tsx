import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import * as play from '../../services/play'
import { useMember } from '../../store/member'
import './index.scss'

const MARK: Record<play.Game, string> = { scratch: '刮', wheel: '转', grid9: '抽', collect: '集' }

/**
 * 积分玩法 entries (one line on 首页 and 商城): the live and upcoming pools, each opening its game.
 * Renders nothing while loading, on error or when there is no pool (the page stays as it was).
 */
export default function PlayEntries({ title = '积分玩法' }: { title?: string }) {
  const member = useMember()
  const [pools, setPools] = useState<play.PoolSummary[]>([])
  useEffect(() => {
    if (member.status !== 'ready') return
    play
      .pools()
      .then(r => setPools(r.pools))
      .catch(() => setPools([]))
  }, [member.status, member.generation])
  if (!pools.length) return null
  return (
    <View className='play-entries'>
      <Text className='section-title'>{title}</Text>
      <View className='play-entries__list'>
        {pools.map(p => (
          <View key={p.id} className={`play-entry play-entry-${p.game}`} data-pool={p.id} onClick={() => void Taro.navigateTo({ url: `/packages/play/game/index?pool=${encodeURIComponent(p.id)}` })}>
            <View className='play-entry__mark'>
              <Text>{MARK[p.game]}</Text>
            </View>
            <View className='play-entry__text'>
              <Text className='play-entry__title'>{p.name}</Text>
              <Text className='play-entry__desc'>
                {p.state === 'upcoming' ? `${p.gameName} · 即将开始` : p.freePerDay ? `每日免费 ${p.freePerDay} 次` : `每次 ${p.cost} 积分`}
              </Text>
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}
