import { Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import CloudImage from '../../../components/CloudImage'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError } from '../../../services/errors'
import * as mall from '../../../services/mall'
import * as ops from '../../../services/ops-mall'
import { formatShanghaiDateTime } from '../../../utils/time'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import './index.scss'

type StateFilter = mall.ListingState | ''
const FILTERS: { key: StateFilter; label: string }[] = [
  { key: '', label: '全部' },
  { key: 'onSale', label: '在售' },
  { key: 'upcoming', label: '待上架' },
  { key: 'delisted', label: '已下架' },
  { key: 'hidden', label: '不展示' }
]

const windowText = (i: ops.AdminItem) => {
  if (!i.listAt && !i.delistAt) return '长期'
  if (!i.delistAt) return `${formatShanghaiDateTime(i.listAt!)} 起`
  if (!i.listAt) return `至 ${formatShanghaiDateTime(i.delistAt)}`
  return `${formatShanghaiDateTime(i.listAt)} 至 ${formatShanghaiDateTime(i.delistAt)}`
}

const openItem = (id?: string) => void Taro.navigateTo({ url: id ? `/packages/ops/item/index?id=${encodeURIComponent(id)}` : '/packages/ops/item/index' })

// 运营后台 · 商品管理: every item with its listing state, stock and window; search by title, filter by
// state, 20 a page. A row opens the editor; 新建商品 opens it empty.
export default function OpsItemsPage() {
  return (
    <OpsShell active='items' title='商品管理' actions={<NewButton />}>
      <ItemsBody />
    </OpsShell>
  )
}

function NewButton() {
  const { can } = useOpsRole()
  return (
    <Button size='small' type='primary' className='ops-items-new' disabled={!can('operator')} onClick={() => openItem()}>
      {can('operator') ? '新建商品' : '新建商品（只读）'}
    </Button>
  )
}

function ItemsBody() {
  const [q, setQ] = useState('')
  const [state, setState] = useState<StateFilter>('')
  const filter = useRef<{ q: string; state: StateFilter }>({ q: '', state: '' })
  const list = usePagedList<ops.AdminItem>(cursor => ops.adminItems({ q: filter.current.q || undefined, state: filter.current.state || undefined, cursor }))

  const loaded = useRef(false)
  loaded.current = list.loaded
  useEffect(() => {
    void list.reload()
  }, [])
  // Back from the editor: the list shows what was saved.
  useDidShow(() => {
    if (loaded.current) void list.reload(true)
  })
  useReachBottom(() => {
    if (!list.error) void list.loadMore()
  })
  const apply = (next: Partial<{ q: string; state: StateFilter }>) => {
    filter.current = { ...filter.current, ...next }
    void list.reload()
  }

  const columns: OpsColumn<ops.AdminItem>[] = [
    {
      key: 'title',
      title: '商品',
      grow: 4,
      render: i => (
        <View className='ops-items__goods'>
          {i.images[0] ? <CloudImage className='ops-items__thumb' src={i.images[0]} /> : <View className='ops-items__thumb ops-items__thumb--blank'><Text>{i.title.slice(0, 1)}</Text></View>}
          <View className='ops-items__name'>
            <Text className='ops-items__title'>{i.title}</Text>
            <Text className='ops-items__sub'>
              {i.category} · {ops.KIND_LABEL[i.kind]}
              {i.flashSale ? ' · 秒杀' : ''}
              {i.tiers.length ? ' · 会员专享' : ''}
            </Text>
          </View>
        </View>
      )
    },
    { key: 'price', title: '价格', grow: 2, render: i => <Text>{mall.priceText(i.points, i.cashFen)}</Text> },
    {
      key: 'stock',
      title: '库存',
      grow: 2,
      align: 'right',
      render: i => (
        <Text className={i.stockLeft === 0 ? 'ops-items__soldout' : ''}>
          剩 {i.stockLeft} / 已兑 {i.sold}
        </Text>
      )
    },
    { key: 'state', title: '状态', grow: 1, render: i => <Text className={`ops-items__state ops-items__state--${i.state}`}>{ops.STATE_LABEL[i.state]}</Text> },
    { key: 'window', title: '上架时间', grow: 3, render: i => <Text className='ops-items__window'>{windowText(i)}</Text> }
  ]

  return (
    <View className='ops-items'>
      <View className='ops-card ops-items__filters'>
        <View className='ops-items__search'>
          <Input
            className='ops-items__q ops-items-q'
            placeholder='按商品名称搜索'
            value={q}
            maxlength={40}
            confirmType='search'
            onInput={e => setQ(e.detail.value)}
            onConfirm={() => apply({ q: q.trim() })}
          />
          <Button size='small' className='ops-items-search' onClick={() => apply({ q: q.trim() })}>
            搜索
          </Button>
        </View>
        <View className='ops-items__states'>
          {FILTERS.map(f => (
            <Text
              key={f.key || 'all'}
              className={`ops-items__chip ops-items-state-${f.key || 'all'} ${f.key === state ? 'ops-items__chip--active' : ''}`}
              onClick={() => {
                setState(f.key)
                apply({ state: f.key })
              }}
            >
              {f.label}
            </Text>
          ))}
        </View>
      </View>
      {!list.loaded && list.loading ? <LoadingView className='ops-items-loading' rows={5} /> : null}
      {list.error && !list.items.length ? <ErrorView prefix='ops-items' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded && !list.error ? (
        <View className='ops-card'>
          <OpsTable
            className='ops-items-table'
            columns={columns}
            rows={list.items}
            rowKey={i => i.id}
            onRowClick={i => openItem(i.id)}
            empty={filter.current.q || filter.current.state ? '没有符合条件的商品' : '还没有商品，点右上角「新建商品」'}
          />
          {list.nextCursor ? (
            <Text className='ops-items__more ops-items-more' onClick={() => void list.loadMore()}>
              {list.loading ? '加载中…' : '加载更多'}
            </Text>
          ) : null}
          {list.error && list.items.length ? <Text className='ops-items__error'>{describeError(list.error)}</Text> : null}
        </View>
      ) : null}
    </View>
  )
}
