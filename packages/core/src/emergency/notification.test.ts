import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { type DeliveryRecord, projectDeliveries } from "../outbox/deliveries"
import { parseContacts } from "./contacts"
import { DEFAULT_TEMPLATE, previewTemplate, SAMPLE_VALUES, validateTemplate } from "./notification-template"
import { dial, emergencyCenter, end, POOL } from "./test-kit"
import { notificationDeliveries } from "./views"

const emails = (h: ReturnType<typeof emergencyCenter>) =>
  h.eventsOf("OutboxQueued").filter((e) => e.message._tag === "Email")

describe("E11 emergency contacts, entered separated by semicolons", () => {
  it("E11 each address is validated and kept; empty entries and repeats are dropped; 'Name <address>' is kept as typed (issue 19)", () => {
    expect(
      parseContacts(
        "a@example.com; b.c@example.org;; A@EXAMPLE.com ;Desk  Team <desk@example.net>; <x@example.com>",
      ),
    ).toEqual(
      Result.succeed(["a@example.com", "b.c@example.org", "Desk Team <desk@example.net>", "x@example.com"]),
    )
    // A repeat is the same address, whatever name it comes with.
    expect(parseContacts("Sam <sam@example.org>; SAM@example.org")).toEqual(
      Result.succeed(["Sam <sam@example.org>"]),
    )
    // The Greek semicolon (U+037E) separates too.
    expect(parseContacts("a@example.com\u037Eb@example.org")).toEqual(
      Result.succeed(["a@example.com", "b@example.org"]),
    )
    expect(parseContacts("  ")).toEqual(Result.succeed([]))
  })

  it("E9/E11 issue 19: a contact's display name is kept for the editor; the email goes to the address alone", () => {
    const h = emergencyCenter({ contacts: "Sam Lima <sam@example.org>; lead@example.com" })
    expect(h.state.emergency.contacts.get("ann")).toEqual(["Sam Lima <sam@example.org>", "lead@example.com"])
    h.run(dial())
    expect(emails(h).map((e) => (e.message._tag === "Email" ? e.message.mail.to : []))).toEqual([
      ["sam@example.org"],
      ["lead@example.com"],
    ])
  })

  it("E11 a bad address is refused naming the field and the address, and nothing changes", () => {
    const h = emergencyCenter()
    for (const [input, bad] of [
      ["lead@example.com; bob@", "bob@"],
      ["x@y", "x@y"],
      ["a b@example.com", "a b@example.com"],
      ["a@example..com", "a@example..com"],
      ["@example.com", "@example.com"],
    ] as const) {
      const error = h.reject({ _tag: "SetEmergencyContacts", repId: "ann", contacts: input })
      expect(error).toMatchObject({ _tag: "InvalidField", field: "contacts" })
      expect(error.message).toContain(`'${bad}'`)
    }
    expect(h.state.emergency.contacts.get("ann")).toEqual(["lead@example.com", "family@example.org"])
  })

  it("E11 addresses separated by commas get a hint to use semicolons", () => {
    const error = emergencyCenter().reject({
      _tag: "SetEmergencyContacts",
      repId: "ann",
      contacts: "a@x.com, b@y.com",
    })
    expect(error.message).toContain("separate addresses with semicolons")
  })

  it("E11 contacts are per rep: an unknown rep is refused; an empty line clears the list", () => {
    const h = emergencyCenter()
    expect(h.reject({ _tag: "SetEmergencyContacts", repId: "ghost", contacts: "a@x.com" })).toMatchObject({
      _tag: "UnknownEntity",
      field: "repId",
    })
    h.run({ _tag: "SetEmergencyContacts", repId: "ann", contacts: "" })
    expect(h.state.emergency.contacts.has("ann")).toBe(false)
  })
})

describe("E11 the notification template: edited, previewed, validated", () => {
  it("E11 unknown or unclosed placeholders are refused naming the field", () => {
    expect(validateTemplate({ subject: "Call by {{repname}}", body: "x" })).toMatchObject({
      failure: { field: "subject", message: expect.stringContaining("unknown placeholder {{repname}}") },
    })
    expect(validateTemplate({ subject: "s", body: "at {{time}" })).toMatchObject({
      failure: { field: "body", message: expect.stringContaining("not closed") },
    })
    expect(validateTemplate({ subject: "two\nlines", body: "x" })).toMatchObject({
      failure: { field: "subject" },
    })
    expect(validateTemplate({ subject: "s", body: "  " })).toMatchObject({ failure: { field: "body" } })
    const h = emergencyCenter()
    expect(h.reject({ _tag: "SetNotificationTemplate", subject: "s", body: "{{password}}" })).toMatchObject({
      _tag: "InvalidField",
      field: "body",
    })
  })

  it("E11 the preview fills every placeholder with sample values (spaces inside braces allowed)", () => {
    const preview = previewTemplate({
      subject: "{{ repName }} called {{dialledNumber}}",
      body: DEFAULT_TEMPLATE.body,
    })
    if (Result.isFailure(preview)) throw new Error(preview.failure.message)
    expect(preview.success.subject).toBe(`${SAMPLE_VALUES.repName} called 911`)
    expect(preview.success.text).toContain(SAMPLE_VALUES.callbackNumber)
    expect(preview.success.text).not.toMatch(/\{\{|\}\}/)
    expect(previewTemplate(DEFAULT_TEMPLATE, { repName: "Ann" })).toMatchObject({
      success: { subject: "Emergency call by Ann" },
    })
  })
})

describe("E9 the notification at the dial, through the outbox", () => {
  it("E9 a dial queues one email per contact from the template, each with its own idempotency key, in the dial's append", () => {
    const h = emergencyCenter()
    h.run({
      _tag: "SetNotificationTemplate",
      subject: "{{repName}} called {{dialledNumber}}",
      body: "{{time}} in {{region}}; call back on {{callbackNumber}} until {{callbackUntil}}",
    })
    const events = h.run(dial("ann", "911", "US", "America/Chicago"))
    const queued = h.eventsOf("OutboxQueued", events)
    expect(queued.map((e) => [e.messageId, e.purpose, e.ref])).toEqual([
      ["emergency~emergency-1~notify~1", "emergency-notification", "emergency-1"],
      ["emergency~emergency-1~notify~2", "emergency-notification", "emergency-1"],
    ])
    const [first, second] = queued.map((e) => (e.message._tag === "Email" ? e.message.mail : undefined))
    expect(first?.to).toEqual(["lead@example.com"])
    expect(second?.to).toEqual(["family@example.org"])
    expect(first?.subject).toBe("ann called 911")
    // 09:00 in New York is 08:00 in Chicago; 60 minutes later the number stops reaching the rep.
    expect(first?.text).toMatch(
      /^Jan 5, 2026, 8:00:00\s?AM CST in United States; call back on \+15550100001 until Jan 5, 2026, 9:00:00\s?AM CST$/,
    )
    expect(first?.text).toContain(POOL[0])
    expect(h.state.outbox.due.size).toBe(2)
  })

  it("E9 times are written in the region's language when it has one (Denmark)", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetNotificationTemplate", subject: "s", body: "{{time}}" })
    h.run(dial("ann", "112", "DK"))
    const mail = emails(h)[0]?.message
    expect(mail?._tag === "Email" ? mail.mail.text : "").toMatch(/^5\. jan\. 2026.*15[.:]00[.:]00/)
  })

  it("E9 a 933 test call sends nothing; a redial in the same session sends nothing again", () => {
    const h = emergencyCenter()
    h.run(dial("ann", "933"))
    expect(emails(h)).toEqual([])
    h.run(dial("ann", "911"))
    expect(emails(h)).toHaveLength(2)
    h.run(dial("ann", "911"))
    expect(emails(h)).toHaveLength(2)
    expect(h.eventsOf("EmergencyDialled").map((e) => e.notification)).toEqual([
      "test_call",
      "queued",
      "already_notified",
    ])
  })

  it("N1 notifications not yet sent survive a restart (the outbox is rebuilt from the log)", () => {
    const h = emergencyCenter()
    h.run(dial())
    const restarted = replayCenter(emptyCenterState(), h.log)
    expect([...restarted.outbox.due]).toEqual([
      "emergency~emergency-1~notify~1",
      "emergency~emergency-1~notify~2",
    ])
  })
})

describe("B6 delivery status, visible to an admin", () => {
  it("B6 sent, failed with reason, and retried are kept per message, without the message's content", () => {
    const h = emergencyCenter()
    h.run(dial())
    h.run(end())
    const [one, two] = ["emergency~emergency-1~notify~1", "emergency~emergency-1~notify~2"]
    h.run({ _tag: "RecordDelivery", messageId: one, outcome: { _tag: "Sent", providerId: "re_1" } })
    h.run({
      _tag: "RecordDelivery",
      messageId: two,
      outcome: { _tag: "Failed", reason: "mailbox full", retryable: true },
    })
    h.advance(30_000)
    h.run({ _tag: "RecordDelivery", messageId: two, outcome: { _tag: "Sent", providerId: "re_2" } })
    // B6 from the deliveries read model's projection of the log (issue 22).
    const records = new Map<string, DeliveryRecord>()
    projectDeliveries(records, h.log)
    const view = notificationDeliveries(records.values(), h.state)
    expect(view).toMatchObject([
      {
        messageId: one,
        sessionId: "emergency-1",
        repId: "ann",
        to: ["lead@example.com"],
        status: "sent",
        attempts: 1,
      },
      {
        messageId: two,
        to: ["family@example.org"],
        status: "sent",
        attempts: 2,
        history: [
          { attempt: 1, outcome: "failed", reason: "mailbox full" },
          { attempt: 2, outcome: "sent", reason: null },
        ],
      },
    ])
    expect(JSON.stringify(view)).not.toMatch(/subject|text|911|\+1555/)
  })
})
