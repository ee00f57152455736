// The one map from error code to the Chinese text the UI shows. The server's closed list lives in
// cloudfunctions/common/errors.ts; NETWORK and BAD_RESPONSE are the client's own (the call never got
// a well-formed answer). Add a code there and here, or not at all.

export const ERROR_TEXT = {
  BAD_REQUEST: '请求参数有误',
  UNKNOWN_ACTION: '不支持的操作',
  FORBIDDEN: '没有权限',
  NOT_FOUND: '内容不存在',
  UNAUTHENTICATED: '请先登录',
  CONFLICT: '操作冲突，请重试',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  INTERNAL: '服务器开小差了，请稍后再试',
  INVALID_FIELD: '填写的内容有误，请检查后再提交',
  TEXT_TOO_LONG: '填写的内容超过字数上限，请删减后再提交',
  // The ledger's (docs/ledger.md)
  INSUFFICIENT_POINTS: '积分不足',
  IDEMPOTENCY_MISMATCH: '重复的请求内容不一致，请刷新后重试',
  BUDGET_EXHAUSTED: '本次活动积分已发完',
  HOLD_NOT_OPEN: '该笔冻结积分已处理',
  HOLD_EXPIRED: '冻结的积分已超时，请重新操作',
  NOT_REVERSIBLE: '该笔积分不能撤销',
  // One-item-one-code's (docs/codes.md)
  CODE_EMPTY: '请输入防伪码',
  CODE_TOO_LONG: '防伪码位数过多，请核对后重试',
  CODE_MALFORMED: '这不是有效的防伪码，请核对后重试',
  CODE_FORGED: '防伪码校验失败，谨防假冒',
  CODE_UNKNOWN_KEY: '无法识别的防伪码，谨防假冒',
  CODE_UNKNOWN: '查无此码，谨防假冒',
  CODE_INACTIVE: '该码尚未激活，请稍后再试',
  CODE_VOID: '该码已作废',
  SCAN_LOCKED: '校验失败次数过多，请稍后再试',
  LOCATION_INVALID: '位置信息无效',
  BATCH_SIZE_INVALID: '批次数量须为 1 至 1,000,000',
  BATCH_STATE: '批次当前状态不允许此操作',
  // The mall's (docs/mall.md)
  ITEM_UNAVAILABLE: '该商品已下架或不可兑换',
  ITEM_NOT_STARTED: '该商品尚未开始兑换',
  SOLD_OUT: '已兑完，下次早点来',
  LIMIT_EXCEEDED: '已达到每人限兑数量',
  ADDRESS_INVALID: '收货地址不完整或有误',
  ADDRESS_REGION_UNKNOWN: '所在地区不存在，请从列表中重新选择省、市、区',
  ORDER_STATE: '订单当前状态不能进行此操作',
  ORDER_EXPIRED: '订单已超时关闭',
  STEP_MISMATCH: '抵扣积分须为规定步长的整数倍',
  DEDUCTION_TOO_LARGE: '抵扣积分超过本单上限',
  // Sign-in and tasks (docs/earn.md)
  SIGNIN_UNAVAILABLE: '签到活动未开始或已结束',
  SIGNIN_NOT_TODAY: '日期已变更，请刷新后再签到',
  MAKEUP_DISABLED: '本活动不支持补签',
  MAKEUP_NOT_PAST: '只能补签今天以前的日期',
  MAKEUP_BEFORE_JOIN: '不能补签注册之前的日期',
  MAKEUP_OUT_OF_WINDOW: '这一天已超出可补签的范围',
  MAKEUP_DAY_SIGNED: '这一天已签到',
  MAKEUP_LIMIT: '本月补签次数已用完',
  MAKEUP_NO_CARD: '没有补签卡',
  TASK_NOT_COMPLETED: '任务还未完成',
  TASK_CLAIMED: '该任务奖励已领取',
  POOL_INVALID: '玩法设置不符合规定，请按提示修改',
  POOL_NOT_PUBLISHED: '活动尚未发布',
  POOL_NOT_STARTED: '活动尚未开始',
  POOL_ENDED: '活动已结束',
  NO_FREE_PLAYS: '今日免费次数已用完',
  NO_GRANTED_PLAYS: '没有可用的抽奖机会',
  POOL_AUDIENCE: '本活动仅限部分会员等级参与',
  SET_INCOMPLETE: '还没有集齐，继续加油',
  CARD_NOT_HELD: '您没有这张卡',
  CARD_TO_SELF: '不能领取自己送出的卡',
  ACCOUNT_CLOSED: '该账号已注销',
  ORDERS_OPEN: '还有未完成的订单或冻结中的积分，请处理完再注销',
  POINTS_NOT_ZERO: '积分余额须为 0 才能注销，请先使用完积分',
  // The brand's orders earning points (docs/orders.md)
  ORDER_ITEM_UNKNOWN: '退款商品不在该订单中',
  REFUND_TOO_LARGE: '退款金额超过该订单实付金额',
  // Tier benefits (docs/tiers.md)
  BIRTHDAY_LOCKED: '生日设置后不能修改',
  TIER_ONLY_ITEM: '该商品为指定会员等级专享',
  EARN_BLOCKED: '该账号暂停获取积分，如有疑问请联系客服',
  RISK_CASE_STATE: '该风控事件当前状态不能进行此操作',
  // The client's own: the call never got a well-formed answer.
  NETWORK: '网络异常，请检查网络后重试',
  BAD_RESPONSE: '服务返回异常'
} as const

export type ErrorCode = keyof typeof ERROR_TEXT

export const ERROR_CODES = Object.keys(ERROR_TEXT) as ErrorCode[]

/** Shown for a code outside the closed list (a newer server, a typo). */
export const GENERIC_ERROR_TEXT = '出错了，请稍后再试'

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TEXT, code)
}

export function errorText(code: string): string {
  return isErrorCode(code) ? ERROR_TEXT[code] : GENERIC_ERROR_TEXT
}

/**
 * What callCloud throws. `message` is always the Chinese text for `code`; `serverMessage` is what
 * the server (or the transport) said, kept for logs and for field-level hints.
 */
export class CloudError extends Error {
  readonly code: string
  readonly serverMessage: string
  /** INVALID_FIELD: the input field the message is about (a console form shows it there). */
  readonly field?: string

  constructor(code: string, serverMessage = '', field?: string) {
    super(errorText(code))
    // Transpiled subclasses of Error lose their prototype; restore it so instanceof works.
    Object.setPrototypeOf(this, CloudError.prototype)
    this.name = 'CloudError'
    this.code = code
    this.serverMessage = serverMessage
    if (field) this.field = field
  }
}

export function isCloudError(err: unknown): err is CloudError {
  return err instanceof CloudError ||
    (!!err && typeof err === 'object' && (err as { name?: unknown }).name === 'CloudError' &&
      typeof (err as { code?: unknown }).code === 'string')
}

const HAN = /[\u4e00-\u9fff]/

/**
 * The text to show for any thrown value. A server message already written in Chinese (e.g. a
 * BAD_REQUEST naming the field) is more specific than the code's text, so it wins.
 */
export function describeError(err: unknown): string {
  if (isCloudError(err)) {
    return err.serverMessage && HAN.test(err.serverMessage) ? err.serverMessage : err.message
  }
  return GENERIC_ERROR_TEXT
}
