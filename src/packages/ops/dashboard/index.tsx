import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 数据看板: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsDashboardPage() {
  return (
    <OpsShell active='dashboard' title='数据看板'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
