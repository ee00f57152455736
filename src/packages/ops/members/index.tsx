import { Input, Picker, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError } from '../../../services/errors'
import { searchMembers, type MemberRow, type SearchBy } from '../../../services/ops-members'
import { formatShanghaiDate } from '../../../utils/time'
import PagedFooter from '../shell/PagedFooter'
import OpsShell from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import './index.scss'

const BY: { value: '' | SearchBy; label: string }[] = [
  { value: '', label: '自动识别' },
  { value: 'nickname', label: '按昵称' },
  { value: 'phone', label: '按手机号' },
  { value: 'openid', label: '按 OPENID' }
]

/** The client's check of a query (the server checks the same): a phone search needs the whole number. */
export function queryProblem(q: string, by: '' | SearchBy): string | undefined {
  const v = q.trim()
  if (!v) return '请输入昵称、手机号或 OPENID'
  if ([...v].length > 64) return '最多 64 个字'
  if (by === 'phone' && !/^1\d{10}$/.test(v)) return '手机号须为 11 位，只支持完整号码'
  return undefined
}

// 运营后台 · 会员: search by nickname (prefix), phone (the whole number) or OPENID; without a search,
// the newest members. A row opens the member's page.
export default function OpsMembersPage() {
  return (
    <OpsShell active='members' title='会员'>
      <Members />
    </OpsShell>
  )
}

function Members() {
  const [draft, setDraft] = useState('')
  const [by, setBy] = useState<'' | SearchBy>('')
  const [problem, setProblem] = useState<string | undefined>()
  const [query, setQuery] = useState<{ q: string; by: '' | SearchBy } | null>(null)
  const queryRef = useRef(query)
  queryRef.current = query
  const list = usePagedList<MemberRow>(async cursor => {
    const q = queryRef.current
    return searchMembers(q?.q ?? '', q?.by || undefined, cursor)
  })
  useEffect(() => {
    void list.reload()
  }, [query])

  const submit = () => {
    const p = queryProblem(draft, by)
    setProblem(p)
    if (!p) setQuery({ q: draft.trim(), by })
  }
  const open = (m: MemberRow) => void Taro.navigateTo({ url: `/packages/ops/member/index?openid=${encodeURIComponent(m.openid)}` })

  const columns: OpsColumn<MemberRow>[] = [
    {
      key: 'nickname',
      title: '会员',
      grow: 1.6,
      render: m => (
        <View className='ops-member'>
          <Text className='ops-member__name ops-member-nickname'>{m.nickname}</Text>
          <Text className='ops-member__meta'>{m.phone || '未绑定手机号'}</Text>
        </View>
      )
    },
    { key: 'balance', title: '积分余额', align: 'right', render: m => <Text className='ops-member-balance'>{m.balance}</Text> },
    { key: 'held', title: '冻结', align: 'right', render: m => String(m.held) },
    { key: 'debt', title: '欠分', align: 'right', render: m => String(m.debt) },
    { key: 'createdAt', title: '注册日期', render: m => formatShanghaiDate(m.createdAt) }
  ]

  return (
    <View className='ops ops-members'>
      <View className='ops-card ops-members__search'>
        <View className='ops-members__row'>
          <Input
            className='ops-members__input ops-members-q'
            placeholder='昵称、手机号或 OPENID'
            value={draft}
            maxlength={64}
            confirmType='search'
            onInput={e => setDraft(e.detail.value)}
            onConfirm={submit}
          />
          <Picker mode='selector' range={BY.map(b => b.label)} value={Math.max(0, BY.findIndex(b => b.value === by))} onChange={e => setBy(BY[Number(e.detail.value)].value)}>
            <View className='ops-pick ops-members-by'>{BY.find(b => b.value === by)?.label}</View>
          </Picker>
          <Button className='ops-members-search' size='small' type='primary' onClick={submit}>
            搜索
          </Button>
          {query ? (
            <Button
              className='ops-members-clear'
              size='small'
              onClick={() => {
                setDraft('')
                setProblem(undefined)
                setQuery(null)
              }}
            >
              清除
            </Button>
          ) : null}
        </View>
        {problem ? <Text className='ops-members__problem ops-members-problem'>{problem}</Text> : null}
        <Text className='ops-members__hint'>{query ? `“${query.q}”的搜索结果` : '最新注册的会员；昵称按开头匹配，手机号须完整'}</Text>
      </View>

      {!list.loaded && list.loading ? <LoadingView className='ops-loading' rows={6} /> : null}
      {!list.loaded && list.error ? <ErrorView prefix='ops' message={describeError(list.error)} onRetry={() => void list.reload()} /> : null}
      {list.loaded ? (
        <OpsTable className='ops-members-table' columns={columns} rows={list.items} rowKey={m => m.openid} onRowClick={open} empty={query ? '没有找到符合条件的会员' : '暂无会员'} />
      ) : null}
      <PagedFooter list={list} moreClassName='ops-load-more' />
    </View>
  )
}
