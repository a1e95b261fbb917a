import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { connect, createServer, type Server, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { type BrowserContext, chromium, type Page } from "playwright-core"
import { expect } from "vitest"
import { type E2e, startE2e } from "../api/harness"

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
 * Debian's Chromium, headless, on a fresh profile folder (playwright passes it as
 * --user-data-dir); never a downloaded browser.
 */
const launch = async (): Promise<{ browser: BrowserContext; profile: string }> => {
  const profile = mkdtempSync(join(tmpdir(), "lifeline-chromium-"))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1100, height: 760 },
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
  return { browser, profile }
}

/**
 * Issue 19: a TCP relay between the browser and the API, so a test can take the server away
 * (every connection cut, new ones refused) and bring it back on the same address, as a crashed
 * or restarted server looks to the browser, without restarting the API and its state.
 */
const startRelay = async (target: URL) => {
  const sockets = new Set<Socket>()
  const relay = (client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname)
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
    options?: { readonly viewport?: Viewport; readonly init?: string },
  ) => Promise<Page>
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

/** The real API (harness: libSQL file, ACS and Resend stand-ins) serving a fresh build, and Chromium. */
export const startWebE2e = async (): Promise<WebE2e> => {
  const webRoot = await buildWeb()
  const [api, { browser, profile }] = await Promise.all([startE2e({}, { webRoot }), launch()])
  const relay = await startRelay(new URL(api.url))
  mkdirSync(SCREENSHOTS, { recursive: true })
  const pages: Page[] = []
  return {
    api,
    open: async (hash, options = {}) => {
      const page = await browser.newPage()
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
      rmSync(profile, { recursive: true, force: true })
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
