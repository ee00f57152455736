import { useCallback, useEffect, useRef, useState } from 'react'
import * as opsCodes from '../../../services/ops-codes'

/** How often the bar reads `progress` while a `generate` call (≈8 s each) is writing chunks. */
const POLL_MS = 1000

/**
 * Generating a batch from its page: `start` calls `generate` again and again (each call writes
 * chunks for ≈8 s and returns) until the batch is ready, while `progress` is read every second so
 * the bar moves inside a call too. Leaving the page stops after the call in flight; the next start
 * resumes where the batch stands (the server keeps the checkpoint). A second writer (another tab)
 * answers busy: the loop keeps polling and tries again.
 */
export function useGeneration(batchId: string, onDone: () => void) {
  const [progress, setProgress] = useState<opsCodes.Progress | null>(null)
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const alive = useRef(true)
  const onDoneRef = useRef(onDone)
  onDoneRef.current = onDone
  useEffect(() => () => {
    alive.current = false
  }, [])

  const start = useCallback(async () => {
    if (!batchId) return
    setRunning(true)
    setError(null)
    let done = false
    // The bar: progress once a second until the writer loop ends.
    const poll = (async () => {
      while (!done && alive.current) {
        await new Promise(r => setTimeout(r, POLL_MS))
        if (done || !alive.current) break
        try {
          const p = await opsCodes.progress(batchId)
          if (!done && alive.current) setProgress(prev => (prev && prev.generated > p.generated ? prev : p))
        } catch {
          /* the writer's own answers still move the bar */
        }
      }
    })()
    try {
      for (;;) {
        const p = await opsCodes.generate(batchId)
        if (!alive.current) break
        setProgress(p)
        if (p.status !== 'generating') break
        if (p.busy) await new Promise(r => setTimeout(r, POLL_MS))
      }
    } catch (e) {
      if (alive.current) setError(e)
    } finally {
      done = true
      await poll
      if (alive.current) {
        setRunning(false)
        onDoneRef.current()
      }
    }
  }, [batchId])

  return { progress, setProgress, running, error, start }
}
