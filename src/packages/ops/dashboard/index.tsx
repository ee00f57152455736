import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import EmptyState from '../../../components/EmptyState'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { ensurePrivacy } from '../../../privacy/consent'
import { describeError } from '../../../services/errors'
import { exportDashboard, loadDashboard, type Dashboard, type DashboardCampaign, type DashboardPeriod } from '../../../services/ops-dashboard'
import Chart from '../charts/Chart'
import OpsShell from '../shell/OpsShell'
import OpsTable from '../shell/OpsTable'
import {
  balanceOption,
  dailyOption,
  formatCount,
  formatPercent,
  formatYuan,
  freshness,
  periodEmpty,
  pieOption,
  provinceTiles,
  TILE_COLS,
  TILE_ROWS,
  topOption
} from './figures'
import './index.scss'

// 运营后台 · 数据看板: today / 7 / 30 days of points, members, scans and redemptions; every campaign's
// A/B/C/D with the reading of them; charts of the last 30 days, sources and uses, scans by province
// and the most scanned products and batches. One read of the roll-ups (admin.dashboard), CSV export.
export default function OpsDashboardPage() {
  return (
    <OpsShell active='dashboard' title='数据看板'>
      <DashboardView />
    </OpsShell>
  )
}

const PERIODS: { key: DashboardPeriod['key']; label: string }[] = [
  { key: 'today', label: '今日' },
  { key: 'd7', label: '7天' },
  { key: 'd30', label: '30天' }
]

function DashboardView() {
  const [data, setData] = useState<Dashboard | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  const [period, setPeriod] = useState<DashboardPeriod['key']>('today')
  const [notice, setNotice] = useState('')
  const [exporting, setExporting] = useState(false)

  useEffect(() => {
    let live = true
    setError(null)
    loadDashboard().then(
      d => live && setData(d),
      e => live && setError(e)
    )
    return () => {
      live = false
    }
  }, [attempt])

  if (error && !data) return <ErrorView prefix='ops-dash' message={describeError(error)} onRetry={() => setAttempt(a => a + 1)} />
  if (!data) return <LoadingView className='ops-dash-loading' rows={8} />

  const p = data.periods.find(x => x.key === period)!
  const nothing = data.periods.every(periodEmpty) && data.campaigns.length === 0

  const exportCsv = async () => {
    setExporting(true)
    setNotice('')
    try {
      const { csv, filename } = await exportDashboard()
      if (process.env.TARO_ENV === 'h5') {
        const a = document.createElement('a')
        a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
        a.download = filename
        a.click()
        setNotice(`已导出 ${filename}`)
      } else {
        if (!(await ensurePrivacy('clipboard'))) return
        await Taro.setClipboardData({ data: csv.replace(/^\ufeff/, '') })
        setNotice('CSV 内容已复制，可粘贴到表格软件')
      }
    } catch (e) {
      setNotice(`导出失败：${describeError(e)}`)
    } finally {
      setExporting(false)
    }
  }

  return (
    <View className='ops-dash'>
      <View className='ops-dash__toolbar'>
        <View className='ops-dash__periods'>
          {PERIODS.map(x => (
            <View
              key={x.key}
              className={`ops-dash__period ops-dash-period-${x.key} ${x.key === period ? 'ops-dash__period--active' : ''}`}
              onClick={() => setPeriod(x.key)}
            >
              <Text>{x.label}</Text>
            </View>
          ))}
        </View>
        <Text className='ops-dash__fresh ops-dash-fresh'>
          {p.from === p.to ? p.from : `${p.from} 至 ${p.to}`} · {freshness(data)}
        </Text>
        <View className='ops-dash__buttons'>
          <Button className='ops-dash-refresh' size='small' onClick={() => setAttempt(a => a + 1)}>
            刷新
          </Button>
          <Button className='ops-dash-export' size='small' type='primary' loading={exporting} onClick={() => void exportCsv()}>
            导出 CSV
          </Button>
        </View>
      </View>
      {notice ? <Text className='ops-dash__notice ops-dash-notice'>{notice}</Text> : null}
      {error ? <Text className='ops-dash__notice ops-dash-stale'>刷新失败：{describeError(error)}（显示的是上次的数据）</Text> : null}

      {nothing ? (
        <EmptyState className='ops-dash-empty' description='还没有积分数据：会员扫码、签到或兑换后，这里会显示发放、消耗和各项指标' />
      ) : (
        <>
          <Cards p={p} data={data} />
          <View className='ops-dash__grid'>
            <View className='ops-card ops-dash__panel ops-dash-daily'>
              <Text className='ops-card__title'>近30天每日发放、消耗与过期</Text>
              <Chart className='ops-dash-chart-daily' option={dailyOption(data)} height={260} />
            </View>
            <View className='ops-card ops-dash__panel ops-dash-balance'>
              <Text className='ops-card__title'>未兑换积分走势（发放减去消耗）</Text>
              <Chart className='ops-dash-chart-balance' option={balanceOption(data)} height={260} />
            </View>
            <PiePanel title={`积分来源 · ${p.label}`} hook='sources' slices={p.sources} />
            <PiePanel title={`积分去向 · ${p.label}`} hook='uses' slices={p.uses} />
            <Provinces p={p} />
            <TopPanel p={p} />
          </View>
          <Campaigns list={data.campaigns} />
        </>
      )}
    </View>
  )
}

function Cards({ p, data }: { p: DashboardPeriod; data: Dashboard }) {
  const cards: { key: string; label: string; value: string; sub?: string }[] = [
    { key: 'issued', label: '发放积分', value: formatCount(p.issued) },
    { key: 'spent', label: '消耗积分', value: formatCount(p.spent) },
    { key: 'expired', label: '过期积分', value: formatCount(p.expired) },
    { key: 'reversed', label: '撤销积分', value: formatCount(p.reversed), sub: p.penalized ? `扣罚 ${formatCount(p.penalized)}` : undefined },
    { key: 'active', label: '活跃会员', value: formatCount(p.active), sub: p.active === null ? '待汇总' : '获得或使用积分' },
    { key: 'scans', label: '扫码次数', value: formatCount(p.scans), sub: `其中领取积分 ${formatCount(p.claims)}` },
    { key: 'redemptions', label: '商城兑换次数', value: formatCount(p.redemptions), sub: '会员在积分商城下单' },
    { key: 'outstanding', label: '未兑换积分（当前）', value: formatCount(data.outstanding), sub: `负债 ${formatYuan(data.liabilityFen)}` }
  ]
  return (
    <View className='ops-dash__cards'>
      {cards.map(c => (
        <View key={c.key} className={`ops-dash__kpi ops-dash-kpi-${c.key}`}>
          <Text className='ops-dash__kpi-label'>{c.label}</Text>
          <Text className='ops-dash__kpi-value'>{c.value}</Text>
          {c.sub ? <Text className='ops-dash__kpi-sub'>{c.sub}</Text> : null}
        </View>
      ))}
    </View>
  )
}

function PiePanel({ title, hook, slices }: { title: string; hook: string; slices: DashboardPeriod['sources'] }) {
  const total = slices.reduce((s, x) => s + Math.max(0, x.points), 0)
  return (
    <View className={`ops-card ops-dash__panel ops-dash-${hook}`}>
      <Text className='ops-card__title'>{title}</Text>
      {total > 0 ? (
        <>
          <Chart className={`ops-dash-chart-${hook}`} option={pieOption(slices)} height={240} />
          <View className='ops-dash__legend'>
            {slices
              .filter(s => s.points > 0)
              .map(s => (
                <Text key={s.key} className={`ops-dash__legend-item ops-dash-${hook}-${s.key}`}>
                  {s.label} {formatCount(s.points)} 分（{formatPercent(s.points / total)}）
                </Text>
              ))}
          </View>
        </>
      ) : (
        <Text className='ops-dash__none'>这段时间没有积分变动</Text>
      )}
    </View>
  )
}

function Provinces({ p }: { p: DashboardPeriod }) {
  const { tiles, unknown } = provinceTiles(p)
  return (
    <View className='ops-card ops-dash__panel ops-dash-provinces'>
      <Text className='ops-card__title'>各省扫码 · {p.label}</Text>
      <View className='ops-dash__tiles' style={{ gridTemplateRows: `repeat(${TILE_ROWS}, 1fr)`, gridTemplateColumns: `repeat(${TILE_COLS}, 1fr)` }}>
        {tiles.map(t => (
          <View
            key={t.code}
            className={`ops-dash__tile ops-dash__tile--l${t.level} ops-dash-tile-${t.code}`}
            style={{ gridRow: t.row + 1, gridColumn: t.col + 1 }}
          >
            <Text className='ops-dash__tile-name'>{t.name}</Text>
            <Text className='ops-dash__tile-value'>{t.scans ? formatCount(t.scans) : '—'}</Text>
          </View>
        ))}
      </View>
      <Text className='ops-dash__hint'>颜色越深扫码越多；{unknown ? `另有 ${formatCount(unknown)} 次扫码未取得位置` : '所有扫码都取得了位置'}</Text>
    </View>
  )
}

function TopPanel({ p }: { p: DashboardPeriod }) {
  return (
    <View className='ops-card ops-dash__panel ops-dash-top'>
      <Text className='ops-card__title'>扫码最多的商品与批次 · {p.label}</Text>
      {p.top.products.length ? (
        <View className='ops-dash__top'>
          <View className='ops-dash__top-chart'>
            <Chart className='ops-dash-chart-products' option={topOption(p.top.products)} height={Math.max(160, 40 + p.top.products.length * 36)} />
          </View>
          <View className='ops-dash__top-table'>
            <OpsTable
              className='ops-dash-batches'
              columns={[
                { key: 'name', title: '批次', grow: 2 },
                { key: 'scans', title: '扫码次数', align: 'right', render: r => formatCount(r.scans) },
                { key: 'claims', title: '领取积分', align: 'right', render: r => formatCount(r.claims) }
              ]}
              rows={p.top.batches}
              rowKey={r => r.id}
              empty='这段时间没有扫码'
            />
          </View>
        </View>
      ) : (
        <Text className='ops-dash__none'>{p.scans ? '这段时间的扫码没有对应的码批次' : '这段时间没有扫码'}</Text>
      )}
    </View>
  )
}

function Campaigns({ list }: { list: DashboardCampaign[] }) {
  return (
    <View className='ops-card ops-dash-campaigns'>
      <Text className='ops-card__title'>活动预算与四项指标</Text>
      <Text className='ops-dash__hint'>A 最大可发积分 · B 已发积分 · C 兑换率（已消耗 / 已发放）· D 使用率（用过积分的会员 / 拿到积分的会员）</Text>
      {list.length === 0 ? (
        <Text className='ops-dash__none'>还没有已发布的活动</Text>
      ) : (
        <View className='ops-dash__campaigns'>
          {list.map(c => (
            <View key={c.campaign || 'none'} className={`ops-dash__campaign ops-dash-campaign ops-dash-campaign-${c.campaign || 'none'}`}>
              <View className='ops-dash__campaign-head'>
                <Text className='ops-dash__campaign-name'>{c.name}</Text>
                <Text className={`ops-dash__status ops-dash__status--${c.status}`}>{c.statusLabel}</Text>
              </View>
              <View className='ops-dash__abcd'>
                <Figure label='A 最大可发' value={c.A === null ? '不设上限' : formatCount(c.A)} />
                <Figure label='B 已发' value={formatCount(c.B)} />
                <Figure label='C 兑换率' value={c.issued ? formatPercent(c.C) : '—'} />
                <Figure label='D 使用率' value={c.receivers ? formatPercent(c.D) : '—'} />
                <Figure label='未兑换积分' value={formatCount(c.outstanding)} />
                <Figure label='负债' value={formatYuan(c.liabilityFen)} />
                <Figure label='达到 A 还需' value={c.A === null ? '—' : c.daysToA === null ? '不会用完' : c.daysToA === 0 ? '已用完' : c.daysToA > 365 ? '一年以上' : `约 ${c.daysToA} 天`} />
              </View>
              {c.A !== null ? (
                <View className='ops-dash__bar'>
                  <View className='ops-dash__bar-fill' style={{ width: `${Math.min(100, c.A ? (c.B / c.A) * 100 : 0)}%` }} />
                </View>
              ) : null}
              <View className='ops-dash__readings'>
                {c.readings.map(r => (
                  <Text key={r} className='ops-dash__reading ops-dash-reading'>
                    {r}
                  </Text>
                ))}
              </View>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <View className='ops-dash__figure'>
      <Text className='ops-dash__figure-label'>{label}</Text>
      <Text className='ops-dash__figure-value'>{value}</Text>
    </View>
  )
}
