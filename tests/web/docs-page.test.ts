import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type E2e, startE2e } from "../api/harness"
import { launch } from "./kit"

/**
 * Issue 20: the API reference at `/docs` (Scalar, served by the node) opens in Debian's Chromium,
 * shows the operations of the served document, and asks nothing of another host (no CDN, fonts
 * or telemetry): a node behind a firewall serves its own documentation.
 */
let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e()
}, 60_000)
afterAll(() => e2e?.close())

describe("issue 20: the API reference page", () => {
  it("renders the served document's operations and requests nothing from another host", async () => {
    const browser = await launch()
    try {
      const page = await browser.newPage()
      const requested: string[] = []
      page.on("request", (r) => requested.push(r.url()))
      await page.goto(`${e2e.url}/docs`)
      await page.getByText("Presences a rep can pick", { exact: false }).first().waitFor({ timeout: 30_000 })
      expect(await page.title()).toContain("Lifeline API reference")
      const origin = new URL(e2e.url).origin
      const elsewhere = requested.filter(
        (u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"),
      )
      expect(elsewhere).toEqual([])
      expect(requested.some((u) => u.endsWith("/docs/standalone.js"))).toBe(true)
      expect(requested.some((u) => u.endsWith("/api/openapi.json"))).toBe(true)
    } finally {
      await browser.close()
    }
  })
})
