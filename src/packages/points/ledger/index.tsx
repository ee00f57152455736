import { View } from '@tarojs/components'
import BalanceCard from '../../../components/BalanceCard'
import EmptyState from '../../../components/EmptyState'
import { ErrorView, LoadingView } from '../../../components/StatusViews'
import { describeError } from '../../../services/errors'
import { useMember } from '../../../store/member'
import './index.scss'

// 积分明细: the balance now; the entries list arrives with the ledger (points function). Until then
// there is nothing to list, so the page says so instead of inventing rows.
export default function LedgerPage() {
  const { status, session, error, reload } = useMember()
  return (
    <View className='page ledger'>
      {status === 'loading' ? <LoadingView className='ledger-loading' rows={3} /> : null}
      {status === 'error' && error ? (
        <ErrorView prefix='ledger' message={describeError(error)} onRetry={() => void reload()} />
      ) : null}
      {status === 'ready' && session ? (
        <View className='ledger-ready'>
          <BalanceCard points={session.points} valueClassName='ledger-balance' />
          <EmptyState className='ledger-empty' description='暂无积分记录' />
        </View>
      ) : null}
    </View>
  )
}
