import { headersOf, listen, sendJson } from "./http"

export interface ReceivedRequest {
  readonly method: string
  /** Path and query, as a framework would see them. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * Where a stand-in provider posts its webhooks in tests that have no API server: records every
 * request and answers with `respond` (200 by default), so a test can put the real webhook
 * parsers behind it and see what a provider would see.
 */
export const startWebhookReceiver = async (
  respond: (request: ReceivedRequest) => Answer = () => ({ status: 200 }),
) => {
  const received: ReceivedRequest[] = []
  const server = await listen((req, res, body) => {
    const request = { method: req.method ?? "GET", url: req.url ?? "/", headers: headersOf(req), body }
    received.push(request)
    const answer = respond(request)
    sendJson(res, answer.status, answer.body, answer.headers)
  })
  return {
    url: server.url,
    received: received as readonly ReceivedRequest[],
    close: server.close,
  }
}
