import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync } from "node:fs"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

/** Child processes for the durability suites: bundled once, started and killed many times. */

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
export const migrationsFolder = join(repoRoot, "packages/adapters/drizzle")

/**
 * Bundle a child's entry with esbuild (libSQL's native binding stays external). A bundled child
 * starts in ~0.2 s where `node --import tsx` takes ~1.8 s to load the workspace's TypeScript,
 * which decides how many crash cycles fit in the test's time.
 */
export const bundleChild = async (entry: string): Promise<string> => {
  const name = entry.replace(/^.*\//, "").replace(/\.ts$/, "")
  const outfile = join(repoRoot, "node_modules/.cache/lifeline-durability", `${name}-${process.pid}.mjs`)
  mkdirSync(dirname(outfile), { recursive: true })
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    external: ["@libsql/client", "libsql"],
    outfile,
    logLevel: "warning",
    // CommonJS dependencies inside an ES module bundle still call require.
    banner: {
      js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
    },
  })
  return outfile
}

export interface Child {
  readonly process: ChildProcess
  /** Every complete line the child wrote to stdout so far. */
  readonly lines: string[]
  readonly stderr: () => string
  /** Resolves once a line passes `test` (the line), or rejects when the child exits first. */
  readonly waitFor: (test: (line: string) => boolean, timeoutMs: number) => Promise<string>
  /** Resolves with the exit code (null when killed) once stdout and stderr are drained. */
  readonly exited: Promise<number | null>
}

/** Start a bundled child with its config as its argument; `env` is added to this process's. */
export const startChild = (
  bundle: string,
  config: unknown,
  env: Readonly<Record<string, string>> = {},
): Child => {
  const child = spawn(process.execPath, [bundle, JSON.stringify(config)], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  let partial = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n")
    partial = parts.pop() ?? ""
    lines.push(...parts)
    for (const wake of waiters) wake()
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => {
      for (const wake of waiters) wake()
      resolve(code)
    })
  })
  const waitFor = (test: (line: string) => boolean, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find(test)
        if (found !== undefined) return done(() => resolve(found))
        if (child.exitCode !== null || child.signalCode !== null) {
          done(() => reject(new Error(`child exited (${child.exitCode ?? child.signalCode}): ${stderr}`)))
        }
      }
      const timer = setTimeout(() => done(() => reject(new Error(`timed out; stderr: ${stderr}`))), timeoutMs)
      const done = (settle: () => void) => {
        clearTimeout(timer)
        waiters.delete(check)
        settle()
      }
      waiters.add(check)
      check()
    })
  return { process: child, lines, stderr: () => stderr, waitFor, exited }
}

/** A port that was free a moment ago on 127.0.0.1. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      )
    })
  })

/** Stop a process we started: SIGTERM, then SIGKILL if it lingers. */
export const stop = async (child: ChildProcess, exited: Promise<unknown>, graceMs = 3_000) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill("SIGTERM")
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs)
  await exited
  clearTimeout(timer)
}
