import type { IncomingMessage } from "node:http"
import type { Context } from "hono"

/** How many requests with a bad key one client address may send in a window (issue 16). */
export interface AuthFailureLimits {
  /** Failed authentications allowed per address and window; the next request is refused. */
  readonly maxFailures: number
  readonly windowMs: number
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = { maxFailures: 10, windowMs: 60_000 }

/** Addresses remembered at most; past it, expired windows are swept, then the oldest dropped. */
const MAX_ADDRESSES = 50_000

interface Window {
  readonly startedAt: number
  failures: number
}

/**
 * Failed authentications per client address in fixed windows. An address that reached the limit
 * is refused (429) until its window ends, whatever key it presents: a good key found by guessing
 * must not get through faster than the limit. Requests with a good key never count.
 */
export const makeAuthFailureLimiter = (
  limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS,
  now: () => number = Date.now,
) => {
  const windows = new Map<string, Window>()
  const current = (address: string, at: number): Window | undefined => {
    const window = windows.get(address)
    if (window === undefined || at - window.startedAt < limits.windowMs) return window
    windows.delete(address)
    return undefined
  }
  const sweep = (at: number) => {
    for (const [address, window] of windows)
      if (at - window.startedAt >= limits.windowMs) windows.delete(address)
    while (windows.size >= MAX_ADDRESSES) {
      const oldest = windows.keys().next()
      if (oldest.done === true) break
      windows.delete(oldest.value)
    }
  }
  return {
    limits,
    /** Milliseconds until `address` may try again; 0 when it is not blocked. */
    blockedFor: (address: string): number => {
      const at = now()
      const window = current(address, at)
      return window === undefined || window.failures < limits.maxFailures
        ? 0
        : window.startedAt + limits.windowMs - at
    },
    /** Counts a failed authentication; true when this one reached the limit. */
    fail: (address: string): boolean => {
      const at = now()
      let window = current(address, at)
      if (window === undefined) {
        if (windows.size >= MAX_ADDRESSES) sweep(at)
        window = { startedAt: at, failures: 0 }
        windows.set(address, window)
      }
      window.failures += 1
      return window.failures === limits.maxFailures
    },
    size: () => windows.size,
  }
}

export type AuthFailureLimiter = ReturnType<typeof makeAuthFailureLimiter>

/**
 * The client's address: the socket's, as @hono/node-server passes it in the request's bindings
 * (server.ts and the gate hand them on). Undefined for requests made in-process (`app.request`
 * in tests), which no limit applies to. A proxy in front makes every client its own address:
 * see docs/operations.md.
 */
export const clientAddress = (c: Context): string | undefined => {
  const env = c.env as { readonly incoming?: IncomingMessage } | undefined
  return env?.incoming?.socket?.remoteAddress
}
