import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type E2e, eventually, KEYS, startE2e } from "./harness"

let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e()
})
afterAll(() => e2e.close())

const PSAP = "+12025550911"

describe("a rep's emergency call, end to end over HTTP (E1–E10, B6, E8)", () => {
  it("E4 E5 E9 E6 E10 DND, lease, email through Resend, PSAP callback through ACS, then restore", async () => {
    const ana = e2e.as(KEYS.ana)
    const admin = e2e.as(KEYS.admin)
    expect((await ana.rep("ana")).presenceId).toBe("available")

    const started = await ana.dialEmergency("ana", { dialString: "911", location: { region: "US" } })
    expect(started).toMatchObject({ _tag: "Started", test: false })
    const callbackNumber = started.callbackNumber
    expect(callbackNumber).toMatch(/^\+1555010000[1-3]$/)
    expect(started.callbackUntil).toBe(Date.UTC(2025, 0, 6, 15, 0))

    // E4: DND at once; E7: the rep's panel is the emergency panel.
    expect((await ana.rep("ana")).presenceId).toBe("busy_dnd")
    expect(await ana.emergencyPanel("ana")).toMatchObject({
      alert: "An emergency call is in progress",
      actions: ["device_settings", "end_call"],
      callbackNumber,
    })

    // E9: one email per contact, through the Resend stand-in, each with an idempotency key.
    const mails = await eventually(() =>
      e2e.resend.deliveries.length === 2 ? e2e.resend.deliveries : undefined,
    )
    expect(mails.flatMap((m) => m.to).join(" ")).toMatch(
      /safety@example.com.*sam@example.org|sam@example.org.*safety@example.com/,
    )
    expect(mails.every((m) => m.idempotencyKey?.startsWith("emergency~"))).toBe(true)
    expect(mails[0]?.text).toContain(callbackNumber)
    // B6: the admin sees them sent.
    await eventually(async () => {
      const status = await admin.emergencyNotifications()
      return status.length === 2 && status.every((n) => n.status === "sent") ? status : undefined
    })

    // E6: the PSAP calls the leased number back; ACS is told to redirect it to ana.
    const rung = await e2e.ring(PSAP, callbackNumber as string)
    expect(rung.status).toBe(200)
    const redirect = await eventually(() => e2e.acs.performed.find((p) => p.operation === "RedirectCall"))
    expect(JSON.stringify(redirect.body)).toContain("rep-ana")
    expect(e2e.acs.performed.some((p) => p.operation === "AnswerCall")).toBe(false)

    // E8: neither the emergency call nor the PSAP callback is in call history.
    const history = await admin.history()
    expect(history.some((r) => r.from === PSAP || r.to === callbackNumber)).toBe(false)

    // E10: ending the call brings the previous presence back.
    await ana.endEmergency("ana", started.sessionId)
    expect((await ana.rep("ana")).presenceId).toBe("available")
    expect(await ana.emergencyPanel("ana")).toBeNull()
  })

  it("E1 933 runs the same flow but leases nothing and sends nothing", async () => {
    const ben = e2e.as(KEYS.ben)
    const before = e2e.resend.deliveries.length
    const started = await ben.dialEmergency("ben", { dialString: "933", location: { region: "US" } })
    expect(started).toMatchObject({ test: true, callbackNumber: null })
    expect((await ben.rep("ben")).presenceId).toBe("busy_dnd")
    await ben.endEmergency("ben", started.sessionId)
    await new Promise((r) => setTimeout(r, 200))
    expect(e2e.resend.deliveries.length).toBe(before)
  })

  it("E1 from an unsupported region the rep is told at once to use a local phone (422)", async () => {
    const ana = e2e.as(KEYS.ana)
    const error = await ana
      .dialEmergency("ana", { dialString: "911", location: { region: "FR" } })
      .catch((e) => e)
    expect(error).toMatchObject({ status: 422, code: "EmergencyUnavailable", field: "location" })
    expect(String(error.message)).toMatch(/local phone/i)
    expect((await ana.rep("ana")).presenceId).toBe("available")
  })

  it("N4 a rep cannot dial, read or end another rep's emergency", async () => {
    const ben = e2e.as(KEYS.ben)
    for (const attempt of [
      () => ben.dialEmergency("ana", { dialString: "911", location: { region: "US" } }),
      () => ben.emergencyPanel("ana"),
      () => ben.endEmergency("ana"),
    ]) {
      expect(await attempt().catch((e) => e)).toMatchObject({ status: 403 })
    }
  })
})
