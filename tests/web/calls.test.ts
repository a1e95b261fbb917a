import type { Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { eventually, KEYS } from "../api/harness"
import { DESKTOP, lookAt, poll, startWebE2e, type WebE2e } from "./kit"

/**
 * Issue 19 (SPEC W1): the rep handles routed and outbound calls in the browser, against the real
 * API with the ACS stand-in: state and timer, hold, mute, transfer, the caller hanging up, the
 * wrap-up stored by the API (not the browser), and an ordinary outbound call from the dialer.
 */
let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

const CALLER = "+14155550100"
const LINE = "+15550100500"

const activeId = (page: Page) => page.evaluate<string>("document.activeElement?.id ?? ''")
/** The provider's connection id of the call the API answered last (its AnswerCall). */
const answeredLegs = () =>
  web.api.acs.performed.filter((p) => p.operation === "AnswerCall").map((p) => p.callConnectionId as string)

/**
 * The demo center made so that a routed call reaches ana and only her: dan (support only) takes
 * the two support calls waiting since the seed and is then full, ana leaves billing (whose
 * waiting calls would ring her) and joins support.
 */
const routeSupportToAna = async () => {
  const admin = web.api.as(KEYS.admin)
  const dan = web.api.as(KEYS.dan)
  // Commands by path: their replies are not what this test is about.
  await admin.call("DELETE", "/api/queues/billing/members/ana")
  await admin.call("PUT", "/api/reps/dan/capacity", { capacity: { voice: 2 } })
  await dan.call("PUT", "/api/reps/dan/presence", { presenceId: "available" })
  for (let taken = 0; taken < 2; ) {
    const offers = await eventually(async () => {
      const ringing = await dan.offers("dan")
      return ringing.length > 0 ? ringing : undefined
    })
    for (const offer of offers)
      await dan.call("POST", `/api/offers/${encodeURIComponent(offer.offerId)}/accept`)
    taken += offers.length
  }
  expect((await admin.queue("support")).waiting).toBe(0)
  await admin.call("POST", "/api/queues/support/members", { repId: "ana" })
}

describe("issue 19 W1: the rep's calls in Chromium against the real API", () => {
  it("W1 a routed call: accept, state and timer, hold, resume, mute, transfer, the caller hangs up, wrap-up stored by the API", async () => {
    await routeSupportToAna()
    const page = await web.open("#/rep/ana", { viewport: DESKTOP })
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()
    const presence = page.getByLabel("Presence")

    // The demo's billing call ana holds: Hang up, then focus is on the wrap-up's first field.
    const seeded = page.getByRole("article", { name: "Call · Billing" })
    await seeded.getByTestId("call-state").filter({ hasText: "Connected" }).waitFor()
    await seeded.getByRole("button", { name: "Hang up" }).click()
    await poll(() => seeded.getByTestId("call-ended").textContent()).toBe("You ended the call.")
    await poll(() => activeId(page)).toMatch(/^wrap-work-.*-resolved$/)
    // Saving without a disposition says which field is missing, in words.
    await seeded.getByRole("button", { name: "Save wrap-up" }).click()
    await seeded.getByText("Disposition: choose how the call ended.").waitFor()
    await seeded.getByLabel("Resolved").check()
    await seeded.getByRole("button", { name: "Save wrap-up" }).click()
    await seeded.waitFor({ state: "detached" })
    // Nothing else to do: focus goes to the presence.
    await poll(() => activeId(page)).toBe("presence")

    // A customer rings the line; the call is routed to support, where ana is the free member.
    const before = answeredLegs().length
    await web.api.ring(CALLER, LINE)
    const callerLeg = await eventually(() => answeredLegs()[before])
    web.api.acs.callConnected(callerLeg)
    const offer = page.getByRole("article", { name: "Incoming call" })
    await offer.getByRole("button", { name: "Accept call" }).click()
    await poll(() => activeId(page)).toMatch(/^work-/)
    const call = page.getByRole("article", { name: "Call · Technical support" })
    expect(await call.getByTestId("call-number").textContent()).toBe(CALLER)
    await call.getByText("Waited").waitFor()
    const state = call.getByTestId("call-state")
    const timer = call.getByTestId("call-timer")
    await poll(() => state.textContent()).toBe("Connected")
    const first = await timer.textContent()
    expect(first).toMatch(/^ · 0:0\d$/)
    await poll(async () => (await timer.textContent()) !== first).toBe(true)
    await lookAt(page, "rep-in-call")

    // Hold: "On hold" with a timer from when the hold began; Resume takes it back.
    await call.getByRole("button", { name: "Hold" }).click()
    await poll(() => state.textContent()).toBe("On hold")
    expect(await timer.textContent()).toMatch(/^ · 0:0[0-2]$/)
    await lookAt(page, "rep-on-hold")
    await call.getByRole("button", { name: "Resume" }).click()
    await poll(() => state.textContent()).toBe("Connected")

    // Mute is a toggle button (aria-pressed).
    const mute = call.getByRole("button", { name: "Mute" })
    expect(await mute.getAttribute("aria-pressed")).toBe("false")
    await mute.click()
    await poll(() => mute.getAttribute("aria-pressed")).toBe("true")
    await call.getByText("Muted").waitFor()

    // Transfer back to the queue, picked by name: the call ends for ana and waits for wrap-up
    // (focus on its first field); routed again, it rings the queue's free member: ana.
    await call.getByLabel("Transfer to").selectOption({ label: "Technical support" })
    await call.getByRole("button", { name: "Transfer" }).click()
    await poll(() => call.getByTestId("call-ended").textContent()).toBe(
      "Transferred to the queue Technical support.",
    )
    await poll(() => activeId(page)).toMatch(/^wrap-work-.*-resolved$/)
    await call.getByLabel("Escalated").check()
    await call.getByLabel("Notes").fill("Sent back to support: needs a second look.")
    const again = page.getByRole("article", { name: "Incoming call" })
    await again.waitFor()
    await call.getByRole("button", { name: "Save wrap-up" }).click()
    await call.waitFor({ state: "detached" })
    // The next work is the ringing call: focus goes to its Accept.
    await poll(() => page.evaluate<string>("document.activeElement?.textContent ?? ''")).toBe("Accept call")

    // Ana takes it again; this time the caller hangs up, and the page says so (aria-live).
    await again.getByRole("button", { name: "Accept call" }).click()
    await poll(() => activeId(page)).toMatch(/^work-/)
    const itemId = (await activeId(page)).slice("work-".length)
    const second = page.getByRole("article", { name: "Call · Technical support" })
    await poll(() => second.getByTestId("call-state").textContent()).toBe("Connected")
    await web.api.acs.disconnected(callerLeg)
    const ended = second.getByTestId("call-ended")
    await poll(() => ended.textContent()).toBe("The caller hung up.")
    expect(await ended.getAttribute("aria-live")).toBe("polite")
    expect(await second.getByTestId("call-state").textContent()).toBe("Ended")
    expect(await second.getByRole("button", { name: "Hang up" }).count()).toBe(0)
    await second.getByLabel("Resolved").check()
    await second.getByLabel("Notes").fill("Refund promised by email.")
    await lookAt(page, "rep-wrap-up")
    await second.getByRole("button", { name: "Save wrap-up" }).click()
    await second.waitFor({ state: "detached" })
    await poll(() => activeId(page)).toBe("presence")
    expect(await presence.isDisabled()).toBe(false)

    // Stored by the API, not the browser: after a reload nothing waits for wrap-up, no notes
    // are in localStorage, and the API holds the wrap-ups.
    await page.reload()
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()
    await page.getByText("No conversation in progress.").waitFor()
    expect(await page.evaluate<string[]>("Object.keys(localStorage)")).not.toContainEqual(
      expect.stringMatching(/notes/),
    )
    const ana = web.api.as(KEYS.ana)
    expect((await ana.request("repCalls", { params: { repId: "ana" } })).calls).toEqual([])
    // History keeps the last wrap-up's disposition (the notes stay in the event log).
    const history = await web.api
      .as(KEYS.admin)
      .call<{ itemId: string; disposition?: string }[]>("GET", "/api/history")
    expect(history.find((r) => r.itemId === itemId)?.disposition).toBe("resolved")

    // W1 R4: transfer to a colleague, picked by name. ben (support, away while the call routes
    // to ana; out of billing, whose waiting calls would take his unit) is offered it by name.
    const admin = web.api.as(KEYS.admin)
    const ben = web.api.as(KEYS.ben)
    await admin.call("DELETE", "/api/queues/billing/members/ben")
    await ben.call("PUT", "/api/reps/ben/presence", { presenceId: "away" })
    await admin.call("PUT", "/api/reps/ben/capacity", { capacity: { voice: 3 } })
    const third = answeredLegs().length
    await web.api.ring(CALLER, LINE)
    web.api.acs.callConnected(await eventually(() => answeredLegs()[third]))
    await page
      .getByRole("article", { name: "Incoming call" })
      .getByRole("button", { name: "Accept call" })
      .click()
    await poll(() => activeId(page)).toMatch(/^work-/)
    const thirdId = (await activeId(page)).slice("work-".length)
    const toBen = page.getByRole("article", { name: "Call · Technical support" })
    await poll(() => toBen.getByTestId("call-state").textContent()).toBe("Connected")
    await ben.call("PUT", "/api/reps/ben/presence", { presenceId: "available" })
    await toBen.getByLabel("Transfer to").selectOption({ label: "Ben Okafor" })
    await toBen.getByRole("button", { name: "Transfer" }).click()
    await poll(() => toBen.getByTestId("call-ended").textContent()).toBe("Transferred to Ben Okafor.")
    const benOffer = await eventually(async () => (await ben.offers("ben")).find((o) => o.itemId === thirdId))
    await ben.call("POST", `/api/offers/${encodeURIComponent(benOffer.offerId)}/accept`)
    const benCalls = (await ben.request("repCalls", { params: { repId: "ben" } })).calls
    expect(benCalls.find((c) => c.callId === thirdId)).toMatchObject({ state: "connected" })
    await toBen.getByLabel("Escalated").check()
    await toBen.getByRole("button", { name: "Save wrap-up" }).click()
    await toBen.waitFor({ state: "detached" })
  })

  it("W1 the dialer checks E.164 as the rep types and places an ordinary outbound call, shown in the conversation", async () => {
    const page = await web.open("#/rep/ben", { viewport: DESKTOP })
    await page.getByRole("heading", { name: "Ben Okafor" }).waitFor()
    const number = page.getByLabel("Number to dial")
    const hint = page.locator("#dial-hint")
    await number.fill("+1415")
    expect(await hint.textContent()).toMatch(/^Number to dial: keep typing/)
    expect(await number.getAttribute("aria-invalid")).toBe("false")
    await number.fill("+1415abc")
    expect(await hint.textContent()).toMatch(/^Number to dial: .*E\.164/)
    expect(await number.getAttribute("aria-invalid")).toBe("true")
    await page.getByRole("button", { name: "Call", exact: true }).click()
    await page.getByText("Nothing was dialled: check the number to dial.").waitFor()
    expect(await activeId(page)).toBe("dial-number")
    // Refused in the page: nothing was placed.
    expect(await page.getByRole("article", { name: /^Outbound call/ }).count()).toBe(0)

    const placed = () => web.api.acs.performed.filter((p) => p.operation === "CreateCall")
    const before = placed().length
    await number.fill("+1 415 555 0123")
    expect(await number.getAttribute("aria-invalid")).toBe("false")
    await page.getByRole("button", { name: "Call", exact: true }).click()
    const outbound = page.getByRole("article", { name: "Outbound call · +14155550123" })
    await outbound.waitFor()
    await poll(() => activeId(page)).toMatch(/^call-/)
    expect(await outbound.getByTestId("call-number").textContent()).toBe("+14155550123")
    expect(await outbound.getByTestId("call-state").textContent()).toBe("Ringing")
    expect(await number.inputValue()).toBe("")
    // The customer answers: the stream's OutboundCallConnected updates the card, no click needed.
    const leg = await eventually(() => placed()[before])
    expect(leg.body).toMatchObject({ sourceCallerIdNumber: { value: "+15550100000" } })
    await web.api.acs.callConnected(leg.callConnectionId as string)
    await poll(() => outbound.getByTestId("call-state").textContent()).toBe("Connected")

    // Offline, the call's controls cannot act and are disabled; back online they are not.
    const hangUp = outbound.getByRole("button", { name: "Hang up" })
    await web.serverDown()
    await poll(() => hangUp.isDisabled()).toBe(true)
    await web.serverUp()
    await poll(() => hangUp.isDisabled()).toBe(false)

    await hangUp.click()
    await poll(() => outbound.getByTestId("call-ended").textContent()).toBe("You ended the call.")
    await outbound.getByLabel("Needs a follow-up").check()
    await outbound.getByRole("button", { name: "Save wrap-up" }).click()
    await outbound.waitFor({ state: "detached" })
  })
})
