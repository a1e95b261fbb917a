/**
 * GET /api/queues as the web app reads it. Mirrors `QueueView` in packages/core
 * (routing/views.ts); the web app does not depend on core, so keep the two in step.
 */
export type BasePresence = "available" | "busy" | "busy_dnd" | "away" | "offline"

export interface QueueView {
  readonly queueId: string
  readonly name: string
  readonly waiting: number
  readonly staffed: number
  readonly free: number
  readonly ahtMs: number
  readonly ewtMs: number | null
  readonly repsByPresence: Readonly<Record<BasePresence, number>>
}

export const fetchQueues = async (signal?: AbortSignal): Promise<readonly QueueView[]> => {
  const res = await fetch("/api/queues", signal === undefined ? {} : { signal })
  if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim())
  const body: unknown = await res.json()
  if (!Array.isArray(body)) throw new Error("the server sent something other than a list of queues")
  return body as QueueView[]
}
