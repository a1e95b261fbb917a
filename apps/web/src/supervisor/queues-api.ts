import type { QueueView } from "@lifeline/core"

/** GET /api/queues as the web app reads it: the core's own read model, as JSON. */
export type { QueueView }

export const fetchQueues = async (signal?: AbortSignal): Promise<readonly QueueView[]> => {
  const res = await fetch("/api/queues", signal === undefined ? {} : { signal })
  if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim())
  const body: unknown = await res.json()
  if (!Array.isArray(body)) throw new Error("the server sent something other than a list of queues")
  return body as QueueView[]
}
