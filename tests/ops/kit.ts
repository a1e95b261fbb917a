import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  type ApiSettings,
  apiLayer,
  type BootOptions,
  boot,
  DEMO_API_KEYS,
  makeLogger,
  type Node,
  parseApiKeys,
} from "@lifeline/api/testing"
import { afterAll } from "vitest"

export interface StartOptions {
  /** LIFELINE_API_KEYS (default: the demo keys). */
  readonly keys?: string
  readonly tracing?: ApiSettings["tracing"]
  /** Other layers than main.ts builds from the settings (a test that holds the store back). */
  readonly layer?: (settings: ApiSettings) => BootOptions["layer"]
  readonly onListening?: (url: string) => void
}

/** The settings main.ts would build for a store: an embedded file, or a server's URL. */
export const settingsFor = (db: string, tracing?: ApiSettings["tracing"]): ApiSettings => ({
  db: { url: db.startsWith("http") ? db : `file:${db}`, options: {} },
  telephony: { _tag: "simulated" },
  mail: { _tag: "recording" },
  ...(tracing === undefined ? {} : { tracing }),
})

/**
 * In-process API nodes as main.ts starts them (the demo seeded when the store is new), their JSON
 * log lines kept, on temp libSQL files; everything started is stopped and removed after the file.
 */
export const opsKit = (prefix: string) => {
  const dirs: string[] = []
  const running = new Set<Node>()
  afterAll(async () => {
    for (const node of running) await node.stop()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), `lifeline-${prefix}-`))
    dirs.push(dir)
    return dir
  }
  const tempDb = () => join(tempDir(), "lifeline.db")
  const start = async (db: string, options: StartOptions = {}) => {
    const settings = settingsFor(db, options.tracing)
    const lines: string[] = []
    const node = await boot({
      port: 0,
      hostname: "127.0.0.1",
      demo: true,
      keys: parseApiKeys(options.keys ?? DEMO_API_KEYS),
      settings,
      layer: options.layer?.(settings) ?? apiLayer(settings),
      log: makeLogger((line) => lines.push(line)),
      ...(options.onListening === undefined ? {} : { onListening: options.onListening }),
    })
    running.add(node)
    return Object.assign(node, { lines })
  }
  const stop = async (node: Node) => {
    running.delete(node)
    await node.stop()
  }
  return { tempDir, tempDb, start, stop }
}
