import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KEYS } from "../api/harness"
import { poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterAll(() => web?.close())

interface Contacts {
  readonly contacts: readonly string[]
}
const contactsOf = (repId: string) =>
  web.api.as(KEYS.admin).call<Contacts>("GET", `/api/reps/${repId}/emergency-contacts`)

describe("the admin pages in Chromium against the real API (E11, B6)", () => {
  it("E11 a bad address in a rep's contacts is marked inline and nothing is saved; a good list saves", async () => {
    const page = await web.open("#/admin")
    await page.getByLabel("Rep", { exact: true }).selectOption("ana")
    const line = page.getByLabel("Contacts (addresses separated by semicolons)")
    await poll(() => line.inputValue()).toBe("safety@example.com; sam@example.org")

    await line.fill("safety@example.com; sam(at)example.org; kim@example.net")
    const check = page.getByRole("list", { name: "Address check" })
    await expect
      .poll(() => check.getByRole("listitem").allTextContents())
      .toEqual([
        "safety@example.com: valid",
        "sam(at)example.org: not a valid email address",
        "kim@example.net: valid",
      ])
    expect(await line.getAttribute("aria-invalid")).toBe("true")
    await page.getByRole("button", { name: "Save contacts" }).click()
    await page.getByText("Fix the addresses marked invalid first; nothing was saved.").waitFor()
    expect((await contactsOf("ana")).contacts).toEqual(["safety@example.com", "sam@example.org"])

    await line.fill("safety@example.com; kim@example.net")
    expect(await line.getAttribute("aria-invalid")).toBe("false")
    await page.getByRole("button", { name: "Save contacts" }).press("Enter")
    await page.getByText("Contacts saved.").waitFor()
    expect((await contactsOf("ana")).contacts).toEqual(["safety@example.com", "kim@example.net"])
  })

  it("E11 the template preview follows the draft live and refuses an unknown placeholder", async () => {
    const page = await web.open("#/admin")
    const preview = page.getByRole("region", { name: "Template preview" })
    await page.getByLabel("Subject").fill("Emergency: {{repName}}")
    await poll(() => preview.textContent()).toMatch(/^Emergency: (?!\{\{)/)
    await page.getByLabel("Body").fill("{{repName}} needs {{nobody}}")
    await poll(() => preview.textContent()).toContain("nobody")
    expect(await page.getByRole("button", { name: "Save template" }).isDisabled()).toBe(true)
  })

  it("R5 C5 the supervisor view follows the queues live over SSE: a callback and a presence change show without reload", async () => {
    const page = await web.open("#/supervisor")
    await page.getByRole("status").getByText("Live").waitFor()
    const billing = page.getByRole("row", { name: /^Billing/ })
    const cell = async (column: number) => (await billing.getByRole("cell").allTextContents())[column]
    await poll(() => cell(2)).toBe("0")
    const availableBefore = Number(await cell(3))
    await web.api.as(KEYS.integrator).requestCallback({ queueId: "billing", number: "+15557650000" })
    await poll(() => cell(2)).toBe("1")
    await web.api.as(KEYS.ben).setPresence("ben", "away")
    await poll(async () => Number(await cell(3))).toBe(availableBefore - 1)
  })
})
