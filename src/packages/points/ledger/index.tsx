import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import BalanceCard from '../../../components/BalanceCard'
import EmptyState from '../../../components/EmptyState'
import PendingPoints from '../../../components/PendingPoints'
import { Button, Loading } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import { usePagedList } from '../../../hooks/usePagedList'
import { describeError } from '../../../services/errors'
import * as points from '../../../services/points'
import type { LedgerEntry, PointsSummaryResult } from '../../../services/types'
import { useMember } from '../../../store/member'
import {
  deltaTone,
  entryTypeLabel,
  EXPIRING_SOON_DAYS,
  entryUrl,
  filterTypes,
  formatDelta,
  formatFen,
  HISTORY_FILTERS,
  reminderNotices,
  sourceLabel,
  splitExpiring,
  type HistoryFilter
} from '../../../utils/points'
import { formatShanghaiDateTime, shanghaiToday } from '../../../utils/time'
import ReminderOptIn from './ReminderOptIn'
import './index.scss'

// 我的积分: the balance and what it is worth, what expires when, the expiry-reminder opt-in, and
// 积分明细 (filterable, paged by the server's cursor as the member scrolls). The summary and the
// list load independently: one failing leaves the other on screen with its own 重试.
export default function PointsPage() {
  const member = useMember()
  const overview = useAsync(points.summary)
  const [filter, setFilter] = useState<HistoryFilter>('all')
  // Credits as last reported by subscribeReminders, until the summary is read again.
  const [credits, setCredits] = useState<number | null>(null)
  useEffect(() => setCredits(null), [overview.data])
  // Read by the fetch itself, so a tab change can reload at once (before React re-renders).
  const filterRef = useRef(filter)
  const list = usePagedList<LedgerEntry>(cursor =>
    points.history({ cursor, types: filterTypes(filterRef.current), limit: points.HISTORY_PAGE_SIZE })
  )

  // Everything again whenever the signed-in member changes (H5 persona switch, re-login).
  useEffect(() => {
    overview.reset()
    list.reset()
    if (member.status === 'ready') {
      void overview.run()
      void list.reload()
    }
  }, [member.status, member.generation])

  const chooseFilter = (next: HistoryFilter) => {
    if (next === filterRef.current) return
    filterRef.current = next
    setFilter(next)
    void list.reload()
  }

  useReachBottom(() => {
    if (!list.error) void list.loadMore()
  })

  usePullDownRefresh(() => {
    const done = () => Taro.stopPullDownRefresh()
    if (member.status !== 'ready') {
      member.reload().finally(done)
      return
    }
    Promise.all([overview.run(), list.reload(true)]).finally(done)
  })

  const loginError = member.status === 'error' ? member.error : null
  const summary = overview.data

  return (
    <View className='page points-page'>
      {loginError ? <ErrorView prefix='points' message={describeError(loginError)} onRetry={() => void member.reload()} /> : null}

      {!loginError && !summary && (member.status === 'loading' || overview.loading || !overview.error) ? (
        <LoadingView className='points-loading' rows={3} />
      ) : null}
      {!loginError && !summary && !overview.loading && overview.error ? (
        <ErrorView prefix='points' message={describeError(overview.error)} onRetry={() => void overview.run()} />
      ) : null}

      {summary ? (
        <View className='points-summary'>
          <BalanceCard
            points={summary}
            valueClassName='points-balance'
            valueSuffix={<Text className='balance-card__worth points-value'>≈ ¥{formatFen(summary.valueFen)}</Text>}
          >
            {summary.debt > 0 ? <Text className='balance-card__note points-debt-note'>欠分会用今后获得的积分优先抵扣</Text> : null}
          </BalanceCard>

          {reminderNotices(summary.reminders).map(n => (
            <View key={n.day} className='points-reminder' data-day={n.day}>
              <Text className='points-reminder__mark'>!</Text>
              <Text className='points-reminder__text'>{n.text}</Text>
            </View>
          ))}

          <PendingPoints />
          <Text className='section-title'>即将过期</Text>
          <View className='points-card'>
            <ExpiringList expiring={summary.expiring} />
            <ReminderOptIn templateId={summary.reminderTemplateId} credits={credits ?? summary.reminderCredits} onCredits={setCredits} />
          </View>
        </View>
      ) : null}

      {member.status === 'ready' ? (
        <View className='points-history'>
          <Text className='section-title'>积分明细</Text>
          <View className='points-filters'>
            {HISTORY_FILTERS.map(f => (
              <View
                key={f.key}
                className={`points-filter points-filter--${f.key}${f.key === filter ? ' points-filter--active' : ''}`}
                onClick={() => chooseFilter(f.key)}
              >
                <Text>{f.label}</Text>
              </View>
            ))}
          </View>

          {!list.loaded && list.loading ? <LoadingView className='points-list-loading' rows={5} /> : null}
          {!list.loaded && !list.loading && list.error ? (
            <ErrorView prefix='points-list' message={describeError(list.error)} onRetry={() => void list.reload()} />
          ) : null}
          {list.loaded && list.items.length === 0 ? <EmptyState className='points-empty' description='暂无积分记录' /> : null}

          {list.items.length > 0 ? (
            <View className='points-card points-list'>
              {list.items.map(e => (
                <EntryRow key={e.id} entry={e} />
              ))}
            </View>
          ) : null}

          {list.loaded && list.items.length > 0 ? (
            <View className='points-footer'>
              {list.loading ? (
                <Loading className='points-loading-more'>加载中…</Loading>
              ) : list.error ? (
                <View className='points-more-error'>
                  <Text className='points-more-error__text'>{describeError(list.error)}</Text>
                  <Button className='points-more-retry' size='small' onClick={() => void list.loadMore()}>
                    重试
                  </Button>
                </View>
              ) : list.nextCursor ? (
                // Scrolling loads it; tapping is for a page too short to scroll. The keys make React
                // swap the elements: Taro's mini-program runtime fails when an update removes a
                // Text's only event listener (it looks for a template it did not generate).
                <Text key='more' className='points-load-more' onClick={() => void list.loadMore()}>上拉加载更多</Text>
              ) : (
                <Text key='end' className='points-no-more'>没有更多了</Text>
              )}
            </View>
          ) : null}
        </View>
      ) : null}
    </View>
  )
}

/** 即将过期: within 90 days with "N 天后过期"; every later date behind 全部有效期. */
function ExpiringList({ expiring }: { expiring: PointsSummaryResult['expiring'] }) {
  const [all, setAll] = useState(false)
  const { soon, later } = splitExpiring(expiring, shanghaiToday())
  const rows = all ? [...soon, ...later] : soon
  return (
    <View className='points-expiring'>
      {soon.length === 0 ? <Text className='points-expiring-empty'>{EXPIRING_SOON_DAYS} 天内没有将要过期的积分</Text> : null}
      {rows.map(e => (
        <View key={e.day} className={`points-expiring-item${e.daysLeft > EXPIRING_SOON_DAYS ? ' points-expiring-item--later' : ''}`} data-day={e.day}>
          <View className='points-expiring-item__when'>
            <Text className='points-expiring-item__day'>有效期至 {e.day}</Text>
            <Text className='points-expiring-item__left'>{e.text}</Text>
          </View>
          <Text className='points-expiring-item__points'>{e.points} 积分</Text>
        </View>
      ))}
      {later.length > 0 ? (
        <View className='points-expiring-all' onClick={() => setAll(!all)}>
          <Text>{all ? '收起' : `全部有效期（还有 ${later.length} 个日期）`}</Text>
        </View>
      ) : null}
    </View>
  )
}

function EntryRow({ entry }: { entry: LedgerEntry }) {
  const tone = deltaTone(entry.delta)
  return (
    <View className='points-row' data-id={entry.id} onClick={() => void Taro.navigateTo({ url: entryUrl(entry.id) })}>
      <View className='points-row__main'>
        <Text className='points-row__title'>
          {entryTypeLabel(entry.type)}
          {entry.delta === 0 ? ` ${entry.amount} 积分` : ''} · {sourceLabel(entry.source?.kind)}
        </Text>
        <Text className='points-row__meta'>
          {formatShanghaiDateTime(entry.createdAt)}
          {entry.reason ? ` · ${entry.reason}` : ''}
        </Text>
      </View>
      <View className='points-row__side'>
        <Text className={`points-row__delta points-row-delta points-row-delta--${tone}`}>{formatDelta(entry.delta)}</Text>
        <Text className='points-row__after'>余额 {entry.balanceAfter}</Text>
      </View>
    </View>
  )
}
