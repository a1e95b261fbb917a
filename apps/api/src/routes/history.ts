import { ROUTES } from "@lifeline/client"
import {
  HISTORY_OUTCOMES,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  type HistoryCursor,
  type HistoryQuery,
  historyCsvHeader,
  historyCsvLine,
} from "@lifeline/core/history"
import { InvalidField } from "@lifeline/core/kernel"
import { Effect, Schema, Stream } from "effect"
import { Hono } from "hono"
import type { AuthEnv } from "../auth/middleware"
import type { Principal } from "../auth/principal"
import type { ApiContext, Handle } from "../handle"
import type { LiveHub } from "../live/hub"
import { route } from "../openapi"
import { DECODE_OPTIONS } from "../request-body"
import { Count, IsoTime } from "./audit"

/** A page's cursor as the API hands it out: opaque to callers (base64url of where it ended). */
export const encodeCursor = (c: HistoryCursor): string => encodeKeyset([c.arrivedAt, c.itemId])

const decodeCursor = (s: string): HistoryCursor | undefined => {
  const keyset = decodeKeyset(s)
  return keyset === undefined ? undefined : { arrivedAt: keyset[0], itemId: keyset[1] }
}

/** A keyset cursor (a time, then an id), as every cursor-paged list of the API hands it out. */
export const encodeKeyset = (keyset: readonly [number, string]): string =>
  Buffer.from(JSON.stringify(keyset)).toString("base64url")

export const decodeKeyset = (s: string): [number, string] | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, "base64url").toString("utf8"))
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === "string")
      return [v[0], v[1]]
  } catch {
    // not JSON: not a cursor of ours
  }
  return undefined
}

export const Cursor = Schema.String.check(
  Schema.makeFilter((s) => decodeKeyset(s) !== undefined || "must be a cursor a previous page gave"),
)

/** A page: its records as the body, the next page's cursor in `X-Next-Cursor` and `Link: rel=next`. */
export const pageResponse = (c: ApiContext, records: readonly unknown[], cursor: string | null) => {
  if (cursor === null) return c.json([...records])
  const next = new URL(c.req.url)
  next.searchParams.set("cursor", cursor)
  return c.json([...records], 200, {
    "x-next-cursor": cursor,
    link: `<${next.pathname}${next.search}>; rel="next"`,
  })
}

const Id = Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(256))

const FILTERS = {
  from: Schema.optionalKey(IsoTime),
  to: Schema.optionalKey(IsoTime),
  queueId: Schema.optionalKey(Id),
  repId: Schema.optionalKey(Id),
  outcome: Schema.optionalKey(Schema.Literals(HISTORY_OUTCOMES)),
}

/** GET /api/history/analytics and /export.csv: the filters (a bad or unknown one is a 400). */
export const HistoryFilterQuery = Schema.Struct(FILTERS)
/** GET /api/history: the filters and the page. */
export const HistoryPageQuery = Schema.Struct({
  ...FILTERS,
  limit: Schema.optionalKey(Count(1, HISTORY_PAGE_MAX)),
  cursor: Schema.optionalKey(Cursor),
})

const FILTER_DOCS: Record<keyof typeof FILTERS, string> = {
  from: "Only items that arrived at or after this ISO 8601 time",
  to: "Only items that arrived before this ISO 8601 time",
  queueId: "Only items of this queue (the queue they are in or ended in)",
  repId: "Only items this rep took",
  outcome: `Only items with this outcome: ${HISTORY_OUTCOMES.join(", ")}`,
}
const PAGE_DOCS: Record<keyof typeof HistoryPageQuery.fields, string> = {
  ...FILTER_DOCS,
  limit: `Records per page, 1 to ${HISTORY_PAGE_MAX} (default ${HISTORY_PAGE_DEFAULT})`,
  cursor: "Where the previous page ended: its X-Next-Cursor header (also in its Link rel=next)",
}

const decodePage = Schema.decodeUnknownEffect(HistoryPageQuery, DECODE_OPTIONS)
const decodeFilters = Schema.decodeUnknownEffect(HistoryFilterQuery, DECODE_OPTIONS)

/** The read-model query of decoded filters, narrowed to what the caller may see. */
const queryOf = (f: typeof HistoryFilterQuery.Type, who: Principal) =>
  Effect.gen(function* () {
    if (f.from !== undefined && f.to !== undefined && f.to.getTime() <= f.from.getTime())
      return yield* Effect.fail(new InvalidField({ field: "to", message: "to must be later than from" }))
    const query: HistoryQuery = {
      ...(f.from === undefined ? {} : { from: f.from.getTime() }),
      ...(f.to === undefined ? {} : { to: f.to.getTime() }),
      ...(f.queueId === undefined ? {} : { queueId: f.queueId }),
      ...(f.repId === undefined ? {} : { repId: f.repId }),
      ...(f.outcome === undefined ? {} : { outcome: f.outcome }),
      // A supervisor sees their queues' records only.
      ...(who.role === "supervisor" && who.queues !== "all" ? { queues: [...who.queues] } : {}),
    }
    return query
  })

/**
 * E8: call history, its analytics and its export, all from the history read model, whose record
 * type cannot hold an emergency call. Pages are cursor pages in history's order (arrival, then
 * item id); the body stays the array of records it always was, and the next page's cursor comes
 * in `X-Next-Cursor` and a `Link: <…>; rel="next"` header. The export streams page by page.
 */
export const historyRoutes = (handle: Handle, hub: LiveHub) =>
  new Hono<AuthEnv>()
    .get(
      "/",
      route("history", { query: PAGE_DOCS }),
      handle(ROUTES.history.roles, (c, who) =>
        Effect.gen(function* () {
          const q = yield* decodePage(c.req.query())
          const query = yield* queryOf(q, who)
          const after = q.cursor === undefined ? null : (decodeCursor(q.cursor) ?? null)
          const page = yield* hub.history.page(query, q.limit ?? HISTORY_PAGE_DEFAULT, after)
          return pageResponse(c, page.records, page.next === null ? null : encodeCursor(page.next))
        }),
      ),
    )
    .get(
      "/analytics",
      route("historyAnalytics", { query: FILTER_DOCS }),
      handle(ROUTES.historyAnalytics.roles, (c, who) =>
        Effect.gen(function* () {
          const query = yield* queryOf(yield* decodeFilters(c.req.query()), who)
          return c.json(yield* hub.history.analytics(query))
        }),
      ),
    )
    .get(
      "/export.csv",
      route("historyCsv", { query: FILTER_DOCS }),
      handle(ROUTES.historyCsv.roles, (c, who) =>
        Effect.gen(function* () {
          const query = yield* queryOf(yield* decodeFilters(c.req.query()), who)
          const body = hub.history.exportRows(query).pipe(
            Stream.chunks,
            Stream.map((records) => records.map(historyCsvLine).join("")),
            Stream.prepend([historyCsvHeader()]),
            Stream.encodeText,
            Stream.toReadableStream(),
          )
          return c.body(body, 200, { "content-type": "text/csv; charset=utf-8" })
        }),
      ),
    )
