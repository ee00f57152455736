import { Text, View } from '@tarojs/components'
import * as mall from '../../services/mall'
import CloudImage from '../CloudImage'
import './index.scss'

export type MallCardItem = Pick<mall.MallItem, 'id' | 'title' | 'images' | 'flashSale' | 'points' | 'cashFen' | 'state' | 'stockLeft' | 'listAt'> & Partial<Pick<mall.MallItem, 'tierOnly'>>

// One item in the mall's grid, as a shopper sees it. The console's item editor shows the same card
// as its live preview, so what the operator sees is what the shopper gets.
export default function MallCard({ item, now, onClick, className = '' }: { item: MallCardItem; now: number; onClick?: () => void; className?: string }) {
  const left = mall.countdown(item.listAt, now)
  return (
    <View className={`mall-card ${className}`} data-item={item.id} onClick={onClick}>
      {item.images[0] ? (
        <CloudImage className='mall-card__image' src={item.images[0]} />
      ) : (
        <View className='mall-card__image mall-card__image--blank'>
          <Text>{item.title.slice(0, 2)}</Text>
        </View>
      )}
      {item.flashSale ? (
        <Text className='mall-card__badge'>秒杀</Text>
      ) : item.tierOnly ? (
        <Text className='mall-card__badge mall-card__badge--tier'>{item.tierOnly.label}</Text>
      ) : null}
      <Text className='mall-card__title'>{item.title}</Text>
      <Text className='mall-card__price'>{mall.priceText(item.points, item.cashFen)}</Text>
      <Text className='mall-card__meta'>
        {item.state === 'upcoming' && left ? `距开始 ${left}` : item.stockLeft > 0 ? `剩余 ${item.stockLeft}` : '已兑完'}
      </Text>
    </View>
  )
}
