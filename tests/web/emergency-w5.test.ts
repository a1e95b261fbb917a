import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { KEYS } from "../api/harness"
import { DESKTOP, lookAt, poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

/**
 * W5 (issue 19) in Chromium against the real API: the rep is told its emergency call dropped and
 * that the session waits for the PSAP (DND until the lease's end); when the lease ends with no
 * call up, the session ends, presence returns (E10) and the rep is told. axe: 0 violations in
 * both states, at both widths (lookAt).
 */
describe("W5 an emergency session never stays open forever, as the rep sees it", () => {
  it("W5 the drop is shown with the wait; the lease's end closes the session, restores presence and says so", async () => {
    const ana = web.api.as(KEYS.ana)
    const page = await web.open("#/rep/ana", { viewport: DESKTOP })
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()
    await page.getByLabel("Number to dial").fill("911")
    await page.getByLabel("Your location").selectOption({ label: "United States" })
    await page.getByRole("button", { name: "Call" }).click()
    const alert = page.getByRole("alert")
    await alert.waitFor()
    const panel = await ana.emergencyPanel("ana")
    if (panel === null) throw new Error("no emergency session after the dial")

    // The provider ends the call: the rep's calling client reports it (the simulated client has no media).
    await ana.request("emergencyCallDropped", {
      params: { repId: "ana" },
      body: { sessionId: panel.sessionId, reason: "networkDropped" },
    })
    await poll(() => alert.textContent()).toContain("Your emergency call dropped")
    const text = await alert.textContent()
    expect(text).toContain("the PSAP may call you back")
    expect(text).toContain("You stay in Do not disturb until")
    expect(text).toContain(panel.callbackNumber as string)
    expect((await ana.rep("ana")).presenceId).toBe("busy_dnd")
    await lookAt(page, "rep-emergency-dropped")

    // W5: the lease ends an hour after the dial with no call up: the session ends, the rep is told.
    await web.api.advance(60 * 60_000)
    await poll(() => alert.textContent()).toContain("Your emergency session has ended")
    expect(await page.getByRole("button", { name: "End call" }).count()).toBe(0)
    expect((await ana.rep("ana")).presenceId).toBe("available")
    await lookAt(page, "rep-emergency-lease-ended")
    await page.getByRole("button", { name: "Dismiss" }).click()
    await poll(() => page.getByRole("alert").count()).toBe(0)
  })
})
