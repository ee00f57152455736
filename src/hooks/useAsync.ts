import { useCallback, useEffect, useRef, useState } from 'react'

export interface AsyncState<T> {
  data: T | null
  error: unknown
  loading: boolean
}

/**
 * Loading / error / data state for one async operation. `run` starts it (a later run supersedes an
 * earlier one still in flight) and resolves to the data or undefined on error; results arriving
 * after unmount are dropped.
 */
export function useAsync<T, A extends unknown[] = []>(fn: (...args: A) => Promise<T>) {
  const [state, setState] = useState<AsyncState<T>>({ data: null, error: null, loading: false })
  const fnRef = useRef(fn)
  fnRef.current = fn
  const seq = useRef(0)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const run = useCallback(async (...args: A): Promise<T | undefined> => {
    const id = ++seq.current
    setState(s => ({ ...s, loading: true, error: null }))
    try {
      const data = await fnRef.current(...args)
      if (mounted.current && id === seq.current) setState({ data, error: null, loading: false })
      return data
    } catch (error) {
      if (mounted.current && id === seq.current) setState(s => ({ ...s, error, loading: false }))
      return undefined
    }
  }, [])

  const reset = useCallback(() => {
    seq.current++
    setState({ data: null, error: null, loading: false })
  }, [])

  return { ...state, run, reset }
}
