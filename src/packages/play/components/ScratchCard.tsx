import { Canvas, Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import { canvasSurface, touchPoint, type Surface } from './canvas'

interface Props {
  /** The result, decided on the server before scratching. */
  text: string
  won: boolean
  onRevealed: () => void
}

const ID = 'play-scratch-canvas'
/** Past this share scratched, the rest clears itself. */
const THRESHOLD = 0.5

// 刮刮卡: a silver layer on a canvas over the result; scratching erases it (destination-out), and
// once half is gone (sampled on each lift) the card reveals itself. 一键刮开 clears it at once.
export default function ScratchCard({ text, won, onRevealed }: Props) {
  const surface = useRef<Surface | null>(null)
  const [revealed, setRevealed] = useState(false)
  const last = useRef<{ x: number; y: number } | null>(null)

  useEffect(() => {
    let alive = true
    setRevealed(false)
    // The canvas exists after this render: draw the cover on the next tick.
    setTimeout(async () => {
      const s = await canvasSurface(ID)
      if (!alive || !s) return
      surface.current = s
      const { ctx, width, height } = s
      ctx.globalCompositeOperation = 'source-over'
      ctx.fillStyle = '#c0c4cc'
      ctx.fillRect(0, 0, width, height)
      ctx.fillStyle = '#909399'
      ctx.font = '16px sans-serif'
      ctx.textAlign = 'center'
      ctx.textBaseline = 'middle'
      ctx.fillText('刮开涂层查看结果', width / 2, height / 2)
      ctx.globalCompositeOperation = 'destination-out'
      ctx.lineWidth = 28
      ctx.lineCap = 'round'
      ctx.lineJoin = 'round'
    }, 50)
    return () => {
      alive = false
    }
  }, [text])

  const reveal = () => {
    if (revealed) return
    setRevealed(true)
    const s = surface.current
    if (s) s.ctx.clearRect(0, 0, s.width, s.height)
    onRevealed()
  }

  const scratched = (): number => {
    const s = surface.current
    if (!s) return 0
    try {
      const { data } = s.ctx.getImageData(0, 0, s.canvas.width, s.canvas.height)
      let clear = 0
      let n = 0
      for (let i = 3; i < data.length; i += 4 * 16) {
        n++
        if (data[i] === 0) clear++
      }
      return n ? clear / n : 0
    } catch {
      return 0
    }
  }

  const move = (e: any) => {
    const s = surface.current
    if (!s || revealed) return
    const p = touchPoint(e, s.canvas)
    if (!p) return
    const { ctx } = s
    ctx.beginPath()
    ctx.moveTo(last.current?.x ?? p.x, last.current?.y ?? p.y)
    ctx.lineTo(p.x, p.y)
    ctx.stroke()
    last.current = p
  }

  return (
    <View className='play-scratch'>
      <View className={`play-scratch__result ${won ? 'play-scratch__result--won' : ''}`}>
        <Text className='play-scratch-result-text'>{text}</Text>
      </View>
      {!revealed ? (
        <Canvas
          type='2d'
          id={ID}
          className='play-scratch__canvas play-scratch-canvas'
          disableScroll
          onTouchStart={e => {
            last.current = null
            move(e)
          }}
          onTouchMove={move}
          onTouchEnd={() => {
            last.current = null
            if (scratched() >= THRESHOLD) reveal()
          }}
        />
      ) : null}
      {!revealed ? (
        <Text className='play-scratch__all play-scratch-all' onClick={reveal}>
          一键刮开
        </Text>
      ) : null}
    </View>
  )
}
