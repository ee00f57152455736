import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { Button } from '../../../components/nutui'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError, errorText } from '../../../services/errors'
import { closeAccount, closurePreview, type ClosurePreview } from '../../../services/privacy'
import { useMember } from '../../../store/member'
import '../privacy.scss'

// 注销账号: what closing does (a clear warning with the points that will be forfeited), why it is
// refused now (open orders, points under the 须清零 policy), a confirmation box, then the result.
// After closing, 完成 logs in again: the same WeChat account starts as a new member.
export default function ClosePage() {
  const member = useMember()
  const [preview, setPreview] = useState<ClosurePreview | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [checked, setChecked] = useState(false)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<{ forfeited: number } | null>(null)

  const load = () => {
    setError(null)
    setPreview(null)
    closurePreview().then(setPreview, setError)
  }
  useEffect(() => {
    if (member.status === 'ready' && !done) load()
  }, [member.status, member.generation])

  const submit = async () => {
    if (!preview || !checked || busy) return
    const ok = await Taro.showModal({ title: '确认注销', content: preview.forfeit > 0 ? `${preview.forfeit} 积分将作废，注销后无法恢复。` : '注销后无法恢复。', confirmText: '注销', cancelText: '再想想' })
    if (!ok.confirm) return
    setBusy(true)
    try {
      const r = await closeAccount(preview.forfeit)
      setDone({ forfeited: r.forfeited })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const finish = async () => {
    await member.reload()
    void Taro.switchTab({ url: '/pages/index/index' })
  }

  if (done) {
    return (
      <View className='page privacy-page privacy-close privacy-close--done'>
        <View className='privacy-card'>
          <Text className='privacy-card__title privacy-close__done'>账号已注销</Text>
          <Text className='privacy-text'>你的个人信息已删除{done.forfeited > 0 ? `，${done.forfeited} 积分已作废` : ''}。积分流水以匿名编号保留，仅用于对账。</Text>
          <Text className='privacy-text'>再次使用时将作为新会员重新开始。</Text>
        </View>
        <View className='privacy-actions'>
          <Button className='privacy-close__finish' type='primary' block onClick={() => void finish()}>
            完成
          </Button>
        </View>
      </View>
    )
  }
  if (error) return <ErrorView prefix='privacy-close' message={describeError(error)} onRetry={load} />
  if (!preview) return <LoadingView className='privacy-close-loading' rows={3} />
  return (
    <View className='page privacy-page privacy-close'>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>注销前请确认</Text>
        <Text className='privacy-text'>· 你的昵称、手机号、生日、收货地址、扫码记录中的身份将被删除，无法恢复。</Text>
        <Text className='privacy-text'>· 积分流水以匿名编号保留，仅用于品牌对账，无法再关联到你。</Text>
        <Text className='privacy-text'>· 注销后用同一微信再次进入，将作为新会员重新开始，原积分不会恢复。</Text>
      </View>
      <View className='privacy-card'>
        <Text className='privacy-card__title'>你的积分</Text>
        {preview.forfeit > 0 ? (
          <Text className='privacy-text privacy-warning privacy-close__forfeit'>
            {preview.policy === 'mustBeZero' ? `你还有 ${preview.forfeit} 积分，须先用完才能注销。` : `你还有 ${preview.forfeit} 积分，注销后将全部作废。`}
          </Text>
        ) : (
          <Text className='privacy-text privacy-close__forfeit'>当前没有可用积分。</Text>
        )}
      </View>
      {preview.blocked ? (
        <View className='privacy-card'>
          <Text className='privacy-text privacy-warning privacy-close__blocked'>{errorText(preview.blocked)}</Text>
        </View>
      ) : (
        <>
          <View className='privacy-check privacy-close__check privacy-actions' onClick={() => setChecked(!checked)}>
            <Text className={`privacy-check__box${checked ? ' privacy-check__box--on' : ''}`}>{checked ? '✓' : ''}</Text>
            <Text>我已阅读以上内容，确认注销</Text>
          </View>
          <View className='privacy-actions'>
            <Button className='privacy-close__submit' type='danger' block disabled={!checked || busy} loading={busy} onClick={() => void submit()}>
              注销账号
            </Button>
          </View>
        </>
      )}
    </View>
  )
}
