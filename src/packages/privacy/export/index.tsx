import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError } from '../../../services/errors'
import { statusLabel } from '../../../services/mall'
import { exportMyData, type MyData } from '../../../services/privacy'
import { useMember } from '../../../store/member'
import { maskPhone } from '../../../utils/profile'
import { entryTypeLabel, formatDelta, sourceLabel } from '../../../utils/points'
import { formatShanghaiDateTime } from '../../../utils/time'
import '../privacy.scss'

// 导出我的数据: everything the brand holds about the member (user.exportMyData), by section. Lists
// show their newest items; the server sends at most 500 per list and says when there were more.
const SHOWN = 50
const when = (iso: string | null) => (iso ? formatShanghaiDateTime(iso) : '—')
const addressLine = (a: { name: string; phone: string; province: string; city: string; district: string; detail: string }) =>
  `${a.name} ${maskPhone(a.phone)} ${a.province}${a.city}${a.district}${a.detail}`

function Section({ title, count, truncated, children }: { title: string; count: number; truncated?: boolean; children: React.ReactNode }) {
  return (
    <View className={`privacy-card privacy-export__section`}>
      <Text className='privacy-card__title'>
        {title}（{truncated ? `最近 ${count} 条` : `${count} 条`}）
      </Text>
      {count === 0 ? <Text className='privacy-muted'>暂无</Text> : children}
      {count > SHOWN ? <Text className='privacy-muted'>仅显示最近 {SHOWN} 条</Text> : null}
    </View>
  )
}

export default function ExportPage() {
  const member = useMember()
  const [data, setData] = useState<MyData | null>(null)
  const [error, setError] = useState<unknown>(null)
  const load = () => {
    setError(null)
    setData(null)
    exportMyData().then(setData, setError)
  }
  useEffect(() => {
    if (member.status === 'ready') load()
  }, [member.status, member.generation])

  if (error) return <ErrorView prefix='privacy-export' message={describeError(error)} onRetry={load} />
  if (!data) return <LoadingView className='privacy-export-loading' rows={4} />
  const p = data.points
  return (
    <View className='page privacy-page privacy-export'>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>个人资料</Text>
        <Text className='privacy-text'>昵称：{data.profile.nickname}</Text>
        <Text className='privacy-text'>手机号：{data.profile.phone ? maskPhone(data.profile.phone) : '未填写'}</Text>
        <Text className='privacy-text'>生日：{data.profile.birthday || '未填写'}</Text>
        <Text className='privacy-text'>注册时间：{when(data.profile.createdAt)}</Text>
        <Text className='privacy-muted'>导出时间：{when(data.generatedAt)}</Text>
      </View>
      <Section title='收货地址' count={data.addresses.length}>
        {data.addresses.map((a, i) => (
          <Text key={i} className='privacy-text'>
            {addressLine(a)}
          </Text>
        ))}
      </Section>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>积分账户</Text>
        <Text className='privacy-text privacy-export__balance'>当前积分：{p.balance}（冻结 {p.held}，欠扣 {p.debt}）</Text>
        <Text className='privacy-text'>累计获得 {p.earned} · 累计使用 {p.spent} · 已过期 {p.expired}</Text>
      </View>
      <Section title='积分明细' count={data.history.items.length} truncated={data.history.truncated}>
        {data.history.items.slice(0, SHOWN).map(e => (
          <View key={e.id} className='privacy-row'>
            <Text className='privacy-row__main'>
              {entryTypeLabel(e.type)} · {sourceLabel(e.kind)} {formatDelta(e.delta)}
            </Text>
            <Text className='privacy-row__side'>{when(e.createdAt)}</Text>
          </View>
        ))}
      </Section>
      <Section title='兑换订单' count={data.orders.items.length} truncated={data.orders.truncated}>
        {data.orders.items.slice(0, SHOWN).map(o => (
          <View key={o.id} className='privacy-row'>
            <View className='privacy-row__stack'>
              <Text className='privacy-row__main'>
                {o.title} ×{o.quantity} · {statusLabel(o.status as any)}
              </Text>
              <Text className='privacy-row__sub privacy-order-no'>订单号 {o.no}</Text>
            </View>
            <Text className='privacy-row__side'>{when(o.createdAt)}</Text>
          </View>
        ))}
      </Section>
      <Section title='扫码记录' count={data.scans.items.length} truncated={data.scans.truncated}>
        {data.scans.items.slice(0, SHOWN).map(s => (
          <View key={s.code} className='privacy-row'>
            <Text className='privacy-row__main'>
              防伪码 {s.code.slice(0, 4)}…{s.code.slice(-4)} · +{s.points} 积分
            </Text>
            <Text className='privacy-row__side'>{when(s.claimedAt)}</Text>
          </View>
        ))}
      </Section>
    </View>
  )
}
