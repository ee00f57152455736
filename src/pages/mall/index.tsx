import { Text, View } from '@tarojs/components'
import EmptyState from '../../components/EmptyState'
import { ErrorView, LoadingView } from '../../components/StatusViews'
import { describeError } from '../../services/errors'
import { useMember } from '../../store/member'
import './index.scss'

// The mall's items and redemption arrive with the `mall` function; until then the page shows the
// spendable balance and an honest empty state.
export default function MallPage() {
  const { status, session, error, reload } = useMember()

  return (
    <View className='page mall'>
      {status === 'loading' ? <LoadingView className='mall-loading' rows={2} /> : null}
      {status === 'error' && error ? (
        <ErrorView prefix='mall' message={describeError(error)} onRetry={() => void reload()} />
      ) : null}
      {status === 'ready' && session ? (
        <View className='mall-ready'>
          <View className='mall-balance-bar'>
            <Text className='mall-balance-bar__label'>可用积分</Text>
            <Text className='mall-balance-bar__value mall-balance'>{session.points.balance}</Text>
          </View>
          <EmptyState className='mall-empty' title='暂无可兑换的商品' description='上新后会第一时间出现在这里' />
        </View>
      ) : null}
    </View>
  )
}
