// WeChat's subscribe-message prompt for the expiry reminder. The mini-program must ask from a tap
// (the first thing the handler does); H5 has no such prompt, so there opting in needs no question
// and the local cloud records the would-be message in its outbox instead of sending it.
import Taro from '@tarojs/taro'

export type SubscribeOutcome = 'accept' | 'reject' | 'ban' | 'filter' | 'fail'

/** Asks the member to allow one reminder message; 'accept' is the only outcome worth a credit. */
export async function askToSubscribe(templateId: string): Promise<SubscribeOutcome> {
  if (process.env.TARO_ENV === 'h5') return 'accept'
  try {
    // Taro's typing wants entityIds too (Alipay's field); WeChat takes tmplIds alone.
    const res = (await Taro.requestSubscribeMessage({ tmplIds: [templateId] } as Taro.requestSubscribeMessage.Option)) as Record<string, unknown>
    const answer = res?.[templateId]
    return answer === 'accept' || answer === 'reject' || answer === 'ban' || answer === 'filter' ? answer : 'fail'
  } catch {
    // fail: the member closed the panel, the template is unknown, or subscriptions are switched off.
    return 'fail'
  }
}
