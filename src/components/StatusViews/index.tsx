import { Text, View } from '@tarojs/components'
import { Button, Skeleton } from '../nutui'
import { describeError, isCloudError } from '../../services/errors'
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

interface NotFoundProps {
  /** What is missing, e.g. 这件商品不存在或已下架. */
  message: string
  /** The way back, e.g. 返回商城. */
  backText: string
  onBack: () => void
  /** Stable hooks: `${prefix}-not-found`, `${prefix}-back`. */
  prefix: string
}

/** Something that will never exist: says so with a way back, never 重试 (issue 14 §4). */
export function NotFoundView({ message, backText, onBack, prefix }: NotFoundProps) {
  return (
    <View className={`status-error status-not-found ${prefix}-not-found`}>
      <Text className={`status-error__text ${prefix}-not-found-text`}>{message}</Text>
      <Button className={`status-error__retry ${prefix}-back`} size='small' onClick={onBack}>
        {backText}
      </Button>
    </View>
  )
}

interface LoadFailedProps {
  error: unknown
  prefix: string
  onRetry: () => void
  notFound: Omit<NotFoundProps, 'prefix'>
}

/**
 * A failed read by id: NOT_FOUND (or BAD_REQUEST, an id from a link that is not even well-formed)
 * as not-found with a way back; anything else (offline) with its text and 重试.
 */
export function LoadFailedView({ error, prefix, onRetry, notFound }: LoadFailedProps) {
  if (isCloudError(error) && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) return <NotFoundView prefix={prefix} {...notFound} />
  return <ErrorView prefix={prefix} message={describeError(error)} onRetry={onRetry} />
}
