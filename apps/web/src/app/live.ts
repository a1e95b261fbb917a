import { onCleanup } from "solid-js"
import { onBack, sessionEnded, setStreamUp } from "./connection"

export type LiveMessage = "events" | "queues" | "emergencies" | "reset" | "ready"

type Handlers = Partial<Record<LiveMessage, (data: unknown) => void>> & {
  readonly onOpen?: () => void
  readonly onError?: () => void
}

const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 5_000

/** One server-sent event: `event:`, `data:` (lines joined) and `id:` of a block. */
interface SseMessage {
  readonly event: string
  readonly data: string
  readonly id: string | undefined
}

/** A block of the event stream (text/event-stream) as a message; comments (`: keep-alive`) are none. */
export const parseBlock = (block: string): SseMessage | undefined => {
  let event = "message"
  const data: string[] = []
  let id: string | undefined
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue
    const colon = line.indexOf(":")
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
    if (field === "event") event = value
    else if (field === "data") data.push(value)
    else if (field === "id") id = value
  }
  return data.length === 0 ? undefined : { event, data: data.join("\n"), id }
}

/** Reads the stream until it ends, handing each message on; resolves when the server closes it. */
const readStream = async (body: ReadableStream<Uint8Array>, onMessage: (m: SseMessage) => void) => {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n?/g, "\n")
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const message = parseBlock(buffer.slice(0, end))
      buffer = buffer.slice(end + 2)
      if (message !== undefined) onMessage(message)
    }
  }
}

/**
 * The API's live stream (GET /api/events) for the signed-in person, read with `fetch` and
 * authenticated by the session cookie (issue 21: no credential in the address or in storage).
 * It resumes with Last-Event-ID after a drop, retrying with a growing pause; `onOpen` runs on
 * every (re)connection so the page reloads what it may have missed. Issue 19: the stream's
 * state feeds the connection banner, and a server that is back is tried at once.
 */
export const followLive = (handlers: Handlers): void => {
  const stop = new AbortController()
  let lastId: string | undefined
  let retryMs = RETRY_MIN_MS
  let wake: (() => void) | undefined
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  const deliver = (m: SseMessage) => {
    if (m.id !== undefined) lastId = m.id
    const handler = handlers[m.event as LiveMessage]
    if (handler !== undefined) handler(JSON.parse(m.data))
  }
  const connectOnce = async () => {
    const res = await fetch("/api/events", {
      headers: {
        accept: "text/event-stream",
        ...(lastId === undefined ? {} : { "last-event-id": lastId }),
      },
      cache: "no-store",
      signal: stop.signal,
    })
    if (res.status === 401) {
      // The session is gone: the sign-in shows; trying again would only be refused again.
      sessionEnded()
      stop.abort()
    }
    if (!res.ok || res.body === null) throw new Error(`live stream refused: ${res.status}`)
    retryMs = RETRY_MIN_MS
    setStreamUp(true)
    handlers.onOpen?.()
    await readStream(res.body, deliver)
  }
  const run = async () => {
    while (!stop.signal.aborted) {
      try {
        await connectOnce()
      } catch {
        // Dropped, refused or unreachable: said by the banner, tried again below.
      }
      if (stop.signal.aborted) return
      setStreamUp(false)
      handlers.onError?.()
      await pause(retryMs)
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
    }
  }
  void run()
  const stopBack = onBack(() => wake?.())
  onCleanup(() => {
    stop.abort()
    wake?.()
    stopBack()
    setStreamUp(undefined)
  })
}
