import type { Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { KEYS } from "../api/harness"
import { lookAt, poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

/** A row's cells (the row header, the name, is not one), by the row's name. */
const cellsOf = (page: Page, table: RegExp, row: string) =>
  page
    .getByRole("table", { name: table })
    .getByRole("row", { name: new RegExp(`^${row}`) })
    .getByRole("cell")
const repCells = async (page: Page, name: string) =>
  (await cellsOf(page, /presence, time in it/, name).allTextContents()).map((t) => t.trim())
const queueCells = (page: Page, name: string) => cellsOf(page, /Waiting calls/, name).allTextContents()

/** m:ss as seconds. */
const seconds = (text: string | undefined) => {
  const [m, s] = (text ?? "").split(":").map(Number)
  return (m ?? Number.NaN) * 60 + (s ?? Number.NaN)
}

/**
 * Billing breaches its 80/20 target: ana completes her seeded call 25 s in, takes billing's next
 * waiting call (it waited 30 s) from her offers: 3 of 4 answered in time, 75 %.
 */
const answerLate = async () => {
  const ana = web.api.as(KEYS.ana)
  await web.api.advance(25_000)
  const [work] = await ana.work("ana")
  await ana.complete(work?.itemId as string)
  await web.api.advance(5_000)
  await poll(async () => (await ana.offers("ana")).length).toBe(1)
  const [next] = await ana.offers("ana")
  await ana.accept(next?.offerId as string)
}

describe("issue 19: the supervisor's page in Chromium against the real API (R1, R5, E8)", () => {
  it("issue 19 E8: reps with presence, time in it counting and current work; SL today with its target line; one alert per breach; an emergency as a count only", async () => {
    const page = await web.open("#/supervisor")
    await page.getByRole("status").getByText("Live").waitFor()

    // A call played through the provider (the ACS stand-in) waits in Technical support.
    const waiting = Number((await queueCells(page, "Technical support"))[0])
    await web.api.ring("+15557654321", "+15550142000")
    await poll(async () => Number((await queueCells(page, "Technical support"))[0])).toBe(waiting + 1)

    // R1: a presence change shows in words with its dot, and its time counts up on the page.
    await web.api.as(KEYS.ben).setPresence("ben", "lunch")
    await poll(async () => (await repCells(page, "Ben Okafor"))[0]).toBe("Lunch (Away)")
    const first = seconds((await repCells(page, "Ben Okafor"))[1])
    expect(first).toBeLessThan(5)
    await poll(async () => seconds((await repCells(page, "Ben Okafor"))[1])).toBeGreaterThanOrEqual(first + 2)
    expect(
      await page
        .getByRole("row", { name: /^Ben Okafor/ })
        .locator(".presence-dot.away")
        .count(),
    ).toBe(1)

    // Current work: ana's billing call, with its time.
    await answerLate()
    await poll(async () => (await repCells(page, "Ana Lima"))[2]).toMatch(/^Call · Billing · 0:0\d$/)

    // The SL chart of billing: bars and the dashed target line at 80 %; the breach alerts once.
    const chart = page.getByRole("row", { name: /^Billing/ }).getByRole("img")
    await poll(() => chart.getAttribute("aria-label")).toMatch(
      /^Service level today: last interval 75% \(target 80% within 20 s\); 1 interval below target, now below target$/,
    )
    expect(await chart.locator("line.sl-target").getAttribute("y1")).toBe("8")
    expect(await chart.locator("rect.sl-bar.below").count()).toBe(1)
    const alert = page.getByRole("alert")
    await poll(() => alert.allTextContents()).toEqual([
      "Billing is below its service-level target: 75% of calls answered within 20 s in the last interval (target 80%).",
    ])
    // Once per breach: more changes and reloads keep the same alert element, not a new one.
    await alert.evaluate((el) => el.setAttribute("data-seen", "yes"))
    await web.api.as(KEYS.caro).setPresence("caro", "available")
    await poll(async () => (await repCells(page, "Caro Diaz"))[0]).toBe("Available")
    await page.waitForTimeout(6_000)
    expect(await alert.count()).toBe(1)
    expect(await alert.getAttribute("data-seen")).toBe("yes")

    // E8: ben dials the test number: the page says how many emergency calls are up, nothing more.
    const ben = web.api.as(KEYS.ben)
    await ben.setPresence("ben", "available")
    const started = await ben.dialEmergency("ben", { dialString: "933", location: { region: "US" } })
    await page.getByRole("status").getByText("Active emergency calls: 1").waitFor()
    await poll(async () => (await repCells(page, "Ben Okafor"))[0]).toBe("Do not disturb")
    expect((await repCells(page, "Ben Okafor"))[2]).not.toMatch(/emergenc/i)
    expect(await page.locator("main").textContent()).not.toMatch(/933|PSAP|emergency call(?!s: 1)/i)

    await lookAt(page, "supervisor-breach")
    await ben.endEmergency("ben", started.sessionId)
    await page
      .getByRole("status")
      .getByText(/^Live$/)
      .waitFor()
  })
})
