import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import type { Hono } from "hono"

export interface RunningServer {
  readonly url: string
  /** Stop accepting connections and wait for open requests to finish. */
  readonly close: () => Promise<void>
}

const urlOf = ({ address, family, port }: AddressInfo) =>
  `http://${family === "IPv6" ? `[${address}]` : address}:${port}`

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and routes
type AnyHono = Hono<any, any, any>

/** Serve `app` on Node; port 0 picks a free port (the URL tells which). */
export const listen = (app: AnyHono, options: { readonly port: number; readonly hostname: string }) =>
  new Promise<RunningServer>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname }, (info) =>
      resolve({
        url: urlOf(info),
        close: () => new Promise<void>((done, fail) => server.close((err) => (err ? fail(err) : done()))),
      }),
    )
    server.once("error", reject)
  })
