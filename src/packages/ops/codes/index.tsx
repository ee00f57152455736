import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 一物一码: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsCodesPage() {
  return (
    <OpsShell active='codes' title='一物一码'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
