import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'

interface Props {
  /** For stable hooks: `ops-<name>-error`, `ops-<name>-notice`. */
  name: string
  /** The form's own refusal (errors[FORM]): what belongs to no one field. */
  error?: string
  /** What the last save did, e.g. 已保存. */
  notice?: string
  /** The form's buttons. */
  children: ReactNode
}

/** Below a form's OpsFields: its message, then its buttons, lined up with the inputs on the desk. */
export default function OpsFormEnd({ name, error, notice, children }: Props) {
  return (
    <View className='ops-form-end'>
      {error ? <Text className={`ops-notice ops-notice--error ops-${name}-error`}>{error}</Text> : null}
      {notice ? <Text className={`ops-notice ops-${name}-notice`}>{notice}</Text> : null}
      <View className='ops-actions'>{children}</View>
    </View>
  )
}
