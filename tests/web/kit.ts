import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { type BrowserContext, chromium, type Page } from "playwright-core"
import { expect } from "vitest"
import { type E2e, startE2e } from "../api/harness"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
/** Screenshots the browser tests save (docs/web.md); git-ignored. */
export const SCREENSHOTS = join(repoRoot, "tests/web/screenshots")
const CHROMIUM = "/usr/bin/chromium"

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

export interface WebE2e {
  readonly api: E2e
  /** A new tab at `hash` of the served web app. */
  readonly open: (hash: string) => Promise<Page>
  readonly screenshot: (page: Page, name: string) => Promise<void>
  readonly close: () => Promise<void>
}

/** The real API (harness: libSQL file, ACS and Resend stand-ins) serving a fresh build, and Chromium. */
export const startWebE2e = async (): Promise<WebE2e> => {
  const webRoot = await buildWeb()
  const [api, { browser, profile }] = await Promise.all([startE2e({}, { webRoot }), launch()])
  mkdirSync(SCREENSHOTS, { recursive: true })
  return {
    api,
    open: async (hash) => {
      const page = await browser.newPage()
      page.setDefaultTimeout(10_000)
      await page.goto(`${api.url}/${hash}`)
      return page
    },
    screenshot: async (page, name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
    },
    close: async () => {
      await browser.close()
      await api.close()
      rmSync(profile, { recursive: true, force: true })
      rmSync(webRoot, { recursive: true, force: true })
    },
  }
}

/** `expect.poll` with room for a loaded CI machine (its default gives up after 1 s). */
export const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 })
