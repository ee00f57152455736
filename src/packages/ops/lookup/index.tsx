import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 码查询: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsLookupPage() {
  return (
    <OpsShell active='lookup' title='码查询'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
