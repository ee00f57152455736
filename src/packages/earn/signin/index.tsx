import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { useAsync } from '../../../hooks/useAsync'
import * as earn from '../../../services/earn'
import { describeError } from '../../../services/errors'
import { askToSubscribe } from '../../../services/subscribe'
import { useMember } from '../../../store/member'
import { DAY_STATE_LABEL, dayTitle, ladderRows, leadingBlanks, monthTitle, nextBonusText, rulesText, shiftMonth, WEEKDAYS } from '../../../utils/earn'
import { newActionKey } from '../../../utils/points'
import { toast } from '../../../utils/toast'
import './index.scss'

type Status = earn.SigninStatus

// 签到: today's reward and the next bonus, the month calendar (signed / made up / missed), make-up
// of a missed day with its cost, the reward ladder, the rules and the reminder opt-in. Every figure
// comes from the server (signinStatus); a sign-in's or make-up's answer carries the new status.
export default function SigninPage() {
  const member = useMember()
  const [month, setMonth] = useState<string | undefined>(undefined)
  const load = useAsync((m?: string) => earn.signinStatus(m))
  const [status, setStatus] = useState<Status | null>(null)
  const [busy, setBusy] = useState(false)
  const [celebrate, setCelebrate] = useState<{ points: number; why: string; validUntil: string | null } | null>(null)
  // What today's sign-in gave and until when (强告知 at the moment of earning); stays under the button.
  const [earned, setEarned] = useState<{ points: number; validUntil: string } | null>(null)
  const [picked, setPicked] = useState<string | null>(null)
  const unreported = useRef<string | null>(null)

  useEffect(() => {
    if (member.status === 'ready') void load.run(month)
  }, [member.status, member.generation, month])

  useEffect(() => {
    const d = load.data
    if (d && d.available) setStatus(d as Status)
  }, [load.data])

  usePullDownRefresh(() => {
    void load.run(month).finally(() => Taro.stopPullDownRefresh())
  })

  const apply = (s: earn.SigninResult['status']) => setStatus(prev => ({ ...(s as Status), templateId: prev?.templateId ?? '' }))

  const onSignIn = async () => {
    if (busy || !status || status.signedToday) return
    setBusy(true)
    try {
      const r = await earn.signIn(status.today)
      apply(r.status)
      setMonth(undefined)
      if (r.already) toast('今天已签到')
      else {
        setCelebrate({ points: r.points, why: r.why, validUntil: r.validUntil })
        if (r.validUntil) setEarned({ points: r.points, validUntil: r.validUntil })
        setTimeout(() => setCelebrate(null), 2200)
      }
      void member.refresh().catch(() => undefined)
    } catch (err) {
      toast(describeError(err))
      void load.run(month)
    } finally {
      setBusy(false)
    }
  }

  const onMakeUp = async (pay: 'points' | 'card') => {
    if (busy || !picked) return
    setBusy(true)
    try {
      const r = await earn.makeUp(picked, pay)
      apply(r.status)
      setPicked(null)
      // The answer's points are the net (reward − cost); say both.
      const cost = pay === 'card' ? 0 : status?.makeUp.costPoints ?? 0
      toast(`补签成功 · 得 ${r.points + cost} 积分${cost ? `，消耗 ${cost} 积分` : pay === 'card' ? '，用掉 1 张补签卡' : ''}`)
      void member.refresh().catch(() => undefined)
    } catch (err) {
      toast(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  const onRemind = async () => {
    if (!status) return
    if (!unreported.current) {
      // WeChat shows the prompt only from a tap: ask before anything else awaits.
      const outcome = await askToSubscribe(status.templateId)
      if (outcome !== 'accept') {
        toast(outcome === 'reject' ? '已取消订阅' : '暂时无法订阅，请稍后再试')
        return
      }
      unreported.current = newActionKey('signin')
    }
    try {
      const r = await earn.subscribeSignin(unreported.current, status.templateId)
      unreported.current = null
      toast(r.accepted ? `订阅成功，可提醒 ${r.credits} 次` : '暂时无法订阅，请稍后再试')
    } catch (err) {
      toast(describeError(err))
    }
  }

  const loginError = member.status === 'error' ? member.error : null
  const unavailable = load.data && !load.data.available

  return (
    <View className='page signin-page'>
      {loginError ? <ErrorView prefix='signin' message={describeError(loginError)} onRetry={() => void member.reload()} /> : null}
      {!loginError && !status && !unavailable && !load.error ? <LoadingView className='signin-loading' rows={5} /> : null}
      {!loginError && !status && load.error ? <ErrorView prefix='signin' message={describeError(load.error)} onRetry={() => void load.run(month)} /> : null}
      {!loginError && unavailable ? (
        <View className='signin-unavailable'>
          <Text className='signin-unavailable__title'>签到活动暂未开始</Text>
          <Text className='signin-unavailable__hint'>活动上线后即可每日签到领积分，先去做做任务吧</Text>
          <Button type='primary' size='small' onClick={() => void Taro.navigateTo({ url: '/packages/earn/tasks/index' })}>
            去任务中心
          </Button>
        </View>
      ) : null}

      {status ? (
        <View className='signin-ready'>
          <View className='signin-hero'>
            <View className='signin-hero__figures'>
              <View className='signin-figure'>
                <Text className='signin-figure__value signin-streak'>{status.streak}</Text>
                <Text className='signin-figure__label'>连续签到（天）</Text>
              </View>
              <View className='signin-figure'>
                <Text className='signin-figure__value signin-total'>{status.monthTotal}</Text>
                <Text className='signin-figure__label'>{monthTitle(status.month)}累计（天）</Text>
              </View>
            </View>
            <View className={`signin-button ${status.signedToday ? 'signin-button--done' : ''} ${busy ? 'signin-button--busy' : ''}`} onClick={() => void onSignIn()}>
              <Text className='signin-button__text'>{status.signedToday ? '今日已签到' : busy ? '签到中…' : `签到领 ${status.todayReward} 积分`}</Text>
            </View>
            {earned ? (
              <Text className='signin-valid'>
                今日 +{earned.points} 积分，积分有效期至 {earned.validUntil}
              </Text>
            ) : null}
            {nextBonusText(status.next) ? <Text className='signin-next'>{nextBonusText(status.next)}</Text> : null}
          </View>

          <View className='signin-card'>
            <View className='signin-month'>
              <Text className='signin-month__nav signin-month-prev' onClick={() => setMonth(shiftMonth(status.month, -1))}>
                ‹ 上月
              </Text>
              <Text className='signin-month__title'>{monthTitle(status.month)}</Text>
              <Text
                className={`signin-month__nav signin-month-next ${status.month >= status.today.slice(0, 7) ? 'signin-month__nav--off' : ''}`}
                onClick={() => (status.month < status.today.slice(0, 7) ? setMonth(shiftMonth(status.month, 1)) : undefined)}
              >
                下月 ›
              </Text>
            </View>
            <View className='signin-grid'>
              {WEEKDAYS.map(w => (
                <Text key={w} className='signin-grid__weekday'>
                  {w}
                </Text>
              ))}
              {Array.from({ length: leadingBlanks(status.month) }, (_, i) => (
                <View key={`b${i}`} className='signin-day signin-day--blank' />
              ))}
              {status.days.map(d => (
                <View
                  key={d.day}
                  className={`signin-day signin-day--${d.state} ${d.canMakeUp ? 'signin-day--makeup' : ''} ${d.day === status.today ? 'signin-day--is-today' : ''}`}
                  data-day={d.day}
                  data-state={d.state}
                  onClick={() => (d.canMakeUp ? setPicked(d.day) : undefined)}
                >
                  <Text className='signin-day__num'>{Number(d.day.slice(8))}</Text>
                  <Text className='signin-day__mark'>{d.canMakeUp ? '补签' : DAY_STATE_LABEL[d.state]}</Text>
                </View>
              ))}
            </View>
            <View className='signin-legend'>
              <Text className='signin-legend__item signin-legend__item--signed'>已签</Text>
              <Text className='signin-legend__item signin-legend__item--madeUp'>补签</Text>
              <Text className='signin-legend__item signin-legend__item--missed'>漏签</Text>
            </View>
            {status.makeUp.enabled ? (
              <Text className='signin-makeup-hint'>
                点击漏签日期可补签 · {status.makeUp.costPoints ? `每次 ${status.makeUp.costPoints} 积分` : '免费'} · 本月还可补签 {status.makeUp.left} 次
                {status.makeUp.cards ? ` · 补签卡 ${status.makeUp.cards} 张` : ''}
              </Text>
            ) : null}
          </View>

          <Text className='section-title'>奖励阶梯</Text>
          <View className='signin-card signin-ladder'>
            {ladderRows(status).map(r => (
              <View key={r.key} className='signin-ladder__row' data-key={r.key}>
                <Text className='signin-ladder__label'>{r.label}</Text>
                <Text className='signin-ladder__points'>+{r.points} 积分</Text>
              </View>
            ))}
          </View>

          <View className='signin-card signin-remind'>
            <View className='signin-remind__text'>
              <Text className='signin-remind__title'>签到提醒</Text>
              <Text className='signin-remind__hint'>每同意一次订阅，只能收到一次提醒；想每天被提醒，请每天订阅一次</Text>
            </View>
            <Button className='signin-remind-button' size='small' type='primary' fill='outline' onClick={() => void onRemind()}>
              提醒我签到
            </Button>
          </View>

          <Text className='section-title'>活动规则</Text>
          <View className='signin-card signin-rules'>
            {rulesText(status).map((r, i) => (
              <Text key={i} className='signin-rules__item'>
                {i + 1}. {r}
              </Text>
            ))}
          </View>
        </View>
      ) : null}

      {picked && status ? (
        <View className='signin-sheet-mask' onClick={() => setPicked(null)}>
          <View className='signin-sheet' onClick={e => e.stopPropagation()}>
            <Text className='signin-sheet__title'>补签 {dayTitle(picked)}</Text>
            <Text className='signin-sheet__text signin-makeup-cost'>
              {status.makeUp.costPoints ? `消耗 ${status.makeUp.costPoints} 积分` : '免费补签'}
              {status.makeUp.paysBase ? `，可得 ${status.basePoints} 积分` : ''}；补签后连续天数接上
            </Text>
            <Text className='signin-sheet__text'>本月还可补签 {status.makeUp.left} 次</Text>
            <View className='signin-sheet__actions'>
              <Button size='small' onClick={() => setPicked(null)}>
                取消
              </Button>
              {status.makeUp.cards > 0 ? (
                <Button size='small' type='primary' fill='outline' loading={busy} onClick={() => void onMakeUp('card')}>
                  用补签卡
                </Button>
              ) : null}
              <Button className='signin-makeup-confirm' size='small' type='primary' loading={busy} onClick={() => void onMakeUp('points')}>
                确认补签
              </Button>
            </View>
          </View>
        </View>
      ) : null}

      {celebrate ? (
        <View className='signin-success'>
          <View className='signin-success__burst'>
            <Text className='signin-success__points'>+{celebrate.points}</Text>
            <Text className='signin-success__title'>签到成功</Text>
            <Text className='signin-success__why'>{celebrate.why}</Text>
            {celebrate.validUntil ? <Text className='signin-success__why signin-success-valid'>积分有效期至 {celebrate.validUntil}</Text> : null}
          </View>
        </View>
      ) : null}
    </View>
  )
}
