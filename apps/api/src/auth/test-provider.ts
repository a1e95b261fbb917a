import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Provider } from "oidc-provider"

/**
 * Issue 21's tests: a real OpenID Connect provider (oidc-provider) on 127.0.0.1, with the people
 * the tests sign in as. Its login page is replaced by a hook that signs in whoever the test
 * chose (`nextPerson`); consent is granted at once. Everything else is the provider's own code:
 * discovery, the authorization endpoint with PKCE, the token endpoint, signed ID tokens.
 */
export const CLIENT = { id: "lifeline-test", secret: "lifeline-test-client-secret" } as const

export interface Person {
  readonly name: string
  readonly roles: readonly string[]
  readonly rep_id?: string
}

export const PEOPLE: Readonly<Record<string, Person>> = {
  ana: { name: "Ana Lima", roles: ["Lifeline.Rep", "Everyone"], rep_id: "ana" },
  sam: { name: "Sam Billing", roles: ["Lifeline.Supervisor.Billing"] },
  ada: { name: "Ada Admin", roles: ["Lifeline.Admin", "Lifeline.Rep"] },
  mallory: { name: "Mallory Marketing", roles: ["Marketing"] },
  norep: { name: "No Rep Id", roles: ["Lifeline.Rep"] },
}

export const ROLE_MAP = "Lifeline.Admin=admin,Lifeline.Supervisor.Billing=supervisor:billing,Lifeline.Rep=rep"

export interface TestProvider {
  readonly issuer: string
  /** Who the next sign-in at the provider is. */
  nextPerson: string
  readonly close: () => Promise<void>
}

const listenOn = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  )

export const startProvider = async (redirectUrl: () => string): Promise<TestProvider> => {
  const server = createServer()
  const port = await listenOn(server)
  const issuer = `http://127.0.0.1:${port}`
  const state: TestProvider = { issuer, nextPerson: "ana", close: async () => {} }
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [redirectUrl()],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    scopes: ["openid", "profile", "lifeline"],
    claims: { openid: ["sub"], profile: ["name"], lifeline: ["roles", "rep_id"] },
    // The claims go into the ID token, as Entra ID puts app roles there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, ...PEOPLE[id] }),
    }),
    // Consent is not what these tests are about: every sign-in is granted what it asks.
    loadExistingGrant: async (ctx: {
      oidc: { client: { clientId: string }; session: { accountId: string } }
    }) => {
      const grant = new provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      })
      grant.addOIDCScope("openid profile lifeline")
      grant.addOIDCClaims(["name", "roles", "rep_id"])
      await grant.save()
      return grant
    },
  })
  const handler = provider.callback()
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith("/interaction/") === true) {
      provider
        .interactionFinished(
          req,
          res,
          { login: { accountId: state.nextPerson } },
          { mergeWithLastSubmission: false },
        )
        .catch((error: unknown) => {
          res.statusCode = 500
          res.end(String(error))
        })
      return
    }
    handler(req, res)
  })
  return {
    get issuer() {
      return issuer
    },
    get nextPerson() {
      return state.nextPerson
    },
    set nextPerson(person: string) {
      state.nextPerson = person
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A browser's cookies, one jar per origin (as a browser keeps them per site). */
export const makeBrowser = () => {
  const jars = new Map<string, Map<string, string>>()
  const jarOf = (origin: string) => {
    let jar = jars.get(origin)
    if (jar === undefined) {
      jar = new Map()
      jars.set(origin, jar)
    }
    return jar
  }
  /** Every value a Set-Cookie handed out, to look for in logs afterwards. */
  const seen: string[] = []
  const fetchWith = async (url: string, init: RequestInit = {}) => {
    const origin = new URL(url).origin
    const jar = jarOf(origin)
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ")
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookie === "" ? {} : { cookie }) },
    })
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";")
      const eq = pair.indexOf("=")
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (value === "" || expired) jar.delete(name)
      else {
        jar.set(name, value)
        seen.push(value)
      }
    }
    return res
  }
  return { fetch: fetchWith, jarOf, seen }
}

export type Browser = ReturnType<typeof makeBrowser>
