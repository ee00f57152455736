import Taro from '@tarojs/taro'
import { callCloud } from './cloud'
import type { ItemKind, ListingState, MallItem, MallOrder, OrderStatus } from './mall'

// The console's mall (商品管理, 商品编辑, 订单履约): the mall function's operator actions
// (docs/mall.md, docs/api.md). The server checks every field again and answers INVALID_FIELD
// `字段名：原因`, which the form places next to the field.
const FN = 'mall'

export const ADMIN_ITEMS_PAGE_SIZE = 20
export const ADMIN_ORDERS_PAGE_SIZE = 10

export interface AdminItem extends MallItem {
  /** Not in the view: state 'hidden' is visible = false. */
  visible?: boolean
  redPacketFen: number
  sortWeight: number
  tiers: string[]
}

/** What the editor sends (times as ISO instants or null; money in fen). */
export interface ItemForm {
  title: string
  images: string[]
  description: string
  category: string
  kind: ItemKind
  points: number
  cashFen: number
  redPacketFen: number
  perMemberLimit: number
  perOrderMax: number
  listAt: string | null
  delistAt: string | null
  flashSale: boolean
  sortWeight: number
  visible: boolean
  tiers: string[]
}

export const KIND_LABEL: Record<ItemKind, string> = { physical: '实物', coupon: '优惠券', cardCode: '卡密', redPacket: '红包' }
export const STATE_LABEL: Record<ListingState, string> = { onSale: '在售', upcoming: '待上架', delisted: '已下架', hidden: '不展示' }

export function adminItems(input: { q?: string; state?: ListingState; category?: string; cursor?: string } = {}): Promise<{ items: AdminItem[]; nextCursor: string | null; serverNow: string }> {
  const event: { action: string; [k: string]: unknown } = { action: 'adminItems', limit: ADMIN_ITEMS_PAGE_SIZE }
  for (const k of ['q', 'state', 'category', 'cursor'] as const) if (input[k]) event[k] = input[k]
  return callCloud(FN, event)
}

export const adminItem = (id: string): Promise<{ item: AdminItem; serverNow: string }> => callCloud(FN, { action: 'adminItem', id })

export const createItem = (form: ItemForm, stock: number, shards: number): Promise<AdminItem> =>
  callCloud(FN, { action: 'createItem', ...form, stock, shards })

export const updateItem = (id: string, changes: Partial<ItemForm>): Promise<AdminItem> => callCloud(FN, { action: 'updateItem', id, changes })

export const addStock = (id: string, units: number): Promise<AdminItem> => callCloud(FN, { action: 'addStock', id, units })

export const addCodes = (id: string, codes: string[]): Promise<{ added: number; duplicates: number; item: AdminItem }> =>
  callCloud(FN, { action: 'addCodes', id, codes })

/** Card codes from a paste or a file: one a line, or separated by commas, semicolons or blanks. */
export const splitCodes = (text: string): string[] => text.split(/[\s,;，；]+/).map(c => c.trim()).filter(Boolean)

// Pictures: the server reads the kind from the bytes and refuses anything else; the page checks the
// size first so a huge file is not sent at all.
export const MAX_IMAGE_BYTES = 512 * 1024
const CHUNK = 10_000

export function imageSizeProblem(bytes: number): string | null {
  if (!bytes) return '图片：文件是空的'
  if (bytes > MAX_IMAGE_BYTES) {
    const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`
    return `图片：不能超过 512 KB（这个文件 ${size}），请压缩后再上传`
  }
  return null
}

function toBase64(bytes: Uint8Array): string {
  if (process.env.TARO_ENV !== 'h5') return Taro.arrayBufferToBase64(bytes.buffer as ArrayBuffer)
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(bin)
}

/** H5: the browser's file dialog (the bytes as they are: the server decides what they are). */
function pickInBrowser(accept: string): Promise<File | null> {
  return new Promise(resolve => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = accept
    input.style.display = 'none'
    document.body.appendChild(input)
    input.onchange = () => {
      input.remove()
      resolve(input.files?.[0] ?? null)
    }
    input.addEventListener('cancel', () => {
      input.remove()
      resolve(null)
    })
    input.click()
  })
}

/**
 * A picture the operator picks: weapp → Taro.chooseImage (compressed) and the file's bytes; H5 → the
 * browser's dialog. Null when cancelled. `size` comes first so a huge file is refused unread.
 */
export async function pickImage(): Promise<{ size: number; read: () => Promise<Uint8Array> } | null> {
  if (process.env.TARO_ENV === 'h5') {
    const file = await pickInBrowser('image/*')
    return file ? { size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) } : null
  }
  try {
    const r = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    const f = r.tempFiles?.[0]
    if (!f) return null
    return { size: f.size, read: async () => new Uint8Array(Taro.getFileSystemManager().readFileSync(f.path) as ArrayBuffer) }
  } catch {
    return null // cancelled
  }
}

export async function uploadImage(bytes: Uint8Array): Promise<{ fileID: string; bytes: number; type: string }> {
  const text = toBase64(bytes)
  const data: string[] = []
  for (let i = 0; i < text.length; i += CHUNK) data.push(text.slice(i, i + CHUNK))
  return callCloud(FN, { action: 'uploadImage', data })
}

// Orders (订单履约)

export interface AdminOrder extends MallOrder {
  member: string
}

export function adminOrders(input: { status?: OrderStatus; cursor?: string } = {}): Promise<{ items: AdminOrder[]; nextCursor: string | null }> {
  const event: { action: string; [field: string]: unknown } = { action: 'adminOrders', limit: ADMIN_ORDERS_PAGE_SIZE }
  if (input.status) event.status = input.status
  if (input.cursor) event.cursor = input.cursor
  return callCloud(FN, event)
}

export const ship = (id: string, company: string, trackingNo: string): Promise<{ order: AdminOrder }> => callCloud(FN, { action: 'ship', id, company, trackingNo })
export const complete = (id: string): Promise<{ order: AdminOrder }> => callCloud(FN, { action: 'complete', id })
export const adminCancel = (id: string, reason: string): Promise<{ order: AdminOrder }> => callCloud(FN, { action: 'adminCancel', id, reason })
export const exportOrders = (status?: OrderStatus): Promise<{ csv: string; rows: number }> =>
  callCloud(FN, status ? { action: 'exportOrders', status } : { action: 'exportOrders' })

export type ShipOutcome = 'ship' | 'shipped' | 'already' | 'refused'
export interface ShipResult {
  line: number
  order: string
  company: string
  trackingNo: string
  outcome: ShipOutcome
  reason?: string
  title?: string
}
export interface ShipBatch {
  rows: ShipResult[]
  counts: Record<ShipOutcome, number>
}
export const SHIP_OUTCOME_LABEL: Record<ShipOutcome, string> = { ship: '将发货', shipped: '已发货', already: '此前已发货', refused: '不能发货' }

/** A CSV file's text → its lines (the server parses the cells, so the preview and the apply agree). */
export const csvLines = (text: string): string[] => text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)

export const previewShipBatch = (lines: string[]): Promise<ShipBatch> => callCloud(FN, { action: 'previewShipBatch', lines })
export const shipBatch = (lines: string[]): Promise<ShipBatch> => callCloud(FN, { action: 'shipBatch', lines })

/**
 * A text file the operator picks (a CSV of shipments, a list of card codes): H5 → the browser's file
 * dialog; weapp → a file from a chat (chooseMessageFile). Null when nothing was picked.
 */
export async function pickTextFile(extensions: string[]): Promise<{ name: string; text: string } | null> {
  if (process.env.TARO_ENV === 'h5') {
    const file = await pickInBrowser(extensions.map(e => '.' + e).join(','))
    return file ? { name: file.name, text: await file.text() } : null
  }
  try {
    const r = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: extensions })
    const f = r.tempFiles[0]
    if (!f) return null
    const text = Taro.getFileSystemManager().readFileSync(f.path, 'utf8') as string
    return { name: f.name, text }
  } catch {
    return null
  }
}
