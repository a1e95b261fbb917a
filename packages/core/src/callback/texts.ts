import { Schema } from "effect"

/** A prompt the caller hears, editable per queue (C3, C4). */
export const PromptText = Schema.Trimmed.check(Schema.isNonEmpty(), Schema.isMaxLength(1000))

/** The texts a caller may hear from the overflow handling; the defaults are the SPEC's. */
export interface CallbackTexts {
  /** C3: the offer. */
  readonly offer: string
  /** C4: the confirmation after the key. */
  readonly confirmation: string
  /** C1 voicemail action: the greeting before the message. */
  readonly voicemail: string
  /** C1 end-call action: the farewell before the line is released. */
  readonly endCall: string
}

export const DEFAULT_TEXTS: CallbackTexts = {
  offer:
    "Current wait time is longer than expected. If you want a callback press 1 or wait for the next available representative.",
  confirmation:
    "Callback requested. We will call you back as soon as a representative is available. Goodbye.",
  voicemail: "All our representatives are busy. Please leave a message after the tone.",
  endCall: "We cannot take your call right now. Please call again later. Goodbye.",
}

/** The queue's texts: each one set replaces the default, the others stay. */
export const textsOf = (edited: {
  readonly offerText?: string | undefined
  readonly confirmationText?: string | undefined
  readonly voicemailText?: string | undefined
  readonly endCallText?: string | undefined
}): CallbackTexts => ({
  offer: edited.offerText ?? DEFAULT_TEXTS.offer,
  confirmation: edited.confirmationText ?? DEFAULT_TEXTS.confirmation,
  voicemail: edited.voicemailText ?? DEFAULT_TEXTS.voicemail,
  endCall: edited.endCallText ?? DEFAULT_TEXTS.endCall,
})
