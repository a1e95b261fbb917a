import { makeResendMailer } from "@lifeline/adapters"
import type { Mail } from "@lifeline/core/ports"
import { Effect, Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ResendStandin, startResendStandin } from "../standins/resend-standin"

const FROM = "Lifeline <alerts@lifeline.example>"
const MAIL: Mail = {
  to: ["ops@contact.example", "Kim <kim@contact.example>"],
  subject: "Emergency call placed by Ann",
  text: "Ann placed an emergency call at 09:00.",
}

let resend: ResendStandin
beforeAll(async () => {
  resend = await startResendStandin()
})
afterAll(() => resend.close())

const mailer = (overrides: { apiKey?: string; baseUrl?: string } = {}) =>
  makeResendMailer({ apiKey: resend.apiKey, from: FROM, baseUrl: resend.url, ...overrides })
const send = (on: ReturnType<typeof mailer>, mail: Mail, key: string) =>
  Effect.runPromise(Effect.result(on.send(mail, key)))
const deliveriesFor = (key: string) => resend.deliveries.filter((d) => d.idempotencyKey === key)

describe("Resend mailer through the real SDK, against the Resend stand-in", () => {
  it("E9 sends the notification with the key as Idempotency-Key and returns Resend's id", async () => {
    const result = await send(mailer(), MAIL, "notify-1")
    const [delivered] = deliveriesFor("notify-1")
    expect(result).toEqual(Result.succeed({ id: delivered?.id }))
    expect(delivered).toMatchObject({ from: FROM, to: MAIL.to, subject: MAIL.subject, text: MAIL.text })
    const request = resend.requests.at(-1)
    expect(request?.headers["idempotency-key"]).toBe("notify-1")
    expect(request?.headers.authorization).toBe(`Bearer ${resend.apiKey}`)
  })

  it("N2 a repeat with the same key, even from a new process, gets the same id and delivers once", async () => {
    const first = await send(mailer(), MAIL, "notify-2")
    const again = await send(mailer(), MAIL, "notify-2")
    expect(again).toEqual(first)
    expect(deliveriesFor("notify-2")).toHaveLength(1)
    expect(resend.requests.filter((r) => r.headers["idempotency-key"] === "notify-2")).toHaveLength(2)
  })

  it("B6 a 422 for a bad address is not retryable and names the problem", async () => {
    const result = await send(mailer(), { ...MAIL, to: ["not-an-address"] }, "notify-422")
    expect(result).toMatchObject({ failure: { _tag: "MailRejected", retryable: false } })
    expect(Result.isFailure(result) && result.failure.reason).toContain("validation_error (422)")
    expect(deliveriesFor("notify-422")).toHaveLength(0)
  })

  it("B6 a 429 and a 500 are retryable, and the retry with the same key delivers once", async () => {
    const on = mailer()
    resend.failNext(1, 429)
    expect(await send(on, MAIL, "notify-retry")).toMatchObject({ failure: { retryable: true } })
    resend.failNext(1, 500)
    const failed = await send(on, MAIL, "notify-retry")
    expect(failed).toMatchObject({ failure: { retryable: true } })
    expect(Result.isFailure(failed) && failed.failure.reason).toContain("internal_server_error (500)")
    expect(Result.isSuccess(await send(on, MAIL, "notify-retry"))).toBe(true)
    expect(deliveriesFor("notify-retry")).toHaveLength(1)
  })

  it("B6 a spent daily quota, a wrong API key and a key reused for another email are not retryable", async () => {
    resend.failNext(1, 429, "daily_quota_exceeded")
    expect(await send(mailer(), MAIL, "notify-quota")).toMatchObject({ failure: { retryable: false } })
    expect(await send(mailer({ apiKey: "re_wrong" }), MAIL, "notify-key")).toMatchObject({
      failure: { retryable: false },
    })
    await send(mailer(), MAIL, "notify-reused")
    const reused = await send(mailer(), { ...MAIL, subject: "Another subject" }, "notify-reused")
    expect(reused).toMatchObject({ failure: { retryable: false } })
    expect(Result.isFailure(reused) && reused.failure.reason).toContain("invalid_idempotent_request")
  })

  it("B6 an unreachable Resend is retryable; no recipients is not, and sends nothing", async () => {
    expect(await send(mailer({ baseUrl: "http://127.0.0.1:9" }), MAIL, "notify-down")).toMatchObject({
      failure: { retryable: true },
    })
    const before = resend.requests.length
    expect(await send(mailer(), { ...MAIL, to: [] }, "notify-none")).toMatchObject({
      failure: { retryable: false },
    })
    expect(resend.requests.length).toBe(before)
  })

  it("uses RESEND_BASE_URL from the environment when the mailer is made without a base URL", async () => {
    const saved = process.env.RESEND_BASE_URL
    process.env.RESEND_BASE_URL = resend.url
    try {
      const fromEnv = makeResendMailer({ apiKey: resend.apiKey, from: FROM })
      expect(Result.isSuccess(await send(fromEnv, MAIL, "notify-env"))).toBe(true)
      expect(deliveriesFor("notify-env")).toHaveLength(1)
    } finally {
      if (saved === undefined) delete process.env.RESEND_BASE_URL
      else process.env.RESEND_BASE_URL = saved
    }
  })
})
