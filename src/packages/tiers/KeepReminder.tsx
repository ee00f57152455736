import { Text, View } from '@tarojs/components'
import { useRef } from 'react'
import { Button } from '../../components/nutui'
import { describeError } from '../../services/errors'
import { askToSubscribe } from '../../services/subscribe'
import * as tiers from '../../services/tiers'
import { newActionKey } from '../../utils/points'
import { toast } from '../../utils/toast'

// 保级提醒: one accepted subscription = one message, sent by the server shortly before the cycle ends
// when the member's growth is short of keeping the tier (docs/tiers.md#keep-reminder).
export default function KeepReminder({ templateId }: { templateId: string }) {
  // An accepted prompt not yet reported (a failed report is retried with the same key: counted once).
  const unreported = useRef<string | null>(null)
  const onTap = async () => {
    if (!unreported.current) {
      // WeChat shows the prompt only from a tap: ask before anything else awaits.
      const outcome = await askToSubscribe(templateId)
      if (outcome !== 'accept') {
        toast(outcome === 'reject' ? '已取消订阅' : '暂时无法订阅，请稍后再试')
        return
      }
      unreported.current = newActionKey('keep')
    }
    try {
      const r = await tiers.subscribeKeep(unreported.current, templateId)
      unreported.current = null
      toast(r.accepted ? `订阅成功，可提醒 ${r.credits} 次` : '暂时无法订阅，请稍后再试')
    } catch (err) {
      toast(describeError(err))
    }
  }
  return (
    <View className='tiers-keep'>
      <View className='tiers-keep__text'>
        <Text className='tiers-keep__title'>保级提醒</Text>
        <Text className='tiers-keep__hint'>周期结束前成长值不足保级时提醒你；每同意一次订阅，只能收到一次提醒</Text>
      </View>
      <Button className='tiers-keep-button' size='small' type='primary' fill='outline' onClick={() => void onTap()}>
        提醒我
      </Button>
    </View>
  )
}
