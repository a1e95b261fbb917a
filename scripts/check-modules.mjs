#!/usr/bin/env node
/**
 * ARCHITECTURE rule 4, issue 18: the module walls of packages/core, checked by dependency-cruiser
 * with the rules in .dependency-cruiser.cjs: no import cycle, the kernel imports no module, and
 * no module imports another module's state or decide.
 *
 * The walls still crossed when the check came in (modules that read `CenterState` and routing's
 * state directly) are listed in .dependency-cruiser-known-violations.json: they pass, any new one
 * fails, and the list may only shrink (`--update` rewrites it after a wall is mended).
 *
 * A second check, which dependency-cruiser cannot make: module code never reaches into another
 * module's slice of the center's state (`state.routing.items`...); it hands the slice to that
 * module's read interface (`itemOf(state.routing, id)`, routing/reads.ts) instead.
 *
 * A third, for the public surface (issue 18): the root index exports namespaces only, and no
 * driver (apps, packages, tests) imports a core file by path (`@lifeline/core/src/...`,
 * `../../packages/core/src/...`) or a subpath the package does not export; and each module's
 * index.ts exports exactly the names drivers import (`core-namespaces.mjs --check`), so an
 * internal does not stay public after its last driver stops using it.
 *
 * Every .ts file is named on the command line: dependency-cruiser only finds .ts files in a folder
 * with a TypeScript it can load, and the installed TypeScript 7 has no compiler API for it (see
 * scripts/depcruise-imports.cjs).
 *
 * Usage: node scripts/check-modules.mjs [--update]
 */
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { surfaceProblems } from "./codemods/core-surface.mjs"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const KNOWN = ".dependency-cruiser-known-violations.json"

/** @param {string} dir @returns {string[]} */
const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return sources(path)
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [relative(root, path)] : []
    })
    .sort()

const files = sources(join(root, "packages", "core", "src"))
const update = process.argv.includes("--update")
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs")
const args = update
  ? ["--config", ".dependency-cruiser.cjs", "--output-type", "baseline", "--output-to", KNOWN, ...files]
  : ["--config", ".dependency-cruiser.cjs", "--output-type", "err-long", "--ignore-known", KNOWN, ...files]
const run = spawnSync(process.execPath, [depcruise, ...args], { cwd: root, stdio: "inherit" })
if (run.status !== 0) {
  console.error("module walls: see the rules' comments in .dependency-cruiser.cjs (ARCHITECTURE rule 4)")
  process.exit(run.status ?? 1)
}
/** The module folders whose slices the center's state holds, and a property access into one. */
const SLICES = new Set(["routing", "outbox", "emergency", "callback", "calls"])
const SLICE_ACCESS = /\.(routing|outbox|emergency|callback|calls)\.[A-Za-z_$]/g
const ALIASED_CENTER_STATE = /Parameters<\s*CenterModule\s*\[/
const MODULE_CODE =
  /^packages\/core\/src\/(routing|callback|calls|emergency|outbox|audit|history)\/(?!.*(?:\.test|test-kit)\.ts$)/

/** `file:line: reason` for each reach into another module's slice (comments skipped). */
const sliceReaches = files.flatMap((file) => {
  const module = MODULE_CODE.exec(file)?.[1]
  if (module === undefined) return []
  return readFileSync(join(root, file), "utf8")
    .split("\n")
    .flatMap((line, i) => {
      if (/^\s*(?:\/\/|\*|\/\*)/.test(line)) return []
      // The whole center state under another name is the same wall crossed, out of the
      // baseline's sight: import `CenterState` and stand in the known-violations list instead.
      const aliased = ALIASED_CENTER_STATE.test(line)
        ? [
            `${file}:${i + 1}: types the whole center state through an alias; import CenterState (a known violation) or a read interface`,
          ]
        : []
      return [...line.matchAll(SLICE_ACCESS)]
        .map((m) => m[1] ?? "")
        .filter((slice) => slice !== module && SLICES.has(slice))
        .map((slice) => `${file}:${i + 1}: reads the ${slice} module's state directly; use its reads.ts`)
        .concat(aliased)
    })
})
if (sliceReaches.length > 0) {
  for (const reach of sliceReaches) console.error(reach)
  console.error(
    `module walls: ${sliceReaches.length} reach(es) into another module's state (ARCHITECTURE rule 4)`,
  )
  process.exit(1)
}
const surface = surfaceProblems()
if (surface.length > 0) {
  for (const problem of surface) console.error(problem)
  console.error(
    `public surface: ${surface.length} problem(s); node scripts/codemods/core-namespaces.mjs moves imports to subpaths`,
  )
  process.exit(1)
}
const barrels = spawnSync(
  process.execPath,
  [join(root, "scripts", "codemods", "core-namespaces.mjs"), "--check"],
  {
    cwd: root,
    stdio: "inherit",
  },
)
if (barrels.status !== 0) {
  console.error("public surface: run node scripts/codemods/core-namespaces.mjs (issue 18)")
  process.exit(barrels.status ?? 1)
}
if (update) {
  // Written in the repository's format, so `biome ci` passes on it.
  const biome = join(root, "node_modules", "@biomejs", "biome", "bin", "biome")
  spawnSync(biome, ["format", "--write", KNOWN], { cwd: root, stdio: "ignore" })
}
console.log(
  `module walls: ${files.length} files in packages/core/src checked, the public surface too${update ? `; ${KNOWN} rewritten` : ""}`,
)
