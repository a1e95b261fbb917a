import { onCleanup } from "solid-js"

export type LiveMessage = "events" | "queues" | "emergencies" | "reset" | "ready"

/**
 * The API's live stream (GET /api/events) for the page's key; EventSource cannot set headers,
 * so the key goes as `access_token`. It reconnects by itself (with Last-Event-ID); `onOpen`
 * runs on every (re)connection so the page reloads what it may have missed.
 */
export const followLive = (
  key: string,
  handlers: Partial<Record<LiveMessage, (data: unknown) => void>> & {
    readonly onOpen?: () => void
    readonly onError?: () => void
  },
): void => {
  const source = new EventSource(`/api/events?access_token=${encodeURIComponent(key)}`)
  for (const [name, handler] of Object.entries(handlers)) {
    if (name === "onOpen" || name === "onError" || typeof handler !== "function") continue
    source.addEventListener(name, (e) => handler(JSON.parse((e as MessageEvent<string>).data)))
  }
  if (handlers.onOpen !== undefined) source.addEventListener("open", handlers.onOpen)
  if (handlers.onError !== undefined) source.addEventListener("error", handlers.onError)
  onCleanup(() => source.close())
}
