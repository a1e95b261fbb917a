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

/** One request to a node's API with a key, whatever its status: the status, headers and text. */
export const apiRequest = async (url: string, key: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

/** `apiRequest` where a status of 300 or more throws with the answer. */
export const apiCall = async (url: string, key: string, method: string, path: string, body?: unknown) => {
  const res = await apiRequest(url, key, method, path, body)
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
  return res
}

/** A message of a server-sent event stream, with when this client received it. */
export interface SseMessage {
  readonly event: string
  readonly id: string | undefined
  readonly data: string
  readonly receivedAt: number
}

/** One `event:`/`id:`/`data:` block (a comment-only block, the keep-alive, is none). */
const sseMessage = (block: string, receivedAt: number): SseMessage | undefined => {
  let event = "message"
  let id: string | undefined
  const data: string[] = []
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":")
    if (colon === 0) continue
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
    if (field === "event") event = value
    else if (field === "id") id = value
    else if (field === "data") data.push(value)
  }
  return data.length === 0 ? undefined : { event, id, data: data.join("\n"), receivedAt }
}

/**
 * A live client of GET /api/events as a browser's EventSource holds it: `messages` grows as they
 * arrive; `close` ends the stream. Resolves once the server answered the request.
 */
/** The events a stream has carried so far, in order: the batches of its `events` frames. */
export const eventsSeen = (messages: readonly SseMessage[]): Record<string, unknown>[] =>
  messages.flatMap((m) => (m.event === "events" ? (JSON.parse(m.data) as Record<string, unknown>[]) : []))

export const openEvents = async (url: string, key: string) => {
  const controller = new AbortController()
  const res = await fetch(`${url}/api/events`, {
    headers: { authorization: `Bearer ${key}`, accept: "text/event-stream" },
    signal: controller.signal,
  })
  if (!res.ok || res.body === null) throw new Error(`GET /api/events: ${res.status} ${await res.text()}`)
  const body = res.body
  const messages: SseMessage[] = []
  const reading = (async () => {
    const decoder = new TextDecoder()
    let buffer = ""
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true })
        for (let end = buffer.search(/\r?\n\r?\n/); end >= 0; end = buffer.search(/\r?\n\r?\n/)) {
          const message = sseMessage(buffer.slice(0, end), Date.now())
          if (message !== undefined) messages.push(message)
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "")
        }
      }
    } catch (error) {
      // Closing the stream aborts the read; anything else is the test's to see.
      if (!controller.signal.aborted) throw error
    }
  })()
  return {
    messages,
    close: async () => {
      controller.abort()
      await reading
    },
  }
}
