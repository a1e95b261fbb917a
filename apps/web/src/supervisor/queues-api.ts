import type { QueueView } from "@lifeline/core"

/** GET /api/queues as the web app reads it: the core's own read model, as JSON. */
export type { QueueView }

/**
 * The API key the page uses: one saved in this browser, else the local demo's supervisor key
 * (which only the demo server accepts; a real deployment sets its own keys).
 */
const apiKey = (): string => globalThis.localStorage?.getItem("lifeline.apiKey") ?? "demo-supervisor-key"

export const fetchQueues = async (signal?: AbortSignal): Promise<readonly QueueView[]> => {
  const headers = { authorization: `Bearer ${apiKey()}` }
  const res = await fetch("/api/queues", signal === undefined ? { headers } : { signal, headers })
  if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim())
  const body: unknown = await res.json()
  if (!Array.isArray(body)) throw new Error("the server sent something other than a list of queues")
  return body as QueueView[]
}
