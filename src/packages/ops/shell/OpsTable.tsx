import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import EmptyState from '../../../components/EmptyState'
import './ops-table.scss'

export interface OpsColumn<T> {
  key: string
  title: string
  /** The cell; default the row's field of the same key. */
  render?: (row: T) => ReactNode
  /** Relative width on the desktop table (flex-grow), default 1. */
  grow?: number
  align?: 'left' | 'right'
}

interface Props<T> {
  columns: OpsColumn<T>[]
  rows: T[]
  rowKey: (row: T) => string
  onRowClick?: (row: T) => void
  /** Shown when there are no rows. */
  empty: string
  /** Stable hook for tests, e.g. 'audit-table'. */
  className?: string
}

/** A table on a desk (≥ 1024 px), one card per row on a phone; the same cells either way. */
export default function OpsTable<T>({ columns, rows, rowKey, onRowClick, empty, className = '' }: Props<T>) {
  if (rows.length === 0) return <EmptyState className={`ops-table-empty ${className}-empty`} description={empty} />
  return (
    <View className={`ops-table ${className}`}>
      <View className='ops-table__head'>
        {columns.map(c => (
          <Text key={c.key} className={`ops-table__th ${c.align === 'right' ? 'ops-table__th--right' : ''}`} style={{ flexGrow: c.grow ?? 1 }}>
            {c.title}
          </Text>
        ))}
      </View>
      {rows.map(row => (
        <View
          key={rowKey(row)}
          className={`ops-table__row ${onRowClick ? 'ops-table__row--link' : ''} ${className}-row`}
          onClick={onRowClick ? () => onRowClick(row) : undefined}
        >
          {columns.map(c => (
            <View key={c.key} className={`ops-table__cell ops-col-${c.key} ${c.align === 'right' ? 'ops-table__cell--right' : ''}`} style={{ flexGrow: c.grow ?? 1 }}>
              <Text className='ops-table__label'>{c.title}</Text>
              <View className='ops-table__value'>{c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '')}</View>
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}
