import { Text, View } from '@tarojs/components'
import type { KindFormProps, Rule } from '../parts'
import type { KindForm } from './types'

// 积分玩法 (prize pools): the pool is the rule. Its prizes, odds and stock are configured with the
// game (docs/play.md); here the editor shows the pool and keeps it unchanged while the common fields
// (name, time, caps, expiry) are edited.
const GAMES: Record<string, string> = { scratch: '刮刮卡', wheel: '大转盘', grid9: '九宫格', collect: '集字' }

function Form({ rule }: KindFormProps) {
  const prizes = (rule.prizes ?? []) as { name?: string }[]
  return (
    <View className='ops-kind ops-kind-game'>
      <Text className='ops-kind__note'>游戏：{GAMES[String(rule.game)] ?? '积分玩法'}</Text>
      <Text className='ops-kind__note'>奖品：{prizes.length ? prizes.map(p => p.name ?? '奖品').join('、') : '未设置'}</Text>
      <Text className='ops-kind__note'>奖池的奖品、中奖率与库存请在积分玩法中维护；此处修改的是名称、时间、上限与有效期。</Text>
    </View>
  )
}

export const gameForm: KindForm = { kind: 'game', label: '积分玩法', creatable: false, fromRule: (r: Rule) => r, toRule: (e: Rule) => e, check: () => ({}), Form }
