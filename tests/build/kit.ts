import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseEnv } from "node:util"
import { lifelineClient } from "@lifeline/api/client"
import { expect } from "vitest"
import { repoRoot } from "../durability/processes"

/**
 * What the production image runs (issue 16), without a container: the build of scripts/build.mjs,
 * the Dockerfile's runtime stage (its COPY --from=build, ENV, WORKDIR, CMD and HEALTHCHECK read
 * from the Dockerfile itself) laid out in a temp folder, and its processes started with plain
 * `node` and an environment that holds only what is given (no NODE_OPTIONS, no tsx).
 */

/** `node scripts/build.mjs --out <src>`: the API and simulator bundles, as `pnpm build` makes them. */
export const buildInto = (src: string) => {
  const built = spawnSync(process.execPath, [join(repoRoot, "scripts/build.mjs"), "--out", src], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  })
  if (built.status !== 0) throw new Error(`build failed (${built.status}): ${built.stderr}${built.stdout}`)
  // Vite's output is not what these tests are about: a page that says where it came from.
  mkdirSync(join(src, "apps/web/dist"), { recursive: true })
  writeFileSync(
    join(src, "apps/web/dist/index.html"),
    "<!doctype html><title>lifeline web (test build)</title>",
  )
  return built.stdout
}

export interface RuntimeStage {
  readonly copies: readonly { readonly from: string; readonly to: string }[]
  readonly env: Readonly<Record<string, string>>
  readonly workdir: string
  readonly cmd: readonly string[]
  readonly healthcheck: readonly string[]
  readonly expose: readonly number[]
  readonly user: string
}

/** The last stage of the Dockerfile, from its instructions (one a line, exec-form CMDs). */
export const runtimeStage = (dockerfile = join(repoRoot, "Dockerfile")): RuntimeStage => {
  const lines = readFileSync(dockerfile, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
  const last = lines.findLastIndex((l) => l.startsWith("FROM "))
  const stage = lines.slice(last + 1)
  const copies: { from: string; to: string }[] = []
  const env: Record<string, string> = {}
  let workdir = "/"
  let cmd: string[] = []
  let healthcheck: string[] = []
  let user = "root"
  const expose: number[] = []
  for (const line of stage) {
    const [instruction = "", ...rest] = line.split(" ")
    const args = rest.join(" ")
    if (instruction === "COPY") {
      const m = /^--from=build (\S+) (\S+)$/.exec(args)
      if (m === null) throw new Error(`runtime stage: a COPY not from the build stage: ${line}`)
      copies.push({ from: m[1] ?? "", to: m[2] ?? "" })
    } else if (instruction === "ENV") Object.assign(env, parseEnv(args))
    else if (instruction === "WORKDIR") workdir = args
    else if (instruction === "CMD") cmd = JSON.parse(args) as string[]
    else if (instruction === "HEALTHCHECK")
      healthcheck = JSON.parse(args.slice(args.indexOf("CMD ") + 4)) as string[]
    else if (instruction === "USER") user = args
    else if (instruction === "EXPOSE") expose.push(Number(args))
  }
  return { copies, env, workdir, cmd, healthcheck, expose, user }
}

/**
 * The image's file system for the runtime stage: `/src` of the build stage is `src`, the image's
 * root is `root`. Returns the folder that is the WORKDIR.
 */
export const layOut = (stage: RuntimeStage, src: string, root: string) => {
  const inImage = (path: string) => join(root, path)
  const workdir = inImage(stage.workdir)
  mkdirSync(workdir, { recursive: true })
  for (const { from, to } of stage.copies) {
    if (!from.startsWith("/src/")) throw new Error(`runtime stage copies ${from}, not from /src`)
    cpSync(join(src, from.slice("/src/".length)), to.startsWith("/") ? inImage(to) : join(workdir, to), {
      recursive: true,
    })
  }
  return workdir
}

/** The settings compose.yaml gives every API node (its env_file). */
export const composeEnv = (): Record<string, string> => {
  const compose = readFileSync(join(repoRoot, "compose.yaml"), "utf8")
  const file = /env_file: (\S+)/.exec(compose)?.[1]
  if (file === undefined) throw new Error("compose.yaml: no env_file for the API nodes")
  return parseEnv(readFileSync(join(repoRoot, file), "utf8")) as Record<string, string>
}

export interface Proc {
  readonly process: ChildProcess
  readonly lines: string[]
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

/** Start `args[0]` with exactly `env` (plus PATH), in `cwd`; stdout kept line by line. */
export const startPlain = (
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
): Proc => {
  const [command = "", ...rest] = args
  const child = spawn(command === "node" ? process.execPath : command, rest, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", ...env },
  })
  const lines: string[] = []
  let partial = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n")
    partial = parts.pop() ?? ""
    lines.push(...parts)
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => resolve(code))
  })
  return { process: child, lines, stderr: () => stderr, exited }
}

/** The JSON log lines of a node. */
export const logOf = (proc: Proc) =>
  proc.lines.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l) as Record<string, unknown>] : []))

/** Retry `check` until it gives a value (every 50 ms, up to `ms`). */
export const eventually = async <A>(check: () => Promise<A | undefined>, ms = 10_000): Promise<A> => {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export const ADMIN_KEY = "image-test-admin-key"
export const REP_KEY = "image-test-rep-zoe-key"
export const KEYS = `${ADMIN_KEY}=admin:ops,${REP_KEY}=rep:zoe`

/** A rep, a queue and the workstream inbound lines use, on an empty center (admin calls). */
export const setUpCenter = async (url: string, workstreamId: string) => {
  const admin = lifelineClient(url, ADMIN_KEY)
  await admin.registerRep({ repId: "zoe", name: "Zoe Park", presenceId: "available", capacity: { voice: 1 } })
  await admin.createQueue({ queueId: "front", name: "Front desk", members: ["zoe"] })
  await admin.defineWorkstream({ workstreamId, name: "Inbound", rules: [], fallbackQueueId: "front" })
}

const post = (url: string, key: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

/**
 * A caller rings the simulated provider on `ringUrl`; the call is queued and offered to zoe, who
 * accepts it and completes it on `repUrl` (another node, or the same). Checked over HTTP only.
 */
export const driveCall = async (ringUrl: string, repUrl: string, from = "+14155550123") => {
  // The simulated provider lives in the process that rang the call: with two nodes, the one that
  // performs the outbox action may be the other, so the provider's view is checked on one node only.
  const oneNode = ringUrl === repUrl
  const rung = await post(ringUrl, ADMIN_KEY, "/api/simulator/calls", { from, to: "+15550101234" })
  expect(rung.status).toBe(201)
  const { callId } = (await rung.json()) as { callId: string }
  const zoe = lifelineClient(repUrl, REP_KEY)
  const offer = await eventually(async () => (await zoe.offers("zoe")).find((o) => o.itemId === callId))
  expect(offer).toMatchObject({ queueId: "front", repId: "zoe", kind: "call" })
  await zoe.accept(offer.offerId)
  const work = (await zoe.call<readonly { itemId: string }[]>("GET", "/api/reps/zoe/work")).map(
    (w) => w.itemId,
  )
  expect(work).toContain(callId)
  // The outbox reached the simulated provider: the call was answered (the provider's own state).
  if (oneNode)
    await eventually(async () => {
      const res = await fetch(`${ringUrl}/api/simulator/calls/${encodeURIComponent(callId)}`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      })
      const view = (await res.json()) as { state: string }
      return view.state === "connected" ? view : undefined
    })
  await zoe.complete(callId)
  const after = (await zoe.call<readonly { itemId: string }[]>("GET", "/api/reps/zoe/work")).map(
    (w) => w.itemId,
  )
  expect(after).not.toContain(callId)
  return callId
}
