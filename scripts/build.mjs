#!/usr/bin/env node
/**
 * The production build (issue 16): the API server and the simulator CLI bundled by esbuild, to
 * run under plain `node` (no tsx at runtime). The web app is built by Vite (`pnpm build` at the
 * root runs both).
 *
 *   apps/api/dist/server.mjs          the API node: turns on the compile cache, loads server-main.mjs
 *   apps/api/dist/server-main.mjs     the API node's bundle (apps/api/src/main.ts)
 *   apps/api/dist/admin.mjs           operator commands: `backup --to <file>` (apps/api/src/admin.ts)
 *   apps/api/dist/snapshot-worker.mjs the snapshot writer process's entry (found beside the bundle)
 *   apps/api/dist/drizzle/            the store's migrations, found beside the bundle
 *   apps/api/dist/scalar-standalone.js the API reference page's script (/docs), beside the bundle
 *   apps/api/dist/node_modules/       what cannot be bundled: @libsql/client and its native
 *                                     libSQL binding, with their dependencies (copied as installed)
 *   apps/simulator/dist/lifeline-sim.cjs   the simulator CLI (shebang, executable; the `bin`),
 *                                     with its own node_modules/ of the same packages
 *
 * apps/api/dist is self-contained: copied anywhere beside apps/web/dist (as the Dockerfile does),
 * it runs with `node apps/api/dist/server.mjs` and nothing else.
 *
 * Usage: node scripts/build.mjs [api] [simulator] [--out <root>]
 * Without a target, both. `--out` writes `<root>/apps/...` instead of the repository's (tests).
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { build } from "esbuild"

const repo = fileURLToPath(new URL("..", import.meta.url))

/** Packages the API bundle leaves to node_modules: libSQL loads a native binding by name. */
export const API_EXTERNALS = ["@libsql/client", "libsql"]

/** CommonJS dependencies inside an ES module bundle still call `require`. */
const ESM_REQUIRE =
  "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);"

/**
 * The directory a package resolves to from `from` (Node's lookup: each parent's node_modules),
 * or undefined when it is not installed (an optional dependency of another platform).
 * @param {string} name
 * @param {string} from
 * @returns {string | undefined}
 */
const packageDir = (name, from) => {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * Copy `roots` and everything they depend on (dependencies and the optional ones installed) from
 * the repository's node_modules into `target`, keeping each package's place relative to the
 * repository, so Node resolves them from the bundle the same way.
 * @param {readonly string[]} roots
 * @param {string} target  the folder that receives `node_modules/...`
 * @returns {string[]} the packages copied, as paths under node_modules
 */
export const copyPackages = (roots, target) => {
  /** @type {Set<string>} */
  const copied = new Set()
  /** @type {{ name: string, from: string, optional: boolean }[]} */
  const pending = roots.map((name) => ({ name, from: repo, optional: false }))
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const dir = packageDir(next.name, next.from)
    if (dir === undefined) {
      if (next.optional) continue
      throw new Error(`build: ${next.name} (needed at runtime) is not installed; run pnpm install`)
    }
    const where = relative(repo, dir)
    if (copied.has(where)) continue
    copied.add(where)
    // A package nested in another's node_modules comes with it; still walk its dependencies.
    if (![...copied].some((other) => other !== where && where.startsWith(`${other}/`)))
      cpSync(dir, join(target, where), { recursive: true, dereference: true })
    /** @type {{ dependencies?: Record<string, string>, optionalDependencies?: Record<string, string> }} */
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    for (const name of Object.keys(manifest.dependencies ?? {}))
      pending.push({ name, from: dir, optional: false })
    for (const name of Object.keys(manifest.optionalDependencies ?? {}))
      pending.push({ name, from: dir, optional: true })
  }
  return [...copied].sort()
}

/**
 * The node's entry (issue 22: a start within 2 s): it turns on Node's compile cache before it
 * loads the bundle, so V8 parses the bundle's 4-5 MB once per build and machine rather than at
 * every start (the cache is kept in the OS temp folder, or where NODE_COMPILE_CACHE says).
 */
const SERVER_ENTRY = `import { enableCompileCache } from "node:module"
enableCompileCache?.()
await import("./server-main.mjs")
`

/** @param {string} out */
const buildApi = async (out) => {
  const dist = join(out, "apps/api/dist")
  rmSync(dist, { recursive: true, force: true })
  await build({
    entryPoints: {
      "server-main": join(repo, "apps/api/src/main.ts"),
      admin: join(repo, "apps/api/src/admin.ts"),
      // The snapshot writer process's entry: the store looks for it beside the bundle (issue 22).
      "snapshot-worker": join(repo, "packages/adapters/src/store/snapshot/worker.ts"),
    },
    outdir: dist,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    external: API_EXTERNALS,
    banner: { js: ESM_REQUIRE },
    sourcemap: "linked",
    logLevel: "warning",
  })
  writeFileSync(join(dist, "server.mjs"), SERVER_ENTRY)
  cpSync(join(repo, "packages/adapters/drizzle"), join(dist, "drizzle"), { recursive: true })
  // The API reference page's script (issue 20): served by the node from beside the bundle.
  cpSync(
    join(repo, "node_modules/@scalar/api-reference/dist/browser/standalone.js"),
    join(dist, "scalar-standalone.js"),
  )
  const packages = copyPackages(API_EXTERNALS, dist)
  return `${relative(repo, join(dist, "server.mjs"))} (+ admin.mjs, snapshot-worker.mjs, drizzle/, ${packages.length} packages in node_modules/)`
}

/** What the simulator's bundle loads from node_modules beside it. */
const SIMULATOR_EXTERNALS = [...API_EXTERNALS, "vega", "vega-lite", "@resvg/resvg-js"]

/** @param {string} out */
const buildSimulator = async (out) => {
  const dist = join(out, "apps/simulator/dist")
  rmSync(dist, { recursive: true, force: true })
  const outfile = join(dist, "lifeline-sim.cjs")
  // CommonJS, as `pnpm bench:simulator` bundles it: worker threads start from this same file.
  await build({
    entryPoints: [join(repo, "apps/simulator/src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    external: SIMULATOR_EXTERNALS,
    banner: { js: "#!/usr/bin/env node" },
    logLevel: "error",
  })
  chmodSync(outfile, 0o755)
  // The adapters' index reaches libSQL even though the simulator never opens a store; the charts
  // of `--report` need Vega (a top-level await) and resvg (a native addon), loaded at run time.
  const packages = copyPackages(SIMULATOR_EXTERNALS, dist)
  return `${relative(repo, outfile)} (+ ${packages.length} packages in node_modules/)`
}

const main = async () => {
  const { values, positionals } = parseArgs({
    options: { out: { type: "string" } },
    allowPositionals: true,
  })
  const out = resolve(values.out ?? repo)
  mkdirSync(out, { recursive: true })
  const targets = positionals.length === 0 ? ["api", "simulator"] : positionals
  for (const target of targets) {
    const started = performance.now()
    let built = ""
    if (target === "api") built = await buildApi(out)
    else if (target === "simulator") built = await buildSimulator(out)
    else throw new Error(`build: unknown target ${target} (api, simulator)`)
    console.log(`built ${built} in ${Math.round(performance.now() - started)} ms`)
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((/** @type {unknown} */ error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
