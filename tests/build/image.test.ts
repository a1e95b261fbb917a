import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createClient } from "@libsql/client"
import { lifelineClient } from "@lifeline/api/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { freePort, repoRoot, stop } from "../durability/processes"
import { type Sqld, startSqld } from "../durability/sqld"
import {
  ADMIN_KEY,
  buildInto,
  composeEnv,
  driveCall,
  eventually,
  KEYS,
  layOut,
  logOf,
  type Proc,
  type RuntimeStage,
  runtimeStage,
  setUpCenter,
  startPlain,
} from "./kit"

/**
 * Issue 16, Build 1–2 and "Must show: a test starts the built server with plain node and drives a
 * call through it". scripts/build.mjs (what `pnpm build` runs besides Vite) builds into a temp
 * folder; the Dockerfile's runtime stage is laid out from it (only what the stage copies) in a
 * temp "image" outside the repository, so nothing resolves from the workspace's node_modules;
 * its CMD runs under plain node with the stage's ENV, the HEALTHCHECK command is run as Docker
 * would, and compose.yaml's settings run two such nodes on one sqld.
 */
let dir = ""
let src = ""
let stage: RuntimeStage
const started: Proc[] = []
const servers: Sqld[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-image-"))
  src = join(dir, "src")
  buildInto(src)
  stage = runtimeStage()
}, 60_000)
afterAll(async () => {
  for (const proc of started) await stop(proc.process, proc.exited)
  for (const server of servers) await server.stop()
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
})

/** A fresh "container" of the image: its file system under `root`, /data mapped into it. */
const container = (name: string) => {
  const root = join(dir, name)
  const workdir = layOut(stage, src, root)
  mkdirSync(join(root, "data"), { recursive: true })
  const inRoot = (value: string) => value.replace(/^file:\//, `file:${root}/`)
  return { root, workdir, env: Object.fromEntries(Object.entries(stage.env).map(([k, v]) => [k, inRoot(v)])) }
}

/** Start the image's CMD; resolves once its /readyz answers 200 (the port is PORT of `env`). */
const startNode = async (workdir: string, env: Readonly<Record<string, string>>) => {
  const node = startPlain(stage.cmd, workdir, env)
  started.push(node)
  const url = `http://127.0.0.1:${env.PORT}`
  await eventually(async () => {
    if (node.process.exitCode !== null)
      throw new Error(`exited ${node.process.exitCode}: ${node.stderr()}${node.lines.join("\n")}`)
    const res = await fetch(`${url}/readyz`).catch(() => undefined)
    return res?.status === 200 ? true : undefined
  }, 30_000)
  return { node, url }
}

/** Docker's HEALTHCHECK: the image's command, run in the container's environment; its exit code. */
const healthcheck = (workdir: string, env: Readonly<Record<string, string>>) => {
  const [command = "", ...args] = stage.healthcheck
  return spawnSync(command === "node" ? process.execPath : command, args, {
    cwd: workdir,
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 5_000,
  }).status
}

const sigterm = async (node: Proc) => {
  node.process.kill("SIGTERM")
  const code = await node.exited
  started.splice(started.indexOf(node), 1)
  return code
}

describe("the production build (issue 16)", () => {
  it("issue 16 the runtime stage holds only the bundle, its node_modules, migrations and the web app; runs as a non-root user and probes /readyz", () => {
    expect(stage.copies.map((c) => c.from)).toEqual(["/src/apps/api/dist", "/src/apps/web/dist"])
    expect(stage.cmd).toEqual(["node", "apps/api/dist/server.mjs"])
    expect(stage.user).not.toBe("root")
    expect(stage.healthcheck.join(" ")).toContain("/readyz")
    expect(stage.expose).toEqual([Number(stage.env.PORT)])
    const dist = join(src, "apps/api/dist")
    const files = readdirSync(dist)
    expect(files).toEqual(
      expect.arrayContaining(["server.mjs", "admin.mjs", "snapshot-worker.mjs", "drizzle", "node_modules"]),
    )
    // Bundles, their source maps, the migrations, node_modules and the API reference page's
    // script (issue 20, served at /docs): nothing else.
    expect(files.filter((f) => !/\.mjs(\.map)?$/.test(f)).sort()).toEqual([
      "drizzle",
      "node_modules",
      "scalar-standalone.js",
    ])
    expect(
      readdirSync(join(dist, "drizzle"))
        .filter((f) => f.endsWith(".sql"))
        .sort(),
    ).toEqual(
      readdirSync(join(repoRoot, "packages/adapters/drizzle"))
        .filter((f) => f.endsWith(".sql"))
        .sort(),
    )
    // libSQL's client and this platform's native binding; no TypeScript, no tsx at runtime.
    expect(existsSync(join(dist, "node_modules/@libsql/client/package.json"))).toBe(true)
    expect(existsSync(join(dist, "node_modules/@libsql/linux-x64-gnu/package.json"))).toBe(true)
    expect(existsSync(join(dist, "node_modules/tsx"))).toBe(false)
    for (const bundle of ["server.mjs", "server-main.mjs"])
      expect(readFileSync(join(dist, bundle), "utf8")).not.toMatch(/from\s*["']tsx/)
    // The entry turns on Node's compile cache before it loads the bundle (a start within 2 s).
    expect(readFileSync(join(dist, "server.mjs"), "utf8")).toMatch(/enableCompileCache/)
  })

  it("issue 16 R4 the built server under plain node, as the image runs it: a simulated call is queued, offered, accepted and completed over HTTP; HEALTHCHECK passes; SIGTERM stops it with exit 0", async () => {
    const box = container("single")
    const port = String(await freePort())
    const env: Record<string, string> = {
      ...box.env,
      PORT: port,
      LIFELINE_API_KEYS: KEYS,
      // The snapshot writer's worker thread runs from its own bundle (issue 22).
      LIFELINE_SNAPSHOT_EVERY_EVENTS: "3",
      LIFELINE_SNAPSHOT_EVERY_SECONDS: "1",
    }
    const { node, url } = await startNode(box.workdir, env)
    expect(healthcheck(box.workdir, env)).toBe(0)
    // The store is the image's volume (/data), migrated from the migrations beside the bundle.
    expect(existsSync(join(box.root, "data/lifeline.db"))).toBe(true)
    // The web app from apps/web/dist beside the bundle.
    expect(await (await fetch(`${url}/`)).text()).toContain("lifeline web (test build)")

    await setUpCenter(url, env.LIFELINE_DEFAULT_WORKSTREAM ?? "inbound-voice")
    const callId = await driveCall(url, url)
    expect(callId).not.toBe("")
    const db = createClient({ url: `file:${join(box.root, "data/lifeline.db")}` })
    try {
      await eventually(async () => {
        const n = Number((await db.execute("SELECT count(*) AS n FROM snapshots")).rows[0]?.n ?? 0)
        return n > 0 ? n : undefined
      })
    } finally {
      db.close()
    }

    expect(await sigterm(node)).toBe(0)
    expect(logOf(node).find((l) => l.msg === "stopped")).toMatchObject({ outboxFlushed: true })
    // Nothing answers any more: Docker's check fails.
    expect(healthcheck(box.workdir, env)).not.toBe(0)
  })

  it("issue 16 N2 two bundled nodes with compose.yaml's settings on one sqld: one's call is offered, accepted and completed through the other; both pass HEALTHCHECK and stop with exit 0", async () => {
    const sqldDir = join(dir, "sqld")
    mkdirSync(sqldDir)
    const sqld = await startSqld(sqldDir)
    servers.push(sqld)
    const compose = composeEnv()
    expect(compose.LIFELINE_DB_URL).toBe("http://sqld:8080")
    const nodes = await Promise.all(
      ["api-1", "api-2"].map(async (name) => {
        const box = container(name)
        const env = {
          ...box.env,
          ...compose,
          LIFELINE_DB_URL: sqld.url,
          LIFELINE_API_KEYS: KEYS,
          OTEL_SERVICE_NAME: `lifeline-${name}`,
          PORT: String(await freePort()),
        }
        return { ...(await startNode(box.workdir, env)), env, box }
      }),
    )
    const [one, two] = nodes
    if (one === undefined || two === undefined) throw new Error("two nodes")
    for (const n of nodes) expect(healthcheck(n.box.workdir, n.env)).toBe(0)

    await setUpCenter(one.url, compose.LIFELINE_DEFAULT_WORKSTREAM ?? "inbound-voice")
    // Node two follows the shared log: it sees the center node one configured.
    await eventually(async () =>
      (await lifelineClient(two.url, ADMIN_KEY).queues()).some((q) => q.queueId === "front")
        ? true
        : undefined,
    )
    await driveCall(one.url, two.url)
    for (const n of nodes) {
      expect(await sigterm(n.node)).toBe(0)
      expect(logOf(n.node).some((l) => l.msg === "demo data seeded")).toBe(false)
    }
  })

  it("issue 16 the simulator CLI bundle is the package's bin: executable with a shebang, and its worker threads give the one-thread summary", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "apps/simulator/package.json"), "utf8")) as {
      bin: Record<string, string>
    }
    const bin = join(src, "apps/simulator", manifest.bin["lifeline-sim"] ?? "")
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true)
    expect(statSync(bin).mode & 0o111).toBe(0o111)
    const scenario = join(repoRoot, "apps/simulator/examples/big-day.json")
    const run = (workers: number) => {
      // Started as a program (the shebang finds node on PATH), outside the repository.
      const out = spawnSync(
        bin,
        ["run", scenario, "--hours", "0.5", "--workers", String(workers), "--json"],
        {
          cwd: dir,
          env: { PATH: process.env.PATH ?? "" },
          encoding: "utf8",
        },
      )
      expect(out.status, out.stderr).toBe(0)
      return JSON.parse(out.stdout) as { queues: unknown[] }
    }
    const one = run(1)
    expect(one.queues.length).toBeGreaterThan(1)
    expect(run(2)).toEqual(one)
  })
})
