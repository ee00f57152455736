import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useEffect } from 'react'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError } from '../../../services/errors'
import * as play from '../../../services/play'
import { useMember } from '../../../store/member'
import '../game/index.scss'

const CHECKS: [keyof play.VerifyView['checks'], string][] = [
  ['chain', '记录链完整（前一条记录的哈希一致）'],
  ['commit', '公开的种子与活动开始前公布的哈希一致'],
  ['roll', '随机数 = HMAC-SHA256(种子, 会员:抽奖编号)'],
  ['prize', '随机数对应的奖品与结果一致']
]

const mark = (v: boolean | null) => (v === null ? '待活动结束后验证' : v ? '通过' : '不一致')

// 验证: one draw's proof — the commitment, the seed once revealed, the roll, the chain link — and
// the server's checks; docs/play.md shows how to recompute them yourself (scripts/verify-draws.ts).
export default function VerifyPage() {
  const raw = useRouter().params.key ?? ''
  // Router params arrive still encoded on some platforms (the key holds ':').
  const key = raw.includes('%') ? decodeURIComponent(raw) : raw
  const member = useMember()
  const view = useAsync(play.verify)
  useEffect(() => {
    if (member.status === 'ready' && key) void view.run(key)
  }, [member.status, member.generation, key])
  const v = view.data
  return (
    <View className='page play-game play-verify'>
      {!v && (view.loading || member.status === 'loading') ? <LoadingView className='play-loading' rows={5} /> : null}
      {!v && view.error ? <ErrorView prefix='play-verify' message={describeError(view.error)} onRetry={() => void view.run(key)} /> : null}
      {v ? (
        <View>
          <View className='play-card'>
            <Text className='play-card__title'>
              {v.draw.gameName} · {v.draw.prize.name}
            </Text>
            <Text className='play-muted'>{v.note}</Text>
          </View>
          <View className='play-card'>
            {CHECKS.map(([k, label]) => (
              <View key={k} className={`play-prize-row play-check play-check-${k}`} data-ok={String(v.checks[k])}>
                <Text>{label}</Text>
                <Text className='play-check-mark'>{mark(v.checks[k])}</Text>
              </View>
            ))}
          </View>
          <View className='play-card play-proof'>
            <Text className='play-card__title'>验证数据</Text>
            <Text className='play-muted'>种子哈希：{v.commit}</Text>
            <Text className='play-muted'>种子：{v.seed ?? '活动结束后公开'}</Text>
            <Text className='play-muted'>抽奖编号：{v.draw.key}</Text>
            <Text className='play-muted'>随机数：{v.draw.roll}</Text>
            <Text className='play-muted'>
              记录：第 {v.draw.shard + 1} 组 第 {v.draw.seq} 条 · 前一条哈希 {v.prev.slice(0, 16)}…
            </Text>
          </View>
        </View>
      ) : null}
    </View>
  )
}
