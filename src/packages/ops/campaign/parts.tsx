import { Input, Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { formatShanghaiDateTime } from '../../../utils/time'
import type { FieldErrors } from '../shell/forms'
import './parts.scss'

// Small inputs the campaign forms share (each kind's form in kinds/ uses them). Values are kept as
// typed text while editing and turned into numbers when the form is sent, so a half-typed number is
// the client check's business, not a silent 0.

/** What a kind's form edits: its rule, as plain data (numbers may be text while typed). */
export type Rule = Record<string, unknown>

export interface KindFormProps {
  rule: Rule
  set: (patch: Rule) => void
  errors: FieldErrors
  readOnly: boolean
}

export function NumberInput(props: { name: string; value: unknown; onChange: (v: string) => void; readOnly: boolean; placeholder?: string; digit?: boolean }) {
  return (
    <Input
      className={`ops-input ops-input-${props.name}`}
      type={props.digit ? 'digit' : 'number'}
      value={props.value === undefined || props.value === null ? '' : String(props.value)}
      disabled={props.readOnly}
      placeholder={props.placeholder ?? ''}
      onInput={e => props.onChange(e.detail.value)}
    />
  )
}

export function TextInput(props: { name: string; value: string; onChange: (v: string) => void; readOnly: boolean; placeholder?: string; maxlength?: number }) {
  return (
    <Input
      className={`ops-input ops-input-${props.name}`}
      value={props.value}
      disabled={props.readOnly}
      maxlength={props.maxlength ?? 200}
      placeholder={props.placeholder ?? ''}
      onInput={e => props.onChange(e.detail.value)}
    />
  )
}

export function Chips<T extends string>(props: { name: string; options: { value: T; label: string }[]; value: T | undefined; onChange: (v: T) => void; readOnly: boolean }) {
  return (
    <View className={`ops-chips ops-chips-${props.name}`}>
      {props.options.map(o => (
        <Text
          key={o.value}
          className={`ops-chip ops-chip-${props.name}-${o.value} ${props.value === o.value ? 'ops-chip--on' : ''}`}
          onClick={props.readOnly ? undefined : () => props.onChange(o.value)}
        >
          {o.label}
        </Text>
      ))}
    </View>
  )
}

export const YES_NO = [
  { value: 'yes' as const, label: '是' },
  { value: 'no' as const, label: '否' }
]

/** A list of rows (bonuses, multiplier windows, caps) with add / remove. */
export function Rows<T>(props: { name: string; items: T[]; onChange: (items: T[]) => void; blank: () => T; readOnly: boolean; max: number; render: (item: T, set: (v: T) => void) => ReactNode; addLabel: string }) {
  const { items, onChange, readOnly } = props
  return (
    <View className={`ops-rows ops-rows-${props.name}`}>
      {items.length === 0 ? <Text className='ops-rows__empty'>未设置</Text> : null}
      {items.map((item, i) => (
        <View key={i} className='ops-rows__row'>
          <View className='ops-rows__cells'>{props.render(item, v => onChange(items.map((x, j) => (j === i ? v : x))))}</View>
          {readOnly ? null : (
            <Text className='ops-link ops-rows__remove' onClick={() => onChange(items.filter((_, j) => j !== i))}>
              删除
            </Text>
          )}
        </View>
      ))}
      {readOnly || items.length >= props.max ? null : (
        <Text className={`ops-link ops-rows__add ops-rows-${props.name}-add`} onClick={() => onChange([...items, props.blank()])}>
          + {props.addLabel}
        </Text>
      )}
    </View>
  )
}

// --- Shanghai wall-clock text ↔ ISO instants --------------------------------------------------

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/

/** "2026-12-01 08:00" (Shanghai) → ISO instant; null when it is not such a time. */
export function wallToIso(text: string): string | null {
  const m = WALL.exec(text.trim())
  if (!m) return null
  const [y, mo, d, h = '00', mi = '00'] = m.slice(1)
  const t = Date.UTC(+y, +mo - 1, +d, +h - 8, +mi)
  const back = new Date(t + 8 * 3_600_000)
  if (back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59) return null
  return new Date(t).toISOString()
}

export const isoToWall = (iso: string | null | undefined): string => (iso ? formatShanghaiDateTime(iso) : '')

/** A number typed as text: the integer, or NaN. */
export const toInt = (v: unknown): number => (typeof v === 'number' ? v : /^-?\d+$/.test(String(v ?? '').trim()) ? Number(String(v).trim()) : NaN)
export const toNum = (v: unknown): number => (typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(String(v ?? '').trim()) ? Number(String(v).trim()) : NaN)

/** A client check of an integer field: the message, or undefined. */
export function checkInt(v: unknown, label: string, min: number, max: number, optional = false): string | undefined {
  if (optional && (v === undefined || v === null || String(v).trim() === '')) return undefined
  const n = toInt(v)
  if (Number.isNaN(n)) return `请填写${label}（整数）`
  if (n < min) return `${label}不能小于 ${min}`
  if (n > max) return `${label}不能大于 ${max}`
  return undefined
}

export function checkNum(v: unknown, label: string, min: number, max: number): string | undefined {
  const n = toNum(v)
  if (Number.isNaN(n)) return `请填写${label}`
  if (n < min) return `${label}不能小于 ${min}`
  if (n > max) return `${label}不能大于 ${max}`
  return undefined
}

/** Errors with only the set messages. */
export const only = (e: Record<string, string | undefined>): FieldErrors =>
  Object.fromEntries(Object.entries(e).filter((x): x is [string, string] => !!x[1]))
