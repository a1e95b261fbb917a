import { it } from "@effect/vitest"
import { type Mail, Mailer } from "@lifeline/core/ports"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { RecordingMailer, RecordingMailerLive } from "./recording"

const MAIL: Mail = {
  to: ["ops@contact.example"],
  subject: "Emergency call",
  text: "Ann placed an emergency call.",
}

describe("recording mailer", () => {
  it.effect("N2 a repeated idempotency key gets the first id and is recorded once", () =>
    Effect.gen(function* () {
      const mailer = yield* Mailer
      const recording = yield* RecordingMailer
      const first = yield* mailer.send(MAIL, "k1")
      const again = yield* mailer.send(MAIL, "k1")
      const other = yield* mailer.send({ ...MAIL, subject: "Second" }, "k2")
      expect(again).toEqual(first)
      expect(other.id).not.toBe(first.id)
      expect((yield* recording.sent).map((m) => [m.idempotencyKey, m.mail.subject])).toEqual([
        ["k1", "Emergency call"],
        ["k2", "Second"],
      ])
      expect(yield* recording.attempts).toBe(3)
    }).pipe(Effect.provide(RecordingMailerLive)),
  )

  it.effect("B6 the next sends can be made to fail; the retry with the same key then goes through", () =>
    Effect.gen(function* () {
      const mailer = yield* Mailer
      const recording = yield* RecordingMailer
      yield* recording.failNext("rate_limit_exceeded", true, 2)
      expect(yield* Effect.result(mailer.send(MAIL, "k"))).toMatchObject({
        failure: { _tag: "MailRejected", reason: "rate_limit_exceeded", retryable: true },
      })
      expect(yield* Effect.result(mailer.send(MAIL, "k"))).toMatchObject({ failure: { retryable: true } })
      expect(yield* mailer.send(MAIL, "k")).toEqual({ id: "mail-1" })
      expect(yield* recording.sent).toHaveLength(1)
    }).pipe(Effect.provide(RecordingMailerLive)),
  )

  it.effect("B6 a mail without recipients is rejected for good", () =>
    Effect.gen(function* () {
      const mailer = yield* Mailer
      const result = yield* Effect.result(mailer.send({ ...MAIL, to: [] }, "k"))
      expect(result).toMatchObject({ failure: { retryable: false } })
      expect(yield* (yield* RecordingMailer).sent).toHaveLength(0)
    }).pipe(Effect.provide(RecordingMailerLive)),
  )
})
