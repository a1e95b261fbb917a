import { type Accessor, createSignal, onCleanup } from "solid-js"

export interface Polled<T> {
  /** The latest good value; kept while later requests fail. */
  readonly data: Accessor<T | undefined>
  /** Why the latest request failed; undefined once one succeeds again. */
  readonly error: Accessor<string | undefined>
}

/**
 * Fetch now and then every `intervalMs` while the owner lives. The next request starts after the
 * previous one ended, so a slow server never piles requests up.
 */
export const createPoll = <T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
): Polled<T> => {
  const [data, setData] = createSignal<T>()
  const [error, setError] = createSignal<string>()
  const aborter = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined

  const tick = async () => {
    try {
      const value = await fetcher(aborter.signal)
      setData(() => value)
      setError(undefined)
    } catch (e) {
      if (aborter.signal.aborted) return
      setError(e instanceof Error ? e.message : String(e))
    }
    timer = setTimeout(tick, intervalMs)
  }
  void tick()
  onCleanup(() => {
    aborter.abort()
    clearTimeout(timer)
  })
  return { data, error }
}
