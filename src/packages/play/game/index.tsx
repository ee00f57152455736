import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError, isCloudError } from '../../../services/errors'
import * as play from '../../../services/play'
import { useMember } from '../../../store/member'
import { toast } from '../../../utils/toast'
import CardBook from '../components/CardBook'
import Grid9 from '../components/Grid9'
import ScratchCard from '../components/ScratchCard'
import Wheel from '../components/Wheel'
import './index.scss'

/** Errors after which the same draw may be retried under the same key (the first may have landed). */
const RETRY_SAME_KEY = ['NETWORK', 'CONFLICT', 'INTERNAL', 'BAD_RESPONSE']

const PLAY_TEXT: Record<play.Game, [string, string]> = {
  scratch: ['刮一张', '再刮一张'],
  wheel: ['开始抽奖', '再转一次'],
  grid9: ['抽奖', '再抽一次'],
  collect: ['抽字卡', '再抽一次']
}

// One page for every face of a pool: the server decides each draw first (play.draw under a client
// key made before the tap), then the face plays it out — scratch, spin, the grid's run — and the
// result is shown as text with its delivery state. Plays left, cost, winners, rules, 我的奖品.
export default function GamePage() {
  const params = useRouter().params
  const id = params.pool ?? ''
  const member = useMember()
  const view = useAsync(play.pool)
  const ticker = useAsync(play.winners)
  // The next draw's key and how it pays, kept together: a retry after a lost reply repeats both.
  const next = useRef<{ key: string; pay: play.Pay } | null>(null)
  const [result, setResult] = useState<play.DrawView | null>(null)
  const [phase, setPhase] = useState<'idle' | 'drawing' | 'playing' | 'done'>('idle')
  const [spin, setSpin] = useState(0)

  const reload = () => {
    void view.run(id)
    void ticker.run(id)
  }
  useEffect(() => {
    if (member.status === 'ready' && id) reload()
  }, [member.status, member.generation, id])
  useEffect(() => {
    if (view.data) void Taro.setNavigationBarTitle({ title: view.data.gameName })
  }, [view.data?.gameName])

  const pool = view.data
  const blocked = pool ? play.playBlocked(pool) : '…'

  const start = async () => {
    if (!pool || blocked || phase === 'drawing' || phase === 'playing') return
    setPhase('drawing')
    if (!next.current) next.current = { key: play.newClientKey(), pay: play.nextPay(pool) }
    try {
      const { draw } = await play.draw({ pool: pool.id, clientKey: next.current.key, pay: next.current.pay })
      next.current = null
      setResult(draw)
      setSpin(s => s + 1)
      setPhase('playing')
    } catch (e) {
      if (!(isCloudError(e) && RETRY_SAME_KEY.includes(e.code))) next.current = null
      toast(describeError(e))
      setPhase('idle')
      void view.run(id)
    }
  }
  const finished = () => {
    setPhase('done')
    reload()
  }

  const [firstText, againText] = PLAY_TEXT[pool?.game ?? 'scratch']
  const playButton = (
    <Button className='play-go' type='primary' block={pool?.game !== 'grid9'} size={pool?.game === 'grid9' ? 'small' : 'normal'} disabled={!!blocked || phase === 'drawing' || phase === 'playing'} loading={phase === 'drawing'} onClick={() => void start()}>
      {blocked || (phase === 'done' ? againText : firstText)}
    </Button>
  )

  return (
    <View className='page play-game'>
      {!pool && (view.loading || member.status === 'loading') ? <LoadingView className='play-loading' rows={3} /> : null}
      {!pool && view.error ? <ErrorView prefix='play' message={describeError(view.error)} onRetry={reload} /> : null}
      {pool ? (
        <View className='play-ready' data-state={pool.state}>
          <View className='play-head'>
            <Text className='play-head__name'>{pool.name}</Text>
            <Text className='play-head__meta play-meta'>
              {play.costText(pool)}
              {pool.freePerDay ? ` · 今日免费剩余 ${pool.plays.freeLeft} 次` : ''}
              {pool.plays.capsLeft !== null ? ` · 还可参与 ${pool.plays.capsLeft} 次` : ''}
            </Text>
            <Text className='play-head__meta'>可用积分 {pool.available}</Text>
            {pool.audience?.tiers.length ? <Text className='play-head__meta'>参与等级：{pool.audience.tiers.join('、')}</Text> : null}
            {pool.state !== 'live' ? <Text className={`play-state play-state-${pool.state}`}>{blocked}</Text> : null}
          </View>

          {pool.game === 'scratch' ? (
            <View className='play-face'>
              {result && phase !== 'drawing' ? (
                <ScratchCard key={result.key} text={play.resultText(result)} won={result.won} onRevealed={finished} />
              ) : (
                <View className='play-scratch play-scratch--blank'>
                  <Text>{blocked || '点击下方按钮领取一张刮刮卡'}</Text>
                </View>
              )}
              {phase !== 'playing' ? playButton : null}
            </View>
          ) : null}
          {pool.game === 'wheel' ? (
            <View className='play-face'>
              <Wheel prizes={pool.prizes} target={result?.prize.id ?? null} spinKey={spin} onStopped={finished} />
              {playButton}
            </View>
          ) : null}
          {pool.game === 'grid9' || pool.game === 'collect' ? (
            <View className='play-face'>
              <Grid9 prizes={pool.prizes} target={result?.prize.id ?? null} spinKey={spin} onStopped={finished} button={playButton} />
              {pool.collect ? (
                <CardBook
                  pool={pool.id}
                  chars={pool.collect.chars}
                  prize={pool.collect.prize}
                  version={spin}
                  gift={params.gift}
                  onCombined={d => {
                    setResult(d)
                    setPhase('done')
                    reload()
                  }}
                />
              ) : null}
            </View>
          ) : null}

          {result && phase === 'done' ? (
            <View className={`play-result ${result.won ? 'play-result--won' : ''}`} data-prize={result.prize.id}>
              <Text className='play-result-text'>{play.resultText(result)}</Text>
              {result.won ? <Text className='play-result-state'>{result.state}</Text> : null}
              {result.needsAddress ? (
                <Text className='play-link play-address-link' onClick={() => void Taro.navigateTo({ url: '/packages/play/prizes/index' })}>
                  去「我的奖品」填写收货地址 ›
                </Text>
              ) : null}
              {result.fallbackFrom ? <Text className='play-result-note'>所抽奖品已发完，按规则改为「{result.prize.name}」</Text> : null}
              {play.verifiable(result) ? (
                <Text className='play-link play-verify-link' onClick={() => void Taro.navigateTo({ url: `/packages/play/verify/index?key=${encodeURIComponent(result.key)}` })}>
                  验证本次结果 ›
                </Text>
              ) : null}
            </View>
          ) : null}

          <View className='play-links'>
            <Text className='play-link play-rules-link' onClick={() => void Taro.navigateTo({ url: `/packages/play/rules/index?pool=${encodeURIComponent(pool.id)}` })}>
              活动规则 ›
            </Text>
            <Text className='play-link play-prizes-link' onClick={() => void Taro.navigateTo({ url: '/packages/play/prizes/index' })}>
              我的奖品 ›
            </Text>
          </View>

          <View className='play-card'>
            <Text className='play-card__title'>奖品</Text>
            {pool.prizes
              .filter(p => p.kind !== 'none')
              .map(p => (
                <View key={p.id} className='play-prize-row'>
                  <Text>{p.name}</Text>
                  <Text className='play-muted'>
                    {p.chance !== null ? `概率 ${(p.chance * 100).toFixed(p.chance < 0.01 ? 2 : 1)}%` : ''}
                    {p.left !== null ? ` · 剩余 ${p.left}` : ''}
                  </Text>
                </View>
              ))}
          </View>

          <View className='play-card play-winners'>
            <Text className='play-card__title'>中奖名单</Text>
            {ticker.data?.winners.length ? (
              ticker.data.winners.map((w, i) => (
                <Text key={i} className='play-winner'>
                  {w.name} 抽中 {w.prize}
                </Text>
              ))
            ) : (
              <Text className='play-muted'>{ticker.error ? '中奖名单加载失败' : '暂无中奖记录'}</Text>
            )}
          </View>
        </View>
      ) : null}
    </View>
  )
}
