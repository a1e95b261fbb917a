import type { CallState, CallView, Disposition } from "@lifeline/client"
import { queueName } from "./words"

/** W1: a call's state as the rep reads it. */
export const STATE_WORDS: Readonly<Record<CallState, string>> = {
  ringing: "Ringing",
  connected: "Connected",
  on_hold: "On hold",
  ended: "Ended",
}

/** W1: the contract's five dispositions, in words, in the order the wrap-up lists them. */
export const DISPOSITIONS: readonly { readonly value: Disposition; readonly label: string }[] = [
  { value: "resolved", label: "Resolved" },
  { value: "follow_up", label: "Needs a follow-up" },
  { value: "escalated", label: "Escalated" },
  { value: "wrong_number", label: "Wrong number" },
  { value: "other", label: "Other" },
]

/** W1: the wrap-up's notes limit, as the API checks it. */
export const NOTES_MAX = 4000

/** The queue a call came through, by its configured name when the API gave one. */
export const callQueue = (call: CallView): string | undefined =>
  call.queueName ?? (call.queueId === null ? undefined : queueName(call.queueId))

/** "Call · Billing" for a routed call, "Outbound call · +14155550123" for one the rep placed. */
export const callTitle = (call: CallView): string =>
  call.direction === "outbound" ? `Outbound call · ${call.to}` : `Call · ${callQueue(call) ?? "no queue"}`

/**
 * Why an ended call ended, as one sentence. A transfer names its target: a queue by the name
 * `nameOf` knows (or the call's own queue's name, else from its id), a rep by the name `nameOf`
 * knows (else its id).
 */
export const endedWords = (call: CallView, nameOf: (id: string) => string | undefined): string => {
  switch (call.endedBy) {
    case "caller":
      return call.direction === "outbound" ? "The customer hung up." : "The caller hung up."
    case "rep":
      return "You ended the call."
    case "failed":
      return "The call failed: the line was lost."
    case "transfer": {
      const to = call.transferredTo
      if (to === null) return "Transferred."
      return "queueId" in to
        ? `Transferred to the queue ${nameOf(to.queueId) ?? (to.queueId === call.queueId ? callQueue(call) : undefined) ?? queueName(to.queueId)}.`
        : `Transferred to ${nameOf(to.repId) ?? to.repId}.`
    }
    default:
      return "The call has ended."
  }
}

/** The customer's number: whom the rep called, or who called (a caller may withhold it). */
export const otherParty = (call: CallView): string =>
  (call.direction === "outbound" ? call.to : call.from) || "Number withheld"

/** What the customer told the IVR (the caller's number and the dialled line are shown apart). */
export const knownAttributes = (call: CallView): readonly (readonly [string, string])[] =>
  Object.entries(call.attributes).filter(([k]) => k !== "from" && k !== "to")

/** W1: the dialer's check, as the rep types: E.164 for a customer, or a short (emergency) dial string. */
export type DialCheck =
  | { readonly kind: "empty" }
  | { readonly kind: "customer"; readonly to: string }
  | { readonly kind: "short"; readonly dialString: string }
  /** The start of an E.164 number: fine so far, not yet callable. */
  | { readonly kind: "partial"; readonly message: string }
  | { readonly kind: "invalid"; readonly message: string }

const E164 = /^\+[1-9]\d{6,14}$/u
const E164_START = /^\+([1-9]\d{0,5})?$/u
const SHORT = /^\d{2,6}$/u
const FORM = "+, the country code and the number, up to 15 digits in all, e.g. +14155550123"

/** Spaces, dashes, dots and brackets people type in numbers are not part of them. */
const compact = (typed: string): string => typed.replace(/[\s().-]/gu, "")

export const checkDial = (typed: string): DialCheck => {
  const number = compact(typed)
  if (number === "") return { kind: "empty" }
  if (E164.test(number)) return { kind: "customer", to: number }
  if (SHORT.test(number)) return { kind: "short", dialString: number }
  if (E164_START.test(number)) return { kind: "partial", message: `Number to dial: keep typing (${FORM}).` }
  return {
    kind: "invalid",
    message: `Number to dial: a customer's number must be in international (E.164) form: ${FORM}.`,
  }
}
