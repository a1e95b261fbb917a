/**
 * Issue 20: a program an integrator could write against the client openapi-typescript generates
 * from the served document (scripts/check-openapi.mjs puts `schema.d.ts` beside it and typechecks
 * it). If a reply, a body or the shared error lost a field, this stops compiling.
 */
import type { components, paths } from "./schema"

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer B } } }
}
  ? B
  : never

type ApiError = components["schemas"]["ApiError"]
type Queues = Json<"/api/queues", "get", 200>
type Callback = Json<"/api/callbacks/{callbackId}", "get", 200>
type DialStarted = Json<"/api/reps/{repId}/emergency", "post", 201>
type DialRefused = Json<"/api/reps/{repId}/emergency", "post", 422>
type NewItem = NonNullable<paths["/api/items"]["post"]["requestBody"]>["content"]["application/json"]

/** The busiest queue's expected wait (null: nobody can take work). */
export const longestWait = (queues: Queues): number | null =>
  queues.reduce<number | null>(
    (max, q) => (q.ewtMs !== null && (max === null || q.ewtMs > max) ? q.ewtMs : max),
    null,
  )

/** An open callback says until when it is tried; a closed one, how it ended (I2). */
export const callbackLine = (cb: Callback): string =>
  cb.status === "closed"
    ? `${cb.callbackId} closed: ${cb.outcome} after ${cb.attempts} attempts`
    : `${cb.callbackId} ${cb.status} attempt ${cb.attempts} until ${new Date(cb.deadline).toISOString()}`

/** E1, E2: place the call, or tell the rep every reason it cannot be carried. */
export const dialOutcome = (
  answer: { status: 201; body: DialStarted } | { status: 422; body: DialRefused },
): string =>
  answer.status === 201
    ? `call ${answer.body.callingNumber}, callback on ${answer.body.callbackNumber ?? "none"}`
    : `use a local phone: ${(answer.body.error.reasons ?? []).join(", ")}`

export const describeError = (e: ApiError): string =>
  `${e.error.code}${e.error.field === undefined ? "" : ` (${e.error.field})`}: ${e.error.message}`

export const newItem: NewItem = {
  itemId: "order-1",
  queueId: "billing",
  priority: 5,
  attributes: { lang: "en" },
}

/** A typed request with fetch: the path, the body and the answer all from `paths`. */
export const enqueue = async (
  baseUrl: string,
  key: string,
  item: NewItem,
): Promise<Json<"/api/items", "post", 201>> => {
  const res = await fetch(`${baseUrl}/api/items`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(item),
  })
  if (res.status !== 201) throw new Error(describeError((await res.json()) as ApiError))
  return (await res.json()) as Json<"/api/items", "post", 201>
}
