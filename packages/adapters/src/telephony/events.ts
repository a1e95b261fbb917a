/**
 * What the voice provider tells Lifeline, in the few shapes Lifeline acts on. The Azure webhook
 * parser (`azure/events.ts`) and the simulated telephony both produce these, so a driver handles
 * a real call and a simulated one the same way.
 *
 * Every event carries the provider's own event id as `eventId`: providers deliver at least once,
 * so the driver records it and drops a repeat (N2).
 */

/** A party to a call: the provider's raw id, and the phone number when it is a phone. */
export interface CallParty {
  /** e.g. `4:+15551234567` for a phone, `8:acs:<resource>_<user>` for an ACS user. */
  readonly rawId: string
  /** E.164, when the party is a phone number. */
  readonly phoneNumber?: string
}

/** The provider's account of how an operation ended (SIP-like code, sub-code, message). */
export interface ResultInformation {
  readonly code?: number
  readonly subCode?: number
  readonly message?: string
}

/** DTMF keys as ACS names them. */
export const TONES = {
  zero: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  a: "A",
  b: "B",
  c: "C",
  d: "D",
  pound: "#",
  asterisk: "*",
} as const

export type Tone = keyof typeof TONES

export const isTone = (value: unknown): value is Tone =>
  typeof value === "string" && Object.hasOwn(TONES, value)

/** The keys pressed, as the caller sees them on the keypad: `["one"]` is `"1"`. */
export const digitsOf = (tones: readonly Tone[]): string => tones.map((tone) => TONES[tone]).join("")

/** The tone for one keypad key, or undefined when the key is not a DTMF key. */
export const toneOf = (digit: string): Tone | undefined =>
  (Object.keys(TONES) as Tone[]).find((tone) => TONES[tone] === digit.toUpperCase())

/** A new inbound call, before Lifeline has answered it. */
export interface IncomingCall {
  readonly _tag: "IncomingCall"
  readonly eventId: string
  /** Set only when the sender knew Lifeline's id (the simulator does; Azure Event Grid does not). */
  readonly callId?: string
  readonly serverCallId: string
  readonly from: CallParty
  /** The number dialled: a queue's number, or a leased emergency callback number (E6). */
  readonly to: CallParty
  /** Opaque and short-lived; needed to answer, redirect or reject the call. */
  readonly incomingCallContext: string
  readonly callerDisplayName?: string
  readonly correlationId?: string
}

/** Fields every mid-call event has. */
export interface CallEventBase {
  readonly eventId: string
  /** Lifeline's call id, carried in the callback URL Lifeline gave the provider. */
  readonly callId: string
  /** The provider's id for its leg of the call. */
  readonly callConnectionId: string
  readonly serverCallId?: string
  readonly correlationId?: string
  /** Echo of the action that caused the event: Lifeline sends the action's idempotency key. */
  readonly operationContext?: string
  readonly resultInformation?: ResultInformation
}

export type CallConnected = CallEventBase & { readonly _tag: "CallConnected" }
export type CallDisconnected = CallEventBase & { readonly _tag: "CallDisconnected" }
export type CreateCallFailed = CallEventBase & { readonly _tag: "CreateCallFailed" }
export type AnswerFailed = CallEventBase & { readonly _tag: "AnswerFailed" }
export type PlayCompleted = CallEventBase & { readonly _tag: "PlayCompleted" }
export type PlayFailed = CallEventBase & { readonly _tag: "PlayFailed" }
export type RecognizeCompleted = CallEventBase & {
  readonly _tag: "RecognizeCompleted"
  readonly tones: readonly Tone[]
  /** The same keys as keypad characters: C3 checks for "1". */
  readonly digits: string
}
export type RecognizeFailed = CallEventBase & {
  readonly _tag: "RecognizeFailed"
  /** "timeout" when the caller pressed nothing in time (the usual case in C3). */
  readonly reason: "timeout" | "failed"
}
export type AddParticipantSucceeded = CallEventBase & {
  readonly _tag: "AddParticipantSucceeded"
  readonly participant?: CallParty
}
export type AddParticipantFailed = CallEventBase & {
  readonly _tag: "AddParticipantFailed"
  readonly participant?: CallParty
}

export type CallEvent =
  | CallConnected
  | CallDisconnected
  | CreateCallFailed
  | AnswerFailed
  | PlayCompleted
  | PlayFailed
  | RecognizeCompleted
  | RecognizeFailed
  | AddParticipantSucceeded
  | AddParticipantFailed

export type TelephonyEvent = IncomingCall | CallEvent

export const CALL_EVENT_TAGS: ReadonlySet<string> = new Set<CallEvent["_tag"]>([
  "CallConnected",
  "CallDisconnected",
  "CreateCallFailed",
  "AnswerFailed",
  "PlayCompleted",
  "PlayFailed",
  "RecognizeCompleted",
  "RecognizeFailed",
  "AddParticipantSucceeded",
  "AddParticipantFailed",
])
