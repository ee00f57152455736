import { useCallback, useEffect, useRef, useState } from 'react'

export interface CursorPage<T> {
  items: T[]
  nextCursor: string | null
}

export interface PagedListState<T> {
  items: T[]
  nextCursor: string | null
  /** The first page has arrived (an empty list is then really empty). */
  loaded: boolean
  loading: boolean
  /** The last load's error (first page or a later one); cleared when a load starts. */
  error: unknown
}

const INITIAL = { items: [], nextCursor: null, loaded: false, loading: false, error: null }

/**
 * A list read page by page with an opaque cursor (infinite scroll). `reload` starts over from the
 * first page (a filter change, 重试, pull-down refresh) and supersedes anything in flight, so a slow
 * page of the old filter never lands in the new list; `loadMore` fetches the next page once at a
 * time and is a no-op at the end. Results arriving after unmount are dropped.
 */
export function usePagedList<T>(fetchPage: (cursor?: string) => Promise<CursorPage<T>>) {
  const [state, setState] = useState<PagedListState<T>>(INITIAL)
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage
  const stateRef = useRef(state)
  stateRef.current = state
  const seq = useRef(0)
  const busy = useRef(false)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const fetchInto = useCallback(async (id: number, cursor: string | undefined) => {
    busy.current = true
    try {
      const page = await fetchRef.current(cursor)
      if (!mounted.current || id !== seq.current) return
      setState(s => ({
        items: cursor ? [...s.items, ...page.items] : page.items,
        nextCursor: page.nextCursor,
        loaded: true,
        loading: false,
        error: null
      }))
    } catch (error) {
      if (!mounted.current || id !== seq.current) return
      setState(s => ({ ...s, loading: false, error }))
    } finally {
      if (id === seq.current) busy.current = false
    }
  }, [])

  /** From the first page again. keep = leave the current rows on screen until it arrives. */
  const reload = useCallback((keep = false) => {
    const id = ++seq.current
    setState(s => (keep ? { ...s, loading: true, error: null } : { ...INITIAL, loading: true }))
    return fetchInto(id, undefined)
  }, [fetchInto])

  const loadMore = useCallback(() => {
    const s = stateRef.current
    if (busy.current || !s.loaded || !s.nextCursor) return Promise.resolve()
    setState(prev => ({ ...prev, loading: true, error: null }))
    return fetchInto(seq.current, s.nextCursor)
  }, [fetchInto])

  const reset = useCallback(() => {
    seq.current++
    busy.current = false
    setState(INITIAL)
  }, [])

  return { ...state, reload, loadMore, reset }
}
