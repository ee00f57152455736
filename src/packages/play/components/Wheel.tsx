import { Canvas, Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import type { PoolPrize } from '../../../services/play'
import { canvasSurface } from './canvas'

interface Props {
  prizes: PoolPrize[]
  /** The server's prize: the wheel turns to it, then onStopped. */
  target: string | null
  spinKey: number
  onStopped: () => void
}

const ID = 'play-wheel-canvas'
const SPIN_MS = 4000
const COLORS = ['#fff4e6', '#ffe1c4']

// 大转盘: the sectors drawn once on a canvas (prize names), the wheel turned by a CSS rotation to the
// prize the server decided (pointer at the top), the result shown by the page as text.
export default function Wheel({ prizes, target, spinKey, onStopped }: Props) {
  const [angle, setAngle] = useState(0)
  const seg = 360 / Math.max(1, prizes.length)
  const drawn = useRef(false)

  useEffect(() => {
    if (drawn.current) return
    setTimeout(async () => {
      const s = await canvasSurface(ID)
      if (!s) return
      drawn.current = true
      const { ctx, width } = s
      const r = width / 2
      prizes.forEach((p, i) => {
        const a0 = ((i * seg - 90) * Math.PI) / 180
        const a1 = (((i + 1) * seg - 90) * Math.PI) / 180
        ctx.beginPath()
        ctx.moveTo(r, r)
        ctx.arc(r, r, r - 2, a0, a1)
        ctx.closePath()
        ctx.fillStyle = COLORS[i % 2]
        ctx.fill()
        ctx.strokeStyle = '#fa2c19'
        ctx.lineWidth = 1
        ctx.stroke()
        ctx.save()
        ctx.translate(r, r)
        ctx.rotate((a0 + a1) / 2 + Math.PI / 2)
        ctx.fillStyle = '#c2410c'
        ctx.font = '13px sans-serif'
        ctx.textAlign = 'center'
        ctx.fillText(p.name.slice(0, 6), 0, -r * 0.68)
        ctx.restore()
      })
    }, 50)
  }, [prizes])

  useEffect(() => {
    if (!target) return
    const i = Math.max(0, prizes.findIndex(p => p.id === target))
    const want = 360 - (i + 0.5) * seg
    setAngle(a => a - (a % 360) + 360 * 6 + want)
    const t = setTimeout(onStopped, SPIN_MS + 100)
    return () => clearTimeout(t)
  }, [spinKey])

  return (
    <View className='play-wheel'>
      <View className='play-wheel__pointer' />
      <View className='play-wheel__disc play-wheel-disc' style={{ transform: `rotate(${angle}deg)`, transition: target ? `transform ${SPIN_MS}ms cubic-bezier(0.2, 0.8, 0.2, 1)` : 'none' }}>
        <Canvas type='2d' id={ID} className='play-wheel__canvas' />
      </View>
      <Text className='play-wheel__hint'>指针所指即为结果</Text>
    </View>
  )
}
