import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'

interface Props {
  label: string
  /** The field's message in Chinese (from the client check or the server's INVALID_FIELD). */
  error?: string
  hint?: string
  required?: boolean
  /** The input's name, for stable hooks: `ops-field-<name>`, `ops-field-<name>-error`. */
  name: string
  children: ReactNode
}

/** One form row: the label, the input, and the message next to it. */
export default function OpsField({ label, error, hint, required, name, children }: Props) {
  return (
    <View className={`ops-field ops-field-${name} ${error ? 'ops-field--error' : ''}`}>
      <Text className='ops-field__label'>
        {required ? <Text className='ops-field__required'>*</Text> : null}
        {label}
      </Text>
      <View className='ops-field__control'>
        {children}
        {error ? <Text className={`ops-field__error ops-field-${name}-error`}>{error}</Text> : hint ? <Text className='ops-field__hint'>{hint}</Text> : null}
      </View>
    </View>
  )
}
