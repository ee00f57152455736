import Taro from '@tarojs/taro'
import { callCloud } from './cloud'

// The operator console's one-item-one-code calls (docs/api.md#codes--one-item-one-code); pages of
// packages/ops/{codes,batch,lookup} import it as `* as opsCodes`.
const FN = 'codes'

export type BatchStatus = 'generating' | 'ready' | 'active' | 'void'

export interface Product {
  _id: string
  name: string
  image: string
  spec: string
  origin: string
  basePoints: number
  createdAt: string
}

export interface RegionRange {
  from: number
  to: number
  provinces: string[]
}

export interface Progress {
  batch: string
  status: BatchStatus
  size: number
  generated: number
  percent: number
  /** Another call is writing the batch right now (its progress still shows). */
  busy?: boolean
}

export interface Batch extends Progress {
  product: string
  productName: string
  batchNo: string
  campaign: string
  productionDate: string
  regions: RegionRange[]
  createdAt: string
  activatedAt: string
  voidedAt: string
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface DayStats {
  day: string
  scans: number
  claims: number
  points: number
}

export type Verdict = 'unlocated' | 'inside' | 'outside'
export type RiskKind = 'counterfeit' | 'diversion' | 'bruteforce'

export interface LookupFound {
  found: true
  code: string
  seq: number
  batch: { id: string; batchNo: string; status: BatchStatus; productionDate: string; product: { id: string; name: string } }
  region: { code: string; name: string }[]
  claim: { member: string; nickname: string; at: string; points: number } | null
  scans: { count: number; distinct: number; first: string; last: string }
  recent: { at: string; member: string; nickname: string; province: string; provinceName: string; verdict: Verdict; claim: boolean }[]
  risk: { kind: RiskKind; at: string; member: string; nickname: string; province: string; provinceName: string }[]
}
export type LookupResult = LookupFound | { found: false; reason: 'forged' | 'unknown'; code: string }

export interface ScanCampaign {
  _id: string
  name: string
  kind: string
  status: string
}

export interface Province {
  code: string
  name: string
}

export const PAGE_SIZE = 20

export const products = (cursor?: string) => callCloud<Page<Product>>(FN, { action: 'products', limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })
export const batches = (cursor?: string) => callCloud<Page<Batch>>(FN, { action: 'batches', limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })
export const batch = (id: string) => callCloud<Batch>(FN, { action: 'batch', batch: id })
export const progress = (id: string) => callCloud<Progress>(FN, { action: 'progress', batch: id })
/** Writes the next chunks for up to ~8 s; call again until status is `ready`. */
export const generate = (id: string) => callCloud<Progress>(FN, { action: 'generate', batch: id })
export const activate = (id: string) => callCloud<Progress>(FN, { action: 'activate', batch: id })
export const voidBatch = (id: string) => callCloud<Progress>(FN, { action: 'void', batch: id })
export const stats = (id: string) => callCloud<{ batch: string; days: DayStats[] }>(FN, { action: 'stats', batch: id })
export const provinces = () => callCloud<{ provinces: Province[] }>(FN, { action: 'provinces' })
export const lookup = (code: string) => callCloud<LookupResult>(FN, { action: 'lookup', code })
/** The scan campaigns a batch may earn under (the admin function's list). */
export const scanCampaigns = () => callCloud<{ items: ScanCampaign[] }>('admin', { action: 'listCampaigns', kind: 'scan' })

export interface ProductInput {
  id: string
  name: string
  image?: string
  spec?: string
  origin?: string
  basePoints: number
}
export const createProduct = (p: ProductInput) => callCloud<Product>(FN, { action: 'createProduct', ...p })

export interface BatchInput {
  id: string
  product: string
  campaign?: string
  batchNo: string
  productionDate: string
  size: number
}
/** The stored batch (`_id`, `status: generating`, …). */
export const createBatch = (b: BatchInput) => callCloud<{ _id: string; status: BatchStatus; size: number }>(FN, { action: 'createBatch', ...b })

export interface Range {
  from?: number
  to?: number
}
/** The stored batch with its new `regions`. */
export const assignRegion = (id: string, provinceCodes: string[], range: Range = {}) =>
  callCloud<{ _id: string; regions: RegionRange[] }>(FN, { action: 'assignRegion', batch: id, provinces: provinceCodes, ...range })

export interface ExportResult {
  fileID: string
  name: string
  count: number
  bytes: number
}
export const exportBatch = (id: string, format: 'csv' | 'pdf', range: Range = {}) =>
  callCloud<ExportResult>(FN, { action: 'export', batch: id, format, ...range })

const LOCAL_FILE_PREFIX = 'cloud://local/'

/** H5 (local cloud): where the local server serves a stored file. */
export const localFileUrl = (fileID: string) =>
  `/api/local/files/${fileID.slice(LOCAL_FILE_PREFIX.length).split('/').map(encodeURIComponent).join('/')}`

/**
 * Hands an exported file to the operator. H5: the browser downloads it from the local server (the
 * link is also returned for the page to show). WeChat: a PDF is downloaded through the cloud and
 * opened (可转发、打印); a CSV, which WeChat cannot open, gives a temporary link the page copies.
 */
export async function deliverExport(r: ExportResult): Promise<{ how: 'downloaded' | 'opened' | 'link'; url: string }> {
  if (process.env.TARO_ENV === 'h5') {
    const url = localFileUrl(r.fileID)
    const a = document.createElement('a')
    a.href = url
    a.download = r.name
    document.body.appendChild(a)
    a.click()
    a.remove()
    return { how: 'downloaded', url }
  }
  if (r.name.endsWith('.pdf')) {
    const { tempFilePath } = await Taro.cloud.downloadFile({ fileID: r.fileID })
    await Taro.openDocument({ filePath: tempFilePath, fileType: 'pdf', showMenu: true })
    return { how: 'opened', url: '' }
  }
  const { fileList } = await Taro.cloud.getTempFileURL({ fileList: [r.fileID] })
  return { how: 'link', url: fileList[0]?.tempFileURL ?? '' }
}
