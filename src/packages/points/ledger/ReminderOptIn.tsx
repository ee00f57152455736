import { Text, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { Button } from '../../../components/nutui'
import { describeError } from '../../../services/errors'
import * as points from '../../../services/points'
import { askToSubscribe, type SubscribeOutcome } from '../../../services/subscribe'
import { newActionKey } from '../../../utils/points'
import { toast } from '../../../utils/toast'

interface Props {
  templateId: string
  /** Reminder messages the member has allowed and not yet used. */
  credits: number
  onCredits: (credits: number) => void
}

const REFUSED_TEXT: Record<Exclude<SubscribeOutcome, 'accept'>, string> = {
  reject: '已取消订阅',
  ban: '订阅消息已关闭，可在小程序设置中开启',
  filter: '暂时无法订阅，请稍后再试',
  fail: '暂时无法订阅，请稍后再试'
}

// 订阅过期提醒: each accepted WeChat prompt allows one reminder message. The server counts an
// acceptance by the key we make for it, so when reporting fails the next tap re-sends the same key
// (without asking WeChat again) and a retried report never counts twice.
export default function ReminderOptIn({ templateId, credits, onCredits }: Props) {
  const [busy, setBusy] = useState(false)
  const unreported = useRef<string | null>(null)
  const [reportFailed, setReportFailed] = useState(false)

  const report = async (key: string) => {
    setBusy(true)
    try {
      const res = await points.subscribeReminders({ key, templateId })
      unreported.current = null
      setReportFailed(false)
      if (!res.accepted) {
        toast('暂时无法订阅，请稍后再试')
        return
      }
      onCredits(res.credits)
      toast('订阅成功，积分过期前会提醒你')
    } catch (err) {
      setReportFailed(true)
      toast(describeError(err))
    } finally {
      setBusy(false)
    }
  }

  const onTap = async () => {
    if (busy) return
    if (unreported.current) return report(unreported.current)
    // WeChat only shows the prompt from a tap: ask before anything else awaits.
    const outcome = await askToSubscribe(templateId)
    if (outcome !== 'accept') {
      toast(REFUSED_TEXT[outcome])
      return
    }
    unreported.current = newActionKey('sub')
    await report(unreported.current)
  }

  return (
    <View className='points-optin'>
      <View className='points-optin__text'>
        <Text className='points-optin__title'>积分过期前提醒我</Text>
        <Text className='points-optin__credits points-subscribe-credits'>剩余提醒 {credits} 次 · 每订阅一次可提醒一次</Text>
      </View>
      <Button className='points-subscribe' size='small' type='primary' fill='outline' loading={busy} onClick={() => void onTap()}>
        {reportFailed ? '重新提交' : '订阅过期提醒'}
      </Button>
    </View>
  )
}
