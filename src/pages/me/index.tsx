import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import MemberAvatar from '../../components/MemberAvatar'
import { Button, Cell } from '../../components/nutui'
import PersonaSwitch from '../../components/PersonaSwitch'
import PrivacyCells from '../../components/PrivacyCells'
import TierBadge from '../../components/TierBadge'
import { ErrorView, LoadingView } from '../../components/StatusViews'
import { describeError } from '../../services/errors'
import { useMember } from '../../store/member'
import { maskPhone } from '../../utils/profile'
import { toast } from '../../utils/toast'
import { availablePoints } from '../../utils/points'
import ProfileEditor from './ProfileEditor'
import './index.scss'

export default function MePage() {
  const { status, session, error, reload, refresh, setMember } = useMember()
  const [editing, setEditing] = useState(false)
  const openid = session?.member.openid

  // Another member (persona switch, re-login): drop any half-edited form.
  useEffect(() => setEditing(false), [openid])

  usePullDownRefresh(() => {
    const done = () => Taro.stopPullDownRefresh()
    if (status === 'ready') refresh().catch(err => toast(describeError(err))).finally(done)
    else reload().finally(done)
  })

  const go = (url: string) => () => void Taro.navigateTo({ url })

  return (
    <View className='page me'>
      {process.env.TARO_ENV === 'h5' ? <PersonaSwitch variant='block' /> : null}

      {status === 'loading' ? <LoadingView className='me-loading' rows={3} /> : null}

      {status === 'error' && error ? (
        <ErrorView prefix='me' message={describeError(error)} onRetry={() => void reload()} />
      ) : null}

      {status === 'ready' && session ? (
        <View className='me-ready'>
          <View className='me-profile'>
            <MemberAvatar className='me-avatar' member={session.member} />
            <View className='me-profile__text'>
              <Text className='me-nickname'>{session.member.nickname}</Text>
              <Text className={`me-phone${session.member.phone ? '' : ' me-phone--empty'}`}>
                {session.member.phone ? maskPhone(session.member.phone) : '未绑定手机号'}
              </Text>
            </View>
            {editing ? null : (
              <Button className='me-edit' size='small' fill='outline' onClick={() => setEditing(true)}>
                编辑资料
              </Button>
            )}
          </View>

          {editing ? (
            <ProfileEditor
              member={session.member}
              onCancel={() => setEditing(false)}
              onSaved={member => {
                setMember(member)
                setEditing(false)
                toast('资料已保存')
              }}
            />
          ) : null}

          <TierBadge className='me-tier' />
          <View className='me-cells'>
            <Cell
              className='me-points-entry'
              title='我的积分'
              extra={`可用 ${availablePoints(session.points)} ›`}
              onClick={go('/packages/points/ledger/index')}
            />
            {session.isOperator ? (
              <Cell className='me-ops-entry' title='运营后台' extra='数据看板 ›' onClick={go('/packages/ops/dashboard/index')} />
            ) : null}
            <PrivacyCells />
          </View>
        </View>
      ) : null}
    </View>
  )
}
