import { createRoot, createSignal, onCleanup } from "solid-js"

/**
 * Issue 19: whether the page can reach the API and its live stream, for one banner and for
 * disabling what cannot act. Every request of the page goes through `trackedFetch`, so the first
 * failed request shows the outage, and a light probe of `/healthz` notices when the server is back.
 */
export type Link = "online" | "offline" | "reconnecting"

/** A request that never reached the API (network down, server stopped, a gateway error). */
export class Unreachable extends Error {
  constructor() {
    super("The Lifeline server cannot be reached, so nothing was changed. It is retried automatically.")
    this.name = "Unreachable"
  }
}

const PROBE_MS = 2_000
/** What a gateway in front of a stopped API answers: treated as no answer at all. */
const GATEWAY_DOWN = new Set([502, 503, 504])

const state = createRoot(() => {
  const [apiUp, setApiUp] = createSignal(true)
  /** undefined: the page follows no stream. */
  const [streamUp, setStreamUp] = createSignal<boolean>()
  return { apiUp, setApiUp, streamUp, setStreamUp }
})

const backListeners = new Set<() => void>()
let probe: ReturnType<typeof setInterval> | undefined

const markApi = (up: boolean) => {
  const wasUp = state.apiUp()
  state.setApiUp(up)
  if (up) {
    clearInterval(probe)
    probe = undefined
    if (!wasUp) for (const listener of backListeners) listener()
  } else probe ??= setInterval(() => void probeNow(), PROBE_MS)
}

/** One look at the API's health route; marks the link up or down. */
export const probeNow = async (): Promise<void> => {
  try {
    const res = await fetch("/healthz", { cache: "no-store" })
    markApi(res.ok)
  } catch {
    markApi(false)
  }
}

/** `fetch` for the API client: a network failure becomes `Unreachable` and shows the banner. */
export const trackedFetch: typeof fetch = async (input, init) => {
  let res: Response
  try {
    res = await fetch(input, init)
  } catch {
    markApi(false)
    throw new Unreachable()
  }
  if (GATEWAY_DOWN.has(res.status) && !res.headers.get("content-type")?.includes("json")) {
    markApi(false)
    throw new Unreachable()
  }
  markApi(true)
  if (res.status === 401 && !String(input).startsWith("/auth/")) sessionEnded()
  return res
}

const endedListeners = new Set<() => void>()

/**
 * Issue 21: the API refused the page's session (ended by an admin, signed out in another tab,
 * expired, idle): the page goes back to its sign-in instead of showing one failure per panel.
 */
export const sessionEnded = (): void => {
  for (const listener of endedListeners) listener()
}

/** Run `listener` when a request finds the session gone; returns the unsubscribe. */
export const onSessionEnded = (listener: () => void): (() => void) => {
  endedListeners.add(listener)
  return () => endedListeners.delete(listener)
}

/** The page's link as one word: the banner's state. */
export const link = (): Link =>
  !state.apiUp() ? "offline" : state.streamUp() === false ? "reconnecting" : "online"

/** True while nothing the rep does can reach the API: controls that would act are disabled. */
export const offline = (): boolean => !state.apiUp()

export const setStreamUp = (up: boolean | undefined): void => {
  state.setStreamUp(up)
  if (up === false) void probeNow()
}

/** Run `listener` each time the API comes back after an outage; returns the unsubscribe. */
export const onBack = (listener: () => void): (() => void) => {
  backListeners.add(listener)
  return () => backListeners.delete(listener)
}

/** A component's last failure in words, cleared when the server is back (it no longer holds). */
export const createProblem = () => {
  const [problem, setProblem] = createSignal<string>()
  onCleanup(onBack(() => setProblem(undefined)))
  return [problem, setProblem] as const
}
