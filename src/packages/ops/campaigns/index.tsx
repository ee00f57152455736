import EmptyState from '../../../components/EmptyState'
import OpsShell from '../shell/OpsShell'

// 运营后台 · 活动与规则: the frame's placeholder, replaced by the page's own work (issue 13).
export default function OpsCampaignsPage() {
  return (
    <OpsShell active='campaigns' title='活动与规则'>
      <EmptyState className='ops-placeholder' description='此页面正在建设中' />
    </OpsShell>
  )
}
