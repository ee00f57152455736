import { Text, View } from '@tarojs/components'
import { Button, Skeleton } from '../nutui'
import './index.scss'

interface LoadingProps {
  /** Stable hook for tests, e.g. 'home-loading'. */
  className?: string
  rows?: number
}

/** Skeleton shown while the first answer is in flight. */
export function LoadingView({ className = '', rows = 4 }: LoadingProps) {
  return (
    <View className={`status-loading ${className}`}>
      <Skeleton className='status-loading__card' width='100%' height='180px' animated />
      <Skeleton className='status-loading__rows' rows={rows} animated />
    </View>
  )
}

interface ErrorProps {
  /** The Chinese text (describeError). */
  message: string
  /** Omit when trying again cannot help (e.g. FORBIDDEN). */
  onRetry?: () => void
  /** A second line under the message. */
  hint?: string
  /** Prefix for stable hooks: `${prefix}-error`, `${prefix}-error-text`, `${prefix}-retry`. */
  prefix: string
}

/** Error text and a 重试 button. */
export function ErrorView({ message, onRetry, hint, prefix }: ErrorProps) {
  return (
    <View className={`status-error ${prefix}-error`}>
      <Text className={`status-error__text ${prefix}-error-text`}>{message}</Text>
      {hint ? <Text className={`status-error__hint ${prefix}-error-hint`}>{hint}</Text> : null}
      {onRetry ? (
        <Button className={`status-error__retry ${prefix}-retry`} type='primary' size='small' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  )
}
