// The console's sections, in the order the side navigation shows them. Child pages (an item, a
// batch, a member) highlight their section.
export interface OpsSection {
  key: string
  label: string
  path: string
}

export const OPS_SECTIONS: readonly OpsSection[] = [
  { key: 'dashboard', label: '数据看板', path: '/packages/ops/dashboard/index' },
  { key: 'campaigns', label: '活动与规则', path: '/packages/ops/campaigns/index' },
  { key: 'rules', label: '积分规则', path: '/packages/ops/rules/index' },
  { key: 'codes', label: '一物一码', path: '/packages/ops/codes/index' },
  { key: 'lookup', label: '码查询', path: '/packages/ops/lookup/index' },
  { key: 'items', label: '商品管理', path: '/packages/ops/items/index' },
  { key: 'orders', label: '订单履约', path: '/packages/ops/orders/index' },
  { key: 'members', label: '会员', path: '/packages/ops/members/index' },
  { key: 'risk', label: '风控审核', path: '/packages/ops/risk/index' },
  { key: 'audit', label: '操作日志', path: '/packages/ops/audit/index' },
  { key: 'operators', label: '人员与权限', path: '/packages/ops/operators/index' }
]

export const OPS_HOME = OPS_SECTIONS[0].path
