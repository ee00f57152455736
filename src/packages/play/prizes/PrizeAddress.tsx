import { Input, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import * as play from '../../../services/play'

const EMPTY: mall.Address = { name: '', phone: '', province: '', city: '', district: '', detail: '' }
const FIELDS: { key: keyof mall.Address; label: string; type?: 'number' }[] = [
  { key: 'name', label: '收货人' },
  { key: 'phone', label: '手机号', type: 'number' },
  { key: 'province', label: '省' },
  { key: 'city', label: '市' },
  { key: 'district', label: '区/县' },
  { key: 'detail', label: '详细地址' }
]

// A physical prize's delivery address (我的奖品, 待填写地址): prefilled with the member's saved mall
// address; on 确认, the server makes the prize's 0-point order shipping there (play.prizeAddress).
export default function PrizeAddress({ prize, onDone }: { prize: play.DrawView; onDone: (d: play.DrawView) => void }) {
  const [address, setAddress] = useState<mall.Address>(EMPTY)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    mall.savedAddress().then(r => r.address && setAddress(r.address), () => undefined)
  }, [])
  const submit = async () => {
    const p = mall.addressProblem(address)
    setProblem(p)
    if (p || busy) return
    setBusy(true)
    try {
      const r = await play.prizeAddress(prize.key, address)
      mall.saveAddress(address).catch(() => {})
      onDone(r.draw)
    } catch (e) {
      setProblem(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='play-prize-address' onClick={e => e.stopPropagation()}>
      <Text className='play-muted'>请填写收货地址，确认后奖品即安排发货（0 积分订单，可在「我的订单」查看）</Text>
      {FIELDS.map(f => (
        <View key={f.key} className='play-prize-address__field'>
          <Text className='play-prize-address__label'>{f.label}</Text>
          <Input
            className={`play-prize-address__input prize-address-${f.key}`}
            type={f.type ?? 'text'}
            value={address[f.key]}
            maxlength={f.key === 'detail' ? 120 : 20}
            onInput={e => setAddress(a => ({ ...a, [f.key]: e.detail.value }))}
          />
        </View>
      ))}
      {problem ? <Text className='play-prize-address__problem prize-address-problem'>{problem}</Text> : null}
      <Button className='prize-address-confirm' type='primary' size='small' block loading={busy} onClick={() => void submit()}>
        确认收货地址
      </Button>
    </View>
  )
}
