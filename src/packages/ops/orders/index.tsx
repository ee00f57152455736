import { Input, Text, Textarea, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import EmptyState from '../../../components/EmptyState'
import { Button } from '../../../components/nutui'
import PrivacySheet from '../../../components/PrivacySheet'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { ensurePrivacy } from '../../../privacy/consent'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import * as ops from '../../../services/ops-mall'
import { formatShanghaiDateTime } from '../../../utils/time'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import './index.scss'

type Tab = mall.OrderStatus | 'all'

// 运营后台 · 订单履约: filter by status, ship one order with a tracking number, complete, cancel with a
// reason (points, cash and stock go back), export CSV, and ship many at once from a CSV (订单号,
// 快递公司, 运单号): the server previews every row (will ship / already shipped / refused and why)
// and then ships them row by row; importing the same file again ships nothing twice.
export default function OpsOrdersPage() {
  return (
    <OpsShell active='orders' title='订单履约'>
      <OrdersBody />
    </OpsShell>
  )
}

function OrdersBody() {
  const { can } = useOpsRole()
  const readOnly = !can('operator')
  const [tab, setTab] = useState<Tab>('toShip')
  const tabRef = useRef<Tab>('toShip')
  const [forms, setForms] = useState<Record<string, { company: string; trackingNo: string; reason: string }>>({})
  const [busy, setBusy] = useState('')
  const [notice, setNotice] = useState('')
  const list = usePagedList<ops.AdminOrder>(cursor => ops.adminOrders({ status: tabRef.current === 'all' ? undefined : tabRef.current, cursor }))

  useEffect(() => {
    void list.reload()
  }, [])
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
      const { csv, rows } = await ops.exportOrders(tab === 'all' ? undefined : tab)
      if (process.env.TARO_ENV === 'h5') {
        const a = document.createElement('a')
        a.href = URL.createObjectURL(new Blob(['\ufeff' + csv], { type: 'text/csv;charset=utf-8' }))
        a.download = `商城订单-${mall.ORDER_TABS.find(t => t.status === tab)?.label ?? '全部'}.csv`
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

  return (
    <View className='ops-orders mall-ops'>
      <PrivacySheet />
      <BatchShip readOnly={readOnly} onShipped={() => void list.reload(true)} />
      <View className='ops-card'>
        <View className='mall-ops__tabs'>
          {mall.ORDER_TABS.map(t => (
            <Text key={t.status} className={`mall-ops__tab mall-ops-tab-${t.status} ${t.status === tab ? 'mall-ops__tab--active' : ''}`} onClick={() => choose(t.status)}>
              {t.label}
            </Text>
          ))}
        </View>
        <View className='mall-ops__bar'>
          <Button size='small' className='mall-ops-export' disabled={readOnly} onClick={() => void exportCsv()}>
            导出 CSV
          </Button>
          {readOnly ? <Text className='mall-ops__notice'>只读：可以查看订单，不能导出、发货或取消</Text> : null}
          {notice ? <Text className='mall-ops__notice mall-ops-notice'>{notice}</Text> : null}
        </View>
        {!list.loaded && list.loading ? <LoadingView className='mall-ops-loading' rows={4} /> : null}
        {list.error && !list.items.length ? <ErrorView prefix='mall-ops' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
        {list.loaded && !list.items.length && !list.error ? <EmptyState className='mall-ops-empty' title='没有订单' description='换个状态看看' /> : null}
        <View className='mall-ops__list'>
          {list.items.map(o => (
            <View key={o.id} className='mall-ops__row mall-ops-row' data-order={o.id} data-status={o.status}>
              <View className='mall-ops__head'>
                <Text>
                  {o.title} × {o.quantity}
                </Text>
                <Text className='mall-ops__status'>{mall.statusLabel(o.status)}</Text>
              </View>
              <Text className='mall-ops__line'>
                订单号 {o.no ?? o.id} · {formatShanghaiDateTime(o.createdAt)}
              </Text>
              <View className='mall-ops__line'>
                <Text>{mall.priceText(o.points, o.cashFen * o.quantity)} · </Text>
                <Text className='mall-ops__link' onClick={() => void Taro.navigateTo({ url: `/packages/ops/member/index?openid=${encodeURIComponent(o.member)}` })}>
                  查看会员 ›
                </Text>
              </View>
              {o.address ? (
                <Text className='mall-ops__line'>
                  {o.address.name} {o.address.phone} {o.address.province}
                  {o.address.city}
                  {o.address.district}
                  {o.address.detail}
                </Text>
              ) : null}
              {o.logistics ? (
                <Text className='mall-ops__line'>
                  {o.logistics.company} {o.logistics.trackingNo}
                </Text>
              ) : null}
              {o.status === 'toShip' && !readOnly ? (
                <View className='mall-ops__form'>
                  <Input className='mall-ops__input mall-ops-company' placeholder='快递公司' value={form(o.id).company} onInput={e => edit(o.id, 'company', e.detail.value)} />
                  <Input className='mall-ops__input mall-ops-tracking' placeholder='运单号' value={form(o.id).trackingNo} onInput={e => edit(o.id, 'trackingNo', e.detail.value)} />
                  <Button
                    size='small'
                    type='primary'
                    className='mall-ops-ship'
                    loading={busy === o.id}
                    onClick={() => void act(o.id, () => ops.ship(o.id, form(o.id).company, form(o.id).trackingNo), '已发货')}
                  >
                    发货
                  </Button>
                </View>
              ) : null}
              {o.status === 'shipped' && !readOnly ? (
                <Button size='small' type='primary' className='mall-ops-complete' loading={busy === o.id} onClick={() => void act(o.id, () => ops.complete(o.id), '已完成')}>
                  确认完成
                </Button>
              ) : null}
              {(o.status === 'toShip' || o.status === 'unpaid') && !readOnly ? (
                <View className='mall-ops__form'>
                  <Input className='mall-ops__input mall-ops-reason' placeholder='取消原因' value={form(o.id).reason} onInput={e => edit(o.id, 'reason', e.detail.value)} />
                  <Button size='small' className='mall-ops-cancel' disabled={busy === o.id} onClick={() => void act(o.id, () => ops.adminCancel(o.id, form(o.id).reason), '已取消，积分与库存已退回')}>
                    取消订单
                  </Button>
                </View>
              ) : null}
            </View>
          ))}
        </View>
        {list.loaded && list.nextCursor ? (
          <Text className='mall-ops__more mall-ops-more' onClick={() => void list.loadMore()}>
            {list.loading ? '加载中…' : '加载更多'}
          </Text>
        ) : null}
      </View>
    </View>
  )
}

const TEMPLATE = '订单号,快递公司,运单号'

/** 批量发货: paste or pick a CSV, preview every row, then ship. */
function BatchShip({ readOnly, onShipped }: { readOnly: boolean; onShipped: () => void }) {
  const [text, setText] = useState('')
  const [fileName, setFileName] = useState('')
  const [preview, setPreview] = useState<ops.ShipBatch | null>(null)
  const [result, setResult] = useState<ops.ShipBatch | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState<'' | 'preview' | 'apply'>('')

  const change = (t: string) => {
    setText(t)
    setPreview(null)
    setResult(null)
    setError('')
  }
  const pick = async () => {
    const f = await ops.pickTextFile(['csv', 'txt'])
    if (!f) return
    setFileName(f.name)
    change(f.text)
  }
  const run = async (what: 'preview' | 'apply') => {
    setBusy(what)
    setError('')
    try {
      const lines = ops.csvLines(text)
      if (what === 'preview') {
        setPreview(await ops.previewShipBatch(lines))
        setResult(null)
      } else {
        const r = await ops.shipBatch(lines)
        setResult(r)
        setPreview(null)
        if (r.counts.shipped) onShipped()
      }
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy('')
    }
  }
  const shown = result ?? preview
  const willShip = preview?.counts.ship ?? 0

  return (
    <View className='ops-card ops-ship-batch'>
      <Text className='ops-card__title'>批量发货</Text>
      <Text className='ops-ship-batch__hint'>
        每行一单：订单号,快递公司,运单号（第一行可以是表头）。先预览，确认后再发货；同一文件重复导入不会重复发货。
      </Text>
      <Textarea
        className='ops-ship-batch__text ops-ship-csv'
        value={text}
        maxlength={-1}
        disabled={readOnly}
        placeholder={`${TEMPLATE}\n例如：o3f2a…,顺丰速运,SF1234567890`}
        onInput={e => change(e.detail.value)}
      />
      {fileName ? <Text className='ops-ship-batch__file'>已读取文件：{fileName}</Text> : null}
      {error ? <Text className='ops-notice ops-notice--error ops-ship-error'>{error}</Text> : null}
      <View className='ops-ship-batch__bar'>
        <Button size='small' className='ops-ship-pick' disabled={readOnly} onClick={() => void pick()}>
          选择 CSV 文件
        </Button>
        <Button size='small' className='ops-ship-preview' disabled={readOnly || !text.trim()} loading={busy === 'preview'} onClick={() => void run('preview')}>
          预览
        </Button>
        <Button size='small' type='primary' className='ops-ship-apply' disabled={readOnly || !willShip} loading={busy === 'apply'} onClick={() => void run('apply')}>
          {willShip ? `确认发货 ${willShip} 单` : '确认发货'}
        </Button>
        {readOnly ? <Text className='ops-ship-batch__hint'>只读</Text> : null}
      </View>
      {shown ? (
        <View className={`ops-ship-batch__result ${result ? 'ops-ship-result' : 'ops-ship-previewed'}`}>
          <Text className='ops-ship-batch__summary ops-ship-summary'>
            {result
              ? `已发货 ${result.counts.shipped} 单，此前已发货 ${result.counts.already} 单，不能发货 ${result.counts.refused} 行`
              : `将发货 ${preview!.counts.ship} 单，此前已发货 ${preview!.counts.already} 单，不能发货 ${preview!.counts.refused} 行`}
          </Text>
          <View className='ops-ship-table'>
            <View className='ops-ship-table__head'>
              <Text className='ops-ship-table__line'>行号</Text>
              <Text className='ops-ship-table__order'>订单</Text>
              <Text className='ops-ship-table__logi'>快递</Text>
              <Text className='ops-ship-table__outcome'>结果</Text>
            </View>
            {shown.rows.map(r => (
              <View key={r.line} className={`ops-ship-table__row ops-ship-row ops-ship-row--${r.outcome}`} data-line={r.line} data-outcome={r.outcome}>
                <Text className='ops-ship-table__line'>第 {r.line} 行</Text>
                <View className='ops-ship-table__order'>
                  <Text className='ops-ship-table__id'>{r.order || '（空）'}</Text>
                  {r.title ? <Text className='ops-ship-table__title'>{r.title}</Text> : null}
                </View>
                <Text className='ops-ship-table__logi'>
                  {r.company} {r.trackingNo}
                </Text>
                <Text className='ops-ship-table__outcome'>
                  {ops.SHIP_OUTCOME_LABEL[r.outcome]}
                  {r.reason ? `：${r.reason}` : ''}
                </Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}
    </View>
  )
}
