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
  accounts: '积分账户',
  riskCases: '风控事件',
  ledger: '积分流水'
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
  trackingNo: '运单号',
  // 会员 and 风控审核 (accounts, riskCases)
  balance: '余额',
  held: '冻结',
  debt: '欠分',
  earned: '累计获得',
  spent: '累计使用',
  expired: '累计过期',
  penalized: '累计扣罚',
  lots: '积分批次',
  nextExpiry: '最近到期',
  earnBlock: '暂停获取积分',
  actions: '处理记录',
  evidence: '证据',
  members: '涉及会员',
  facts: '证据数',
  lastAt: '最近发生',
  rev: '修订号'
}
