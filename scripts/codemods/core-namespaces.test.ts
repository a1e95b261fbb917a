import { spawnSync } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"

/**
 * Issue 18, namespaced exports: the codemod and the surface check, run as processes on a small
 * repository of the same shape (a flat core root, a driver importing from it), as they run on
 * the real one.
 */
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const codemod = join(repo, "scripts", "codemods", "core-namespaces.mjs")

const CORE_FILES: Record<string, string> = {
  "packages/core/package.json": `${JSON.stringify({ name: "@lifeline/core", type: "module", exports: { ".": "./src/index.ts" } }, null, 2)}\n`,
  "packages/core/src/routing/heap.ts": "export const NOT_IN_HEAP = -1\nexport class IndexedHeap {}\n",
  "packages/core/src/routing/state.ts":
    "export interface RouterState { readonly n: number }\nexport const settle = (_: RouterState): void => {}\n",
  "packages/core/src/routing/views.ts":
    "export interface QueueView { readonly id: string }\nexport const queueView = (id: string): QueueView => ({ id })\n",
  "packages/core/src/center/state.ts": "export const emptyCenterState = () => ({})\n",
  "packages/core/src/ids.ts": "export const Id = 'id'\n",
  "packages/core/src/index.ts": [
    'export * from "./center/state"',
    'export * from "./ids"',
    'export * from "./routing/heap"',
    'export * from "./routing/state"',
    'export * from "./routing/views"',
    "",
  ].join("\n"),
}

let dir = ""
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A fixture repository with the core above and `drivers` (path -> text), the real node_modules linked in. */
const fixture = (drivers: Record<string, string>) => {
  dir = mkdtempSync(join(tmpdir(), "core-namespaces-"))
  for (const [path, text] of Object.entries({ ...CORE_FILES, ...drivers })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  cpSync(join(repo, "biome.json"), join(dir, "biome.json"))
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"))
}
const run = (...args: string[]) =>
  spawnSync(process.execPath, [codemod, ...args], {
    env: { ...process.env, LIFELINE_REPO_ROOT: dir },
    encoding: "utf8",
  })
const read = (path: string) => readFileSync(join(dir, path), "utf8")

describe("issue 18: the core-namespaces codemod", () => {
  it("moves root imports to module subpaths, exports only what drivers import, and a second run changes nothing", () => {
    fixture({
      "apps/api/src/a.ts": [
        'import { emptyCenterState, type QueueView, queueView as view } from "@lifeline/core"',
        "export const a = (q: QueueView) => [emptyCenterState, view, q]",
        "",
      ].join("\n"),
    })
    const first = run()
    expect(first.stderr).toBe("")
    expect(first.status).toBe(0)
    expect(read("apps/api/src/a.ts")).toContain('import { emptyCenterState } from "@lifeline/core/center"')
    expect(read("apps/api/src/a.ts")).toContain(
      'import { type QueueView, queueView as view } from "@lifeline/core/routing"',
    )
    // The routing barrel holds what drivers import: not the heap, not settle, not RouterState.
    const routing = read("packages/core/src/routing/index.ts")
    expect(routing).toContain('export { type QueueView, queueView } from "./views"')
    expect(routing).not.toMatch(/IndexedHeap|settle|RouterState/)
    expect(read("packages/core/src/index.ts")).toMatch(
      /export \* as Center from "\.\/center\/index"\nexport \* as Routing from "\.\/routing\/index"\n$/,
    )
    expect(JSON.parse(read("packages/core/package.json")).exports).toEqual({
      ".": "./src/index.ts",
      "./center": "./src/center/index.ts",
      "./routing": "./src/routing/index.ts",
    })
    expect(first.stdout).toContain("the flat root exported 8")
    const second = run("--check")
    expect(second.status).toBe(0)
    expect(second.stdout).toContain("0 file(s) out of date")
  })

  it("carries a file path into its module's subpath and adds the name to the barrel; --check reports it first", () => {
    fixture({
      "tests/t.ts": 'import { Id } from "../packages/core/src/ids"\nexport const t = Id\n',
    })
    const check = run("--check")
    expect(check.status).toBe(1)
    expect(check.stderr).toContain("would change: tests/t.ts")
    expect(run().status).toBe(0)
    expect(read("tests/t.ts")).toContain('import { Id } from "@lifeline/core/ids"')
    expect(read("packages/core/src/ids/index.ts")).toContain('export { Id } from "../ids"')
  })

  it("refuses routing's heap upkeep and a namespace import of the root, writing nothing", () => {
    const driver =
      'import { settle } from "@lifeline/core"\nimport * as Core from "@lifeline/core"\nexport const s = [settle, Core]\n'
    fixture({ "apps/api/src/s.ts": driver })
    const refused = run()
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain("apps/api/src/s.ts:1: settle is internal to routing")
    expect(refused.stderr).toContain("apps/api/src/s.ts:2: a default or namespace import of '@lifeline/core'")
    expect(read("apps/api/src/s.ts")).toBe(driver)
    expect(read("packages/core/src/index.ts")).toBe(CORE_FILES["packages/core/src/index.ts"])
  })
})
