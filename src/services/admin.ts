import { callCloud } from './cloud'
import type { ListMembersInput, ListMembersResult } from './types'

const FN = 'admin'

export const MEMBERS_PAGE_SIZE = 20

/** Operators only (else FORBIDDEN). Pass the previous page's nextCursor to continue. */
export function listMembers(input: ListMembersInput = {}): Promise<ListMembersResult> {
  const event: { action: string; cursor?: string; limit?: number } = { action: 'listMembers' }
  if (input.cursor) event.cursor = input.cursor
  if (input.limit !== undefined) event.limit = input.limit
  return callCloud<ListMembersResult>(FN, event)
}
