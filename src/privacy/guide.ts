// 用户隐私保护指引: the one text of what the app collects and why. The app shows it (我的 → 隐私政策,
// and a link in every consent sheet); docs/privacy.md maps each item to the WeChat console's
// 用户隐私保护指引 form, which must say the same. Change both together.

/** What a consent sheet asks before, in WeChat's own vocabulary (the API that triggers it). */
export type PrivacyPurpose = 'location' | 'address' | 'clipboard' | 'phone'

export interface CollectedItem {
  purpose: PrivacyPurpose | null
  /** 收集的信息 */
  what: string
  /** 用途 (the console's 「用于…」 sentence) */
  why: string
  /** 保存多久 */
  kept: string
  /** If refused */
  ifRefused: string
}

export const GUIDE_TITLE = '积分运营用户隐私保护指引'
export const GUIDE_UPDATED = '2026-11-29'

export const COLLECTED: CollectedItem[] = [
  {
    purpose: 'location',
    what: '位置信息（扫码时一次性获取）',
    why: '核验扫码商品是否在其销售区域内（防窜货）',
    kept: '只保存所在省份；不保存经纬度。涉及窜货风险的记录保存 180 天后删除',
    ifRefused: '仍可扫码验真、领取积分，只是不做销售区域核验'
  },
  {
    purpose: 'address',
    what: '收货地址（姓名、手机号、地址）',
    why: '为兑换的实物商品发货',
    kept: '保存在你的订单中；订单完成 90 天后隐去姓名、手机号和详细地址',
    ifRefused: '可手动填写收货地址'
  },
  {
    purpose: 'phone',
    what: '手机号（你在「编辑资料」中自行填写）',
    why: '会员资料与售后联系',
    kept: '直到你修改、清除或注销账号',
    ifRefused: '不填写也可正常使用'
  },
  {
    purpose: null,
    what: '生日（你在「编辑资料」中自行填写，可不填）',
    why: '在你生日当天发放会员等级的生日礼遇积分',
    kept: '直到你注销账号；设置后不能修改',
    ifRefused: '不填写也可正常使用，只是没有生日礼遇'
  },
  {
    purpose: 'clipboard',
    what: '剪切板（仅运营人员导出订单时写入）',
    why: '把导出的订单表格复制出来',
    kept: '不保存',
    ifRefused: '无法复制导出内容，其他功能不受影响'
  },
  {
    purpose: null,
    what: '微信身份标识（OpenID）与积分、订单、扫码记录',
    why: '识别会员身份，记录积分的获得与使用',
    kept: '直到你注销账号；注销后积分流水以匿名编号保留以便对账',
    ifRefused: '这是使用会员积分服务的前提'
  }
]

export const RIGHTS: string[] = [
  '查看与导出：在「我的 → 导出我的数据」查看我们保存的你的资料、地址、积分明细、订单和扫码记录。',
  '更正：在「我的 → 编辑资料」修改昵称和手机号（生日设置后不能修改）。',
  '注销：在「我的 → 注销账号」注销。剩余积分将作废（或按品牌规则须先用完），个人信息删除，积分流水以匿名编号保留。',
  '撤回授权：在微信「右上角 … → 设置」中关闭位置等权限，不影响其他功能。'
]

export const PURPOSE_TEXT: Record<PrivacyPurpose, { title: string; body: string }> = {
  location: { title: '使用你的位置', body: '用于核验扫码商品的销售区域，只保存省份。不同意也可以继续扫码。' },
  address: { title: '使用你的收货地址', body: '用于为兑换的实物商品发货。不同意可以手动填写地址。' },
  phone: { title: '使用你的手机号', body: '用于会员资料与售后联系。不同意也可以正常使用。' },
  clipboard: { title: '使用剪切板', body: '用于复制导出的订单表格。' }
}
