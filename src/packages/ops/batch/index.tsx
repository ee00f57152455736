import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 批次详情: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsBatchPage() {
  return (
    <OpsShell active='codes' title='批次详情'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
