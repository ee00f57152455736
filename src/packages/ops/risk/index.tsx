import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 风控审核: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsRiskPage() {
  return (
    <OpsShell active='risk' title='风控审核'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
