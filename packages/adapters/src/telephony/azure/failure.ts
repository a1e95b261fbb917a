import { TelephonyFailed } from "@lifeline/core/ports"

/**
 * SDK failures as the port's error. The SDK throws a `RestError` (`statusCode` when ACS answered,
 * `code` from the CommunicationErrorResponse or the socket error otherwise), an `AbortError` when
 * the request was cancelled, and in a few places a bare string.
 *
 * Retryable: 408, 429 and 5xx, and a request that got no answer at all (refused, reset, DNS,
 * aborted), since ACS may not have seen it or the Repeatability id makes a replay safe. Every
 * other answer (400, 401, 403, 404, 409...) is final: the same request would fail the same way.
 * The message leaves the operation out: the error carries it, and the outbox prints both.
 */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 429 || status >= 500

interface ErrorShape {
  readonly name?: unknown
  readonly statusCode?: unknown
  readonly code?: unknown
  readonly message?: unknown
}

export const statusOf = (error: unknown): number | undefined => {
  const status = typeof error === "object" && error !== null ? (error as ErrorShape).statusCode : undefined
  return typeof status === "number" ? status : undefined
}

export const toTelephonyFailed =
  (operation: string) =>
  (error: unknown): TelephonyFailed => {
    const shape: ErrorShape = typeof error === "object" && error !== null ? error : {}
    const status = statusOf(error)
    const code = typeof shape.code === "string" ? shape.code : undefined
    const text = typeof shape.message === "string" ? shape.message : String(error)
    const noAnswer = status === undefined && (shape.name === "RestError" || shape.name === "AbortError")
    const retryable = status === undefined ? noAnswer : isRetryableStatus(status)
    const what = status === undefined ? (noAnswer ? "no answer" : "client error") : `HTTP ${status}`
    return new TelephonyFailed({
      operation,
      message: `ACS ${what}${code === undefined ? "" : ` ${code}`}: ${text}`,
      retryable,
    })
  }
