import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useEffect } from 'react'
import { useAsync } from '../../hooks/useAsync'
import * as earn from '../../services/earn'
import { describeError } from '../../services/errors'
import { useMember } from '../../store/member'
import { nextBonusText } from '../../utils/earn'
import './index.scss'

const SIGNIN_PAGE = '/packages/earn/signin/index'
const TASKS_PAGE = '/packages/earn/tasks/index'

// 首页's 每日签到 and 任务中心 card: today's sign-in state (and the next bonus) and the tasks still
// to do, each tapping through to its page. Re-read whenever 首页 shows again.
export default function EarnCard() {
  const member = useMember()
  const load = useAsync(earn.home)

  useEffect(() => {
    if (member.status === 'ready') void load.run()
  }, [member.status, member.generation])
  useDidShow(() => {
    if (member.status === 'ready' && load.data) void load.run()
  })

  const data = load.data
  const s = data?.signin
  return (
    <View className='earn-card'>
      <View className='earn-signin' onClick={() => void Taro.navigateTo({ url: SIGNIN_PAGE })}>
        <View className='earn-signin__mark'>
          <Text>签</Text>
        </View>
        <View className='earn-signin__text'>
          <Text className='earn-signin__title'>每日签到</Text>
          {!data && !load.error ? <Text className='earn-signin__desc'>加载中…</Text> : null}
          {load.error ? <Text className='earn-signin__desc earn-card-error'>{describeError(load.error)}，点此重试</Text> : null}
          {s && s.available && s.signedToday ? (
            <Text className='earn-signin__desc earn-signin-state'>今日已签到 · 连续 {s.streak} 天{nextBonusText(s.next) ? ` · ${nextBonusText(s.next)}` : ''}</Text>
          ) : null}
          {s && s.available && !s.signedToday ? (
            <Text className='earn-signin__desc earn-signin-state'>今日未签到 · 签到可得 {s.todayReward} 积分{s.streak ? ` · 已连续 ${s.streak} 天` : ''}</Text>
          ) : null}
          {s && !s.available ? <Text className='earn-signin__desc earn-signin-state'>签到活动暂未开始</Text> : null}
        </View>
        <Text className={`earn-signin__go ${s && s.available && !s.signedToday ? 'earn-signin__go--hot' : ''}`}>
          {s && s.available && !s.signedToday ? '去签到' : '查看 ›'}
        </Text>
      </View>
      <View className='earn-tasks' onClick={() => void Taro.navigateTo({ url: TASKS_PAGE })}>
        <View className='earn-tasks__head'>
          <Text className='earn-tasks__title'>任务中心</Text>
          <Text className='earn-tasks__count earn-tasks-todo'>{data ? (data.tasksToDo ? `${data.tasksToDo} 个任务待完成 ›` : '今日任务已完成 ›') : '›'}</Text>
        </View>
        {data?.tasks.map(t => (
          <View key={t.id} className='earn-tasks__row' data-task={t.id}>
            <Text className='earn-tasks__name'>{t.name}</Text>
            <Text className='earn-tasks__meta'>
              {t.state === 'done' ? '可领取' : `${t.progress}/${t.target}`} · +{t.points} 积分
            </Text>
          </View>
        ))}
      </View>
    </View>
  )
}
