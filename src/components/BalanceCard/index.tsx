import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import type { PointsSummary } from '../../services/types'
import { availablePoints, heldNote } from '../../utils/points'
import './index.scss'

interface Props {
  points: PointsSummary
  /** Extra class on the balance number, e.g. 'home-balance' (stable hook for e2e tests). */
  valueClassName?: string
  /** Shown as a link in the corner ('积分明细 ›'); the card is tappable when onTap is given. */
  linkText?: string
  onTap?: () => void
  /** Next to the number, e.g. what the points are worth (≈ ¥12.88). */
  valueSuffix?: ReactNode
  /** Under everything, e.g. what debt means. */
  children?: ReactNode
}

export default function BalanceCard({ points, valueClassName = '', linkText, onTap, valueSuffix, children }: Props) {
  return (
    <View className='balance-card' onClick={onTap}>
      <View className='balance-card__head'>
        <Text className='balance-card__label'>可用积分</Text>
        {linkText ? <Text className='balance-card__link'>{linkText}</Text> : null}
      </View>
      <View className='balance-card__row'>
        <Text className={`balance-card__value ${valueClassName}`}>{availablePoints(points)}</Text>
        {valueSuffix}
      </View>
      {points.held > 0 || points.debt > 0 ? (
        <View className='balance-card__extra'>
          {points.held > 0 ? <Text className='balance-card__held'>{heldNote(points)}</Text> : null}
          {points.debt > 0 ? <Text className='balance-card__debt'>欠分 {points.debt}</Text> : null}
        </View>
      ) : null}
      {children}
    </View>
  )
}
