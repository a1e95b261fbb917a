#!/usr/bin/env node
/**
 * ARCHITECTURE, rule 1: `packages/core` imports nothing from adapters or apps and nothing that
 * does I/O; it never reads the wall clock or a random source. This script keeps it so.
 *
 * It scans every source file under packages/core/src (except `*.test.ts` and `*test-kit.ts`) and
 * fails, listing file:line and the reason, when the code
 *   - imports anything but a relative path or 'effect' (node: built-ins, fs, path, http, @libsql,
 *     drizzle-orm, hono, resend, @azure, @lifeline/adapters, ...), statically, dynamically or
 *     through require;
 *   - reads the wall clock: Date.now, new Date() without arguments, Date(), performance.now,
 *     process.hrtime;
 *   - calls Math.random, crypto.randomUUID or crypto.getRandomValues;
 *   - touches process or globalThis.process, calls fetch, or sets timers (setTimeout,
 *     setInterval, setImmediate).
 * It also fails when packages/core/package.json lists a dependency other than effect.
 *
 * Comments and the text of string literals never match (they are blanked before matching);
 * code inside template-literal `${...}` still does. Plain Node, no dependencies.
 *
 * Usage: node scripts/check-core-purity.mjs [repository root]
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

/**
 * @typedef {{ file: string, line: number, reason: string }} Violation
 */

/** Source files the check reads, and the test-only files it leaves alone. */
const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js)$/
const EXEMPT_FILE = /(?:\.test\.(?:[cm]?ts|tsx)|(?:^|\.)test-kit\.(?:[cm]?ts|tsx))$/

/** The only package core may import, besides its own files. */
const ALLOWED_PACKAGES = ["effect"]

/** Node's built-in module names, for a clearer message. */
const NODE_BUILTINS = new Set([
  "assert",
  "async_hooks",
  "buffer",
  "child_process",
  "cluster",
  "console",
  "constants",
  "crypto",
  "dgram",
  "diagnostics_channel",
  "dns",
  "domain",
  "events",
  "fs",
  "http",
  "http2",
  "https",
  "inspector",
  "module",
  "net",
  "os",
  "path",
  "perf_hooks",
  "process",
  "punycode",
  "querystring",
  "readline",
  "repl",
  "stream",
  "string_decoder",
  "sys",
  "timers",
  "tls",
  "trace_events",
  "tty",
  "url",
  "util",
  "v8",
  "vm",
  "wasi",
  "worker_threads",
  "zlib",
])

// ---------------------------------------------------------------------------------------------
// Blanking comments and strings

/** Keywords after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORD = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
])

/**
 * Replace every comment, and the contents of every string, template text and regular expression,
 * with spaces (newlines kept), so offsets and line numbers stay those of the original text.
 * Returns the blanked code and the string literals that were removed (for import specifiers).
 *
 * @param {string} text
 * @returns {{ code: string, strings: { start: number, end: number, value: string }[] }}
 */
export const blankCommentsAndStrings = (text) => {
  const out = text.split("")
  /** @type {{ start: number, end: number, value: string }[]} */
  const strings = []
  const n = text.length
  /** Blank [from, to), keeping line breaks. @type {(from: number, to: number) => void} */
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n" && out[k] !== "\r") out[k] = " "
  }
  /**
   * Brace depth of each open template `${` (a stack); code is inside the innermost one when the
   * stack is not empty.
   * @type {number[]}
   */
  const templates = []
  let depth = 0
  /** The last significant code character or word, to tell a regex from a division. */
  let last = ""
  let i = 0

  /** Scan template text from i (just after ` or }) to the closing ` or the next ${. */
  const templateText = () => {
    const start = i
    while (i < n) {
      const c = text[i]
      if (c === "\\") {
        i += 2
        continue
      }
      if (c === "`") {
        blank(start, i)
        i += 1
        last = "`"
        return
      }
      if (c === "$" && text[i + 1] === "{") {
        blank(start, i)
        i += 2
        templates.push(depth)
        depth += 1
        last = "{"
        return
      }
      i += 1
    }
    blank(start, n)
  }

  while (i < n) {
    const c = text[i]
    const next = text[i + 1]
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i)
      const stop = end === -1 ? n : end
      blank(i, stop)
      i = stop
      continue
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2)
      const stop = end === -1 ? n : end + 2
      blank(i, stop)
      i = stop
      continue
    }
    if (c === '"' || c === "'") {
      const start = i
      i += 1
      while (i < n && text[i] !== c && text[i] !== "\n") i += text[i] === "\\" ? 2 : 1
      const end = Math.min(i, n)
      strings.push({ start, end: end + 1, value: text.slice(start + 1, end) })
      blank(start + 1, end)
      i = end + 1
      last = c
      continue
    }
    if (c === "`") {
      i += 1
      templateText()
      continue
    }
    if (c === "}" && templates.length > 0 && depth - 1 === templates[templates.length - 1]) {
      templates.pop()
      depth -= 1
      i += 1
      templateText()
      continue
    }
    if (c === "/") {
      const regex = last === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(last) || REGEX_AFTER_WORD.has(last)
      if (regex) {
        const start = i
        i += 1
        let inClass = false
        while (i < n && text[i] !== "\n") {
          const r = text[i]
          if (r === "\\") {
            i += 2
            continue
          }
          if (r === "[") inClass = true
          else if (r === "]") inClass = false
          else if (r === "/" && !inClass) break
          i += 1
        }
        blank(start + 1, Math.min(i, n))
        i += 1
        while (i < n && /[a-z]/i.test(text[i] ?? "")) i += 1
        last = "/regex"
        continue
      }
    }
    if (c === "{") depth += 1
    else if (c === "}") depth -= 1
    if (/[A-Za-z_$]/.test(c ?? "")) {
      const start = i
      while (i < n && /[\w$]/.test(text[i] ?? "")) i += 1
      last = text.slice(start, i)
      continue
    }
    if (!/\s/.test(c ?? "")) last = c ?? ""
    i += 1
  }
  return { code: out.join(""), strings }
}

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * `name` as a global: not a property of something else, or a property of globalThis & co.
 * @param {string} name
 */
const globalName = (name) =>
  `(?:(?<![\\w$.])|(?<=\\b(?:globalThis|global|window|self)\\s*\\.\\s*))${name}(?![\\w$])`

/**
 * `member`: the pattern starts at a bare name that a type or an object may also declare as its
 * own member (`{ fetch(id: string): Item }`, `{ setTimeout: 30 }`); such declarations pass.
 * @type {{ pattern: RegExp, reason: string, member?: boolean }[]}
 */
const FORBIDDEN_CODE = [
  { pattern: /\bDate\s*\.\s*now(?![\w$])/g, reason: "reads the wall clock (Date.now); use the Clock port" },
  {
    pattern: /\bnew\s+Date\s*\(\s*\)/g,
    reason: "reads the wall clock (new Date() without arguments); use the Clock port",
  },
  {
    pattern: /\bnew\s+Date(?![\w$])(?!\s*\()/g,
    reason: "reads the wall clock (new Date without arguments); use the Clock port",
  },
  {
    pattern: new RegExp(`(?<!\\bnew\\s+)${globalName("Date")}\\s*\\(`, "g"),
    reason: "reads the wall clock (Date() called as a function); use the Clock port",
    member: true,
  },
  {
    pattern: /\bperformance\s*\.\s*(?:now|timeOrigin)(?![\w$])/g,
    reason: "reads the wall clock (performance.now); use the Clock port",
  },
  {
    pattern: /\bprocess\s*\.\s*hrtime(?![\w$])/g,
    reason: "reads the wall clock (process.hrtime); use the Clock port",
  },
  {
    pattern: /\bMath\s*\.\s*random(?![\w$])/g,
    reason: "calls Math.random; take randomness as an input (seeded in the simulator and tests)",
  },
  {
    pattern: /\bcrypto\s*\.\s*(?:randomUUID|getRandomValues|randomBytes|randomInt)(?![\w$])/g,
    reason: "uses crypto randomness; take ids and randomness as inputs",
  },
  {
    pattern: /(?<![\w$.])process\s*(?:\.(?!\s*hrtime(?![\w$]))|\[)/g,
    reason: "touches process; core must not read the environment or the host",
  },
  {
    pattern: /\b(?:globalThis|global|window|self)\s*\.\s*process(?![\w$])/g,
    reason: "touches globalThis.process; core must not read the environment or the host",
  },
  { pattern: /(?<![\w$.])fetch\s*\(/g, reason: "calls fetch; I/O belongs in adapters", member: true },
  {
    pattern: /\b(?:globalThis|global|window|self)\s*\.\s*fetch(?![\w$])/g,
    reason: "uses globalThis.fetch; I/O belongs in adapters",
  },
  {
    pattern: new RegExp(globalName("(?:setTimeout|setInterval|setImmediate)"), "g"),
    reason: "uses a host timer; use a durable timer through the Clock port",
    member: true,
  },
]

/** Computed access to a forbidden global: globalThis["process"] and the like. */
const FORBIDDEN_GLOBAL_KEYS = new Set([
  "process",
  "fetch",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "Date",
  "performance",
  "crypto",
])

/** @param {string} specifier */
const isAllowedSpecifier = (specifier) =>
  specifier === "." ||
  specifier === ".." ||
  specifier.startsWith("./") ||
  specifier.startsWith("../") ||
  ALLOWED_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`))

/** @param {string} specifier */
const importReason = (specifier) => {
  const bare = specifier.startsWith("node:") ? specifier.slice(5) : specifier
  const root = bare.split("/")[0] ?? bare
  if (specifier.startsWith("node:") || NODE_BUILTINS.has(root)) {
    return `imports the Node built-in '${specifier}'; core does no I/O`
  }
  return `imports '${specifier}'; core may import only relative paths and 'effect'`
}

/** Where a string literal stands after `from`, `import`, `import(`, `require(` or `globalThis[`. */
const IMPORT_BEFORE = /(?:\bfrom|(?<![\w$.])import|(?<![\w$.])import\s*\(|(?<![\w$.])require\s*\()\s*$/
const GLOBAL_KEY_BEFORE = /\b(?:globalThis|global|window|self)\s*\[\s*$/
/** `import(` or `require(` whose argument is not a plain string literal. */
const COMPUTED_IMPORT = /(?<![\w$.])(?:import|require)\s*\(\s*(?!["'\s])/g
/** Triple-slash directives are comments to the scanner but pull in ambient types (node). */
const TRIPLE_SLASH_REFERENCE = /^\s*\/\/\/\s*<reference\s+(?:types|lib|path)\s*=\s*["']([^"']*)["']/gm

/** Where a member declaration may start: after `{`, `,`, `;` or a line break, and modifiers. */
const MEMBER_START =
  /(?:^|[{,;\n])\s*(?:(?:async|readonly|static|public|private|protected|get|set|override|declare)\s+)*$/

/**
 * Is the name at `index` of the blanked code the key of an object or type member, or a method
 * declaration (`name(...): T`, `name(...) {`), rather than a use of the global?
 * @param {string} code
 * @param {number} index
 */
const isMemberDeclaration = (code, index) => {
  if (!MEMBER_START.test(code.slice(Math.max(0, index - 200), index))) return false
  let i = index
  while (i < code.length && /[\w$]/.test(code[i] ?? "")) i += 1
  /** @param {number} k */
  const skipSpace = (k) => {
    while (k < code.length && /\s/.test(code[k] ?? "")) k += 1
    return k
  }
  i = skipSpace(i)
  if (code[i] === "?") i = skipSpace(i + 1)
  if (code[i] === ":") return true
  if (code[i] === "<") {
    const close = code.indexOf(">", i)
    if (close === -1) return false
    i = skipSpace(close + 1)
  }
  if (code[i] !== "(") return false
  let depth = 0
  for (; i < code.length; i++) {
    if (code[i] === "(") depth += 1
    else if (code[i] === ")" && --depth === 0) break
  }
  i = skipSpace(i + 1)
  return code[i] === ":" || code[i] === "{"
}

/** @param {string} text @param {number} index */
const lineAt = (text, index) => {
  let line = 1
  for (let k = 0; k < index; k++) if (text.charCodeAt(k) === 10) line += 1
  return line
}

/**
 * Check one source file's text. Returns every violation, in order of appearance.
 *
 * @param {string} text
 * @param {string} [file]
 * @returns {Violation[]}
 */
export const checkSource = (text, file = "<source>") => {
  /** @type {{ index: number, reason: string }[]} */
  const found = []
  const { code, strings } = blankCommentsAndStrings(text)

  for (const s of strings) {
    const before = code.slice(Math.max(0, s.start - 200), s.start)
    if (IMPORT_BEFORE.test(before) && !isAllowedSpecifier(s.value)) {
      found.push({ index: s.start, reason: importReason(s.value) })
    } else if (GLOBAL_KEY_BEFORE.test(before) && FORBIDDEN_GLOBAL_KEYS.has(s.value)) {
      found.push({ index: s.start, reason: `touches the host global '${s.value}' through globalThis[...]` })
    }
  }
  for (const m of code.matchAll(COMPUTED_IMPORT)) {
    found.push({ index: m.index ?? 0, reason: "imports a computed module specifier" })
  }
  for (const { pattern, reason, member } of FORBIDDEN_CODE) {
    for (const m of code.matchAll(pattern)) {
      const index = m.index ?? 0
      if (member === true && isMemberDeclaration(code, index)) continue
      found.push({ index, reason })
    }
  }
  for (const m of text.matchAll(TRIPLE_SLASH_REFERENCE)) {
    found.push({
      index: m.index ?? 0,
      reason: `triple-slash reference to '${m[1]}'; core uses no ambient types`,
    })
  }

  found.sort((a, b) => a.index - b.index)
  /** @type {Violation[]} */
  const violations = []
  for (const f of found) {
    const line = lineAt(text, f.index)
    if (!violations.some((v) => v.line === line && v.reason === f.reason)) {
      violations.push({ file, line, reason: f.reason })
    }
  }
  return violations
}

/** Dependency fields of package.json; core may list only ALLOWED_PACKAGES in any of them. */
const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "peerDependencies",
  "optionalDependencies",
  "bundleDependencies",
  "bundledDependencies",
]

/**
 * Check the text of packages/core/package.json.
 *
 * @param {string} text
 * @param {string} [file]
 * @returns {Violation[]}
 */
export const checkPackageJson = (text, file = "package.json") => {
  /** @type {Record<string, unknown>} */
  let manifest
  try {
    manifest = JSON.parse(text)
  } catch (error) {
    return [{ file, line: 1, reason: `is not valid JSON (${String(error)})` }]
  }
  /** @type {Violation[]} */
  const violations = []
  const lines = text.split("\n")
  for (const field of DEPENDENCY_FIELDS) {
    const value = manifest[field]
    if (value === undefined) continue
    const names = Array.isArray(value) ? value.map(String) : Object.keys(value ?? {})
    for (const name of names) {
      if (ALLOWED_PACKAGES.includes(name)) continue
      const at = lines.findIndex((l) => l.includes(`"${name}"`))
      violations.push({
        file,
        line: at === -1 ? 1 : at + 1,
        reason: `lists '${name}' in ${field}; core may depend only on ${ALLOWED_PACKAGES.join(", ")}`,
      })
    }
  }
  return violations
}

/** @param {string} dir @returns {string[]} */
const sourceFiles = (dir) => {
  /** @type {string[]} */
  const files = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") files.push(...sourceFiles(path))
    } else if (
      SOURCE_FILE.test(entry.name) &&
      !entry.name.endsWith(".d.ts") &&
      !EXEMPT_FILE.test(entry.name)
    ) {
      files.push(path)
    }
  }
  return files.sort()
}

/**
 * Check the real packages/core under `root` (the repository root).
 *
 * @param {string} root
 * @returns {{ files: string[], violations: Violation[] }}
 */
export const checkCore = (root) => {
  const core = join(root, "packages", "core")
  /** @param {string} path */
  const show = (path) => relative(root, path).split(sep).join("/")
  const files = sourceFiles(join(core, "src"))
  /** @type {Violation[]} */
  const violations = []
  for (const path of files) violations.push(...checkSource(readFileSync(path, "utf8"), show(path)))
  const manifest = join(core, "package.json")
  violations.push(...checkPackageJson(readFileSync(manifest, "utf8"), show(manifest)))
  return { files: files.map(show), violations }
}

const main = () => {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."))
  const { files, violations } = checkCore(root)
  if (violations.length > 0) {
    for (const v of violations) console.error(`${v.file}:${v.line}: ${v.reason}`)
    console.error(
      `core purity: ${violations.length} violation(s) in packages/core (ARCHITECTURE, rule 1: no I/O, no wall clock, no randomness, imports only relative paths and 'effect')`,
    )
    process.exit(1)
  }
  console.log(`core purity: ${files.length} files in packages/core/src and its package.json are clean`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main()
