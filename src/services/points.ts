import { callCloud } from './cloud'
import type {
  EntryResult,
  HistoryInput,
  HistoryResult,
  PointsSummaryResult,
  SubscribeRemindersInput,
  SubscribeRemindersResult
} from './types'

// Named after the function's actions, like user.ts and admin.ts; import as `* as points`.
const FN = 'points'

export const HISTORY_PAGE_SIZE = 20

/** Balance, held, debt, what the available points are worth, and what expires when. */
export function summary(): Promise<PointsSummaryResult> {
  return callCloud<PointsSummaryResult>(FN, { action: 'summary' })
}

/** Newest first; pass the previous page's nextCursor to continue. */
export function history(input: HistoryInput = {}): Promise<HistoryResult> {
  const event: { action: string; cursor?: string; types?: string[]; limit?: number } = { action: 'history' }
  if (input.cursor) event.cursor = input.cursor
  if (input.types?.length) event.types = input.types
  if (input.limit !== undefined) event.limit = input.limit
  return callCloud<HistoryResult>(FN, event)
}

/** One of the member's own entries with the lots it touched; NOT_FOUND otherwise. */
export function entry(id: string): Promise<EntryResult> {
  return callCloud<EntryResult>(FN, { action: 'entry', id })
}

/**
 * Reports one accepted subscribe prompt (one credit = one reminder message). Call again with the
 * same key if the report failed: the server counts a key once.
 */
export function subscribeReminders(input: SubscribeRemindersInput): Promise<SubscribeRemindersResult> {
  return callCloud<SubscribeRemindersResult>(FN, { action: 'subscribeReminders', key: input.key, templateId: input.templateId })
}
