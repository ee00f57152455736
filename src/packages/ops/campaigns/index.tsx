import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError } from '../../../services/errors'
import { listCampaigns, type Campaign, type CampaignKind, type CampaignStatus } from '../../../services/ops-rules'
import { formatShanghaiDate, formatShanghaiDateTime } from '../../../utils/time'
import { KIND_FORMS, KIND_LABEL } from '../campaign/kinds'
import { Chips } from '../campaign/parts'
import OpsShell, { useOpsRole } from '../shell/OpsShell'
import OpsTable, { type OpsColumn } from '../shell/OpsTable'
import './index.scss'

// 运营后台 · 活动与规则: every campaign with kind / status filters (the latest 100 by last change);
// a row opens its editor, 新建活动 a blank one.
export default function OpsCampaignsPage() {
  return (
    <OpsShell active='campaigns' title='活动与规则'>
      <Campaigns />
    </OpsShell>
  )
}

const STATUS_LABEL: Record<CampaignStatus, string> = { draft: '草稿', published: '进行中', ended: '已结束' }
const KINDS = [{ value: 'all' as const, label: '全部类型' }, ...(Object.keys(KIND_FORMS) as CampaignKind[]).map(k => ({ value: k, label: KIND_FORMS[k].label }))]
const STATUSES = [{ value: 'all' as const, label: '全部状态' }, ...(Object.keys(STATUS_LABEL) as CampaignStatus[]).map(s => ({ value: s, label: STATUS_LABEL[s] }))]

const when = (c: Campaign) => {
  const { from, to } = c.window
  if (!from && !to) return '长期'
  return `${from ? formatShanghaiDate(from) : '即日'} 至 ${to ? formatShanghaiDate(to) : '长期'}`
}

function Campaigns() {
  const { can } = useOpsRole()
  const [kind, setKind] = useState<CampaignKind | 'all'>('all')
  const [status, setStatus] = useState<CampaignStatus | 'all'>('all')
  const list = useAsync(listCampaigns)
  useEffect(() => {
    void list.run({ ...(kind !== 'all' ? { kind } : {}), ...(status !== 'all' ? { status } : {}) })
  }, [kind, status])

  const open = (id?: string) => void Taro.navigateTo({ url: `/packages/ops/campaign/index${id ? `?id=${encodeURIComponent(id)}` : ''}` })
  const columns: OpsColumn<Campaign>[] = [
    { key: 'name', title: '活动名称', grow: 2, render: c => <Text className='ops-campaigns__name'>{c.name}</Text> },
    { key: 'kind', title: '类型', render: c => KIND_LABEL(c.kind) },
    {
      key: 'status',
      title: '状态',
      render: c => (
        <Text className={`ops-campaigns__status ops-campaigns__status--${c.status}`}>
          {STATUS_LABEL[c.status]}
          {c.draft && c.status === 'published' ? ' · 有草稿' : ''}
        </Text>
      )
    },
    { key: 'version', title: '版本', render: c => `第 ${c.version} 版` },
    { key: 'window', title: '活动时间', grow: 2, render: when },
    { key: 'updatedAt', title: '最近修改', grow: 1.5, render: c => formatShanghaiDateTime(c.updatedAt) }
  ]

  return (
    <View className='ops-campaigns'>
      <View className='ops-card ops-campaigns-filters'>
        <Chips name='filter-kind' options={KINDS} value={kind} readOnly={false} onChange={setKind} />
        <Chips name='filter-status' options={STATUSES} value={status} readOnly={false} onChange={setStatus} />
        <View className='ops-campaigns__bar'>
          <Text className='ops-campaigns__count'>{list.data ? `共 ${list.data.items.length} 个活动${list.data.items.length >= 100 ? '（显示最近修改的 100 个）' : ''}` : ''}</Text>
          <Button className='ops-campaigns-new' type='primary' size='small' disabled={!can('operator')} onClick={() => open()}>
            新建活动
          </Button>
        </View>
        {!can('operator') ? <Text className='ops-campaigns__hint ops-readonly-hint'>只读：你的角色只能查看</Text> : null}
      </View>
      {list.loading && !list.data ? <LoadingView className='ops-campaigns-loading' rows={5} /> : null}
      {list.error ? <ErrorView prefix='ops-campaigns' message={describeError(list.error)} onRetry={() => void list.run({})} /> : null}
      {list.data ? <OpsTable className='ops-campaigns-table' columns={columns} rows={list.data.items} rowKey={c => c._id} onRowClick={c => open(c._id)} empty='没有符合条件的活动' /> : null}
    </View>
  )
}
