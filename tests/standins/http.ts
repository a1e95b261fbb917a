import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** A server on 127.0.0.1 at a port the OS picked, and how to stop it. */
export interface Listening {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  readonly url: string
  readonly port: number
  /** Stops accepting, drops idle keep-alive sockets (the SDKs keep them), resolves when closed. */
  readonly close: () => Promise<void>
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>

export const listen = (handler: Handler): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      readBody(req)
        .then((body) => handler(req, res, body))
        .catch((error: unknown) => {
          if (!res.headersSent)
            sendJson(res, 500, { error: { code: "StandinError", message: String(error) } })
        })
    })
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error === undefined ? done() : fail(error)))
            server.closeAllConnections()
          }),
      })
    })
  })

export const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void => {
  const text = body === undefined ? "" : JSON.stringify(body)
  res.writeHead(status, { ...(text === "" ? {} : { "content-type": "application/json" }), ...headers })
  res.end(text)
}

/** Request headers as a plain record with lower-case names and single values. */
export const headersOf = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/** POSTs JSON and reports the status the receiver answered (0 when it could not be reached). */
export const postJson = async (
  url: string,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<number> => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    })
    await response.arrayBuffer()
    return response.status
  } catch {
    return 0
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
