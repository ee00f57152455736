import { Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import EmptyState from '../../../components/EmptyState'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError } from '../../../services/errors'
import * as play from '../../../services/play'
import { useMember } from '../../../store/member'
import { formatShanghaiDateTime } from '../../../utils/time'
import PrizeAddress from './PrizeAddress'
import '../game/index.scss'

// 我的奖品: every winning draw, newest first, with its delivery state (已到账 / 已入卡包 / 已发放 / 待发放 /
// 待填写地址, where a physical prize asks for its address), paged as the member scrolls; each opens its 验证 sheet.
export default function PrizesPage() {
  const member = useMember()
  const [rows, setRows] = useState<play.DrawView[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading')
  const [error, setError] = useState<unknown>(null)
  const [more, setMore] = useState(false)
  // The physical prize whose address form is open.
  const [addressFor, setAddressFor] = useState<string | null>(null)

  const load = async (from?: string) => {
    if (!from) setState('loading')
    setMore(!!from)
    try {
      const page = await play.myPrizes(from)
      setRows(r => (from ? [...r, ...page.prizes] : page.prizes))
      setCursor(page.cursor)
      setState('ready')
    } catch (e) {
      setError(e)
      if (!from) setState('error')
    } finally {
      setMore(false)
    }
  }
  useEffect(() => {
    if (member.status === 'ready') void load()
  }, [member.status, member.generation])
  useReachBottom(() => {
    if (cursor && !more) void load(cursor)
  })

  return (
    <View className='page play-game play-prizes'>
      {state === 'loading' ? <LoadingView className='play-loading' rows={5} /> : null}
      {state === 'error' ? <ErrorView prefix='play-prizes' message={describeError(error)} onRetry={() => void load()} /> : null}
      {state === 'ready' && !rows.length ? <EmptyState className='play-prizes-empty' description='还没有奖品，去玩一把吧' /> : null}
      {rows.map(r => (
        <View key={r.key} className='play-card play-prize-item' data-prize={r.prize.id} onClick={() => (play.verifiable(r) ? void Taro.navigateTo({ url: `/packages/play/verify/index?key=${encodeURIComponent(r.key)}` }) : undefined)}>
          <View className='play-prize-row'>
            <Text>{r.prize.name}</Text>
            <Text className='play-prize-state'>{r.state}</Text>
          </View>
          <Text className='play-muted'>
            {r.gameName} · {formatShanghaiDateTime(r.createdAt)}
          </Text>
          {r.needsAddress && addressFor !== r.key ? (
            <Button
              className='prize-address-open'
              size='small'
              type='primary'
              fill='outline'
              onClick={e => {
                e.stopPropagation()
                setAddressFor(r.key)
              }}
            >
              填写收货地址
            </Button>
          ) : null}
          {r.needsAddress && addressFor === r.key ? (
            <PrizeAddress
              prize={r}
              onDone={d => {
                setRows(rs => rs.map(x => (x.key === d.key ? d : x)))
                setAddressFor(null)
              }}
            />
          ) : null}
        </View>
      ))}
      {more ? <Text className='play-muted'>加载中…</Text> : null}
      {state === 'ready' && rows.length && !cursor ? <Text className='play-muted'>没有更多了</Text> : null}
    </View>
  )
}
