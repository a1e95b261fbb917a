import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { ApiSettings } from "../settings"
import { nodeAuth } from "./node"

/** Issue 21: a node's sign-in, from its settings, on the node's own libSQL file. */
const settingsOn = (url: string): ApiSettings => ({
  db: { url, options: {} },
  telephony: { _tag: "simulated" },
  mail: { _tag: "recording" },
  auth: { session: { maxMs: 3600_000, idleMs: 600_000 } },
})

describe("issue 21 nodeAuth", () => {
  it("opens the auth store (migrated) and offers the demo sign-in on a loopback HOST only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-node-auth-"))
    const url = `file:${join(dir, "lifeline.db")}`
    try {
      const loopback = await nodeAuth(settingsOn(url), { demo: true, hostname: "127.0.0.1" })
      const outside = await nodeAuth(settingsOn(url), { demo: true, hostname: "0.0.0.0" })
      try {
        expect(loopback.auth.demo).toBe(true)
        expect(outside.auth.demo).toBe(false)
        expect(loopback.auth.oidc).toBeUndefined()
        expect(loopback.auth.session).toEqual({ maxMs: 3600_000, idleMs: 600_000 })
        // The sessions table exists: the migration ran on open.
        const page = await Effect.runPromise(loopback.auth.store.auditPage({ limit: 10 }))
        expect(page).toEqual({ entries: [], next: null })
      } finally {
        await loopback.close()
        await outside.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
