import type { Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { eventually, KEYS } from "../api/harness"
import { DESKTOP, lookAt, notFoundOf, poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

/**
 * Stand-ins for the browser APIs the notification uses, so the test can see them act: every
 * oscillator the ring starts, every system notification, each permission request, and a tab
 * the test can hide.
 */
const ATTENTION_PROBE = `
  window.__probe = { oscillators: 0, notifications: [], asks: 0, hidden: false };
  const createOscillator = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    window.__probe.oscillators += 1;
    return createOscillator.call(this);
  };
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => window.__probe.hidden });
  let permission = "default";
  window.Notification = class {
    static get permission() { return permission }
    static async requestPermission() { window.__probe.asks += 1; permission = "granted"; return permission }
    constructor(title, options) { window.__probe.notifications.push({ title, body: options && options.body }) }
    close() {}
  };
`
interface Probe {
  readonly oscillators: number
  readonly notifications: readonly { readonly title: string; readonly body: string }[]
  readonly asks: number
}
const probe = (page: Page) => page.evaluate<Probe>("window.__probe")
const activeId = (page: Page) => page.evaluate<string>("document.activeElement?.id ?? ''")
const activeTag = (page: Page) => page.evaluate<string>("document.activeElement?.tagName ?? ''")
/** Where `a` comes before `b` in the document (so in the Tab order, neither has a tabindex). */
const before = (page: Page, a: string, b: string) =>
  page.evaluate<boolean>(
    `!!(document.querySelector(${JSON.stringify(a)}).compareDocumentPosition(document.querySelector(${JSON.stringify(b)})) & Node.DOCUMENT_POSITION_FOLLOWING)`,
  )

describe("issue 19: the rep's workspace as a product, in Chromium against the real API", () => {
  it("issue 19 R4: a ringing offer counts down, rings (mutable, remembered), notifies a hidden tab; Accept is first and focus follows", async () => {
    const page = await web.open("#/rep/caro", { viewport: DESKTOP, init: ATTENTION_PROBE })
    // Time from navigation to the rep's name (docs/web.md quotes it).
    await page.waitForFunction(`document.querySelector("h1")?.textContent === "Caro Diaz"`, undefined, {
      polling: "raf",
    })
    const nameMs = await page.evaluate<number>("performance.now()")
    // Printed, not asserted: a time in a test fails on a loaded machine, not on a slow page.
    console.log(`issue 19: navigation to the rep's name shown: ${Math.round(nameMs)} ms`)
    // An inline favicon: no /favicon.ico request, so no 404 on any load.
    // (Not "networkidle": the live stream keeps a request open.)
    await page.waitForLoadState("load")
    await new Promise((r) => setTimeout(r, 500))
    expect(notFoundOf(page)).toEqual([])
    await lookAt(page, "rep-idle")

    // The permission is asked once, on the rep's first gesture (browsers require one).
    await page.getByRole("heading", { name: "Incoming work" }).click()
    await page.getByRole("heading", { name: "Active conversation" }).click()
    expect((await probe(page)).asks).toBe(1)

    // The tab is hidden when caro becomes available and a support call is offered to her.
    await page.evaluate("window.__probe.hidden = true")
    await web.api.as(KEYS.caro).setPresence("caro", "available")
    const offer = page.getByRole("article", { name: "Incoming call" })
    await offer.waitFor()
    await poll(async () => (await probe(page)).notifications.map((n) => n.title)).toEqual(["Incoming call"])
    await page.evaluate("window.__probe.hidden = false")
    // R4: the offer expires after 30 s; the card counts down to it.
    const countdown = offer.getByTestId("countdown")
    const first = await countdown.textContent()
    expect(first).toMatch(/^0:(2\d|30)$/)
    await poll(async () => (await countdown.textContent()) !== first).toBe(true)
    // It rings.
    await poll(async () => (await probe(page)).oscillators).toBeGreaterThan(0)
    await lookAt(page, "rep-ringing")

    // Accept is the primary action, the next stop after the presence, before Decline and the keypad.
    const accept = offer.getByRole("button", { name: "Accept call" })
    expect(await accept.getAttribute("class")).toContain("primary")
    expect(await before(page, "article.offer button.primary", "article.offer button.secondary")).toBe(true)
    expect(await before(page, "article.offer button.primary", ".keypad button")).toBe(true)
    await page.getByLabel("Presence").focus()
    await page.keyboard.press("Tab")
    expect(await page.evaluate<string>("document.activeElement?.textContent ?? ''")).toBe("Accept call")

    // Mute: no more rings, and the choice outlives a reload.
    await page.getByRole("button", { name: "Sound" }).click()
    expect(await page.getByRole("button", { name: "Sound" }).getAttribute("aria-pressed")).toBe("false")
    const muted = (await probe(page)).oscillators
    await new Promise((r) => setTimeout(r, 3_000))
    expect((await probe(page)).oscillators).toBe(muted)
    expect(await page.evaluate<string | null>(`localStorage.getItem("lifeline.sound")`)).toBe("off")

    // Accept from the keyboard: focus moves into the conversation, never to <body>.
    await accept.focus()
    await page.keyboard.press("Enter")
    await offer.waitFor({ state: "detached" })
    await poll(() => activeId(page)).toMatch(/^work-/)
    expect(await page.getByRole("heading", { name: /^Call · (Technical support|Sales)$/ }).count()).toBe(1)
    await lookAt(page, "rep-in-call")
    const again = await web.open("#/rep/caro", { viewport: DESKTOP })
    await again.getByRole("heading", { name: "Caro Diaz" }).waitFor()
    expect(await again.getByRole("button", { name: "Sound" }).getAttribute("aria-pressed")).toBe("false")
    await again.close()
  })

  it("issue 19 E6 E7 E10: each emergency starts with a clean alert; the PSAP rings with Answer; focus never falls to <body>", async () => {
    const page = await web.open("#/rep/ana", { viewport: DESKTOP })
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()
    const alert = page.getByRole("alert")
    const dial = async (number: string, location: string) => {
      await page.getByLabel("Number to dial").fill(number)
      await page.getByLabel("Your location").selectOption({ label: location })
      await page.getByRole("button", { name: "Call" }).click()
      await alert.waitFor()
    }
    const endCall = async () => {
      await page.getByRole("button", { name: "End call" }).click()
      await alert.waitFor({ state: "detached" })
      // Focus goes back to the number field.
      await poll(() => activeId(page)).toBe("dial-number")
    }

    await dial("911", "United States")
    await poll(() => activeId(page)).toBe("end-call")
    expect(await alert.textContent()).not.toContain("calling you back now")
    await lookAt(page, "rep-emergency")

    // E6: the PSAP calls the leased number; it rings through DND with an Answer control.
    const panel = await web.api.as(KEYS.ana).emergencyPanel("ana")
    await web.api.ring("+12025550911", panel?.callbackNumber as string)
    await poll(() => alert.textContent()).toContain("The PSAP is calling you back now")
    const answer = page.getByRole("button", { name: "Answer" })
    await poll(() => answer.evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true)
    await lookAt(page, "rep-psap-ringing")
    await answer.click()
    await page.getByText("You are connected to the PSAP.").waitFor()
    await endCall()

    // 933 (the test number) opens clean: no "calling you back now"; a live lease is said as earlier.
    await dial("933", "United States")
    const text = await alert.textContent()
    expect(text).toContain("Test call: no PSAP answers it")
    expect(text).not.toContain("calling you back now")
    expect(text).not.toMatch(/^.*The PSAP can call you back/)
    expect(await page.getByRole("button", { name: "Answer" }).count()).toBe(0)
    await endCall()

    // A later call elsewhere opens clean as well.
    await dial("112", "United Kingdom")
    expect(await alert.textContent()).not.toContain("calling you back now")
    const lease = (await web.api.as(KEYS.ana).emergencyPanel("ana"))?.callbackNumber
    await endCall()
    expect(await activeTag(page)).not.toBe("BODY")

    // E6: after End call the lease is still live; the PSAP's call opens a session and rings at once.
    await web.api.ring("+442079460999", lease as string)
    await poll(() => alert.textContent()).toContain("The PSAP is calling you back now")
    await page.getByRole("button", { name: "Answer" }).waitFor()
  })

  /**
   * Ben accepts a callback on his page: it waits first in billing, ahead of the waiting calls,
   * and his next free place takes it (he takes what rings for him, then completes all his work).
   * Its dial is the next CreateCall.
   */
  const benAcceptsCallback = async (number: string) => {
    const ben = web.api.as(KEYS.ben)
    const page = await web.open("#/rep/ben", { viewport: DESKTOP })
    await page.getByRole("heading", { name: "Ben Okafor" }).waitFor()
    const placed = () => web.api.acs.performed.filter((p) => p.operation === "CreateCall")
    const before = placed().length
    for (const o of await ben.call<{ offerId: string }[]>("GET", "/api/reps/ben/offers"))
      await ben.call("POST", `/api/offers/${encodeURIComponent(o.offerId)}/accept`)
    await web.api.as(KEYS.integrator).requestCallback({ queueId: "billing", number, priority: 1000 })
    for (const w of await ben.call<{ itemId: string }[]>("GET", "/api/reps/ben/work"))
      await ben.complete(w.itemId)
    await page
      .getByRole("article", { name: "Callback" })
      .getByRole("button", { name: "Accept callback" })
      .click()
    const form = page.getByRole("form", { name: /^Callback/ })
    return { page, form, state: form.locator(".call-state"), dial: () => eventually(() => placed()[before]) }
  }

  it("issue 19 C6: an accepted callback shows Dialling, then Connected, then Ended, with the times", async () => {
    const { page, form, state, dial } = await benAcceptsCallback("+15557654000")
    await poll(() => state.getAttribute("data-state")).toBe("dialling")
    expect(await state.textContent()).toContain("Dialling the customer")
    const call = await dial()
    await web.api.acs.callConnected(call.callConnectionId as string)
    await poll(() => state.getAttribute("data-state")).toBe("connected")
    expect(await state.textContent()).toMatch(/Connected · \d+:\d\d \(answered after \d+:\d\d\)/)
    // The rep completes the work: the card says it ended, with the times.
    await form.getByRole("button", { name: "Complete" }).click()
    const ended = page.getByRole("group", { name: "Callback ended" })
    await poll(() => ended.locator(".call-state").textContent()).toMatch(
      /^Ended: connected for \d+:\d\d, answered after \d+:\d\d\.$/,
    )
    await lookAt(page, "rep-callback-ended")
  })

  it("W1 C6: the customer of a connected callback hangs up: the rep sees it, and completes the work", async () => {
    const { page, form, state, dial } = await benAcceptsCallback("+15557654001")
    const call = await dial()
    await web.api.acs.callConnected(call.callConnectionId as string)
    await poll(() => state.getAttribute("data-state")).toBe("connected")
    await web.api.acs.disconnected(call.callConnectionId as string)
    // The work stays Ben's: the form says the customer hung up, and Complete is still there.
    await poll(() => state.textContent()).toMatch(
      /^The customer hung up: connected for \d+:\d\d, answered after \d+:\d\d\.$/,
    )
    await form.getByRole("button", { name: "Complete" }).click()
    const ended = page.getByRole("group", { name: "Callback ended" })
    await poll(() => ended.locator(".call-state").textContent()).toMatch(
      /^The customer hung up: connected for/,
    )
  })

  it("issue 19: the server goes away and comes back: a banner, controls disabled, errors in words, the select back on the applied value", async () => {
    const page = await web.open("#/rep/dan", { viewport: DESKTOP })
    await page.getByRole("heading", { name: "Dan Weiss" }).waitFor()
    const presence = page.getByLabel("Presence")
    await poll(() => presence.inputValue()).toBe("offline")

    // A change the network drops: words, not "Failed to fetch"; the select shows the applied value.
    await page.route("**/api/reps/dan/presence", (route) => route.abort("connectionrefused"))
    await presence.selectOption("away")
    const problem = page.locator(".presence .problem")
    await poll(() => problem.textContent()).toContain("cannot be reached")
    expect(await page.content()).not.toContain("Failed to fetch")
    await poll(() => presence.inputValue()).toBe("offline")
    await page.unroute("**/api/reps/dan/presence")
    // The health probe finds the server again; the message goes with the outage.
    await poll(() => problem.count()).toBe(0)

    // The server goes away.
    await web.serverDown()
    const banner = page.getByTestId("connection-banner")
    await poll(() => banner.textContent()).toContain("Offline")
    expect(await page.getByText("Nothing is ringing").count()).toBe(0)
    expect(await presence.isDisabled()).toBe(true)
    expect(await page.getByRole("button", { name: "Call" }).isDisabled()).toBe(true)
    expect(await page.content()).not.toContain("Failed to fetch")
    await lookAt(page, "rep-offline")

    // It comes back: the banner goes, controls work, the stream is live again.
    await web.serverUp()
    await banner.waitFor({ state: "detached", timeout: 15_000 })
    expect(await presence.isDisabled()).toBe(false)
    await page.getByText("Nothing is ringing").waitFor()
    await web.api.as(KEYS.dan).setPresence("dan", "lunch")
    await poll(() => presence.inputValue()).toBe("lunch")
  })
})
