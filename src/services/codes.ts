import { callCloud } from './cloud'

// One-item-one-code (docs/codes.md); import as `* as codes`.
const FN = 'codes'

export type ScanOutcome = 'earned' | 'queried' | 'dailyCap' | 'diverted'

export interface ScanTrace {
  product: string
  name: string
  image: string
  spec: string
  origin: string
  batchNo: string
  productionDate: string
}

export interface ScanResult {
  outcome: ScanOutcome
  /** Grouped for display: `1XAJ-G639-…`. */
  code: string
  /** Points this member earned with the code (now, or at their first scan). */
  points: number
  entry: string
  balance: number | null
  /** The last day (Asia/Shanghai) the points this member earned with the code are valid, or null. */
  validUntil: string | null
  /** Not the first scan of the code. */
  repeat: boolean
  scans: number
  firstScanAt: string
  distinctScanners: number
  /** 此码已被查询 N 次，首次查询时间 T (repeat scans only). */
  message: string
  /** Counterfeit warning: past the threshold, or the code was claimed by someone else. */
  warning: boolean
  trace: ScanTrace
  region: { province: string; provinceName: string; allowed: string[]; diverted: boolean }
  /** A cash red packet won with this first scan; status pending / retry / paid / failed. */
  redPacket: { amountFen: number; status: string } | null
}

export interface Coordinates {
  latitude: number
  longitude: number
}

/** Verify and scan a code; the first valid scan earns points. Errors: CODE_* , SCAN_LOCKED, RATE_LIMITED… */
export function scan(code: string, location?: Coordinates | null): Promise<ScanResult> {
  const event: { action: string; code: string; location?: Coordinates } = { action: 'scan', code }
  if (location) event.location = { latitude: location.latitude, longitude: location.longitude }
  return callCloud<ScanResult>(FN, event)
}

/**
 * The code inside what a scanner read or a launch carried: the brand link `https://<domain>/q/<code>`
 * (a printed QR opens the mini-program with it URL-encoded in `q`), a `?code=` URL, or a bare code.
 */
export function codeFromText(text: string | undefined | null): string {
  let t = String(text ?? '').trim()
  if (!t) return ''
  if (/%[0-9a-f]{2}/i.test(t)) {
    try {
      t = decodeURIComponent(t)
    } catch {
      /* not encoded after all */
    }
  }
  const path = /\/q\/([^/?#]+)/.exec(t)
  if (path) return path[1]
  const query = /[?&]code=([^&#]+)/.exec(t)
  if (query) return decodeURIComponent(query[1])
  return t
}

/** The code a page was opened with: `code` (H5 link, our own navigation) or `q` (printed QR launch). */
export function codeFromLaunch(params: Record<string, string | undefined>): string {
  if (params.code) return codeFromText(params.code)
  if (params.q) return codeFromText(params.q)
  return ''
}
