import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { blankCommentsAndStrings, checkCore, checkPackageJson, checkSource } from "./check-core-purity.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** The lines flagged in `code`, with their reasons. */
const flagged = (code: string) => checkSource(code, "x.ts").map((v) => [v.line, v.reason] as const)
const lines = (code: string) => checkSource(code, "x.ts").map((v) => v.line)

describe("checkSource: imports", () => {
  it.each([
    'import { readFileSync } from "node:fs"',
    'import fs from "fs"',
    'import * as path from "path"',
    'import { createServer } from "http"',
    'import net from "node:net"',
    'import { spawn } from "child_process"',
    'import type { Readable } from "node:stream"',
    'import "node:process"',
    'import { createClient } from "@libsql/client"',
    'import { sql } from "drizzle-orm"',
    'import { Hono } from "hono"',
    'import { Resend } from "resend"',
    'import { CallAutomationClient } from "@azure/communication-call-automation"',
    'import { memoryStore } from "@lifeline/adapters"',
    'import { x } from "@effect/platform"',
    "export { Hono } from 'hono'",
    'export * from "node:fs"',
    'const fs = await import("node:fs")',
    'const fs = require("fs")',
    'import fs = require("fs")',
  ])("flags %s", (code) => {
    const found = checkSource(code, "x.ts")
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ file: "x.ts", line: 1 })
    expect(found[0]?.reason).toMatch(/^imports /)
  })

  it("names Node built-ins as such", () => {
    expect(flagged('import { join } from "node:path"')[0]?.[1]).toContain("Node built-in 'node:path'")
    expect(flagged('import { join } from "path"')[0]?.[1]).toContain("Node built-in 'path'")
    expect(flagged('import { Hono } from "hono"')[0]?.[1]).toContain("only relative paths and 'effect'")
  })

  it("flags a computed dynamic import", () => {
    expect(flagged("const m = await import(name)")).toEqual([[1, "imports a computed module specifier"]])
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is source code under test
    expect(flagged("const m = await import(`./${name}`)")).toEqual([
      [1, "imports a computed module specifier"],
    ])
  })

  it("allows relative paths and effect", () => {
    const code = [
      'import { Result, Schema } from "effect"',
      'import * as Option from "effect/Option"',
      'import type { RouterState } from "./state"',
      'import { Clock } from "../ports/clock"',
      'export * from "./routing/router"',
      'export { evolve } from "./evolve"',
      'const lazy = () => import("./views")',
    ].join("\n")
    expect(flagged(code)).toEqual([])
  })

  it("flags a triple-slash reference to ambient types", () => {
    expect(lines('/// <reference types="node" />\nexport const a = 1')).toEqual([1])
  })
})

describe("checkSource: clock, randomness, host", () => {
  it.each([
    ["const t = Date.now()", /Date\.now/],
    ["const t = globalThis.Date.now()", /Date\.now/],
    ["const d = new Date()", /new Date\(\)/],
    ["const d = new Date", /new Date without arguments/],
    ["const s = Date()", /Date\(\) called as a function/],
    ["const t = performance.now()", /performance\.now/],
    ["const t = process.hrtime()", /process\.hrtime/],
    ["const t = process.hrtime.bigint()", /process\.hrtime/],
    ["const r = Math.random()", /Math\.random/],
    ["const id = crypto.randomUUID()", /crypto randomness/],
    ["crypto.getRandomValues(buffer)", /crypto randomness/],
    ["const url = process.env.DATABASE_URL", /touches process/],
    ['const url = process["env"]', /touches process/],
    ["process.exit(1)", /touches process/],
    ["const env = globalThis.process.env", /globalThis\.process/],
    ['const p = globalThis["process"]', /globalThis\[\.\.\.\]/],
    ['const res = await fetch("https://example.com")', /calls fetch/],
    ["const f = globalThis.fetch", /globalThis\.fetch/],
    ["setTimeout(() => expire(offer), 30_000)", /host timer/],
    ["const handle = setInterval(tick, 1000)", /host timer/],
    ["globalThis.setTimeout(run, 0)", /host timer/],
    ["setImmediate(run)", /host timer/],
    ["const clock = { now: Date.now }", /Date\.now/],
    ["const clock = { sleep: setTimeout }", /host timer/],
    ["const timers = { setTimeout }", /host timer/],
    ["const t = ready ? fetch(url) : cached", /calls fetch/],
    ["if (ready) { fetch(url) }", /calls fetch/],
  ])("flags %s", (code, reason) => {
    const found = checkSource(code, "x.ts")
    expect(found).toHaveLength(1)
    expect(found[0]?.line).toBe(1)
    expect(found[0]?.reason).toMatch(reason)
  })

  it("flags code inside template-literal expressions", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is source code under test
    expect(lines("const s = `at ${Date.now()}`")).toEqual([1])
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is source code under test
    expect(lines("const s = `a ${`b ${Math.random()}`} c`")).toEqual([1])
  })

  it("reports the right line for each violation", () => {
    const code = [
      'import { Effect } from "effect"', // 1
      "", // 2
      "export const a = (now: number) => now + 1", // 3
      "export const b = () => Date.now()", // 4
      "/*", // 5
      " * Math.random()", // 6
      " */", // 7
      "export const c = () => Math.random()", // 8
      'export const d = "fetch(x)"', // 9
      'import { readFile } from "node:fs/promises"', // 10
    ].join("\n")
    expect(lines(code)).toEqual([4, 8, 10])
  })

  it("passes clean domain code", () => {
    const code = `
      import { Result } from "effect"
      import type { RouterState } from "./state"

      /** The caller hung up before a rep took the call. */
      export const at = (epochMs: number) => new Date(epochMs).toISOString()
      export const utc = Date.UTC(2026, 0, 1)
      export const parsed = Date.parse("2026-01-01T00:00:00Z")
      export const later = (d: Date): Date => new Date(d.getTime() + 1000)
      export const pick = (store: { fetch(id: string): number }) => store.fetch("a")
      export const rep = { process: "inbound", processed: 1, setTimeoutMs: 30_000 }
      export const reprocess = (x: { process(): void }) => x.process()
      interface Port {
        fetch(id: string): Promise<number>
        readonly setTimeout?: number
        setInterval<T>(every: number, value: T): void
      }
      const port = { fetch(id: string) { return id }, setTimeout: 5, async setInterval() {} }
      export const dateNow = 0
      export const randomize = (seed: number) => Math.max(seed, Math.floor(seed / 2))
      const processQueue = (state: RouterState) => state.queues.size
      const offerTimeoutMs = 30_000
      const ratio = offerTimeoutMs / 2 / processQueue({} as RouterState)
      const re = /^([01]\\d|2[0-3]):[0-5]\\d$/
      export const result = Result.succeed({ ratio, re })
    `
    expect(flagged(code)).toEqual([])
  })
})

describe("checkSource: comments and strings", () => {
  it("does not flag comments", () => {
    const code = [
      "// Date.now() is forbidden here, as is Math.random() and fetch(url)",
      '// import fs from "node:fs"',
      "/* setTimeout(run, 10); process.env.X; new Date() */",
      "/**",
      " * Never call crypto.randomUUID() or performance.now() in core.",
      ' * import { Hono } from "hono"',
      " */",
      "export const a = 1 // process.exit(1)",
      "export const b = 2 /* globalThis.process */ + 1",
      "// don't let an apostrophe in a comment open a string: Date.now()",
      "export const c = 3",
    ].join("\n")
    expect(flagged(code)).toEqual([])
  })

  it("does not flag string literals", () => {
    const code = [
      'export const a = "Date.now() and Math.random()"',
      "export const b = 'process.env.HOME, setTimeout(f)'",
      'export const c = "import fs from \\"node:fs\\""',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text is source code under test
      "export const d = `call fetch(url) at ${1 + 2} then new Date()`",
      'export const e = "// not a comment"; export const f = Date.UTC(2026, 0)',
      "export const g = /\"|'|\\/\\//.test('x')",
      "export const h = 1",
    ].join("\n")
    expect(flagged(code)).toEqual([])
  })

  it("still sees code after a comment or a string that looks like an opener", () => {
    expect(lines('const a = "/*"\nconst b = Date.now()\nconst c = "*/"')).toEqual([2])
    expect(lines("const a = '//'; const b = Math.random()")).toEqual([1])
    expect(lines("const re = /\\/\\*/\nconst b = Math.random()")).toEqual([2])
  })

  it("keeps offsets and line breaks when blanking", () => {
    const text = 'a /* b\nc */ "d" // e\nf'
    const { code, strings } = blankCommentsAndStrings(text)
    expect(code).toHaveLength(text.length)
    expect(code.split("\n")).toHaveLength(3)
    expect(code.replace(/\s+/g, "")).toBe('a""f')
    expect(strings.map((s) => s.value)).toEqual(["d"])
  })
})

describe("checkPackageJson", () => {
  it("passes a manifest that depends only on effect", () => {
    const manifest = JSON.stringify({ name: "@lifeline/core", dependencies: { effect: "3.22.4" } }, null, 2)
    expect(checkPackageJson(manifest, "package.json")).toEqual([])
  })

  it("flags any other dependency, with its line", () => {
    const manifest = JSON.stringify(
      {
        name: "@lifeline/core",
        dependencies: { effect: "3.22.4", "@libsql/client": "0.15.0" },
        peerDependencies: { hono: "4" },
        devDependencies: { "@lifeline/adapters": "workspace:*" },
      },
      null,
      2,
    )
    const found = checkPackageJson(manifest, "packages/core/package.json")
    expect(found.map((v) => v.reason)).toEqual([
      expect.stringContaining("'@libsql/client' in dependencies"),
      expect.stringContaining("'@lifeline/adapters' in devDependencies"),
      expect.stringContaining("'hono' in peerDependencies"),
    ])
    expect(found[0]).toMatchObject({ file: "packages/core/package.json", line: 5 })
  })

  it("flags a manifest that is not JSON", () => {
    expect(checkPackageJson("{ nope", "package.json")).toHaveLength(1)
  })
})

describe("the real packages/core", () => {
  it("passes the check", () => {
    const { files, violations } = checkCore(root)
    expect(files).toContain("packages/core/src/routing/router.ts")
    expect(files.some((f) => f.endsWith(".test.ts") || f.endsWith("/test-kit.ts"))).toBe(false)
    expect(violations).toEqual([])
  })
})
