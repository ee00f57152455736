// The codes forms' checks on the page, field by field, with the server's own words
// (cloudfunctions/common/codes/forms.ts; test/client/ops-codes-forms.test.ts holds them equal), so a
// problem shows next to its field before any request; the server checks again. Pure: no Taro, so
// the comparison test runs it in node.

export type Problems = Record<string, string>

export const MAX_BATCH_SIZE = 1_000_000
export const MAX_EXPORT = { csv: 200_000, pdf: 10_000 }

const ID = /^[A-Za-z0-9_-]+$/
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : null)
const len = (s: string) => Array.from(s).length

function id(v: unknown): string | undefined {
  const s = str(v)
  if (s === null) return '须为文字'
  if (!s) return '不能为空'
  if (s.length > 64) return '最多 64 个字符'
  if (!ID.test(s)) return '只能包含英文字母、数字、_ 和 -'
  return undefined
}

function text(v: unknown, max: number, required: boolean): string | undefined {
  const s = str(v)
  if (s === null) return '须为文字'
  if (required && !s) return '不能为空'
  if (len(s) > max) return `最多 ${max} 个字`
  return undefined
}

function intIn(v: unknown, min: number, max: number): string | undefined {
  return !isInt(v) || v < min || v > max ? `须为 ${min} 到 ${max} 的整数` : undefined
}

const only = (p: Record<string, string | undefined>): Problems => {
  const out: Problems = {}
  for (const k of Object.keys(p)) if (p[k]) out[k] = p[k] as string
  return out
}

/** A number typed in a form ('' → undefined, anything not a number → NaN, which the checks refuse). */
export function numberOf(s: string): number | undefined {
  const t = s.trim()
  return t === '' ? undefined : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN
}

export function productProblems(i: Record<string, unknown>): Problems {
  const image = str(i.image)
  return only({
    id: id(i.id),
    name: text(i.name, 40, true),
    image: text(i.image, 500, false) ?? (image && !/^(https:\/\/|cloud:\/\/|\/)\S+$/.test(image) ? '须以 https://、cloud:// 或 / 开头' : undefined),
    spec: text(i.spec, 60, false),
    origin: text(i.origin, 60, false),
    basePoints: intIn(i.basePoints, 0, 100_000),
  })
}

const isCalendarDay = (s: string) => {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s)
  if (!m) return false
  const y = Number(m[1])
  const d = new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3])))
  return y >= 2000 && y <= 2099 && d.toISOString().slice(0, 10) === s
}

export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

/** `today`: the Shanghai day; a production date may lie up to a year ahead (codes are printed first). */
export function batchProblems(i: Record<string, unknown>, today: string): Problems {
  const day = str(i.productionDate)
  return only({
    id: id(i.id),
    product: str(i.product) ? id(i.product) : '请选择产品',
    campaign: str(i.campaign) ? id(i.campaign) : undefined,
    batchNo: text(i.batchNo, 40, true),
    productionDate: !day ? '不能为空' : !isCalendarDay(day) ? '须为有效日期（年-月-日）' : day > addDays(today, 365) ? '不能晚于一年之后' : undefined,
    size: isInt(i.size) && i.size >= 1 && i.size <= MAX_BATCH_SIZE ? undefined : `须为 1 到 ${MAX_BATCH_SIZE} 的整数`,
  })
}

export function rangeProblems(i: { from?: unknown; to?: unknown }, size: number, max = Infinity): Problems {
  if (i.from === undefined && i.to === undefined) return size > max ? { to: `每次最多 ${max} 个码，请填写起止序号` } : {}
  const last = Math.max(size - 1, 0)
  const from = i.from === undefined ? '请同时填写起始和结束序号' : intIn(i.from, 0, last)
  const to = i.to === undefined ? '请同时填写起始和结束序号' : intIn(i.to, 0, last)
  if (from || to) return only({ from, to })
  const [a, b] = [i.from as number, i.to as number]
  if (a > b) return { to: '不能小于起始序号' }
  if (b - a + 1 > max) return { to: `每次最多 ${max} 个码` }
  return {}
}

/** `known`: the province codes the server lists. */
export function regionProblems(i: { provinces?: unknown; from?: unknown; to?: unknown }, size: number, known: Set<string>): Problems {
  const list = Array.isArray(i.provinces) ? (i.provinces as unknown[]) : null
  const provinces = !list || !list.length
    ? '请至少选择一个省份'
    : list.some(p => typeof p !== 'string' || !known.has(p)) ? '含有未知的省份'
    : new Set(list).size !== list.length ? '省份重复' : undefined
  return { ...only({ provinces }), ...rangeProblems(i, size) }
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** The code in a pasted text: a bare code, or the brand link `…/q/<code>` (also `?code=`), as the server reads it. */
function codeFromText(t: string): string {
  const path = /\/q\/([^/?#]+)/.exec(t)
  if (path) return safeDecode(path[1])
  const query = /[?&]code=([^&#]+)/.exec(t)
  return query ? safeDecode(query[1]) : t
}
const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** A code as typed or pasted (a brand link works too): 20 characters once spaces and - are dropped. */
export function codeProblems(code: unknown): Problems {
  const s = str(code)
  if (s === null || !s) return { code: '请输入码' }
  const raw = codeFromText(s)
  const bad = { code: '须为 20 位码：数字和英文字母（不含 U）' }
  if (raw.length > 64) return bad
  const chars = raw.replace(/[ \t\u3000-]/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1')
  if (!chars) return { code: '请输入码' }
  if (chars.length !== 20 || Array.from(chars).some(c => !ALPHABET.includes(c))) return bad
  return {}
}
