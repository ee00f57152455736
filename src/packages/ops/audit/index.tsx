import { Input, Picker, Text, View } from '@tarojs/components'
import { useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError, errorText } from '../../../services/errors'
import { auditLog, type AuditFilter, type AuditItem } from '../../../services/ops'
import { formatShanghaiDateTime } from '../../../utils/time'
import PagedFooter from '../shell/PagedFooter'
import OpsShell from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import { COLLECTION_LABEL, FIELD_LABEL, shortId } from '../shell/words'
import './index.scss'

const OUTCOMES = [
  { value: '', label: '全部结果' },
  { value: 'ok', label: '成功' },
  { value: 'failed', label: '失败或被拒绝' }
] as const

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v))

/** The fields whose value differs between before and after, in Chinese where we have a name. */
function changes(before: unknown, after: unknown): { field: string; from: string; to: string }[] {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(k => k !== '_id')
  return keys
    .filter(k => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map(k => ({ field: FIELD_LABEL[k] ?? k, from: show(b[k]), to: show(a[k]) }))
}

/** The document changed, by its name or title when it has one (ids are for machines). */
function target(r: AuditItem): string {
  if (!r.target) return '—'
  const doc = (r.after ?? r.before ?? {}) as { name?: unknown; title?: unknown; orderNo?: unknown }
  const name = [doc.title, doc.name, doc.orderNo].find(v => typeof v === 'string' && v)
  return `${COLLECTION_LABEL[r.target.collection] ?? '记录'}${name ? `「${name}」` : ''}`
}
const outcome = (r: AuditItem) => (r.outcome === 'ok' ? '成功' : `未完成：${errorText(r.outcome)}`)

// 运营后台 · 操作日志: every change an operator made or tried, newest first, with filters; a row opens
// what changed (before → after) and the request as sent.
export default function OpsAuditPage() {
  return (
    <OpsShell active='audit' title='操作日志'>
      <AuditLog />
    </OpsShell>
  )
}

function AuditLog() {
  const [filter, setFilter] = useState<AuditFilter>({})
  const [draft, setDraft] = useState<AuditFilter>({})
  const filterRef = useRef(filter)
  filterRef.current = filter
  const [open, setOpen] = useState<string | null>(null)
  const list = usePagedList<AuditItem>(cursor => auditLog({ ...filterRef.current, cursor }))

  useEffect(() => {
    void list.reload()
  }, [filter])
  useReachBottom(() => {
    if (!list.error) void list.loadMore()
  })

  const columns: OpsColumn<AuditItem>[] = [
    { key: 'at', title: '时间', grow: 1.2, render: r => formatShanghaiDateTime(r.at) },
    { key: 'actor', title: '操作人', render: r => `${r.actorName || shortId(r.actor)} · ${r.roleLabel}` },
    { key: 'label', title: '操作', grow: 1.2, render: r => r.label },
    { key: 'target', title: '对象', render: target },
    { key: 'outcome', title: '结果', grow: 1.4, render: outcome }
  ]
  const opened = list.items.find(r => r.id === open)

  return (
    <View className='ops-audit'>
      <View className='ops-card ops-audit__filters'>
        <Picker mode='date' value={draft.from ?? ''} onChange={e => setDraft(d => ({ ...d, from: e.detail.value }))}>
          <View className='ops-pick ops-audit-from'>{draft.from ? `从 ${draft.from}` : '开始日期'}</View>
        </Picker>
        <Picker mode='date' value={draft.to ?? ''} onChange={e => setDraft(d => ({ ...d, to: e.detail.value }))}>
          <View className='ops-pick ops-audit-to'>{draft.to ? `至 ${draft.to}` : '结束日期'}</View>
        </Picker>
        <Picker
          mode='selector'
          range={OUTCOMES.map(o => o.label)}
          value={Math.max(0, OUTCOMES.findIndex(o => o.value === (draft.outcome ?? '')))}
          onChange={e => setDraft(d => ({ ...d, outcome: (OUTCOMES[Number(e.detail.value)].value || undefined) as AuditFilter['outcome'] }))}
        >
          <View className='ops-pick ops-audit-outcome'>{OUTCOMES.find(o => o.value === (draft.outcome ?? ''))?.label}</View>
        </Picker>
        <Input
          className='ops-input ops-audit__input ops-audit-target'
          placeholder='对象编号（如活动、订单）'
          value={draft.targetId ?? ''}
          maxlength={128}
          onInput={e => setDraft(d => ({ ...d, targetId: e.detail.value.trim() || undefined }))}
        />
        <Button className='ops-audit-apply' size='small' type='primary' onClick={() => setFilter(draft)}>
          查询
        </Button>
        <Button
          className='ops-audit-clear'
          size='small'
          onClick={() => {
            setDraft({})
            setFilter({})
          }}
        >
          清除
        </Button>
      </View>
      {draft.from && draft.to && draft.from > draft.to ? <Text className='ops-audit__warn'>结束日期不能早于开始日期</Text> : null}

      {!list.loaded && list.loading ? <LoadingView className='ops-audit-loading' rows={6} /> : null}
      {!list.loaded && list.error ? <ErrorView prefix='ops-audit' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded ? (
        <OpsTable className='ops-audit-table' columns={columns} rows={list.items} rowKey={r => r.id} onRowClick={r => setOpen(o => (o === r.id ? null : r.id))} empty='没有符合条件的操作记录' />
      ) : null}

      {opened ? (
        <View className='ops-card ops-audit__detail ops-audit-detail'>
          <Text className='ops-card__title'>
            {opened.label} · {formatShanghaiDateTime(opened.at)}
          </Text>
          <Text className='ops-audit__line'>操作人：{opened.actorName || shortId(opened.actor)}（{opened.roleLabel}）</Text>
          <Text className='ops-audit__line'>结果：{outcome(opened)}</Text>
          <Text className='ops-audit__line'>对象：{target(opened)}</Text>
          {opened.target ? (
            <View className='ops-audit__changes'>
              <Text className='ops-audit__sub'>变更内容</Text>
              {changes(opened.before, opened.after).map(c => (
                <View key={c.field} className='ops-audit__change'>
                  <Text className='ops-audit__field'>{c.field}</Text>
                  <Text className='ops-audit__from'>{c.from}</Text>
                  <Text className='ops-audit__arrow'>→</Text>
                  <Text className='ops-audit__to'>{c.to}</Text>
                </View>
              ))}
              {changes(opened.before, opened.after).length === 0 ? <Text className='ops-audit__line'>没有变化</Text> : null}
            </View>
          ) : null}
          <Text className='ops-audit__sub'>提交的内容</Text>
          <Text className='ops-audit__json'>{JSON.stringify(opened.input, null, 2)}</Text>
        </View>
      ) : null}

      <PagedFooter list={list} moreClassName='ops-audit-more' />
    </View>
  )
}
