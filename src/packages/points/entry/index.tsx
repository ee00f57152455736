import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect } from 'react'
import { ErrorView, LoadingView, NotFoundView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { describeError, isCloudError } from '../../../services/errors'
import * as points from '../../../services/points'
import type { EntryLot, LedgerEntryDetail } from '../../../services/types'
import { useMember } from '../../../store/member'
import { deltaTone, entryIdFromRoute, entryTypeLabel, entryUrl, formatDelta, rateText, sourceLabel } from '../../../utils/points'
import { formatShanghaiDateTime } from '../../../utils/time'
import './index.scss'

// 积分详情 (`?id=<entry id>`): one of the member's entries, what it did to the balance and debt, and
// the lots it issued or touched with where they came from and how long they stay valid. The server
// answers NOT_FOUND for an id that is not the member's, shown like a missing one.
export default function EntryPage() {
  const router = useRouter()
  const id = entryIdFromRoute(router.params.id)
  const member = useMember()
  const detail = useAsync(points.entry)

  useEffect(() => {
    detail.reset()
    if (id && member.status === 'ready') void detail.run(id)
  }, [id, member.status, member.generation])

  const loginError = member.status === 'error' ? member.error : null
  const notFound = !id || (isCloudError(detail.error) && detail.error.code === 'NOT_FOUND')
  const data = detail.data

  return (
    <View className='page entry-page'>
      {loginError ? <ErrorView prefix='entry' message={describeError(loginError)} onRetry={() => void member.reload()} /> : null}
      {notFound ? (
        <View className='entry-not-found'>
          <NotFoundView prefix='entry' message='没有找到这条积分记录' backText='返回我的积分' onBack={() => void Taro.redirectTo({ url: '/packages/points/ledger/index' })} />
        </View>
      ) : null}
      {!loginError && !notFound && !data && !detail.error ? <LoadingView className='entry-loading' rows={4} /> : null}
      {!loginError && !notFound && !data && !detail.loading && detail.error ? (
        <ErrorView prefix='entry' message={describeError(detail.error)} onRetry={() => void detail.run(id)} />
      ) : null}
      {data && !notFound ? <EntryDetail entry={data.entry} lots={data.lots} /> : null}
    </View>
  )
}

function Field({ label, value, className = '', onTap }: { label: string; value: string; className?: string; onTap?: () => void }) {
  return (
    <View className={`entry-field ${className}`} onClick={onTap}>
      <Text className='entry-field__label'>{label}</Text>
      <Text className={`entry-field__value${onTap ? ' entry-field__value--link' : ''}`}>{value}</Text>
    </View>
  )
}

function EntryDetail({ entry, lots }: { entry: LedgerEntryDetail; lots: EntryLot[] }) {
  const source = sourceLabel(entry.source?.kind)
  const rate = rateText(entry.rate)
  return (
    <View className='entry-ready'>
      <View className='entry-head'>
        <Text className='entry-head__type entry-type'>{entryTypeLabel(entry.type)}</Text>
        <Text className={`entry-head__delta entry-delta entry-delta--${deltaTone(entry.delta)}`}>{formatDelta(entry.delta)}</Text>
        {entry.delta === 0 ? <Text className='entry-head__amount'>{entryTypeLabel(entry.type)} {entry.amount} 积分</Text> : null}
        <Text className='entry-head__time entry-time'>{formatShanghaiDateTime(entry.createdAt)}</Text>
      </View>

      <View className='entry-card'>
        <Field className='entry-source' label='来源' value={source} />
        {entry.campaignName ? <Field className='entry-campaign' label='活动' value={entry.campaignName} /> : null}
        {entry.reason ? <Field className='entry-reason' label='说明' value={entry.reason} /> : null}
        <Field className='entry-balance-after' label='变动后余额' value={`${entry.balanceAfter} 积分`} />
        {entry.heldAfter > 0 ? <Field className='entry-held-after' label='变动后冻结中' value={`${entry.heldAfter} 积分`} /> : null}
        {entry.debtRepaid ? <Field className='entry-debt-repaid' label='抵扣欠分' value={`${entry.debtRepaid} 积分`} /> : null}
        {entry.debtCreated ? <Field className='entry-debt-created' label='新增欠分' value={`${entry.debtCreated} 积分`} /> : null}
        {entry.debtAfter > 0 ? <Field className='entry-debt-after' label='变动后欠分' value={`${entry.debtAfter} 积分`} /> : null}
        {rate ? <Field className='entry-rate' label='兑换比例' value={rate} /> : null}
        {entry.ref ? (
          <Field
            className='entry-ref'
            label='关联记录'
            value='查看 ›'
            onTap={() => void Taro.navigateTo({ url: entryUrl(entry.ref) })}
          />
        ) : null}
      </View>

      {lots.length > 0 ? (
        <View className='entry-lots'>
          <Text className='section-title'>涉及的积分</Text>
          <View className='entry-card'>
            {lots.map(lot => (
              <View key={lot.id} className='entry-lot' data-id={lot.id}>
                <View className='entry-lot__main'>
                  <Text className='entry-lot__source'>
                    {sourceLabel(lot.source?.kind)}
                    {lot.campaignName ? ` · ${lot.campaignName}` : ''}
                  </Text>
                  <Text className='entry-lot__meta'>
                    {lot.issuedAt ? `发放于 ${formatShanghaiDateTime(lot.issuedAt)}` : '发放时间未知'}
                  </Text>
                  <Text className='entry-lot__meta entry-lot-valid'>
                    {lot.lastValidDay ? `有效期至 ${lot.lastValidDay}` : '有效期未知'}
                  </Text>
                </View>
                <Text className='entry-lot__points'>{lot.points} 积分</Text>
              </View>
            ))}
          </View>
        </View>
      ) : null}
    </View>
  )
}
