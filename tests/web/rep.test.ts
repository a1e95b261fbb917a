import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { eventually, KEYS } from "../api/harness"
import { poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

describe("the rep workspace in Chromium against the real API (E7, C5, C6)", () => {
  it("E7 E10 dialling 911: the panel keeps only device settings and End call, an alert is announced, Save and Refresh hide; End call restores", async () => {
    const page = await web.open("#/rep/ana")
    const presence = page.getByLabel("Presence")
    await poll(() => presence.inputValue()).toBe("available")
    const panel = page.getByTestId("comm-panel")
    await page.getByRole("button", { name: "Save" }).first().waitFor()
    await web.screenshot(page, "rep-panel-normal")

    await page.getByLabel("Number to dial").fill("911")
    await page.getByLabel("Your location").selectOption("US")
    await page.getByRole("button", { name: "Call" }).click()

    const alert = page.getByRole("alert")
    await poll(() => alert.textContent()).toContain("An emergency call is in progress")
    // The alert sits in an assertive live region, so screen readers announce it at once.
    expect(await alert.locator("xpath=..").getAttribute("aria-live")).toBe("assertive")
    // E7: the panel holds device settings and End call, and nothing else.
    await panel.getByRole("button", { name: "End call" }).waitFor()
    expect(await panel.getByRole("button").allTextContents()).toEqual(["End call"])
    expect(await panel.getByLabel("Microphone").count()).toBe(1)
    expect(await panel.getByLabel("Speaker").count()).toBe(1)
    expect(await panel.getByLabel("Number to dial").count()).toBe(0)
    // E7: the active conversation form shows no Save and no Refresh (Complete stays).
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0)
    expect(await page.getByRole("button", { name: "Refresh" }).count()).toBe(0)
    // E4: DND while the call is up.
    await poll(() => presence.inputValue()).toBe("busy_dnd")
    await web.screenshot(page, "rep-panel-emergency")

    // E6: the PSAP calls the leased number back; it rings through to ana though she is DND.
    const panelView = await web.api.as(KEYS.ana).emergencyPanel("ana")
    await web.api.ring("+12025550911", panelView?.callbackNumber as string)
    await poll(() => alert.textContent()).toContain("The PSAP is calling you back now")

    // E10: End call (from the keyboard) brings the previous presence back.
    await panel.getByRole("button", { name: "End call" }).focus()
    await page.keyboard.press("Enter")
    await alert.waitFor({ state: "detached" })
    await poll(() => presence.inputValue()).toBe("available")
    await page.getByLabel("Number to dial").waitFor()
    expect(await page.getByRole("button", { name: "Save" }).count()).toBeGreaterThan(0)
    expect(await web.api.as(KEYS.ana).emergencyPanel("ana")).toBeNull()
  })

  it("E1 from an unsupported region the rep is told why, and the panel stays as it was", async () => {
    const page = await web.open("#/rep/ben")
    await page.getByLabel("Number to dial").fill("911")
    await page.getByLabel("Your location").selectOption({ label: "Somewhere else" })
    await page.getByRole("button", { name: "Call" }).click()
    await poll(() => page.getByRole("status").first().textContent()).toMatch(/local phone/i)
    expect(await page.getByRole("alert").count()).toBe(0)
    expect(await web.api.as(KEYS.ben).emergencyPanel("ben")).toBeNull()
  })

  it("C5 C6 a callback is marked as a callback; the customer is dialled only once the rep accepts", async () => {
    const integrator = web.api.as(KEYS.integrator)
    const ana = web.api.as(KEYS.ana)
    const page = await web.open("#/rep/ana")
    const placed = () => web.api.acs.performed.filter((p) => p.operation === "CreateCall").length
    const before = placed()
    // Ana is busy (capacity 1); the callback waits first in billing, ahead of the waiting calls.
    await integrator.requestCallback({ queueId: "billing", number: "+15557654321", priority: 1000 })
    for (const work of await ana.call<{ itemId: string }[]>("GET", "/api/reps/ana/work"))
      await ana.complete(work.itemId)
    const offer = page.getByRole("article", { name: "Callback" })
    await offer.waitFor()
    expect(await offer.textContent()).toContain("asked to be called back")
    expect(await page.getByRole("article", { name: "Incoming call" }).count()).toBe(0)
    // C6: nothing is dialled while the rep previews the callback.
    await new Promise((r) => setTimeout(r, 300))
    expect(placed()).toBe(before)
    await offer.getByRole("button", { name: "Accept callback" }).click()
    await offer.waitFor({ state: "detached" })
    await page.getByText("Dialling the customer").waitFor()
    await eventually(() => (placed() > before ? true : undefined))
  })
})
