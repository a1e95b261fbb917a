/**
 * Load on the real API (issue 6): starts `apps/api` as its own process on a fresh embedded
 * database with the demo data, then drives it with autocannon from this process and prints
 * requests/s and latency percentiles for a hot read and for a durable command.
 *
 *   pnpm bench:api            (10 s per scenario; LOAD_SECONDS=30 for longer)
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import autocannon from "autocannon"

const SECONDS = Number(process.env.LOAD_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 20)

const startApi = () =>
  new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
    const dataDir = mkdtempSync(join(tmpdir(), "lifeline-load-"))
    const child = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        LIFELINE_DEMO: "true",
        LIFELINE_DB_URL: `file:${join(dataDir, "lifeline.db")}`,
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "inherit"],
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const match = /"msg":"ready","url":"(http:\/\/[^"]+)"/.exec(out)
      if (match?.[1] !== undefined) resolve({ url: match[1], stop: () => child.kill("SIGTERM") })
    })
    child.once("exit", (code) => reject(new Error(`API exited (${code}) before listening:\n${out}`)))
  })

const run = (name: string, options: autocannon.Options) =>
  new Promise<void>((resolve, reject) => {
    autocannon({ duration: SECONDS, connections: CONNECTIONS, ...options }, (err, result) => {
      if (err) return reject(err)
      const errors = result.errors + result.non2xx
      console.log(
        `${name.padEnd(44)} ${Math.round(result.requests.average).toString().padStart(7)} req/s   ` +
          `p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   errors ${errors}`,
      )
      resolve()
    })
  })

const main = async () => {
  const api = await startApi()
  const auth = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" })
  try {
    console.log(`API load, ${CONNECTIONS} connections, ${SECONDS} s each, against ${api.url}`)
    await run("hot read: GET /api/queues (supervisor)", {
      url: `${api.url}/api/queues`,
      headers: auth("demo-supervisor-key"),
    })
    let n = 0
    await run("durable command: POST /api/items (integrator)", {
      url: `${api.url}/api/items`,
      method: "POST",
      headers: auth("demo-integrator-key"),
      setupClient: (client) => {
        client.setBody(JSON.stringify({ itemId: `load-${process.pid}-${n++}`, queueId: "sales" }))
      },
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ itemId: `load-${n++}`, queueId: "sales" }),
          }),
        },
      ],
    })
  } finally {
    api.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
