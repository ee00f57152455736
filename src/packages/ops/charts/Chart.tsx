import { View } from '@tarojs/components'
import { useEffect, useRef } from 'react'
import Echarts from 'taro-react-echarts'
import echarts from './echarts'
import './chart.scss'

interface Props {
  /** An echarts option (built by the page's pure option builders). */
  option: Record<string, unknown>
  height: number
  /** Stable hook for tests. */
  className?: string
}

type Instance = { resize: () => void; isDisposed?: () => boolean }

/**
 * One chart. `isPage={false}`: the console renders its content only after the operator check, after
 * the page's onReady, so the wrapper must initialise on mount rather than wait for useReady (which
 * has already fired). In H5 the chart follows the window's width (a desk browser resizes).
 */
export default function Chart({ option, height, className = '' }: Props) {
  const instance = useRef<Instance | null>(null)
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return
    const onResize = () => {
      const c = instance.current
      if (c && !c.isDisposed?.()) c.resize()
    }
    window.addEventListener('resize', onResize)
    return () => window.removeEventListener('resize', onResize)
  }, [])
  return (
    <View className={`ops-chart ${className}`} style={{ height: `${height}px` }}>
      <Echarts
        echarts={echarts}
        option={option as never}
        isPage={false}
        style={{ height: `${height}px` }}
        onChartReady={c => {
          instance.current = c as unknown as Instance
        }}
      />
    </View>
  )
}
