import { lifelineClient } from "@lifeline/api/testing"
import { afterAll, describe, expect, it } from "vitest"
import { headersOf, type Listening, listen, sendJson } from "../standins/http"
import { opsKit } from "./kit"

const { tempDb, start, stop } = opsKit("trace")

/**
 * Issue 9, tracing: Effect's spans exported with OpenTelemetry (OTLP/HTTP, JSON) to a collector
 * stand-in that follows the OTLP trace service's wire format (ExportTraceServiceRequest).
 */
interface OtlpValue {
  readonly stringValue?: string
  readonly intValue?: string | number
  readonly boolValue?: boolean
}
interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: number
  readonly attributes?: readonly { readonly key: string; readonly value: OtlpValue }[]
}
interface ExportTraceServiceRequest {
  readonly resourceSpans: readonly {
    readonly resource?: {
      readonly attributes?: readonly { readonly key: string; readonly value: OtlpValue }[]
    }
    readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[]
  }[]
}

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** An OTLP/HTTP collector: POST /v1/traces with a JSON ExportTraceServiceRequest. */
const collector = async () => {
  const requests: { headers: Record<string, string>; body: ExportTraceServiceRequest }[] = []
  const server: Listening = await listen((req, res, body) => {
    if (req.method !== "POST" || req.url !== "/v1/traces") return sendJson(res, 404, {})
    if (!String(req.headers["content-type"]).startsWith("application/json")) return sendJson(res, 415, {})
    requests.push({ headers: headersOf(req), body: JSON.parse(body) as ExportTraceServiceRequest })
    sendJson(res, 200, { partialSuccess: {} })
  })
  cleanups.push(() => server.close())
  const spans = () =>
    requests.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))
  const serviceNames = () =>
    requests.flatMap((r) =>
      r.body.resourceSpans.flatMap(
        (rs) =>
          rs.resource?.attributes?.filter((a) => a.key === "service.name").map((a) => a.value.stringValue) ??
          [],
      ),
    )
  return { url: server.url, requests, spans, serviceNames }
}

const attr = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value
  return value?.stringValue ?? value?.intValue ?? value?.boolValue
}

describe("tracing through Effect's spans, exported with OpenTelemetry (issue 9)", () => {
  it("a request, its center command and the store append arrive at the collector as one trace; a stop flushes them; no span carries a number or an address", async () => {
    const otlp = await collector()
    const node = await start(tempDb(), {
      tracing: {
        url: `${otlp.url}/v1/traces`,
        serviceName: "lifeline-trace-test",
        headers: { authorization: "Bearer collector-token" },
      },
    })

    const integrator = lifelineClient(node.url, "demo-integrator-key")
    const enqueued = await integrator.enqueueItem({ itemId: "traced-1", queueId: "billing" })
    expect(enqueued).toMatchObject({ itemId: "traced-1", queueId: "billing" })
    // An emergency dial: its number, callback number and contacts must not reach any span.
    const ana = lifelineClient(node.url, "demo-rep-ana")
    const dialled = await ana.dialEmergency("ana", { dialString: "911", location: { region: "US" } })
    expect(dialled._tag).toBe("Started")
    const refused = await fetch(`${node.url}/api/items`, {
      method: "POST",
      headers: { authorization: "Bearer demo-integrator-key", "content-type": "application/json" },
      body: JSON.stringify({ itemId: "", queueId: "billing" }),
    })
    expect(refused.status).toBe(400)

    await stop(node)

    const spans = otlp.spans()
    expect(otlp.serviceNames()).toContain("lifeline-trace-test")
    expect(otlp.requests.every((r) => r.headers.authorization === "Bearer collector-token")).toBe(true)

    const server = spans.find(
      (s) => s.name === "POST /api/items" && attr(s, "http.response.status_code") === 201,
    )
    expect(server, `spans: ${spans.map((s) => s.name).join(", ")}`).toBeDefined()
    if (server === undefined) return
    expect(server.kind).toBe(2) // SPAN_KIND_SERVER
    expect(attr(server, "http.route")).toBe("/api/items")
    const execute = spans.find(
      (s) =>
        s.name === "center.execute" &&
        s.traceId === server.traceId &&
        attr(s, "lifeline.command") === "EnqueueItem",
    )
    expect(execute?.parentSpanId).toBe(server.spanId)
    const append = spans.find((s) => s.name === "center.append" && s.traceId === server.traceId)
    expect(append).toBeDefined()
    expect(Number(attr(append as OtlpSpan, "lifeline.events"))).toBeGreaterThanOrEqual(1)
    // The refused request is traced with its status.
    expect(
      spans.some((s) => s.name === "POST /api/items" && attr(s, "http.response.status_code") === 400),
    ).toBe(true)
    // The dial is traced by route pattern and command tag only.
    const dial = spans.find((s) => s.name === "POST /api/reps/:repId/emergency")
    expect(dial).toBeDefined()
    expect(
      spans.some((s) => s.name === "center.execute" && attr(s, "lifeline.command") === "DialEmergency"),
    ).toBe(true)
    const everything = JSON.stringify(otlp.requests.map((r) => r.body))
    expect(everything).not.toContain("dialString")
    expect(everything).not.toContain('"911"')
    expect(everything).not.toMatch(/\+1555\d{7}/) // the callback number
    expect(everything).not.toMatch(/@[a-z0-9-]+\.[a-z]/i) // a contact address
  }, 30_000)
})
