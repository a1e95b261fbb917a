#!/usr/bin/env node
/**
 * Issue 18, namespaced exports of @lifeline/core: one public surface per module, internals
 * unexported. The model is Effect's packages/sql/src/index.ts: the root is namespaces only
 * (`export * as Routing from "./routing/index"`) and each module is a subpath of the package
 * (`@lifeline/core/routing`, package.json "exports").
 *
 * What it does, from the source as it stands (so it can run again after others add code):
 *  1. Reads every driver (apps, packages but core, tests, bench, scripts) with Babel's parser and
 *     finds each name it imports from the core: from the root (`@lifeline/core`), a subpath
 *     (`@lifeline/core/routing`), or a core file by path (`@lifeline/core/src/...`,
 *     `../../packages/core/src/...`; test kits, and every path a benchmark imports, stay as they are).
 *  2. Traces each name to the file that declares it; its module is that file's first folder under
 *     packages/core/src (`ids` and `engine` for ids.ts and engine.ts).
 *  3. Rewrites each import to the subpath of the name's module, one declaration per module,
 *     keeping `type` and `as` (`import { a, type B } from "@lifeline/core"` ->
 *     `import { a } from "@lifeline/core/routing"` + `import type { B } from "@lifeline/core/center"`).
 *  4. Writes each module's barrel (packages/core/src/<module>/index.ts) as exactly the names drivers
 *     import from it (plus KEEP below), the root index as one namespace per barrel, and the
 *     package's "exports" as one subpath per barrel. A name a driver imports that its barrel lacks
 *     is added; a name no driver imports any more leaves the barrel.
 *  5. Formats what it writes with the repository's Biome (imports organized), so a second run
 *     changes nothing.
 * Anything it cannot carry (a default or namespace import of the root, `export *` from the core, a
 * dynamic import, a name it cannot trace or that two modules declare) is listed, and then nothing
 * is written; so is a driver's import of routing's heap upkeep (NEVER_PUBLIC below). Internals a
 * driver still imports are named in a warning (TOLERATED_INTERNALS).
 *
 * Usage: node scripts/codemods/core-namespaces.mjs [--check]
 *   --check  writes nothing; lists the files it would change and exits 1 if there are any.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import {
  barrelOf,
  CORE,
  CORE_SRC,
  coreFiles,
  coreSource,
  driverFiles,
  exportsOf,
  importsByPath,
  isNamespaceExport,
  isTestFile,
  moduleOf,
  namespaceOf,
  PACKAGE,
  parse,
  ROOT,
  ROOT_INDEX,
} from "./core-surface.mjs"

/** Names public by design before any driver imports them, by module (none so far). */
/** @type {Record<string, string[]>} */
const KEEP = {}

/**
 * Routing's heap upkeep, which only routing may call (issue 18 names these): a driver that imports
 * one is refused, so the codemod never makes it public.
 */
const NEVER_PUBLIC = new Set([
  "settle",
  "unsettle",
  "syncRep",
  "syncMembership",
  "applyOffer",
  "fillRep",
  "fillItem",
  "refillRefused",
])

/**
 * Routing's internals that drivers still import: the heap is reused as a generic priority queue by
 * the virtual clock and the simulator's lockstep, and the snapshot codec must know the classes
 * inside routing's state. Each use is a warning until the core offers the codec its own form and
 * the heap moves out of routing.
 */
const TOLERATED_INTERNALS = new Set(["IndexedHeap", "NOT_IN_HEAP", "WaitingQueue", "memberOrder"])

/** @typedef {import("./core-surface.mjs").Origin} Origin */
/** @typedef {import("./core-surface.mjs").CoreSource} CoreSource */

/** @type {string[]} */
const problems = []
/** @type {string[]} */
const warnings = []

// 1. Every name the core declares, by the file that declares it.
/** @type {Map<string, Map<string, Origin>>} */
const declarations = new Map()
for (const file of coreFiles().filter((file) => file !== ROOT_INDEX)) {
  for (const [name, origin] of exportsOf(file)) {
    const known = declarations.get(name) ?? new Map()
    known.set(`${origin.file}#${origin.local}`, origin)
    declarations.set(name, known)
  }
}
const declaredAs = (/** @type {string} */ name) => [...(declarations.get(name)?.values() ?? [])]

/** While the root is still flat (before the first run), it says which of two same-named exports is public. */
const rootIsFlat = !parse(ROOT_INDEX).program.body.every(isNamespaceExport)
const flatRoot = rootIsFlat ? exportsOf(ROOT_INDEX) : new Map()

/** @returns {Origin | string} the origin of a name imported from `source`, or why it has none */
const originOf = (/** @type {string} */ name, /** @type {CoreSource} */ source) => {
  if (source.kind === "internal")
    return exportsOf(source.file).get(name) ?? `'${name}' is not exported by ${source.file}`
  if (source.kind === "root" && rootIsFlat)
    return flatRoot.get(name) ?? `'${name}' is not exported by ${PACKAGE}`
  const all = declaredAs(name)
  const mine = source.kind === "subpath" ? all.filter((o) => moduleOf(o.file) === source.module) : []
  const only = mine.length === 1 ? mine : all.length === 1 ? all : []
  if (only[0] !== undefined) return only[0]
  if (all.length === 0) return `'${name}' is declared nowhere in ${CORE_SRC}`
  return `'${name}' is declared in ${all.map((o) => o.file).join(" and ")}: import it from its module's subpath`
}

// 2. Every driver's imports from the core: the names each module must export, and the rewrites.
/** @type {Map<string, Map<string, Origin>>} module -> public name -> origin */
const surface = new Map()
const publish = (/** @type {string} */ module, /** @type {string} */ name, /** @type {Origin} */ origin) => {
  const names = surface.get(module) ?? new Map()
  const known = names.get(name)
  if (known !== undefined && (known.file !== origin.file || known.local !== origin.local))
    problems.push(`${module}: '${name}' would be both ${known.file} and ${origin.file}`)
  names.set(name, origin)
  surface.set(module, names)
}
for (const [module, names] of Object.entries(KEEP)) {
  for (const name of names) {
    const origin = originOf(name, { kind: "subpath", module, byPath: false })
    if (typeof origin === "string") problems.push(`KEEP ${module}: ${origin}`)
    else publish(module, name, origin)
  }
}

/** @typedef {{ start: number, end: number, text: string }} Edit */

/** A relative import of `to` from `from`, without the extension, as the repository writes them. */
const specifier = (/** @type {string} */ from, /** @type {string} */ to) => {
  const path = relative(dirname(from), to).replace(/\.ts$/, "")
  return path.startsWith(".") ? path : `./${path}`
}

/** The edits that move one driver file's core imports to module subpaths. */
const rewrite = (/** @type {string} */ file, /** @type {string} */ text) => {
  /** @type {Edit[]} */
  const edits = []
  if (/import\(\s*["'`]@lifeline\/core/.test(text))
    problems.push(`${file}: a dynamic import of ${PACKAGE}; make it static or name the subpath by hand`)
  for (const node of parse(file, text).program.body) {
    if (!("source" in node) || node.source == null || typeof node.source.value !== "string") continue
    const source = coreSource(file, node.source.value)
    if (source === undefined) continue
    if (source.kind === "internal" && (isTestFile(source.file) || importsByPath(file))) continue
    const where = `${file}:${node.loc?.start.line}`
    if (node.type === "ExportAllDeclaration") {
      problems.push(`${where}: \`export *\` from the core; name what it re-exports`)
      continue
    }
    if (node.type !== "ImportDeclaration" && node.type !== "ExportNamedDeclaration") continue
    /** @type {{ imported: string, text: string, to: string }[]} */
    const moved = []
    for (const spec of node.specifiers) {
      if (spec.type === "ImportNamespaceSpecifier" && source.kind === "subpath") {
        // `import * as R from "@lifeline/core/routing"`: the names it reads are R.name.
        const used = text.matchAll(new RegExp(`\\b${spec.local.name}\\.([A-Za-z_$][\\w$]*)`, "g"))
        for (const name of new Set([...used].map((m) => m[1] ?? ""))) {
          const origin = originOf(name, source)
          if (typeof origin === "string") problems.push(`${where}: ${origin}`)
          else publish(source.module, name, origin)
        }
        continue
      }
      if (spec.type !== "ImportSpecifier" && spec.type !== "ExportSpecifier") {
        problems.push(
          `${where}: a default or namespace import of '${node.source.value}'; import names instead`,
        )
        continue
      }
      const imported =
        spec.type === "ImportSpecifier"
          ? spec.imported.type === "Identifier"
            ? spec.imported.name
            : spec.imported.value
          : spec.local.name
      const local =
        spec.type === "ImportSpecifier"
          ? spec.local.name
          : spec.exported.type === "Identifier"
            ? spec.exported.name
            : spec.exported.value
      const origin = originOf(imported, source)
      if (typeof origin === "string") {
        problems.push(`${where}: ${origin}`)
        continue
      }
      const module = moduleOf(origin.file)
      // A benchmark imports each name from the file that declares it (internals too), so it
      // neither widens the public surface nor breaks when a barrel narrows.
      const byPath = importsByPath(file) && source.kind !== "subpath"
      if (!byPath && NEVER_PUBLIC.has(origin.local)) {
        problems.push(`${where}: ${imported} is internal to ${module} (issue 18); drive it through a command`)
        continue
      }
      if (!byPath) publish(module, imported, origin)
      if (!byPath && TOLERATED_INTERNALS.has(origin.local))
        warnings.push(`${where}: imports ${imported}, an internal of ${module}`)
      const typeOnly =
        ("importKind" in spec && spec.importKind === "type") ||
        ("exportKind" in spec && spec.exportKind === "type")
      const name = byPath ? origin.local : imported
      const renamed = name === local ? name : `${name} as ${local}`
      const to = byPath
        ? specifier(file, origin.file)
        : importsByPath(file)
          ? specifier(file, barrelOf(module))
          : `${PACKAGE}/${module}`
      moved.push({ imported, to, text: `${typeOnly ? "type " : ""}${renamed}` })
    }
    if (moved.every((m) => m.to === node.source?.value)) continue
    const keyword = node.type === "ImportDeclaration" ? "import" : "export"
    const declType =
      (node.type === "ImportDeclaration" && node.importKind === "type") ||
      (node.type === "ExportNamedDeclaration" && node.exportKind === "type")
    const declarationsText = [...new Set(moved.map((m) => m.to))].map((to) => {
      const names = moved.filter((m) => m.to === to).map((m) => m.text)
      return `${keyword}${declType ? " type" : ""} { ${names.join(", ")} } from "${to}"`
    })
    edits.push({ start: node.start ?? 0, end: node.end ?? 0, text: declarationsText.join("\n") })
  }
  return edits
    .sort((a, b) => b.start - a.start)
    .reduce((out, edit) => out.slice(0, edit.start) + edit.text + out.slice(edit.end), text)
}

/** path -> new text (undefined: delete the file) */
/** @type {Map<string, string | undefined>} */
const outputs = new Map()
for (const file of driverFiles()) {
  const text = readFileSync(join(ROOT, file), "utf8")
  if (!text.includes(PACKAGE) && !text.includes(CORE_SRC)) continue
  const next = rewrite(file, text)
  if (next !== text) outputs.set(file, next)
}

// 3. The barrels, the root and the package's subpaths.
const GENERATED = "Generated by scripts/codemods/core-namespaces.mjs"
const barrelText = (/** @type {string} */ module, /** @type {Map<string, Origin>} */ names) => {
  const barrel = barrelOf(module)
  const byFile = new Map()
  for (const [name, origin] of names)
    byFile.set(origin.file, [...(byFile.get(origin.file) ?? []), [name, origin]])
  const lines = [...byFile.keys()].sort().map((file) => {
    const entries = /** @type {[string, Origin][]} */ (byFile.get(file))
    const stars = entries
      .filter(([, o]) => o.local === "*")
      .map(([name]) => `export * as ${name} from "${specifier(barrel, file)}"`)
    const named = entries
      .filter(([, o]) => o.local !== "*")
      .map(
        ([name, o]) =>
          `${o.kind === "type" ? "type " : ""}${o.local === name ? name : `${o.local} as ${name}`}`,
      )
    return [
      ...stars,
      ...(named.length > 0 ? [`export { ${named.join(", ")} } from "${specifier(barrel, file)}"`] : []),
    ].join("\n")
  })
  return `/**
 * \`${PACKAGE}/${module}\` (\`${namespaceOf(module)}\` from \`${PACKAGE}\`): the ${module} module's public
 * surface, the names drivers (apps, adapters, client, tests) import; the rest is internal (issue 18).
 * ${GENERATED} from the drivers' imports: rerun it rather
 * than edit this file (a name public before any driver uses it goes in that script's KEEP).
 */
${lines.join("\n")}
`
}
const modules = [...surface.keys()].sort()
for (const module of modules)
  outputs.set(barrelOf(module), barrelText(module, surface.get(module) ?? new Map()))
// A barrel of a module no driver imports any more goes (with its subpath and namespace).
for (const file of coreFiles()) {
  const module = moduleOf(file)
  if (file === barrelOf(module) && !surface.has(module)) outputs.set(file, undefined)
}
outputs.set(
  ROOT_INDEX,
  `/**
 * ${PACKAGE}: one namespace per module, as Effect's packages/sql/src/index.ts (issue 18). Drivers
 * import a module's subpath (\`import { queueView } from "${PACKAGE}/routing"\`) or its namespace
 * (\`import { Routing } from "${PACKAGE}"\`); each module's index.ts is its public surface.
 * ${GENERATED}.
 */
${modules.map((module) => `export * as ${namespaceOf(module)} from "${specifier(ROOT_INDEX, barrelOf(module))}"`).join("\n")}
`,
)
const manifestPath = `${CORE}/package.json`
const manifest = JSON.parse(readFileSync(join(ROOT, manifestPath), "utf8"))
manifest.exports = Object.fromEntries([
  [".", `./${relative(CORE, ROOT_INDEX)}`],
  ...modules.map((module) => [`./${module}`, `./${relative(CORE, barrelOf(module))}`]),
])
outputs.set(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)

// 4. Format as the repository does (Biome, imports organized), all in one Biome run over copies in a
// scratch folder inside the repository (so biome.json applies), then keep only real changes.
const biome = join(ROOT, "node_modules", "@biomejs", "biome", "bin", "biome")
const scratch = mkdtempSync(join(ROOT, ".core-namespaces-"))
/** @type {[string, string | undefined][]} */
const changes = []
try {
  for (const [path, text] of outputs) {
    if (text === undefined) continue
    mkdirSync(dirname(join(scratch, path)), { recursive: true })
    writeFileSync(join(scratch, path), text)
  }
  const run = spawnSync(biome, ["check", "--write", "--no-errors-on-unmatched", relative(ROOT, scratch)], {
    cwd: ROOT,
    encoding: "utf8",
  })
  if (run.status !== 0) problems.push(`Biome could not format every rewrite:\n${run.stdout}${run.stderr}`)
  for (const [path, text] of outputs) {
    const full = join(ROOT, path)
    const current = existsSync(full) ? readFileSync(full, "utf8") : undefined
    const next = text === undefined ? undefined : readFileSync(join(scratch, path), "utf8")
    if (next !== current) changes.push([path, next])
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

for (const warning of warnings) console.warn(`warning: ${warning}`)
if (problems.length > 0) {
  for (const problem of problems) console.error(problem)
  console.error(`core namespaces: ${problems.length} import(s) the codemod cannot carry; nothing written`)
  process.exit(1)
}
const publicNames = [...surface.values()].reduce((n, names) => n + names.size, 0)
const summary = `${modules.length} modules, ${publicNames} public names${rootIsFlat ? ` (the flat root exported ${flatRoot.size})` : ""}`
if (process.argv.includes("--check")) {
  for (const [path] of changes) console.error(`would change: ${path}`)
  console.log(`core namespaces: ${summary}; ${changes.length} file(s) out of date`)
  process.exit(changes.length > 0 ? 1 : 0)
}
for (const [path, text] of changes) {
  if (text === undefined) rmSync(join(ROOT, path))
  else {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true })
    writeFileSync(join(ROOT, path), text)
  }
}
console.log(
  `core namespaces: ${summary}; ${changes.length} file(s) written${changes.map(([p]) => `\n  ${p}`).join("")}`,
)
