import type { OutboxMessage } from "./message"

export type OutboxEvent =
  | {
      readonly _tag: "OutboxQueued"
      readonly messageId: string
      readonly message: OutboxMessage
      readonly purpose: string
      readonly ref: string
      readonly at: number
    }
  | {
      readonly _tag: "OutboxSent"
      readonly messageId: string
      readonly providerId: string | null
      readonly attempt: number
      readonly at: number
    }
  | {
      readonly _tag: "OutboxFailed"
      readonly messageId: string
      readonly reason: string
      readonly attempt: number
      /** When it will be tried again; null when it will not (not retryable, or out of attempts). */
      readonly retryAt: number | null
      readonly at: number
    }
  | { readonly _tag: "OutboxRetryDue"; readonly messageId: string; readonly at: number }
  /** The module that queued it no longer wants it sent (e.g. a callback dial given up on). */
  | {
      readonly _tag: "OutboxCancelled"
      readonly messageId: string
      readonly reason: string
      readonly at: number
    }

export const OUTBOX_EVENT_TAGS: ReadonlySet<string> = new Set<OutboxEvent["_tag"]>([
  "OutboxQueued",
  "OutboxSent",
  "OutboxFailed",
  "OutboxRetryDue",
  "OutboxCancelled",
])
