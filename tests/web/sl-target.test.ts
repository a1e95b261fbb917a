import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { KEYS } from "../api/harness"
import { DESKTOP, lookAt, poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

interface Target {
  readonly share: number
  readonly thresholdMs: number
}
const targetOf = (queueId: string) =>
  web.api.as(KEYS.admin).call<Target>("GET", `/api/queues/${queueId}/service-level-target`)

describe("issue 19: an admin sets a queue's service-level target in Chromium against the real API", () => {
  it("issue 19: the editor shows the default 80 % in 20 s, marks a refused field in words, saves a target the supervisor's chart then reads", async () => {
    const page = await web.open("#/admin", { viewport: DESKTOP })
    const form = page.getByRole("region", { name: "Service-level target" })
    await form.getByLabel("Queue").selectOption("billing")
    const share = form.getByLabel("Calls answered in time (%)")
    const seconds = form.getByLabel("Within (seconds)")
    await poll(() => share.inputValue()).toBe("80")
    expect(await seconds.inputValue()).toBe("20")
    const status = form.getByRole("status")

    await share.fill("150")
    await form.getByRole("button", { name: "Save target" }).click()
    await poll(() => status.textContent()).toBe(
      "Not saved: the share answered in time must be from 0 to 100 %.",
    )
    expect(await share.getAttribute("aria-invalid")).toBe("true")
    expect(await seconds.getAttribute("aria-invalid")).toBe("false")
    await lookAt(page, "admin-sl-target-invalid")
    expect(await targetOf("billing")).toEqual({ share: 0.8, thresholdMs: 20_000 })

    await share.fill("90")
    await seconds.fill("40")
    await form.getByRole("button", { name: "Save target" }).click()
    await poll(() => status.textContent()).toBe("Target saved: 90 % of calls answered within 40 s.")
    expect(await share.getAttribute("aria-invalid")).toBe("false")
    expect(await targetOf("billing")).toEqual({ share: 0.9, thresholdMs: 40_000 })
    expect(await targetOf("support")).toEqual({ share: 0.8, thresholdMs: 20_000 })

    const supervisor = await web.open("#/supervisor", { viewport: DESKTOP })
    await supervisor.getByRole("img", { name: /target 90% within 40 s/ }).waitFor()
  })
})
