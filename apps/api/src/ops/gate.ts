import { Hono } from "hono"

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and routes
type AnyHono = Hono<any, any, any>

/** What `/readyz` reports once the center is up: each check by name. */
export type ReadyChecks = () => Promise<Readonly<Record<string, string | number | boolean>>>

/** Paths answered whatever the phase: the orchestrator's probes and the scrape. */
const PROBES = new Set(["/healthz", "/readyz", "/metrics"])

const unavailable = (code: string, message: string) =>
  Response.json({ error: { code, message } }, { status: 503, headers: { "retry-after": "1" } })

/**
 * The process's front door through its life: `starting` (the store migrates, the center replays,
 * timers are armed: only the probes answer, `/readyz` says 503), `ready` (the whole app), and
 * `draining` after SIGTERM (requests in flight finish, new ones get 503 so a load balancer moves
 * them to another node). `/healthz` answers 200 in every phase: the process is up.
 */
export const makeGate = () => {
  let phase: "starting" | "ready" | "draining" = "starting"
  let app: AnyHono | undefined
  let checks: ReadyChecks = async () => ({})
  let inFlight = 0
  let idle: (() => void) | undefined

  const probes = new Hono()
    .get("/healthz", (c) => c.json({ status: "ok", phase }))
    .get("/readyz", async (c) => {
      if (phase !== "ready" || app === undefined)
        return c.json(
          { ready: false, phase, reason: phase === "starting" ? "starting up" : "shutting down" },
          503,
        )
      try {
        return c.json({ ready: true, phase, checks: await checks() })
      } catch (error) {
        return c.json({ ready: false, phase, reason: `store unreachable: ${String(error)}` }, 503)
      }
    })

  /** `env`: the server's bindings (the socket), handed on to the app. */
  const fetch = async (request: Request, env?: unknown): Promise<Response> => {
    const path = new URL(request.url).pathname
    if (path === "/healthz" || path === "/readyz") return probes.fetch(request)
    if (app === undefined || phase === "starting")
      return PROBES.has(path)
        ? unavailable("Starting", "not ready yet")
        : unavailable("Starting", "Lifeline is starting up")
    if (phase === "draining" && !PROBES.has(path))
      return unavailable("ShuttingDown", "this node is shutting down")
    inFlight += 1
    try {
      return await app.fetch(request, env)
    } finally {
      inFlight -= 1
      if (inFlight === 0) idle?.()
    }
  }

  return {
    fetch,
    get phase() {
      return phase
    },
    /** The center is up: serve `ready` through `readyChecks` from now on. */
    open: (ready: AnyHono, readyChecks: ReadyChecks) => {
      app = ready
      checks = readyChecks
      phase = "ready"
    },
    /**
     * Stop taking new work; resolves once the requests in flight have been answered (a live
     * stream counts until it ends: the caller closes those), or after `maxMs`.
     */
    drain: (maxMs: number) =>
      new Promise<boolean>((resolve) => {
        phase = "draining"
        if (inFlight === 0) return resolve(true)
        const timer = setTimeout(() => resolve(false), maxMs)
        idle = () => {
          clearTimeout(timer)
          resolve(true)
        }
      }),
  }
}

export type Gate = ReturnType<typeof makeGate>
