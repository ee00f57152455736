// Console words shared by its pages.

/** An OPENID as the console shows it: enough to tell people apart, not the raw id. */
export const shortId = (id: string): string => (id.length > 12 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id)

/** What the audit calls a collection it recorded a change to. */
export const COLLECTION_LABEL: Record<string, string> = {
  campaigns: '活动',
  mallItems: '商品',
  mallOrders: '商城订单',
  codeBatches: '码批次',
  tierSchemes: '等级方案',
  admins: '运营人员',
  accounts: '积分账户'
}

/** Field names the audit's before / after shows in Chinese (others as stored). */
export const FIELD_LABEL: Record<string, string> = {
  status: '状态',
  name: '名称',
  title: '标题',
  role: '角色',
  disabled: '停用',
  version: '版本',
  draft: '草稿版本',
  rule: '规则',
  caps: '上限',
  window: '时间',
  budget: '预算',
  expiry: '有效期',
  points: '积分',
  cash: '现金',
  stock: '库存',
  provinces: '销售区域',
  publishedAt: '发布时间',
  updatedAt: '更新时间',
  createdAt: '创建时间',
  endedAt: '结束时间',
  reason: '原因',
  company: '快递公司',
  trackingNo: '运单号'
}
