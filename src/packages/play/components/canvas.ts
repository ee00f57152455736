import Taro from '@tarojs/taro'

/** A 2d canvas node and its context, sized for the device's pixel ratio (weapp canvas 2d, or the H5 DOM canvas). */
export interface Surface {
  canvas: any
  ctx: CanvasRenderingContext2D
  width: number
  height: number
}

export function canvasSurface(id: string): Promise<Surface | null> {
  const dpr = Taro.getSystemInfoSync().pixelRatio || 1
  const setup = (canvas: any, width: number, height: number): Surface | null => {
    if (!canvas || !width || !height) return null
    canvas.width = width * dpr
    canvas.height = height * dpr
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
    ctx.scale(dpr, dpr)
    return { canvas, ctx, width, height }
  }
  if (process.env.TARO_ENV === 'h5') {
    const el = document.getElementById(id)
    const canvas = (el?.tagName === 'CANVAS' ? el : el?.querySelector('canvas')) as HTMLCanvasElement | null
    if (!canvas) return Promise.resolve(null)
    const rect = canvas.getBoundingClientRect()
    return Promise.resolve(setup(canvas, rect.width, rect.height))
  }
  return new Promise(resolve => {
    Taro.createSelectorQuery()
      .select(`#${id}`)
      .fields({ node: true, size: true })
      .exec(res => resolve(setup(res?.[0]?.node, res?.[0]?.width, res?.[0]?.height)))
  })
}

/** A touch's position on the canvas: weapp canvas 2d gives x/y; H5 gives client coordinates. */
export function touchPoint(e: any, canvas: any): { x: number; y: number } | null {
  const t = e?.touches?.[0] ?? e?.changedTouches?.[0]
  if (!t) return null
  if (typeof t.x === 'number') return { x: t.x, y: t.y }
  const rect = canvas?.getBoundingClientRect?.()
  return rect ? { x: t.clientX - rect.left, y: t.clientY - rect.top } : null
}
