import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { KEYS } from "../api/harness"
import { DESKTOP, lookAt, poll, startWebE2e, type WebE2e } from "./kit"

let web: WebE2e
beforeAll(async () => {
  web = await startWebE2e()
}, 60_000)
afterEach(() => web?.closePages())
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
    // Issue 19 (E9/E11): the seeded display name is kept as typed.
    await poll(() => line.inputValue()).toBe("safety@example.com; Sam Lima <sam@example.org>")

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
    expect((await contactsOf("ana")).contacts).toEqual(["safety@example.com", "Sam Lima <sam@example.org>"])

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

describe("issue 19: the admin page as a product (R3, C1, C3, C4), every page looked at", () => {
  it("issue 19 R3: an admin adds a rep to a queue and removes one, by name", async () => {
    const page = await web.open("#/admin")
    await page.getByLabel("Queue", { exact: true }).first().selectOption({ label: "Billing" })
    const members = page.getByRole("list", { name: "Members of Billing" })
    await poll(() => members.getByRole("listitem").allTextContents()).toEqual([
      expect.stringContaining("Ana Lima"),
      expect.stringContaining("Ben Okafor"),
    ])
    await page.getByLabel("Rep to add").selectOption({ label: "Eve Novak" })
    await page.getByRole("button", { name: "Add member" }).click()
    await page.getByText("Eve Novak added to Billing.").waitFor()
    await poll(async () => (await members.getByRole("listitem").allTextContents()).length).toBe(3)
    expect((await web.api.as(KEYS.admin).rep("eve")).queues).toContain("billing")

    await members.getByRole("button", { name: "Remove Eve Novak" }).click()
    await page.getByText("Eve Novak removed from Billing.").waitFor()
    await poll(async () => (await members.getByRole("listitem").allTextContents()).length).toBe(2)
    expect((await web.api.as(KEYS.admin).rep("eve")).queues).not.toContain("billing")
  })

  it("issue 19 C1 C3 C4: overflow rules are reordered and removed, the default texts show, a bad field is marked in words", async () => {
    const page = await web.open("#/admin")
    await page.locator("#overflow-queue").selectOption({ label: "Technical support" })
    // C3, C4: with nothing set, the queue's texts are the defaults, shown as such.
    await poll(() => page.getByLabel("Callback offer text (C3)").inputValue()).toMatch(
      /^Current wait time is longer/,
    )
    expect(await page.getByLabel("Callback confirmation text (C4)").inputValue()).toMatch(
      /^Callback requested\./,
    )

    await page.getByRole("button", { name: "Add rule" }).click()
    await page.getByRole("button", { name: "Add rule" }).click()
    await page.locator("#cond-2").selectOption("WaitingAbove")
    await page.locator("#value-2").fill("-1")
    await page.getByRole("button", { name: "Move rule 2 up" }).click()
    expect(await page.locator("#cond-1").inputValue()).toBe("WaitingAbove")
    await page.getByRole("button", { name: "Save overflow settings" }).click()
    // The API names `rules[0].condition.count`; the page says it in words and marks the field.
    const status = page.locator("#overflow-heading ~ form [role=status]")
    await poll(() => status.textContent()).toMatch(/^Not saved: Rule 1 threshold/)
    expect(await status.textContent()).not.toContain("rules[0]")
    expect(await page.locator("#value-1").getAttribute("aria-invalid")).toBe("true")
    await lookAt(page, "admin-overflow-invalid")

    await page.getByRole("button", { name: "Remove rule 1" }).click()
    expect(await page.getByRole("group", { name: /^Rule/ }).count()).toBe(1)
    await page.getByRole("button", { name: "Save overflow settings" }).click()
    await poll(() => status.textContent()).toBe("Overflow settings saved.")
    const saved = await web.api
      .as(KEYS.admin)
      .call<{ rules: unknown[]; offerText?: string }>("GET", "/api/queues/support/overflow")
    expect(saved.rules).toHaveLength(1)
    // The default text was not sent as an edit: the queue still follows the default.
    expect(saved.offerText).toBeUndefined()
  })

  it("issue 19: the supervisor and admin pages have no axe violations and fit 390 px", async () => {
    const supervisor = await web.open("#/supervisor", { viewport: DESKTOP })
    await supervisor.getByRole("status").getByText("Live").waitFor()
    await lookAt(supervisor, "supervisor")
    const admin = await web.open("#/admin", { viewport: DESKTOP })
    await admin.getByRole("heading", { name: "Emergency operator log" }).waitFor()
    await admin.getByRole("button", { name: "Save contacts" }).waitFor()
    await lookAt(admin, "admin")
  })
})
