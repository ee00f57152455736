import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 会员详情: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsMemberPage() {
  return (
    <OpsShell active='members' title='会员详情'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
