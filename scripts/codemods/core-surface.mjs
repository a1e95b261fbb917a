/**
 * The public surface of @lifeline/core (issue 18), read from the source: what the core exports
 * (following re-export chains to the file that declares each name), which files are drivers
 * (apps, packages other than core, tests, bench, scripts) and what each of them imports from the
 * core. Shared by the codemod (scripts/codemods/core-namespaces.mjs) and the module-walls check
 * (scripts/check-modules.mjs). Babel's parser (@babel/core, a root dev dependency) reads the
 * TypeScript: the installed TypeScript 7 has no compiler API.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseSync } from "@babel/core"

/** The repository; LIFELINE_REPO_ROOT points the scripts at another tree (the codemod's test fixture). */
export const ROOT =
  process.env.LIFELINE_REPO_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..")
export const CORE = "packages/core"
export const CORE_SRC = `${CORE}/src`
export const ROOT_INDEX = `${CORE_SRC}/index.ts`
export const PACKAGE = "@lifeline/core"

/** Where drivers live; `bench` may import core files by path on purpose (it measures internals). */
const DRIVER_ROOTS = ["apps", "packages", "tests", "bench", "scripts"]
const SKIP_DIRS = new Set(["node_modules", "dist", ".data", "test-results", ".bench", "drizzle"])
const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/

/** Test files and test kits: core tests import core files directly; they are never public. */
export const isTestFile = (/** @type {string} */ file) => /(?:\.test\.tsx?|test-kit\.ts)$/.test(file)

/** @param {string} dir @returns {string[]} repository-relative paths, sorted */
const walk = (dir) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = `${dir}/${entry.name}`
      if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : walk(path)
      return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : []
    })
    .sort()

/** Every driver source file (everything outside packages/core that could import it). */
export const driverFiles = () =>
  DRIVER_ROOTS.filter((dir) => existsSync(join(ROOT, dir)))
    .flatMap(walk)
    .filter((file) => !file.startsWith(`${CORE}/`))

/** Every non-test source file of the core. */
export const coreFiles = () => walk(CORE_SRC).filter((file) => file.endsWith(".ts") && !isTestFile(file))

/** @typedef {import("@babel/types").File} Ast */
/** @type {Map<string, Ast>} */
const asts = new Map()

/** A file parsed (repository-relative path; the file on disk is read once), or `text` parsed as that file. */
export const parse = (/** @type {string} */ file, /** @type {string | undefined} */ text = undefined) => {
  const cached = text === undefined ? asts.get(file) : undefined
  if (cached !== undefined) return cached
  const plugins = /** @type {any[]} */ (/x$/.test(file) ? ["typescript", "jsx"] : ["typescript"])
  const ast = parseSync(text ?? readFileSync(join(ROOT, file), "utf8"), {
    babelrc: false,
    configFile: false,
    filename: file,
    sourceType: "module",
    parserOpts: { plugins },
  })
  if (ast === null) throw new Error(`${file}: Babel could not parse it`)
  if (text === undefined) asts.set(file, ast)
  return ast
}

/** A relative specifier from `from` resolved to a repository-relative .ts file, if it is one. */
export const resolveRelative = (/** @type {string} */ from, /** @type {string} */ specifier) => {
  const base = relative(ROOT, resolve(ROOT, dirname(from), specifier))
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    const full = join(ROOT, candidate)
    if (existsSync(full) && statSync(full).isFile()) return candidate
  }
  return undefined
}

/**
 * @typedef {{ file: string, local: string, kind: "value" | "type" }} Origin
 * Where an exported name is declared: the file, its name there ("*" for a namespace re-export),
 * and whether it is a value (a class, const or function, possibly with a type of the same name)
 * or a type only.
 */

/** @param {import("@babel/types").Node} node @returns {{ name: string, kind: "value" | "type" }[]} */
const declared = (node) => {
  switch (node.type) {
    case "VariableDeclaration":
      return node.declarations.flatMap((d) =>
        d.id.type === "Identifier" ? [{ name: d.id.name, kind: /** @type {const} */ ("value") }] : [],
      )
    case "FunctionDeclaration":
    case "ClassDeclaration":
    case "TSEnumDeclaration":
    case "TSDeclareFunction":
      return node.id ? [{ name: node.id.name, kind: "value" }] : []
    case "TSInterfaceDeclaration":
    case "TSTypeAliasDeclaration":
      return [{ name: node.id.name, kind: "type" }]
    default:
      return []
  }
}

/** A value and a type of one name (a Schema and its type) export as a value. */
const put = (
  /** @type {Map<string, Origin>} */ map,
  /** @type {string} */ name,
  /** @type {Origin} */ origin,
) => {
  const known = map.get(name)
  if (known === undefined || (known.kind === "type" && origin.kind === "value")) map.set(name, origin)
}

/** @type {Map<string, Map<string, Origin>>} */
const exportsMemo = new Map()

/** The names a core file exports, each traced to the file that declares it. */
export const exportsOf = (/** @type {string} */ file) => {
  const memo = exportsMemo.get(file)
  if (memo !== undefined) return memo
  /** @type {Map<string, Origin>} */
  const out = new Map()
  exportsMemo.set(file, out)
  const body = parse(file).program.body
  const target = (/** @type {string} */ specifier) => {
    const path = resolveRelative(file, specifier)
    if (path === undefined) throw new Error(`${file}: cannot resolve '${specifier}'`)
    return path
  }
  /** A name used in `export { name }` without a source: declared here or imported. */
  const localOrigin = (/** @type {string} */ name) => {
    for (const node of body) {
      const decl = node.type === "ExportNamedDeclaration" && node.declaration ? node.declaration : node
      const hit = declared(decl).find((d) => d.name === name)
      if (hit) return { file, local: name, kind: hit.kind }
      if (node.type === "ImportDeclaration") {
        const spec = node.specifiers.find((s) => s.local.name === name && s.type === "ImportSpecifier")
        if (spec?.type === "ImportSpecifier" && spec.imported.type === "Identifier")
          return exportsOf(target(node.source.value)).get(spec.imported.name)
      }
    }
    return undefined
  }
  for (const node of body) {
    if (node.type === "ExportNamedDeclaration") {
      const typeOnly = node.exportKind === "type"
      if (node.declaration) {
        for (const d of declared(node.declaration)) put(out, d.name, { file, local: d.name, kind: d.kind })
        continue
      }
      for (const spec of node.specifiers) {
        const exported = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value
        if (spec.type === "ExportNamespaceSpecifier" && node.source) {
          put(out, exported, { file: target(node.source.value), local: "*", kind: "value" })
          continue
        }
        if (spec.type !== "ExportSpecifier") continue
        const origin = node.source
          ? exportsOf(target(node.source.value)).get(spec.local.name)
          : localOrigin(spec.local.name)
        if (origin === undefined) throw new Error(`${file}: exports '${exported}', which it cannot trace`)
        put(out, exported, typeOnly || spec.exportKind === "type" ? { ...origin, kind: "type" } : origin)
      }
    } else if (node.type === "ExportAllDeclaration") {
      // TypeScript: a name declared here wins over one a star re-export brings.
      for (const [name, origin] of exportsOf(target(node.source.value)))
        if (!out.has(name) && name !== "default") out.set(name, origin)
    }
  }
  return out
}

/** `export * as Routing from "./routing/index"` (Babel reads it as a named export of a namespace). */
export const isNamespaceExport = (/** @type {import("@babel/types").Statement} */ node) =>
  node.type === "ExportNamedDeclaration" &&
  node.source != null &&
  node.specifiers.length === 1 &&
  node.specifiers[0]?.type === "ExportNamespaceSpecifier"

/** The module a core file belongs to: its first folder under src (or its name, for a file at the top). */
export const moduleOf = (/** @type {string} */ file) =>
  relative(CORE_SRC, file).split("/")[0]?.replace(/\.ts$/, "") ?? ""

/** The namespace a module is exported as from the root: `routing` -> `Routing`. */
export const namespaceOf = (/** @type {string} */ module) =>
  module
    .split(/[-_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")

/** The barrel that is a module's public surface. */
export const barrelOf = (/** @type {string} */ module) => `${CORE_SRC}/${module}/index.ts`

/**
 * @typedef {({ kind: "root" } | { kind: "subpath", module: string } | { kind: "internal", file: string }) & { byPath: boolean }} CoreSource
 * What an import specifier in a driver points at: the root, a module's subpath (its barrel), or
 * another core file; `byPath` when it names a file (`@lifeline/core/src/...`,
 * `../../packages/core/src/...`) rather than the package's own entry points.
 */

/** @returns {CoreSource | undefined} undefined when the specifier is not the core's */
export const coreSource = (/** @type {string} */ importer, /** @type {string} */ specifier) => {
  if (specifier === PACKAGE) return { kind: "root", byPath: false }
  if (specifier.startsWith(`${PACKAGE}/`) && !specifier.slice(PACKAGE.length + 1).includes("/"))
    return { kind: "subpath", module: specifier.slice(PACKAGE.length + 1), byPath: false }
  const file = specifier.startsWith(`${PACKAGE}/`)
    ? resolveRelative(`${CORE}/package.json`, `./${specifier.slice(PACKAGE.length + 1)}`)
    : specifier.startsWith(".")
      ? resolveRelative(importer, specifier)
      : undefined
  if (file === undefined || !file.startsWith(`${CORE_SRC}/`)) return undefined
  if (file === ROOT_INDEX) return { kind: "root", byPath: true }
  if (file === barrelOf(moduleOf(file))) return { kind: "subpath", module: moduleOf(file), byPath: true }
  return { kind: "internal", file, byPath: true }
}

/** Benchmarks import the core by path: bench/compare.mjs bundles an old checkout beside this one. */
export const importsByPath = (/** @type {string} */ file) => file.startsWith("bench/")

/** The subpaths packages/core/package.json exports ("routing" for "./routing"). */
export const exportedSubpaths = () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, CORE, "package.json"), "utf8"))
  return new Set(
    Object.keys(manifest.exports ?? {})
      .filter((key) => key !== ".")
      .map((key) => key.replace(/^\.\//, "")),
  )
}

/**
 * Rule breaks of the public surface, as `file:line: reason` (for scripts/check-modules.mjs):
 * the root index exports anything but namespaces, or a driver imports a core file by path or a
 * subpath the package does not export. Benchmarks and test kits are exempt from the path rule:
 * a benchmark times internals on purpose, and tests drive the core's test kits.
 */
export const surfaceProblems = () => {
  const problems = []
  for (const node of parse(ROOT_INDEX).program.body) {
    if (!isNamespaceExport(node))
      problems.push(
        `${ROOT_INDEX}:${node.loc?.start.line}: the root exports namespaces only (\`export * as Routing from "./routing/index"\`)`,
      )
  }
  const subpaths = exportedSubpaths()
  for (const file of driverFiles()) {
    const text = readFileSync(join(ROOT, file), "utf8")
    if (!text.includes(PACKAGE) && !text.includes(CORE_SRC)) continue
    for (const node of parse(file, text).program.body) {
      if (!("source" in node) || node.source == null || typeof node.source.value !== "string") continue
      const source = coreSource(file, node.source.value)
      if (source === undefined || importsByPath(file)) continue
      const where = `${file}:${node.loc?.start.line}`
      if (source.kind === "internal" && !isTestFile(source.file))
        problems.push(
          `${where}: imports a core file by path ('${node.source.value}'); import its module's subpath`,
        )
      else if (source.kind !== "internal" && source.byPath)
        problems.push(
          `${where}: imports the core by path ('${node.source.value}'); import ${PACKAGE}'s subpath`,
        )
      if (source.kind === "subpath" && !subpaths.has(source.module))
        problems.push(`${where}: '${node.source.value}' is not a subpath ${PACKAGE} exports`)
    }
  }
  return problems
}
