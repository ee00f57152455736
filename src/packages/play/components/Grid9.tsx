import { Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import type { PoolPrize } from '../../../services/play'

interface Props {
  prizes: PoolPrize[]
  target: string | null
  spinKey: number
  onStopped: () => void
  /** The centre button. */
  button: React.ReactNode
}

/** The ring's cells in clockwise order (3 × 3, the centre is the button). */
const RING = [0, 1, 2, 5, 8, 7, 6, 3]

// 九宫格: eight prize cells around the button; the highlight runs round the ring, slowing, and stops
// on a cell of the prize the server decided.
export default function Grid9({ prizes, target, spinKey, onStopped, button }: Props) {
  const cells = RING.map((_, k) => prizes[k % Math.max(1, prizes.length)])
  const [lit, setLit] = useState(-1)
  const timer = useRef<ReturnType<typeof setTimeout>>()

  useEffect(() => {
    if (!target) return
    const stopAt = Math.max(0, cells.findIndex(p => p?.id === target))
    const steps = 8 * 3 + stopAt
    let k = 0
    const step = () => {
      setLit(k % 8)
      if (k >= steps) {
        onStopped()
        return
      }
      k++
      timer.current = setTimeout(step, 50 + Math.max(0, k - steps + 8) * 40)
    }
    step()
    return () => clearTimeout(timer.current)
  }, [spinKey])

  return (
    <View className='play-grid'>
      {Array.from({ length: 9 }, (_, pos) => {
        if (pos === 4) return <View key='btn' className='play-grid__cell play-grid__cell--button'>{button}</View>
        const k = RING.indexOf(pos)
        const p = cells[k]
        return (
          <View key={pos} className={`play-grid__cell ${lit === k ? 'play-grid__cell--lit play-grid-lit' : ''}`} data-prize={p?.id}>
            <Text className='play-grid__name'>{p?.name ?? ''}</Text>
          </View>
        )
      })}
    </View>
  )
}
