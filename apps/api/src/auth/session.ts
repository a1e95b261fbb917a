import type { AuthStore, SessionRefusal, SessionView } from "@lifeline/adapters"
import type { Effect } from "effect"
import type { Context } from "hono"
import { deleteCookie, getCookie, setCookie } from "hono/cookie"
import { csrf } from "hono/csrf"
import { HTTPException } from "hono/http-exception"
import type { ClaimMapping } from "./claims"
import { isLoopback } from "./keys"
import type { Oidc } from "./oidc"
import type { Principal } from "./principal"
import { hashSecret, newPublicId, newSecret } from "./secrets"

/**
 * Issue 21: people's sessions (N4, N7). The browser holds an HttpOnly, SameSite=Lax cookie with
 * a random secret (Secure, and `__Host-` named, everywhere but plain http on loopback); the node
 * keeps the session in SQL under the secret's hash, so every node serves it and a sign-out or an
 * admin's end takes effect on every node at the next request.
 */
export interface SessionSettings {
  /** The absolute lifetime of a session from its sign-in. */
  readonly maxMs: number
  /** A session unused this long ends. */
  readonly idleMs: number
}

/** Runs a store call on the node's runtime (its spans and logger). */
export type Run = <A, E>(effect: Effect.Effect<A, E>) => Promise<A>

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { maxMs: 12 * 3600_000, idleMs: 60 * 60_000 }

/** What the node needs to sign people in and check their sessions and stored keys. */
export interface AuthOptions {
  readonly store: AuthStore["Service"]
  /** OpenID Connect sign-in, when the settings configure a provider. */
  readonly oidc?: { readonly client: Oidc; readonly mapping: ClaimMapping }
  /** The local demo sign-in (LIFELINE_DEMO on a loopback HOST); each request is checked again. */
  readonly demo: boolean
  readonly session: SessionSettings
  /** The URL people reach the node at (LIFELINE_PUBLIC_URL): cookies' Secure, CSRF's origin. */
  readonly publicUrl?: string
  /** Milliseconds since the epoch; tests move it to expire sessions. */
  readonly now?: () => number
}

/** `last_seen_at` is written at most this often per session: the idle timeout's granularity. */
export const TOUCH_AFTER_MS = 30_000

/** A sign-in must come back from the provider within this time. */
export const SIGN_IN_MAX_MS = 10 * 60_000

const nowOf = (auth: AuthOptions) => (auth.now ?? Date.now)()

/** Secure cookies unless the node is reached over plain http on a loopback address. */
export const secureCookies = (auth: AuthOptions, c: Context): boolean => {
  const url = new URL(auth.publicUrl ?? c.req.url)
  return !(url.protocol === "http:" && isLoopback(url.hostname))
}

const SESSION_COOKIE = "lifeline_session"
const SIGN_IN_COOKIE = "lifeline_sign_in"

/**
 * A Secure cookie is `__Host-` named (Hono adds the prefix): pinned to this host and path `/`,
 * without Domain, so no subdomain can set or shadow it.
 */
const prefixOf = (secure: boolean) => (secure ? { prefix: "host" as const } : {})

const cookieOptions = (secure: boolean, maxAgeSeconds?: number) => ({
  httpOnly: true,
  secure,
  sameSite: "Lax" as const,
  path: "/",
  ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  ...prefixOf(secure),
})

const readCookie = (auth: AuthOptions, c: Context, base: string): string | undefined => {
  const secure = secureCookies(auth, c)
  const value = secure ? getCookie(c, base, "host") : getCookie(c, base)
  return value === undefined || value === "" ? undefined : value
}

const clearCookie = (auth: AuthOptions, c: Context, base: string) => {
  deleteCookie(c, base, cookieOptions(secureCookies(auth, c)))
}

/** The session cookie's secret, if the request carries one. */
export const sessionSecret = (auth: AuthOptions, c: Context) => readCookie(auth, c, SESSION_COOKIE)

export const clearSessionCookie = (auth: AuthOptions, c: Context) => clearCookie(auth, c, SESSION_COOKIE)

/** A new session for `principal`, its cookie set on the response; returns its public id. */
export const startSession = async (
  auth: AuthOptions,
  c: Context,
  run: Run,
  input: { readonly person: string; readonly principal: Principal; readonly source: "oidc" | "demo" },
): Promise<string> => {
  const secret = newSecret()
  const id = newPublicId("ses")
  const now = nowOf(auth)
  await run(
    auth.store.createSession({
      id,
      tokenHash: hashSecret(secret),
      person: input.person,
      principal: input.principal,
      source: input.source,
      now,
      expiresAt: now + auth.session.maxMs,
    }),
  )
  setCookie(
    c,
    SESSION_COOKIE,
    secret,
    cookieOptions(secureCookies(auth, c), Math.floor(auth.session.maxMs / 1000)),
  )
  return id
}

/** The session a cookie names, if it still gives access. */
export const checkSession = (auth: AuthOptions, secret: string) =>
  auth.store.checkSession(hashSecret(secret), {
    now: nowOf(auth),
    idleMs: auth.session.idleMs,
    touchAfterMs: TOUCH_AFTER_MS,
  })

/** What a person whose session gives no access is told (401), with where to sign in again. */
export const refusalMessage = (reason: SessionRefusal): string =>
  ({
    unknown: "this session is not known (signed out, or ended by an admin): sign in again at /auth/login",
    ended: "this session has ended (signed out, or ended by an admin): sign in again at /auth/login",
    expired: "this session has expired: sign in again at /auth/login",
    idle: "this session ended after being idle: sign in again at /auth/login",
  })[reason]

// --- sign-in in progress ------------------------------------------------------------------------

/** Remember a sign-in's checks server side under a short-lived cookie that binds it to this browser. */
export const rememberSignIn = async (
  auth: AuthOptions,
  c: Context,
  run: Run,
  checks: { readonly state: string; readonly nonce: string; readonly codeVerifier: string },
) => {
  const id = newSecret()
  await run(auth.store.startSignIn({ idHash: hashSecret(id), ...checks, createdAt: nowOf(auth) }))
  setCookie(c, SIGN_IN_COOKIE, id, cookieOptions(secureCookies(auth, c), SIGN_IN_MAX_MS / 1000))
}

/** The sign-in this browser started, taken (single use); undefined when none or too old. */
export const takeSignIn = async (auth: AuthOptions, c: Context, run: Run) => {
  const id = readCookie(auth, c, SIGN_IN_COOKIE)
  clearCookie(auth, c, SIGN_IN_COOKIE)
  if (id === undefined) return undefined
  return run(auth.store.takeSignIn(hashSecret(id), nowOf(auth) - SIGN_IN_MAX_MS))
}

export const authNow = nowOf

// --- CSRF -------------------------------------------------------------------------------------

/**
 * CSRF (issue 21): Hono's `csrf` middleware, which refuses an unsafe request a browser could
 * send cross-site without a CORS preflight (a form's content types, or none) unless its
 * `Sec-Fetch-Site` is same-origin or its `Origin` is one we serve. Any other unsafe request (a
 * JSON body) needs a preflight, which only LIFELINE_CORS_ORIGINS pass; and SameSite=Lax keeps the
 * cookie off cross-site POSTs anyway. Chosen over a double-submit token because it is kept with
 * Hono, holds no state and gives the web app no token to carry.
 */
export const makeCsrfGuard = (auth: AuthOptions | undefined, corsOrigins: readonly string[] = []) => {
  const guard = csrf({
    origin: (origin, c) =>
      origin === new URL(c.req.url).origin ||
      (auth?.publicUrl !== undefined && origin === new URL(auth.publicUrl).origin) ||
      corsOrigins.includes(origin),
  })
  /** Undefined when the request may go on; else the 403 to answer. */
  return async (c: Context): Promise<Response | undefined> => {
    try {
      await guard(c, async () => {})
      return undefined
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error
      return c.json(
        {
          error: {
            code: "CsrfRefused",
            message:
              "refused: an unsafe request with a session cookie must come from Lifeline's own pages (Origin or Sec-Fetch-Site)",
          },
        },
        403,
      )
    }
  }
}

/** Sessions ended on this node: open live streams of that session close at once (events.ts). */
export const makeSessionSignals = () => {
  const listeners = new Map<string, Set<() => void>>()
  return {
    onEnded: (sessionId: string, listener: () => void) => {
      const set = listeners.get(sessionId) ?? new Set()
      set.add(listener)
      listeners.set(sessionId, set)
      return () => {
        set.delete(listener)
        if (set.size === 0) listeners.delete(sessionId)
      }
    },
    ended: (session: SessionView | undefined) => {
      if (session === undefined) return
      for (const listener of listeners.get(session.id) ?? []) listener()
    },
  }
}

export type SessionSignals = ReturnType<typeof makeSessionSignals>
