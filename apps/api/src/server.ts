import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"

export interface RunningServer {
  readonly url: string
  /** Stop accepting connections and wait for open requests to finish. */
  readonly close: () => Promise<void>
  /** Close the keep-alive connections that carry no request now. */
  readonly closeIdleConnections: () => void
  /** Drop every connection still open (live streams, idle keep-alives): the last step of a stop. */
  readonly closeConnections: () => void
}

/**
 * Anything that answers a fetch: a Hono app, or the gate in front of one. `env` carries
 * @hono/node-server's bindings (the socket: the client's address for the auth-failure limit).
 */
export interface Fetcher {
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>
}

const urlOf = ({ address, family, port }: AddressInfo) =>
  `http://${family === "IPv6" ? `[${address}]` : address}:${port}`

/** Serve `app` on Node; port 0 picks a free port (the URL tells which). */
export const listen = (app: Fetcher, options: { readonly port: number; readonly hostname: string }) =>
  new Promise<RunningServer>((resolve, reject) => {
    const server = serve(
      {
        fetch: (request: Request, env: unknown) => app.fetch(request, env),
        port: options.port,
        hostname: options.hostname,
      },
      (info) =>
        resolve({
          url: urlOf(info),
          close: () => new Promise<void>((done, fail) => server.close((err) => (err ? fail(err) : done()))),
          closeIdleConnections: () => (server as Server).closeIdleConnections(),
          closeConnections: () => (server as Server).closeAllConnections(),
        }),
    )
    server.once("error", reject)
  })
