import { Result, Schema } from "effect"
import { ApiErrorBody, type RouteDefinition } from "./route"
import { type OperationId, ROUTES, type Routes } from "./routes"

/**
 * An error answer of the API, `{error:{code,message,field?,reasons?}}`, with its HTTP status. An
 * answer that is not what the route documents is one too (code `UnexpectedReply`): the client
 * never hands on an unchecked value.
 */
export class LifelineApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | undefined,
    /** E2: why an emergency call cannot be carried (422 `EmergencyUnavailable` only). */
    readonly reasons: readonly string[] = [],
  ) {
    super(`${status} ${code}: ${message}`)
    this.name = "LifelineApiError"
  }
}

/** `"/api/reps/{repId}/offers"` -> `"repId"`. */
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? N | ParamNames<Rest>
  : never

type Query = Readonly<Record<string, string | number | boolean | undefined>>

/** What one call of route `D` takes: its path parameters, its body, a query. */
export type RequestOf<D extends RouteDefinition> = ([ParamNames<D["path"]>] extends [never]
  ? { readonly params?: undefined }
  : { readonly params: Readonly<Record<ParamNames<D["path"]>, string>> }) &
  (D extends { readonly body: Schema.Top }
    ? { readonly body: D["body"]["Encoded"] }
    : { readonly body?: undefined }) & {
    readonly query?: Query
  }

/** What route `D` answers on success, decoded. */
export type ReplyOf<D extends RouteDefinition> = D["reply"]["Type"]

const decodeError = Schema.decodeUnknownResult(ApiErrorBody)

const fillPath = (path: string, params: Readonly<Record<string, string>> | undefined): string =>
  path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => encodeURIComponent(params?.[name] ?? ""))

const searchOf = (query: Query | undefined): string => {
  const defined = Object.entries(query ?? {}).flatMap(([k, v]): [string, string][] =>
    v === undefined ? [] : [[k, String(v)]],
  )
  return defined.length === 0 ? "" : `?${new URLSearchParams(defined)}`
}

const parseJson = (text: string): unknown => {
  try {
    return text === "" ? undefined : JSON.parse(text)
  } catch {
    return text
  }
}

/** The error an answer that is not a success carries, as the API's error body says it. */
const refusal = (status: number, text: string): LifelineApiError => {
  const decoded = decodeError(parseJson(text))
  if (Result.isFailure(decoded)) return new LifelineApiError(status, "Unknown", text, undefined)
  const { code, message, field, reasons } = decoded.success.error
  return new LifelineApiError(status, code, message, field, reasons)
}

/**
 * The typed client for the Lifeline REST API, for integrators and the web app. Every request
 * and reply is typed by the route table (ROUTES) the API itself is built from, and every reply is
 * checked against the route's reply schema at run time. Without a key the browser's session
 * cookie speaks for the caller (issue 21).
 */
export const lifelineClient = (baseUrl: string, apiKey?: string, fetchImpl: typeof fetch = fetch) => {
  const root = baseUrl.replace(/\/$/, "")
  const send = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ res: Response; text: string }> => {
    const res = await fetchImpl(`${root}${path}`, {
      method,
      headers: {
        ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { res, text: await res.text() }
  }

  /** Any route by its operation id: typed parameters, body and query; the reply checked. */
  const request = async <K extends OperationId>(
    operation: K,
    input: RequestOf<Routes[K]>,
  ): Promise<ReplyOf<Routes[K]>> => {
    const route: RouteDefinition = ROUTES[operation]
    const { params, body, query } = input as {
      params?: Record<string, string>
      body?: unknown
      query?: Query
    }
    const { res, text } = await send(route.method, `${fillPath(route.path, params)}${searchOf(query)}`, body)
    if (!res.ok) throw refusal(res.status, text)
    const value = route.media === undefined || route.media === "application/json" ? parseJson(text) : text
    const decoded = Schema.decodeUnknownResult(route.reply)(value)
    if (Result.isFailure(decoded))
      throw new LifelineApiError(
        res.status,
        "UnexpectedReply",
        `${operation}: ${decoded.failure.message}`,
        undefined,
      )
    return decoded.success as ReplyOf<Routes[K]>
  }

  /** An untyped request (a route the table does not have); errors still come as LifelineApiError. */
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const { res, text } = await send(method, path, body)
    if (!res.ok) throw refusal(res.status, text)
    return parseJson(text) as T
  }

  type Body<K extends OperationId> = Routes[K] extends { readonly body: Schema.Top }
    ? Routes[K]["body"]["Encoded"]
    : never
  return {
    request,
    call,
    queues: () => request("queues", {}),
    queue: (queueId: string) => request("queue", { params: { queueId } }),
    createQueue: (body: Body<"createQueue">) => request("createQueue", { body }),
    reps: () => request("reps", {}),
    rep: (repId: string) => request("rep", { params: { repId } }),
    registerRep: (body: Body<"registerRep">) => request("registerRep", { body }),
    setPresence: (repId: string, presenceId: string) =>
      request("setPresence", { params: { repId }, body: { presenceId } }),
    setCapacity: (repId: string, capacity: Body<"setCapacity">["capacity"]) =>
      request("setCapacity", { params: { repId }, body: { capacity } }),
    offers: (repId: string) => request("offers", { params: { repId } }),
    work: (repId: string) => request("work", { params: { repId } }),
    enqueueItem: (body: Body<"enqueueItem">) => request("enqueueItem", { body }),
    routeIncoming: (body: Body<"routeIncoming">) => request("routeIncoming", { body }),
    position: (itemId: string) => request("position", { params: { itemId } }),
    /** A rep completes its own work; an admin names the rep. */
    complete: (itemId: string, repId?: string) =>
      request("complete", { params: { itemId }, body: repId === undefined ? {} : { repId } }),
    accept: (offerId: string) => request("accept", { params: { offerId } }),
    decline: (offerId: string) => request("decline", { params: { offerId } }),
    deliveries: () => request("deliveries", {}),
    retryDelivery: (messageId: string) => request("retryDelivery", { params: { messageId } }),
    /** E1–E5: 201 with the call to place, or LifelineApiError 422 `EmergencyUnavailable` with reasons. */
    dialEmergency: (repId: string, body: Body<"dialEmergency">) =>
      request("dialEmergency", { params: { repId }, body }),
    endEmergency: (repId: string, sessionId?: string) =>
      request("endEmergency", { params: { repId }, body: sessionId === undefined ? {} : { sessionId } }),
    emergencyPanel: (repId: string) => request("emergencyPanel", { params: { repId } }),
    setEmergencyContacts: (repId: string, contacts: string) =>
      request("setEmergencyContacts", { params: { repId }, body: { contacts } }),
    emergencyNotifications: () => request("emergencyNotifications", {}),
    /** E8: one page of call history, oldest first (the next page's cursor is in X-Next-Cursor). */
    history: (query: Query = {}) => request("history", { query }),
    setQueueOverflow: (queueId: string, body: Body<"setQueueOverflow">) =>
      request("setQueueOverflow", { params: { queueId }, body }),
    /** C7: schedule a callback; B3: a pending one for the same number and queue is joined. */
    requestCallback: (body: Body<"requestCallback">) => request("requestCallback", { body }),
    callback: (callbackId: string) => request("callback", { params: { callbackId } }),
    addMember: (queueId: string, repId: string) =>
      request("addMember", { params: { queueId }, body: { repId } }),
    defineWorkstream: (body: Body<"defineWorkstream">) => request("defineWorkstream", { body }),
    /** Issue 9 (admins): configuration changes; the previous page's `next` is `after` (or `before` newest first). */
    audit: (
      query: {
        readonly target?: string
        readonly since?: string
        readonly after?: number
        readonly before?: number
        readonly order?: "oldest" | "newest"
        readonly limit?: number
      } = {},
    ) => request("audit", { query }),
  }
}

export type LifelineClient = ReturnType<typeof lifelineClient>
