import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { describeError } from '../../../services/errors'
import * as play from '../../../services/play'
import { toast } from '../../../utils/toast'

interface Props {
  pool: string
  chars: string[]
  prize: string
  /** Bumped after each draw: the book reloads. */
  version: number
  /** A gift id the page was opened with (a friend's card to claim). */
  gift?: string
  onCombined: (d: play.DrawView) => void
}

// 集字有礼's card book: the characters held (from draws), 合成 once every one is held (one server
// transaction), 送给好友 for a spare card (a gift code the friend opens), and claiming a friend's gift.
export default function CardBook({ pool, chars, prize, version, gift, onCombined }: Props) {
  const [held, setHeld] = useState<Record<string, number> | null>(null)
  const [busy, setBusy] = useState(false)
  const combineKey = useRef(play.newClientKey())
  const load = () =>
    play
      .myItems()
      .then(r => setHeld(r.pools[pool] ?? {}))
      .catch(() => setHeld(null))
  useEffect(() => void load(), [pool, version])

  const full = !!held && chars.every(c => (held[c] ?? 0) >= 1)
  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    try {
      await work()
    } catch (e) {
      toast(describeError(e))
    } finally {
      setBusy(false)
      void load()
    }
  }
  const combine = () =>
    run(async () => {
      const { draw } = await play.combine({ pool, clientKey: combineKey.current })
      combineKey.current = play.newClientKey()
      onCombined(draw)
    })
  const give = (char: string) =>
    run(async () => {
      const { gift: g } = await play.giveCard({ pool, char, clientKey: play.newClientKey() })
      await Taro.setClipboardData({ data: g.id }).catch(() => undefined)
      void Taro.showModal({ title: '赠卡码已复制', content: `赠卡码 ${g.id}：好友打开带此码的活动链接即可领取`, showCancel: false })
    })
  const claim = () =>
    run(async () => {
      const { gift: g } = await play.claimGift(gift!)
      toast(`已领取「${g.char}」字卡`)
    })

  return (
    <View className='play-card play-cards'>
      <Text className='play-card__title'>我的字卡 · 集齐可合成 {prize}</Text>
      <View className='play-cards__row'>
        {chars.map(c => (
          <View key={c} className={`play-char ${(held?.[c] ?? 0) > 0 ? 'play-char--held' : ''}`} data-char={c} data-count={held?.[c] ?? 0}>
            <Text className='play-char__text'>{c}</Text>
            <Text className='play-char__count'>×{held?.[c] ?? 0}</Text>
            {(held?.[c] ?? 0) > 1 ? (
              <Text className='play-char__give play-give' onClick={() => void give(c)}>
                送好友
              </Text>
            ) : null}
          </View>
        ))}
      </View>
      <Button className='play-combine' type='primary' block disabled={!full || busy} onClick={() => void combine()}>
        {full ? '合成领奖' : '集齐全部字卡后可合成'}
      </Button>
      {gift ? (
        <Button className='play-claim' block disabled={busy} onClick={() => void claim()}>
          领取好友赠送的字卡
        </Button>
      ) : null}
    </View>
  )
}
