import { Text, View } from '@tarojs/components'
import type { Preview } from '../../../services/ops-members'
import './effect.scss'

/** A fresh idempotency key for one confirmation (a retried 确认 applies once). */
export const newOpKey = () => `ops-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`

const ROWS: { key: keyof Preview['before']; label: string }[] = [
  { key: 'balance', label: '积分余额' },
  { key: 'held', label: '冻结' },
  { key: 'available', label: '可用' },
  { key: 'debt', label: '欠分' }
]

/** What a correction will do, as the server's preview (the ledger's own planners) says: before → after. */
export function EffectView({ preview }: { preview: Preview }) {
  return (
    <View className='ops-effect ops-effect-view'>
      {ROWS.map(r => {
        const from = preview.before[r.key]
        const to = preview.after[r.key]
        return (
          <View key={r.key} className={`ops-effect__row ops-effect-${r.key} ${from !== to ? 'ops-effect__row--changed' : ''}`}>
            <Text className='ops-effect__label'>{r.label}</Text>
            <Text className='ops-effect__from'>{from}</Text>
            <Text className='ops-effect__arrow'>→</Text>
            <Text className='ops-effect__to'>{to}</Text>
          </View>
        )
      })}
      {preview.debtCreated ? <Text className='ops-effect__note'>其中 {preview.debtCreated} 积分超出可扣部分，记为欠分，以后获得的积分先还欠分。</Text> : null}
      {preview.debtRepaid ? <Text className='ops-effect__note'>其中 {preview.debtRepaid} 积分先偿还欠分。</Text> : null}
    </View>
  )
}
