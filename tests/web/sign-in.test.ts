import { memorySpans } from "@lifeline/api/testing"
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { KEYS } from "../api/harness"
import { lookAt, PHONE, poll, startWebE2e, type WebE2e } from "./kit"

/**
 * Issue 21 (SPEC N4, N7): people sign in through the real web app in Chromium, with a real
 * OpenID Connect provider (oidc-provider on 127.0.0.1) and the local demo sign-in; the session
 * lives behind an HttpOnly cookie. Afterwards nothing secret is in any address the browser asked
 * for, in the node's log lines and spans, or in the pages' localStorage.
 */
let web: WebE2e & { readonly provider?: { nextPerson: string } }
const logLines: string[] = []
const spans = memorySpans()
/** Every browser context a test used: their cookies and storage are scanned at the end. */
const contexts = new Set<BrowserContext>()

beforeAll(async () => {
  web = await startWebE2e({ oidc: true, log: (line) => logLines.push(line), layer: spans.layer })
}, 60_000)
afterEach(() => web?.closePages())
afterAll(() => web?.close())

const provider = () => {
  if (web.provider === undefined) throw new Error("started without a provider")
  return web.provider
}

/** A fresh browser nobody signed in to, at `hash`. */
const stranger = async (hash: string) => {
  const page = await web.open(hash, { as: null })
  contexts.add(page.context())
  return page
}

const signInHeading = (page: Page) => page.getByRole("heading", { name: "Sign in", exact: true })

/** Through the web app's Sign in: the provider (who signs in is the test's choice), back to Lifeline. */
const signInWithProvider = async (page: Page, person: string) => {
  provider().nextPerson = person
  await signInHeading(page).waitFor()
  await page.getByRole("link", { name: "Sign in with your organisation" }).click()
}

const sessionCookie = async (context: BrowserContext) =>
  (await context.cookies()).find((c) => c.name.endsWith("lifeline_session"))

/** What the node answers `GET /auth/me` for a cookie, from outside the browser. */
const meWith = (cookie: string) =>
  fetch(`${web.url}/auth/me`, {
    headers: { cookie: `lifeline_session=${cookie}`, accept: "application/json" },
  })

describe("issue 21: signing in and out in the browser", () => {
  it("N4: a rep signs in with the organisation's provider, sees only their own page, and Sign out ends the session at once", async () => {
    const page = await stranger("#/rep/ana")
    await signInHeading(page).waitFor()
    expect(await page.getByRole("navigation", { name: "Pages" }).count()).toBe(0)
    await lookAt(page, "sign-in")
    await signInWithProvider(page, "ana")
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()
    await poll(() => new URL(page.url()).hash).toBe("#/rep/ana")
    expect(await page.getByRole("banner").textContent()).toContain("Ana Lima (rep)")
    expect(await page.getByRole("navigation", { name: "Pages" }).getByRole("link").allTextContents()).toEqual(
      ["My workspace"],
    )

    const cookie = await sessionCookie(page.context())
    expect(cookie?.httpOnly).toBe(true)
    expect(cookie?.sameSite).toBe("Lax")
    expect((await meWith(cookie?.value ?? "")).status).toBe(200)

    // Another person's page, or the admin's: said in words, with the way back.
    await page.goto(`${web.url}/#/admin`)
    await page.getByRole("heading", { name: "Not your page" }).waitFor()
    await page.getByRole("link", { name: "Go to your page" }).click()
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()

    await page.getByRole("button", { name: "Sign out" }).click()
    await signInHeading(page).waitFor()
    expect(await page.getByRole("status").first().textContent()).toContain("You are signed out.")
    expect(await sessionCookie(page.context())).toBeUndefined()
    // The old cookie, replayed from outside the browser, gives no access any more.
    expect((await meWith(cookie?.value ?? "")).status).toBe(401)
    expect(
      (await fetch(`${web.url}/api/reps/ana`, { headers: { cookie: `lifeline_session=${cookie?.value}` } }))
        .status,
    ).toBe(401)
  })

  it("N4: a supervisor and an admin land on their own pages; a person with no Lifeline role is told so", async () => {
    const sam = await stranger("")
    await signInWithProvider(sam, "sam")
    await poll(() => new URL(sam.url()).hash).toBe("#/supervisor")
    await sam.getByRole("heading", { name: "Queues" }).waitFor()
    expect(await sam.getByRole("navigation", { name: "Pages" }).getByRole("link").allTextContents()).toEqual([
      "Supervisor",
    ])

    const ada = await stranger("#/admin")
    await signInWithProvider(ada, "ada")
    await poll(() => new URL(ada.url()).hash).toBe("#/admin")
    await ada.getByRole("heading", { name: "Admin", exact: false }).first().waitFor()
    expect(await ada.getByRole("navigation", { name: "Pages" }).getByRole("link").allTextContents()).toEqual([
      "Admin",
      "Supervisor",
    ])

    const mallory = await stranger("")
    await signInWithProvider(mallory, "mallory")
    await mallory.getByRole("heading", { name: "Sign-in refused" }).waitFor()
    expect(await mallory.textContent("main")).toContain("Ask your Lifeline administrator to give you a role")
    expect(await sessionCookie(mallory.context())).toBeUndefined()
  })

  it("N4: a rep's session ended by an admin sends the open page back to sign-in, stream included", async () => {
    const page = await stranger("#/rep/ana")
    await signInWithProvider(page, "ana")
    await page.getByRole("heading", { name: "Ana Lima" }).waitFor()
    const admin = web.api.as(KEYS.admin)
    const { sessions } = await admin.call<{ sessions: { sessionId: string }[] }>(
      "GET",
      "/api/sessions?repId=ana",
    )
    expect(sessions.length).toBeGreaterThan(0)
    for (const s of sessions) await admin.call("DELETE", `/api/sessions/${encodeURIComponent(s.sessionId)}`)
    // Nothing on the page asks the API by itself: the live stream closing is what brings the sign-in.
    await signInHeading(page).waitFor({ timeout: 15_000 })
    expect(await page.getByRole("status").first().textContent()).toContain("Your session has ended")
  })

  it("the local demo sign-in works through the web app, on a phone", async () => {
    const page = await stranger("")
    await page.setViewportSize(PHONE)
    await signInHeading(page).waitFor()
    // The node offers the provider; the demo page is still there on loopback, clearly marked.
    await page.goto(`${web.url}/auth/demo`)
    expect(await page.getByRole("alert").textContent()).toContain("DEMO sign-in, on this machine only")
    await page.getByRole("button", { name: "Ben Okafor (rep)" }).click()
    await page.getByRole("heading", { name: "Ben Okafor" }).waitFor()
    await poll(() => new URL(page.url()).hash).toBe("#/rep/ben")
  })

  it("N7: no cookie value, key or provider code in any address, log line, span or localStorage entry", async () => {
    const secrets = new Set<string>(Object.values(KEYS))
    const storage: string[] = []
    for (const context of contexts) {
      // Lifeline's cookies (the provider's own, for its own pages, are the provider's business).
      for (const c of await context.cookies(web.url)) secrets.add(c.value)
      for (const origin of (await context.storageState()).origins)
        for (const entry of origin.localStorage) storage.push(`${entry.name}=${entry.value}`)
    }
    // Cookies of ended sessions are gone from the browsers: every value the node handed out counts.
    for (const line of logLines) expect(line).not.toMatch(/lifeline_session=|authorization|bearer /i)
    const spanText = spans
      .spans()
      .map((s) => JSON.stringify({ name: s.name, attributes: s.attributes, events: s.events }))
    expect(spanText.length).toBeGreaterThan(0)
    const urls = web.requested.filter((u) => !new URL(u).pathname.startsWith("/auth/callback"))
    for (const secret of [...secrets, ...web.handedOut])
      for (const [where, texts] of [
        ["address", urls],
        ["log line", logLines],
        ["span", spanText],
        ["localStorage", storage],
      ] as const)
        expect(
          texts.filter((t) => t.includes(secret)),
          `${where} holds a secret`,
        ).toEqual([])
    expect(storage.filter((s) => /key|token|session/i.test(s))).toEqual([])
    // The provider's one-time code comes back in the callback's address (the protocol puts it there;
    // PKCE binds it to this node's verifier): it is never logged.
    const codes = web.requested
      .filter((u) => new URL(u).pathname === "/auth/callback")
      .map((u) => new URL(u).searchParams.get("code"))
      .filter((c): c is string => c !== null)
    expect(codes.length).toBeGreaterThan(0)
    for (const code of codes) expect(logLines.filter((l) => l.includes(code))).toEqual([])
  })
})
