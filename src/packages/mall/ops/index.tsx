import { Input, Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import EmptyState from '../../../components/EmptyState'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError, isCloudError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import { useMember } from '../../../store/member'
import PrivacySheet from '../../../components/PrivacySheet'
import { ensurePrivacy } from '../../../privacy/consent'
import { formatShanghaiDateTime } from '../../../utils/time'
import './index.scss'

type Tab = mall.OrderStatus | 'all'

// 运营 · 商城订单: filter by status, ship with a tracking number, complete, cancel with a reason
// (points, cash and stock go back), and export the filtered orders as CSV. The mall function
// decides who may do this (FORBIDDEN for members).
export default function MallOpsPage() {
  const member = useMember()
  const [tab, setTab] = useState<Tab>('toShip')
  const tabRef = useRef<Tab>('toShip')
  const [forms, setForms] = useState<Record<string, { company: string; trackingNo: string; reason: string }>>({})
  const [busy, setBusy] = useState('')
  const [notice, setNotice] = useState('')
  const list = usePagedList<mall.AdminOrder>(cursor => mall.adminOrders({ status: tabRef.current === 'all' ? undefined : tabRef.current, cursor }))

  useEffect(() => {
    list.reset()
    if (member.status === 'ready') void list.reload()
  }, [member.status, member.generation])
  useReachBottom(() => {
    if (!list.error) void list.loadMore()
  })

  const choose = (t: Tab) => {
    tabRef.current = t
    setTab(t)
    void list.reload()
  }
  const form = (id: string) => forms[id] ?? { company: '', trackingNo: '', reason: '' }
  const edit = (id: string, field: 'company' | 'trackingNo' | 'reason', value: string) => setForms(f => ({ ...f, [id]: { ...form(id), [field]: value } }))

  const act = async (id: string, run: () => Promise<unknown>, done: string) => {
    setBusy(id)
    setNotice('')
    try {
      await run()
      setNotice(done)
      await list.reload(true)
    } catch (e) {
      setNotice(describeError(e))
    } finally {
      setBusy('')
    }
  }

  const exportCsv = async () => {
    try {
      const { csv, rows } = await mall.exportOrders(tab === 'all' ? undefined : tab)
      if (process.env.TARO_ENV === 'h5') {
        const a = document.createElement('a')
        a.href = URL.createObjectURL(new Blob(['\ufeff' + csv], { type: 'text/csv;charset=utf-8' }))
        a.download = `mall-orders-${tab}.csv`
        a.click()
      } else {
        if (!(await ensurePrivacy('clipboard'))) return
        await Taro.setClipboardData({ data: csv })
      }
      setNotice(`已导出 ${rows} 条订单`)
    } catch (e) {
      setNotice(describeError(e))
    }
  }

  const forbidden = isCloudError(list.error) && list.error.code === 'FORBIDDEN'
  return (
    <View className='page mall-ops'>
      <PrivacySheet />
      <View className='mall-ops__tabs'>
        {mall.ORDER_TABS.map(t => (
          <Text key={t.status} className={`mall-ops__tab ${t.status === tab ? 'mall-ops__tab--active' : ''}`} onClick={() => choose(t.status)}>
            {t.label}
          </Text>
        ))}
      </View>
      <View className='mall-ops__bar'>
        <Button size='small' className='mall-ops-export' onClick={() => void exportCsv()}>
          导出 CSV
        </Button>
        {notice ? <Text className='mall-ops__notice mall-ops-notice'>{notice}</Text> : null}
      </View>
      {!list.loaded && list.loading ? <LoadingView className='mall-ops-loading' rows={4} /> : null}
      {list.error && !list.items.length ? (
        <ErrorView prefix='mall-ops' message={describeError(list.error)} onRetry={forbidden ? undefined : () => void list.reload()} />
      ) : null}
      {list.loaded && !list.items.length && !list.error ? <EmptyState className='mall-ops-empty' title='没有订单' description='换个状态看看' /> : null}
      {list.items.map(o => (
        <View key={o.id} className='mall-ops__row mall-ops-row' data-order={o.id} data-status={o.status}>
          <View className='mall-ops__head'>
            <Text>{o.title} × {o.quantity}</Text>
            <Text className='mall-ops__status'>{mall.statusLabel(o.status)}</Text>
          </View>
          <Text className='mall-ops__line'>
            {o.no} · {formatShanghaiDateTime(o.createdAt)} · {mall.priceText(o.points, o.cashFen * o.quantity)}
          </Text>
          {/* No raw OPENID on screen (issue 14 §7): the order number and the recipient identify the order. */}
          {o.address ? (
            <Text className='mall-ops__line'>
              {o.address.name} {o.address.phone} {o.address.province}
              {o.address.city}
              {o.address.district}
              {o.address.detail}
            </Text>
          ) : null}
          {o.logistics ? <Text className='mall-ops__line'>{o.logistics.company} {o.logistics.trackingNo}</Text> : null}
          {o.status === 'toShip' ? (
            <View className='mall-ops__form'>
              <Input className='mall-ops__input mall-ops-company' placeholder='物流公司' value={form(o.id).company} onInput={e => edit(o.id, 'company', e.detail.value)} />
              <Input className='mall-ops__input mall-ops-tracking' placeholder='运单号' value={form(o.id).trackingNo} onInput={e => edit(o.id, 'trackingNo', e.detail.value)} />
              <Button size='small' type='primary' className='mall-ops-ship' loading={busy === o.id} onClick={() => void act(o.id, () => mall.ship(o.id, form(o.id).company, form(o.id).trackingNo), '已发货')}>
                发货
              </Button>
            </View>
          ) : null}
          {o.status === 'shipped' ? (
            <Button size='small' type='primary' className='mall-ops-complete' loading={busy === o.id} onClick={() => void act(o.id, () => mall.complete(o.id), '已完成')}>
              确认完成
            </Button>
          ) : null}
          {o.status === 'toShip' || o.status === 'unpaid' ? (
            <View className='mall-ops__form'>
              <Input className='mall-ops__input mall-ops-reason' placeholder='取消原因' value={form(o.id).reason} onInput={e => edit(o.id, 'reason', e.detail.value)} />
              <Button size='small' className='mall-ops-cancel' disabled={busy === o.id} onClick={() => void act(o.id, () => mall.adminCancel(o.id, form(o.id).reason), '已取消，积分与库存已退回')}>
                取消订单
              </Button>
            </View>
          ) : null}
        </View>
      ))}
    </View>
  )
}
