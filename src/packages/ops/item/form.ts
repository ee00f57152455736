// The item editor's form as plain data: what the inputs hold (text), the item the server takes
// (numbers, fen, ISO instants), and the checks the server makes too, with the same Chinese messages
// (cloudfunctions/common/mall/fields.ts), so most mistakes are shown before anything is sent.
import type { ItemKind, ListingState } from '../../../services/mall'
import type { AdminItem, ItemForm } from '../../../services/ops-mall'

export interface Draft {
  title: string
  description: string
  category: string
  images: string[]
  kind: ItemKind
  points: string
  /** Yuan, as typed (12.50). */
  cash: string
  redPacket: string
  stock: string
  shards: string
  perMemberLimit: string
  perOrderMax: string
  /** Asia/Shanghai wall clock: YYYY-MM-DD and HH:mm ('' = no bound). */
  listDate: string
  listTime: string
  delistDate: string
  delistTime: string
  flashSale: boolean
  visible: boolean
  sortWeight: string
  tiers: string[]
}

export type Errors = Record<string, string>

export const EMPTY_DRAFT: Draft = {
  title: '',
  description: '',
  category: '',
  images: [],
  kind: 'physical',
  points: '',
  cash: '0',
  redPacket: '0',
  stock: '100',
  shards: '1',
  perMemberLimit: '0',
  perOrderMax: '5',
  listDate: '',
  listTime: '',
  delistDate: '',
  delistTime: '',
  flashSale: false,
  visible: true,
  sortWeight: '0',
  tiers: []
}

const HOUR8 = 8 * 3600_000
const pad = (n: number) => String(n).padStart(2, '0')

/** An instant → Shanghai date and time fields. */
export function splitInstant(iso: string | null): { date: string; time: string } {
  if (!iso) return { date: '', time: '' }
  const d = new Date(Date.parse(iso) + HOUR8)
  return { date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` }
}

/** Shanghai date and time → an ISO instant (no time = 00:00); '' date = null. */
export function joinInstant(date: string, time: string): string | null {
  if (!date) return null
  return new Date(`${date}T${time || '00:00'}:00+08:00`).toISOString()
}

/** Yuan as typed → fen, or null when it is not money (more than two decimals, a sign, letters). */
export function yuanToFen(text: string): number | null {
  const m = /^(\d{1,8})(?:\.(\d{0,2}))?$/.exec(text.trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}
export const fenToYuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2))

export function draftOf(item: AdminItem): Draft {
  const list = splitInstant(item.listAt)
  const delist = splitInstant(item.delistAt)
  return {
    title: item.title,
    description: item.description,
    category: item.category,
    images: item.images,
    kind: item.kind,
    points: String(item.points),
    cash: fenToYuan(item.cashFen),
    redPacket: fenToYuan(item.redPacketFen),
    stock: String(item.stockLeft),
    shards: '1',
    perMemberLimit: String(item.perMemberLimit),
    perOrderMax: String(item.perOrderMax),
    listDate: list.date,
    listTime: list.time,
    delistDate: delist.date,
    delistTime: delist.time,
    flashSale: item.flashSale,
    visible: item.visible ?? item.state !== 'hidden',
    sortWeight: String(item.sortWeight),
    tiers: item.tiers
  }
}

const int = (text: string) => (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : NaN)

/**
 * The draft checked and converted. `creating`: a new item (stock and shards are sent; a window that
 * has already ended is refused). Errors are keyed by the server's field names.
 */
export function checkDraft(d: Draft, opts: { creating: boolean; now: number }): { form: ItemForm; stock: number; shards: number; errors: Errors } {
  const e: Errors = {}
  const title = d.title.trim()
  if (!title) e.title = '标题：不能为空'
  else if ([...title].length > 40) e.title = '标题：不能超过 40 个字'
  else if (/[<>]/.test(title)) e.title = '标题：不能包含 < > 或控制字符'
  const category = d.category.trim()
  if (!category) e.category = '分类：不能为空'
  else if ([...category].length > 12) e.category = '分类：不能超过 12 个字'
  if ([...d.description].length > 2000) e.description = '描述：不能超过 2000 个字'
  else if (/[<>]/.test(d.description)) e.description = '描述：不能包含 < > 或控制字符'
  if (d.images.length > 9) e.images = '图片：最多 9 张'

  const points = int(d.points)
  if (!d.points.trim()) e.points = '积分：不能为空'
  else if (!Number.isInteger(points)) e.points = '积分：必须是整数'
  else if (points < 1) e.points = '积分：不能小于 1'
  else if (points > 10_000_000) e.points = '积分：不能超过 10,000,000'

  const cashFen = yuanToFen(d.cash || '0')
  if (cashFen === null) e.cashFen = /^\d+\.\d{3,}$/.test(d.cash.trim()) ? '现金：最多精确到分（两位小数）' : '现金：请填写金额，如 9.90'
  else if (cashFen > 10_000_000) e.cashFen = '现金：不能超过 100,000 元'
  const redPacketFen = d.kind === 'redPacket' ? yuanToFen(d.redPacket || '0') : 0
  if (d.kind === 'redPacket') {
    if (redPacketFen === null) e.redPacketFen = '红包金额：请填写金额，如 5.00'
    else if (redPacketFen <= 0) e.redPacketFen = '红包金额：红包商品需要填写金额'
    else if (redPacketFen > 20_000) e.redPacketFen = '红包金额：不能超过 200 元'
  }

  const whole = (key: string, label: string, text: string, min: number, max: number) => {
    const n = int(text)
    if (!text.trim()) e[key] = `${label}：不能为空`
    else if (!Number.isInteger(n)) e[key] = `${label}：必须是整数`
    else if (n < min) e[key] = min === 0 ? `${label}：不能为负数` : `${label}：不能小于 ${min}`
    else if (n > max) e[key] = `${label}：不能超过 ${max.toLocaleString('en-US')}`
    return n
  }
  const perMemberLimit = whole('perMemberLimit', '每人限兑', d.perMemberLimit, 0, 1000)
  const perOrderMax = whole('perOrderMax', '每单上限', d.perOrderMax, 1, 99)
  const sortWeight = whole('sortWeight', '排序权重', d.sortWeight, -1000, 1000)
  const virtual = d.kind === 'coupon' || d.kind === 'cardCode'
  let stock = 0
  let shards = 1
  if (opts.creating) {
    stock = virtual ? 0 : whole('stock', '库存', d.stock, 0, 10_000_000)
    shards = whole('shards', '库存分片', d.shards, 1, 64)
  }

  if (!d.listDate && d.listTime) e.listAt = '上架时间：请选择日期'
  if (!d.delistDate && d.delistTime) e.delistAt = '下架时间：请选择日期'
  const listAt = joinInstant(d.listDate, d.listTime)
  const delistAt = joinInstant(d.delistDate, d.delistTime)
  if (listAt && delistAt && Date.parse(delistAt) <= Date.parse(listAt)) e.delistAt = '下架时间：必须晚于上架时间'
  else if (opts.creating && delistAt && Date.parse(delistAt) <= opts.now) e.delistAt = '下架时间：不能早于现在'

  return {
    form: {
      title,
      images: d.images,
      description: d.description.trim(),
      category,
      kind: d.kind,
      points,
      cashFen: cashFen ?? 0,
      redPacketFen: redPacketFen ?? 0,
      perMemberLimit,
      perOrderMax,
      listAt,
      delistAt,
      flashSale: d.flashSale,
      sortWeight,
      visible: d.visible,
      tiers: d.tiers
    },
    stock,
    shards,
    errors: e
  }
}

/** The fields that differ from the stored item (an edit sends only those). */
export function changedFields(form: ItemForm, item: AdminItem): Partial<ItemForm> {
  const before: ItemForm = {
    title: item.title,
    images: item.images,
    description: item.description,
    category: item.category,
    kind: item.kind,
    points: item.points,
    cashFen: item.cashFen,
    redPacketFen: item.redPacketFen,
    perMemberLimit: item.perMemberLimit,
    perOrderMax: item.perOrderMax,
    listAt: item.listAt,
    delistAt: item.delistAt,
    flashSale: item.flashSale,
    sortWeight: item.sortWeight,
    visible: item.visible ?? item.state !== 'hidden',
    tiers: item.tiers
  }
  const out: Partial<ItemForm> = {}
  for (const k of Object.keys(form) as (keyof ItemForm)[]) {
    if (k === 'kind') continue
    const same = k === 'listAt' || k === 'delistAt' ? (form[k] ? Date.parse(form[k]!) : null) === (before[k] ? Date.parse(before[k]!) : null) : JSON.stringify(form[k]) === JSON.stringify(before[k])
    if (!same) (out as Record<string, unknown>)[k] = form[k]
  }
  return out
}

/** The listing state a shopper would see for the draft now (rules.ts · listingState). */
export function previewState(form: Pick<ItemForm, 'visible' | 'listAt' | 'delistAt'>, now: number): ListingState {
  if (!form.visible) return 'hidden'
  if (form.listAt && Date.parse(form.listAt) > now) return 'upcoming'
  if (form.delistAt && Date.parse(form.delistAt) <= now) return 'delisted'
  return 'onSale'
}
