import type {
  AuditEntry,
  CallbackView,
  CenterEvent,
  CreateQueue,
  DefineWorkstream,
  DeliveryView,
  DialEmergency,
  DialOutcome,
  EnqueueItem,
  HistoryRecord,
  NotificationDeliveryView,
  OfferView,
  PositionView,
  QueueView,
  RegisterRep,
  RepEmergencyView,
  RepView,
  RequestCallback,
  RouteIncoming,
  SetQueueOverflow,
} from "@lifeline/core"

/** A command's body: the API names the caller itself (`actor`, for the audit trail). */
type Body<S extends { readonly Type: { readonly _tag: string } }> = Omit<S["Type"], "_tag" | "actor">

/** One page of GET /api/audit: entries in the order asked for, times in ISO 8601. */
export interface AuditPageView {
  readonly entries: readonly (Omit<AuditEntry, "at"> & { readonly at: string | null })[]
  readonly next: number | null
}

/** An error answer of the API: `{error:{code,message,field?}}` with its HTTP status. */
export class LifelineApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | undefined,
  ) {
    super(`${status} ${code}: ${message}`)
    this.name = "LifelineApiError"
  }
}

export interface CommandResult {
  readonly events: readonly CenterEvent[]
}

/**
 * A typed client for the Lifeline REST API, for integrators and for the web app. Request bodies
 * are the core's command schemas, responses the core's view types, so a change in either shows
 * up here at compile time.
 */
export const lifelineClient = (baseUrl: string, apiKey?: string, fetchImpl: typeof fetch = fetch) => {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetchImpl(`${baseUrl.replace(/\/$/, "")}${path}`, {
      method,
      headers: {
        // Without a key the browser's session cookie speaks for the caller (issue 21).
        ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    const parsed: unknown = text === "" ? undefined : JSON.parse(text)
    if (!res.ok) {
      const e = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error
      throw new LifelineApiError(res.status, e?.code ?? "Unknown", e?.message ?? text, e?.field)
    }
    return parsed as T
  }
  const seg = encodeURIComponent
  return {
    call,
    queues: () => call<QueueView[]>("GET", "/api/queues"),
    queue: (queueId: string) => call<QueueView>("GET", `/api/queues/${seg(queueId)}`),
    createQueue: (body: Body<typeof CreateQueue>) => call<CommandResult>("POST", "/api/queues", body),
    reps: () => call<RepView[]>("GET", "/api/reps"),
    rep: (repId: string) => call<RepView>("GET", `/api/reps/${seg(repId)}`),
    registerRep: (body: Body<typeof RegisterRep>) => call<CommandResult>("POST", "/api/reps", body),
    setPresence: (repId: string, presenceId: string) =>
      call<CommandResult>("PUT", `/api/reps/${seg(repId)}/presence`, { presenceId }),
    setCapacity: (repId: string, capacity: Readonly<Record<string, number>>) =>
      call<CommandResult>("PUT", `/api/reps/${seg(repId)}/capacity`, { capacity }),
    offers: (repId: string) => call<OfferView[]>("GET", `/api/reps/${seg(repId)}/offers`),
    enqueueItem: (body: Body<typeof EnqueueItem>) => call<CommandResult>("POST", "/api/items", body),
    routeIncoming: (body: Body<typeof RouteIncoming>) =>
      call<CommandResult>("POST", "/api/items/route", body),
    position: (itemId: string) => call<PositionView>("GET", `/api/items/${seg(itemId)}/position`),
    complete: (itemId: string, repId?: string) =>
      call<CommandResult>(
        "POST",
        `/api/items/${seg(itemId)}/complete`,
        repId === undefined ? undefined : { repId },
      ),
    accept: (offerId: string) => call<CommandResult>("POST", `/api/offers/${seg(offerId)}/accept`),
    decline: (offerId: string) => call<CommandResult>("POST", `/api/offers/${seg(offerId)}/decline`),
    deliveries: () => call<DeliveryView[]>("GET", "/api/deliveries"),
    /** E1–E5: 201 with the outcome, or LifelineApiError 422 `EmergencyUnavailable` with reasons. */
    dialEmergency: (repId: string, body: Omit<Body<typeof DialEmergency>, "repId">) =>
      call<Extract<DialOutcome, { _tag: "Started" }>>("POST", `/api/reps/${seg(repId)}/emergency`, body),
    endEmergency: (repId: string, sessionId?: string) =>
      call<CommandResult>(
        "POST",
        `/api/reps/${seg(repId)}/emergency/end`,
        sessionId === undefined ? {} : { sessionId },
      ),
    emergencyPanel: (repId: string) =>
      call<RepEmergencyView | null>("GET", `/api/reps/${seg(repId)}/emergency`),
    setEmergencyContacts: (repId: string, contacts: string) =>
      call<CommandResult>("PUT", `/api/reps/${seg(repId)}/emergency-contacts`, { contacts }),
    emergencyNotifications: () => call<NotificationDeliveryView[]>("GET", "/api/emergency/notifications"),
    /** E8: one page of call history, oldest first (the next page's cursor is in X-Next-Cursor). */
    history: (query: Readonly<Record<string, string>> = {}) => {
      const search = new URLSearchParams(query).toString()
      return call<HistoryRecord[]>("GET", `/api/history${search === "" ? "" : `?${search}`}`)
    },
    setQueueOverflow: (queueId: string, body: Omit<Body<typeof SetQueueOverflow>, "queueId">) =>
      call<CommandResult>("PUT", `/api/queues/${seg(queueId)}/overflow`, body),
    /** C7: schedule a callback; B3: a pending one for the same number and queue is joined. */
    requestCallback: (
      body: Omit<Body<typeof RequestCallback>, "callbackId"> & { readonly callbackId?: string },
    ) => call<{ readonly callbackId: string; readonly joined: boolean }>("POST", "/api/callbacks", body),
    callback: (callbackId: string) => call<CallbackView>("GET", `/api/callbacks/${seg(callbackId)}`),
    addMember: (queueId: string, repId: string) =>
      call<CommandResult>("POST", `/api/queues/${seg(queueId)}/members`, { repId }),
    defineWorkstream: (body: Body<typeof DefineWorkstream>) =>
      call<CommandResult>("POST", "/api/workstreams", body),
    retryDelivery: (messageId: string) =>
      call<CommandResult>("POST", `/api/deliveries/${seg(messageId)}/retry`),
    /** Issue 9 (admins): configuration changes; the previous page's `next` is `after` (or `before` newest first). */
    audit: (
      query: {
        target?: string
        since?: string
        after?: number
        before?: number
        order?: "oldest" | "newest"
        limit?: number
      } = {},
    ) =>
      call<AuditPageView>(
        "GET",
        `/api/audit?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
      ),
  }
}

export type LifelineClient = ReturnType<typeof lifelineClient>
