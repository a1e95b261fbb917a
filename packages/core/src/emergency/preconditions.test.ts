import { describe, expect, it } from "vitest"
import { type CarrierConfig, carrierPath } from "./carrier-path"
import { operatorEmergencyLog } from "./operator-log"
import { DEFAULT_REGIONS, dialDigits, numberKind, regionOf, regionTable } from "./regions"
import { CALLING_NUMBER, dial, emergencyCenter } from "./test-kit"
import { dialOutcome, emergencyReadiness } from "./views"

const DR_NUMBER = "+15550100700"

const refusal = (events: Parameters<typeof dialOutcome>[0]) => {
  const outcome = dialOutcome(events)
  if (outcome?._tag !== "Refused") throw new Error(`expected a refusal, got ${JSON.stringify(outcome)}`)
  return outcome.error
}

describe("E1 the region/number table is data", () => {
  const table = regionTable(DEFAULT_REGIONS)
  const kind = (region: string, n: string) => {
    const policy = regionOf(table, region)
    return policy === undefined ? "unsupported" : numberKind(policy, n)
  }

  it("E1 ships with 911 in the US, Canada and Puerto Rico, 999/112 in the UK, 112 in Denmark, 933 as the US test number", () => {
    expect(DEFAULT_REGIONS.map((r) => r.region)).toEqual(["US", "CA", "PR", "GB", "DK"])
    expect([kind("US", "911"), kind("CA", "911"), kind("PR", "911")]).toEqual([
      "emergency",
      "emergency",
      "emergency",
    ])
    expect([kind("GB", "999"), kind("GB", "112"), kind("UK", "999"), kind("DK", "112")]).toEqual([
      "emergency",
      "emergency",
      "emergency",
      "emergency",
    ])
    expect(kind("US", "933")).toBe("test")
    expect([kind("US", "112"), kind("DK", "999")]).toEqual([undefined, undefined])
    expect([kind("FR", "112"), kind("DE", "112")]).toEqual(["unsupported", "unsupported"])
  })

  it("E1 region codes are matched without regard to case or spaces; 'UK' is GB", () => {
    expect(regionOf(table, " us ")?.region).toBe("US")
    expect(regionOf(table, "uk")?.region).toBe("GB")
    expect(dialDigits(" 9-1-1 ")).toBe("911")
    expect(dialDigits("(999)")).toBe("999")
    expect(dialDigits("911#")).toBeUndefined()
  })

  it("E1 an admin may replace the table; a number cannot be both an emergency and a test number", () => {
    const h = emergencyCenter()
    const ie = {
      region: "IE",
      name: "Ireland",
      timeZone: "Europe/Dublin",
      locale: "en-IE",
      emergencyNumbers: ["112", "999"],
    }
    h.run({ _tag: "ConfigureEmergencyRegions", regions: [...DEFAULT_REGIONS, ie] })
    expect(dialOutcome(h.run(dial("ann", "112", "IE")))).toMatchObject({ _tag: "Started" })
    expect(
      h.reject({ _tag: "ConfigureEmergencyRegions", regions: [{ ...ie, testNumbers: ["112"] }] }),
    ).toMatchObject({ field: "regions[0].testNumbers[0]" })
    expect(
      h.reject({ _tag: "ConfigureEmergencyRegions", regions: [{ ...ie, timeZone: "Mars/Olympus" }] }),
    ).toMatchObject({
      field: "regions[0].timeZone",
    })
    expect(
      h.reject({
        _tag: "ConfigureEmergencyRegions",
        regions: [ie, { ...ie, region: "GB", aliases: ["IE"] }],
      }),
    ).toMatchObject({ field: "regions[1].aliases[0]" })
  })
})

describe("E2 preconditions, each with its own reason", () => {
  it("E2 no location from the browser: location_unknown, use a local phone", () => {
    const error = refusal(emergencyCenter().run(dial("ann", "911", null)))
    expect(error).toMatchObject({
      reason: "location_unknown",
      field: "location",
      reasons: ["location_unknown"],
    })
    expect(error.message).toMatch(/^Use a local phone/)
  })

  it("E2 a rep whose capacity profiles link to no outbound voice profile: no_outbound_voice_profile", () => {
    const h = emergencyCenter()
    h.run({
      _tag: "RegisterRep",
      repId: "chat",
      name: "Chat only",
      presenceId: "available",
      capacity: { chat: 3 },
    })
    const error = refusal(h.run(dial("chat")))
    expect(error).toMatchObject({ reason: "no_outbound_voice_profile", field: "repId" })
    expect(error.message).toContain("Use a local phone to call 911 now.")
    expect(h.state.routing.reps.get("chat")?.presenceId).toBe("available")
  })

  it("E2 every missing precondition is reported, most basic first", () => {
    const h = emergencyCenter()
    h.run({ _tag: "RegisterRep", repId: "chat", name: "Chat only", capacity: { chat: 3 } })
    expect(refusal(h.run(dial("chat", "911", "FR"))).reasons).toEqual([
      "unsupported_region",
      "no_outbound_voice_profile",
    ])
    expect(operatorEmergencyLog(h.log).at(-1)).toMatchObject({
      reasons: ["unsupported_region", "no_outbound_voice_profile"],
    })
  })

  it("E2 a disabled mailbox or no contacts never blocks the call: only the email is skipped, and said so", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetRepMailbox", repId: "ann", enabled: false })
    expect(dialOutcome(h.run(dial("ann")))).toMatchObject({
      _tag: "Started",
      notification: "mailbox_disabled",
    })
    expect(dialOutcome(h.run(dial("bob")))).toMatchObject({ _tag: "Started", notification: "no_contacts" })
    expect(h.state.outbox.entries.size).toBe(0)
  })

  it("E2 readiness shows an admin what would block the call and what would stop the email", () => {
    const h = emergencyCenter()
    h.run({ _tag: "SetRepMailbox", repId: "ann", enabled: false })
    expect(emergencyReadiness(h.state, "ann")).toMatchObject({
      blocking: [],
      outboundProfileId: "out",
      notification: { contacts: 2, mailboxEnabled: false, issues: ["mailbox_disabled"] },
    })
    h.run({ _tag: "RegisterRep", repId: "chat", name: "Chat only", capacity: { chat: 3 } })
    expect(emergencyReadiness(h.state, "chat")).toMatchObject({
      blocking: ["no_outbound_voice_profile"],
      notification: { issues: ["no_contacts"] },
    })
    expect(emergencyReadiness(h.state, "ghost")).toBeUndefined()
  })
})

describe("E3 carrier path, recorded for the operator", () => {
  const config = (numbers: string[], rules: CarrierConfig["directRoutingRules"] = []): CarrierConfig => ({
    callingPlanNumbers: new Set(numbers),
    directRoutingRules: rules,
  })
  const rule = { ruleId: "r1", pattern: "9*", carrier: "Acme Telecom" }

  it("E3 a calling-plan number takes the calling-plan path, whatever the rules", () => {
    expect(carrierPath(config([CALLING_NUMBER], [rule]), CALLING_NUMBER, "911")).toEqual({
      _tag: "CallingPlan",
    })
  })

  it("E3 direct routing with a direct-offer number and no rule for the emergency number: the direct-offer path", () => {
    expect(carrierPath(config([CALLING_NUMBER], [{ ...rule, pattern: "1800*" }]), DR_NUMBER, "911")).toEqual({
      _tag: "DirectOffer",
    })
  })

  it("E3 otherwise the call goes out through the carrier the matching rule names", () => {
    expect(carrierPath(config([CALLING_NUMBER], [rule]), DR_NUMBER, "911")).toEqual({
      _tag: "DirectRouting",
      ruleId: "r1",
      carrier: "Acme Telecom",
    })
    expect(carrierPath(config([], [{ ...rule, pattern: "911" }]), DR_NUMBER, "911")?._tag).toBe(
      "DirectRouting",
    )
    expect(carrierPath(config([], [{ ...rule, pattern: "*" }]), DR_NUMBER, "112")?._tag).toBe("DirectRouting")
  })

  it("E3 no calling plan, no direct offer, no rule: the call cannot be carried (no_carrier_path), and the dial is refused", () => {
    expect(carrierPath(config([]), DR_NUMBER, "911")).toBeUndefined()
    const h = emergencyCenter()
    h.run({ _tag: "ConfigureEmergencyCarrier", callingPlanNumbers: [], directRoutingRules: [] })
    expect(refusal(h.run(dial()))).toMatchObject({ reason: "no_carrier_path", reasons: ["no_carrier_path"] })
    expect(emergencyReadiness(h.state, "ann")?.blocking).toEqual(["no_carrier_path"])
  })

  it("E3 the decision is in the dial event and in the operator log (without the rep)", () => {
    const h = emergencyCenter()
    h.run({ _tag: "ConfigureEmergencyCarrier", callingPlanNumbers: [], directRoutingRules: [rule] })
    h.run(dial())
    const expected = {
      outboundProfileId: "out",
      callingNumber: CALLING_NUMBER,
      carrierPath: { _tag: "DirectRouting", ruleId: "r1", carrier: "Acme Telecom" },
    }
    expect(h.eventsOf("EmergencyDialled")[0]).toMatchObject(expected)
    const record = operatorEmergencyLog(h.log).at(-1)
    expect(record).toMatchObject({ _tag: "CarrierPathDecided", region: "US", number: "911", ...expected })
    expect(record).not.toHaveProperty("repId")
  })

  it("E3 the carrier set-up is validated: a rule id or a calling-plan number twice is refused", () => {
    const h = emergencyCenter()
    expect(
      h.reject({
        _tag: "ConfigureEmergencyCarrier",
        callingPlanNumbers: [],
        directRoutingRules: [rule, rule],
      }),
    ).toMatchObject({ field: "directRoutingRules[1].ruleId" })
    expect(
      h.reject({
        _tag: "ConfigureEmergencyCarrier",
        callingPlanNumbers: [DR_NUMBER, DR_NUMBER],
        directRoutingRules: [],
      }),
    ).toMatchObject({ field: "callingPlanNumbers[1]" })
  })
})

describe("E2 the dial takes the rep's time zone from the browser, or the region's", () => {
  it("E2 a reported zone is used; an unknown one falls back to the region's and never blocks the call", () => {
    const h = emergencyCenter()
    h.run(dial("ann", "911", "US", "America/Chicago"))
    h.run(dial("bob", "911", "US", "Nowhere/Atlantis"))
    expect(h.eventsOf("EmergencyDialled").map((e) => e.timeZone)).toEqual([
      "America/Chicago",
      "America/New_York",
    ])
  })
})
