import { describe, expect, it } from "vitest"
import { CALLBACK_LEASE_MS } from "./callback-lease"
import { PLACEHOLDERS } from "./notification-template"
import { operatorEmergencyLog } from "./operator-log"
import { dial, emergencyCenter, end, inbound, leasedNumber, POOL } from "./test-kit"
import {
  callbackPoolView,
  emergencyContactsView,
  notificationTemplateView,
  repEmergencyView,
  supervisorEmergencyView,
} from "./views"

describe("N4 emergency data is visible to no one beyond what E9 sends", () => {
  it("E7 the rep's own view during its emergency: the alert, device settings and End call only", () => {
    const h = emergencyCenter()
    h.run(dial())
    expect(repEmergencyView(h.state, "ann", h.now)).toEqual({
      sessionId: "emergency-1",
      since: h.now,
      alert: "An emergency call is in progress",
      actions: ["device_settings", "end_call"],
      test: false,
      dialledNumber: "911",
      callbackNumber: POOL[0],
      callbackUntil: h.now + CALLBACK_LEASE_MS,
      psapCallback: false,
      droppedAt: null,
    })
    expect(repEmergencyView(h.state, "bob", h.now)).toBeNull()
    h.run(inbound("psap-1", leasedNumber(h)))
    expect(repEmergencyView(h.state, "ann", h.now)?.psapCallback).toBe(true)
    h.run(end())
    expect(repEmergencyView(h.state, "ann", h.now)).toBeNull()
  })

  it("N4 a supervisor learns how many emergencies are up, and nothing else", () => {
    const h = emergencyCenter()
    expect(supervisorEmergencyView(h.state)).toEqual({ activeEmergencies: 0 })
    h.run(dial("ann"))
    h.run(dial("bob", "933"))
    expect(supervisorEmergencyView(h.state)).toEqual({ activeEmergencies: 2 })
  })

  it("N4 the operator log has refused attempts and carrier decisions, never contacts or the email", () => {
    const h = emergencyCenter()
    h.run(dial("ann", "112", "FR"))
    h.run(dial("ann"))
    const log = operatorEmergencyLog(h.log)
    expect(log.map((r) => r._tag)).toEqual(["EmergencyDialRefused", "CarrierPathDecided"])
    expect(JSON.stringify(log)).not.toMatch(/example\.(com|org)|Emergency call by/)
  })

  it("E5 the pool view shows which numbers are leased and until when, not to whom", () => {
    const h = emergencyCenter()
    h.run(dial())
    const view = callbackPoolView(h.state, h.now)
    expect(view).toEqual({
      size: 2,
      leased: 1,
      overflowNumber: "+15550100999",
      fallbackRepIds: ["desk"],
      numbers: [
        { number: POOL[0], leasedUntil: h.now + CALLBACK_LEASE_MS },
        { number: POOL[1], leasedUntil: null },
      ],
    })
    expect(callbackPoolView(h.state, h.now + CALLBACK_LEASE_MS).leased).toBe(0)
  })

  it("E11 the admin editor reads a rep's contacts and mailbox, and the template with its placeholders", () => {
    const h = emergencyCenter()
    expect(emergencyContactsView(h.state, "ann")).toEqual({
      repId: "ann",
      contacts: ["lead@example.com", "family@example.org"],
      mailboxEnabled: true,
    })
    expect(notificationTemplateView(h.state).placeholders).toBe(PLACEHOLDERS)
  })
})
