import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 商品管理: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsItemsPage() {
  return (
    <OpsShell active='items' title='商品管理'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
