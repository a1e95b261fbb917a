import { createHash } from "node:crypto"

/**
 * ACS honours the OASIS repeatable-requests headers on create, answer, redirect, reject,
 * terminate and add-participant: a request repeated with the same `Repeatability-Request-ID` is
 * answered with the first result and not executed again. The swagger wants that id to be a v4
 * UUID; Lifeline's idempotency keys are arbitrary strings, so the id is derived from the key by a
 * hash laid out as a v4 UUID. The same key always gives the same id, in any process, after any
 * restart, which is what makes a replay after a crash safe.
 *
 * The SDK (1.6.0) sets both headers itself with a random UUID and the current time, after the
 * caller's options, so they cannot be passed as options; `requestOptions.customHeaders` are
 * applied after the generated headers and win. That is how the adapter sends these.
 */
export const repeatabilityRequestId = (idempotencyKey: string): string => {
  const bytes = createHash("sha256").update(`lifeline/acs-repeatability\n${idempotencyKey}`).digest()
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40 // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80 // RFC 4122 variant
  const hex = bytes.subarray(0, 16).toString("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

export interface RepeatabilityHeaders {
  readonly "Repeatability-Request-ID": string
  readonly "Repeatability-First-Sent": string
}

/**
 * `Repeatability-First-Sent` should be when the request was first sent. The adapter remembers
 * that per key while it runs (bounded); after a restart it sends the current time, which only
 * tells ACS the request is fresher than it is: the id alone identifies the request.
 */
export const makeRepeatability = (now: () => number, capacity = 10_000) => {
  const firstSent = new Map<string, number>()
  return {
    headersFor: (idempotencyKey: string): RepeatabilityHeaders => {
      let at = firstSent.get(idempotencyKey)
      if (at === undefined) {
        at = now()
        firstSent.set(idempotencyKey, at)
        if (firstSent.size > capacity) {
          const oldest = firstSent.keys().next()
          if (oldest.done !== true) firstSent.delete(oldest.value)
        }
      }
      return {
        "Repeatability-Request-ID": repeatabilityRequestId(idempotencyKey),
        "Repeatability-First-Sent": new Date(at).toUTCString(),
      }
    },
  }
}
