import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { connect, createServer, type Server, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { CLIENT, ROLE_MAP, startProvider, type TestProvider } from "@lifeline/api/testing"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import { expect } from "vitest"
import { type E2e, type E2eOptions, startE2e } from "../api/harness"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
/** Screenshots the browser tests save while they run (git-ignored). */
export const SCREENSHOTS = join(repoRoot, "tests/web/screenshots")
/** Issue 19: the screenshots docs/web.md shows, every page and state at two widths (committed). */
export const DOC_SCREENSHOTS = join(repoRoot, "docs/screenshots")
const CHROMIUM = "/usr/bin/chromium"
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js")

/** The two sizes every page is looked at (issue 19): a laptop and a phone. */
export const DESKTOP = { width: 1366, height: 768 } as const
export const PHONE = { width: 390, height: 844 } as const

/** Build the web app into a fresh folder with vite (a clean clone has nothing built). */
const buildWeb = async (): Promise<string> => {
  const outDir = mkdtempSync(join(tmpdir(), "lifeline-web-"))
  await promisify(execFile)(
    process.execPath,
    [
      join(repoRoot, "node_modules/vite/bin/vite.js"),
      "build",
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "warn",
    ],
    { cwd: join(repoRoot, "apps/web") },
  )
  return outDir
}

/**
 * Debian's Chromium, headless; never a downloaded browser. Playwright gives the browser a fresh
 * profile folder of its own and each person a fresh context (cookies, storage) in it.
 */
export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  })

/**
 * Issue 19: a TCP relay between the browser and the API, so a test can take the server away
 * (every connection cut, new ones refused) and bring it back on the same address, as a crashed
 * or restarted server looks to the browser, without restarting the API and its state.
 */
const startRelay = async (target: () => URL) => {
  const sockets = new Set<Socket>()
  const relay = (client: Socket) => {
    const upstream = connect(Number(target().port), target().hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on("close", () => sockets.delete(s))
      s.on("error", () => s.destroy())
    }
    client.pipe(upstream).pipe(client)
  }
  let server: Server = createServer(relay)
  const listen = (port: number) =>
    new Promise<number>((resolve) =>
      server.listen(port, "127.0.0.1", () => {
        const address = server.address()
        resolve(typeof address === "object" && address !== null ? address.port : port)
      }),
    )
  const port = await listen(0)
  return {
    url: `http://127.0.0.1:${port}`,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
    },
    restore: async () => {
      server = createServer(relay)
      await listen(port)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const notFound = new WeakMap<Page, string[]>()

/** Issue 19: the paths a page asked for and got 404 (a missing favicon, a stale asset). */
export const notFoundOf = (page: Page): readonly string[] => notFound.get(page) ?? []

export interface Viewport {
  readonly width: number
  readonly height: number
}

export interface WebE2e {
  readonly api: E2e
  /**
   * A new tab at `hash` of the served web app (through the relay), at `viewport`; `init` runs in
   * the page before its own scripts (stand-ins for browser APIs a test observes).
   */
  readonly open: (
    hash: string,
    options?: {
      readonly viewport?: Viewport
      readonly init?: string
      /**
       * Issue 21: who opens it: a demo person (`ana`, `supervisor`, `admin`…), signed in through
       * the demo sign-in in that person's own browser context (their tabs share it); `null`: a
       * fresh context nobody signed in to. Default: the person the address is for.
       */
      readonly as?: string | null
    },
  ) => Promise<Page>
  /** The address the browser reaches the node at (the relay). */
  readonly url: string
  /** Every address any page asked for (issue 21: scanned for secrets). */
  readonly requested: readonly string[]
  /** Every cookie value the node (not the identity provider) handed a browser (issue 21). */
  readonly handedOut: readonly string[]
  readonly screenshot: (page: Page, name: string) => Promise<void>
  /**
   * Closes every tab opened so far: each live page holds a stream, and Chromium opens at most six
   * HTTP/1.1 connections to one origin, so tabs left open starve the next page's requests.
   */
  readonly closePages: () => Promise<void>
  /** Issue 19: the server goes away (connections cut, new ones refused) / comes back. */
  readonly serverDown: () => Promise<void>
  readonly serverUp: () => Promise<void>
  readonly close: () => Promise<void>
}

/** The demo person a page's address is for: `#/rep/ana` -> ana, `#/admin` -> admin. */
const personOf = (hash: string): string => {
  const [page, id] = hash.replace(/^.*#\/?/, "").split("/")
  return page === "rep" && id !== undefined ? id : page === "admin" ? "admin" : "supervisor"
}

export interface WebE2eOptions {
  /** Issue 21: sign-in with a real OpenID Connect provider (oidc-provider in this process). */
  readonly oidc?: boolean
  /** Every log line the node writes. */
  readonly log?: (line: string) => void
  /** More layers for the node's runtime (e.g. spans kept in memory). */
  readonly layer?: E2eOptions["layer"]
}

/** The real API (harness: libSQL file, ACS and Resend stand-ins) serving a fresh build, and Chromium. */
export const startWebE2e = async (
  options: WebE2eOptions = {},
): Promise<WebE2e & { readonly provider?: TestProvider }> => {
  let apiUrl: URL | undefined
  const relay = await startRelay(() => {
    if (apiUrl === undefined) throw new Error("the API has not started yet")
    return apiUrl
  })
  const provider = options.oidc === true ? await startProvider(() => `${relay.url}/auth/callback`) : undefined
  const webRoot = await buildWeb()
  const [api, browser] = await Promise.all([
    startE2e(
      {},
      {
        webRoot,
        ...(options.log === undefined ? {} : { log: options.log }),
        ...(options.layer === undefined ? {} : { layer: options.layer }),
        ...(provider === undefined
          ? {}
          : {
              oidc: {
                issuer: provider.issuer,
                clientId: CLIENT.id,
                clientSecret: CLIENT.secret,
                redirectUrl: `${relay.url}/auth/callback`,
                roles: ROLE_MAP,
              },
            }),
      },
    ),
    launch(),
  ])
  apiUrl = new URL(api.url)
  mkdirSync(SCREENSHOTS, { recursive: true })
  const pages: Page[] = []
  const requested: string[] = []
  const handedOut: string[] = []
  const contexts = new Map<string, BrowserContext>()
  /** A person's browser: signed in once through the demo sign-in, as the demo page's form posts. */
  const contextOf = async (person: string | null): Promise<BrowserContext> => {
    const known = person === null ? undefined : contexts.get(person)
    if (known !== undefined) return known
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
    context.on("request", (r) => requested.push(r.url()))
    context.on("response", async (r) => {
      if (!r.url().startsWith(relay.url)) return
      for (const h of await r.headersArray().catch(() => []))
        if (h.name.toLowerCase() === "set-cookie") {
          const value = h.value.split(";")[0]?.split("=").slice(1).join("=") ?? ""
          if (value !== "") handedOut.push(value)
        }
    })
    if (person !== null) {
      const res = await context.request.post(`${relay.url}/auth/demo`, {
        form: { person },
        headers: { origin: relay.url },
        maxRedirects: 0,
      })
      if (res.status() !== 303)
        throw new Error(`demo sign-in as ${person}: ${res.status()} ${await res.text()}`)
      contexts.set(person, context)
    }
    return context
  }
  return {
    api,
    url: relay.url,
    requested,
    handedOut,
    ...(provider === undefined ? {} : { provider }),
    open: async (hash, options = {}) => {
      const context = await contextOf(options.as === undefined ? personOf(hash) : options.as)
      const page = await context.newPage()
      pages.push(page)
      const missing: string[] = []
      notFound.set(page, missing)
      page.on("response", (r) => {
        if (r.status() === 404) missing.push(new URL(r.url()).pathname)
      })
      page.setDefaultTimeout(10_000)
      if (options.viewport !== undefined) await page.setViewportSize(options.viewport)
      if (options.init !== undefined) await page.addInitScript(options.init)
      await page.goto(`${relay.url}/${hash}`)
      return page
    },
    screenshot: async (page, name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
    },
    closePages: async () => {
      for (const page of pages.splice(0)) await page.close()
    },
    serverDown: relay.cut,
    serverUp: relay.restore,
    close: async () => {
      await browser.close()
      await relay.close()
      await api.close()
      await provider?.close()
      rmSync(webRoot, { recursive: true, force: true })
    },
  }
}

/** `expect.poll` with room for a loaded CI machine (its default gives up after 1 s). */
export const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 })

/** One axe-core violation, short enough to read in a failed assertion. */
export interface AxeViolation {
  readonly id: string
  readonly impact: string | null
  readonly targets: readonly string[]
}

/** Issue 19: axe-core 4 run on the page as it is now (WCAG 2 A/AA and best practices). */
export const axeViolations = async (page: Page): Promise<AxeViolation[]> => {
  // The page's own scope (tests have no DOM types): axe is a global once its script is in.
  if (!(await page.evaluate<boolean>(`"axe" in window`))) await page.addScriptTag({ path: AXE })
  const results = await page.evaluate<AxeResults>(`axe.run(document, { resultTypes: ["violations"] })`)
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }))
}

interface AxeResults {
  readonly violations: readonly {
    readonly id: string
    readonly impact: string | null
    readonly nodes: readonly { readonly target: readonly string[] }[]
  }[]
}

/** Issue 19: the page's own width against the viewport's (a wider page scrolls sideways). */
export const pageWidth = (page: Page) =>
  page.evaluate<{ document: number; viewport: number }>(
    `({ document: document.documentElement.scrollWidth, viewport: window.innerWidth })`,
  )

/**
 * Issue 19: one state of one page, looked at as docs/web.md shows it: zero axe violations, no
 * sideways scroll, and a screenshot (docs/screenshots/<name>-<width>.png) at both sizes.
 */
export const lookAt = async (page: Page, name: string): Promise<void> => {
  mkdirSync(DOC_SCREENSHOTS, { recursive: true })
  const before = page.viewportSize() ?? DESKTOP
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size)
    await page.evaluate(`new Promise((r) => requestAnimationFrame(() => r(null)))`)
    expect(await pageWidth(page), `${name} at ${size.width} px`).toEqual({
      document: size.width,
      viewport: size.width,
    })
    expect(await axeViolations(page), `${name} at ${size.width} px`).toEqual([])
    await page.screenshot({ path: join(DOC_SCREENSHOTS, `${name}-${size.width}.png`), fullPage: true })
  }
  await page.setViewportSize(before)
}
