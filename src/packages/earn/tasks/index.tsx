import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import EmptyState from '../../../components/EmptyState'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import * as earn from '../../../services/earn'
import { describeError } from '../../../services/errors'
import { useMember } from '../../../store/member'
import { claimToastText, groupTasks, isTabPage, progressPercent, taskRewardText } from '../../../utils/earn'
import { toast } from '../../../utils/toast'
import './index.scss'

// 任务中心: the live tasks grouped 新手 / 每日 / 每周 / 每月 with their progress (counted by the
// server from what it recorded), reward, 去完成 (to the page that does it), 领取, 已完成. Tasks
// paid automatically are paid when this page loads; the toast says how much.
export default function TasksPage() {
  const member = useMember()
  const load = useAsync(earn.tasks)
  const [claiming, setClaiming] = useState<string | null>(null)

  const run = async () => {
    const r = await load.run()
    const total = r?.paid.reduce((t, p) => t + p.points, 0) ?? 0
    if (total > 0) toast(`任务奖励已发放 +${total} 积分`)
    if (total > 0) void member.refresh().catch(() => undefined)
  }

  useEffect(() => {
    if (member.status === 'ready') void run()
  }, [member.status, member.generation])

  // Back from 去完成: the progress may have moved.
  useDidShow(() => {
    if (member.status === 'ready' && load.data) void run()
  })

  usePullDownRefresh(() => {
    void run().finally(() => Taro.stopPullDownRefresh())
  })

  const go = (t: earn.TaskItem) => {
    if (isTabPage(t.page)) void Taro.switchTab({ url: t.page })
    else void Taro.navigateTo({ url: t.page })
  }

  const claim = async (t: earn.TaskItem) => {
    if (claiming) return
    setClaiming(t.id)
    try {
      const r = await earn.claimTask(t.id)
      toast(claimToastText(r))
      void member.refresh().catch(() => undefined)
    } catch (err) {
      toast(describeError(err))
    } finally {
      setClaiming(null)
      void load.run()
    }
  }

  const loginError = member.status === 'error' ? member.error : null
  const items = load.data?.items

  return (
    <View className='page tasks-page'>
      {loginError ? <ErrorView prefix='tasks' message={describeError(loginError)} onRetry={() => void member.reload()} /> : null}
      {!loginError && !items && !load.error ? <LoadingView className='tasks-loading' rows={5} /> : null}
      {!loginError && !items && load.error ? <ErrorView prefix='tasks' message={describeError(load.error)} onRetry={() => void run()} /> : null}
      {items && items.length === 0 ? <EmptyState className='tasks-empty' title='暂无任务' description='新任务上线后会出现在这里' /> : null}
      {items && items.length > 0
        ? groupTasks(items).map(g => (
            <View key={g.group} className='tasks-group' data-group={g.group}>
              <Text className='section-title'>{g.group}任务</Text>
              <View className='tasks-card'>
                {g.items.map(t => (
                  <View key={t.id} className={`task-item task-item--${t.state}`} data-task={t.id}>
                    <View className='task-item__main'>
                      <Text className='task-item__name'>{t.name}</Text>
                      <Text className='task-item__reward'>{taskRewardText(t)}</Text>
                      <View className='task-item__bar'>
                        <View className='task-item__fill' style={{ width: `${progressPercent(t)}%` }} />
                      </View>
                      <Text className='task-item__progress'>
                        {t.eventLabel} {t.progress}/{t.target}
                        {t.claim === 'auto' && t.state !== 'claimed' ? ' · 完成后自动发放' : ''}
                      </Text>
                      {t.hint && t.state === 'todo' ? <Text className='task-item__hint'>{t.hint}</Text> : null}
                    </View>
                    {t.state === 'claimed' ? (
                      <Text className='task-item__done task-claimed'>已完成</Text>
                    ) : t.state === 'done' ? (
                      <Button className='task-claim' size='small' type='primary' loading={claiming === t.id} onClick={() => void claim(t)}>
                        领取
                      </Button>
                    ) : (
                      <Button className='task-go' size='small' type='primary' fill='outline' onClick={() => go(t)}>
                        去完成
                      </Button>
                    )}
                  </View>
                ))}
              </View>
            </View>
          ))
        : null}
      {items && items.length > 0 ? <Text className='tasks-note'>任务进度以系统记录为准；分享、关注不设奖励</Text> : null}
    </View>
  )
}
