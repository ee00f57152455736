import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 订单履约: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsOrdersPage() {
  return (
    <OpsShell active='orders' title='订单履约'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
