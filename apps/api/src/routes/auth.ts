import type { AuthAuditKind } from "@lifeline/adapters"
import { Schema } from "effect"
import { type Context, Hono } from "hono"
import { html } from "hono/html"
import { principalFromClaims } from "../auth/claims"
import { DEMO_PEOPLE } from "../auth/demo-people"
import { isLoopback } from "../auth/keys"
import { type AuthFailureLimiter, clientAddress } from "../auth/limit"
import type { AuthEnv } from "../auth/middleware"
import type { Principal } from "../auth/principal"
import { hashSecret } from "../auth/secrets"
import {
  type AuthOptions,
  authNow,
  clearSessionCookie,
  type Run,
  rememberSignIn,
  type SessionSignals,
  sessionSecret,
  startSession,
  takeSignIn,
} from "../auth/session"
import type { Logger } from "../ops/log"

/**
 * Issue 21: people sign in (N4, N7). `GET /auth/login` sends the browser to the identity
 * provider (authorization code with PKCE; state, nonce and verifier kept server side), the
 * provider sends it back to `GET /auth/callback`, which opens a session behind an HttpOnly cookie
 * and returns to the web app. `POST /auth/logout` ends it on every node, `GET /auth/me` says who
 * the cookie (or key) stands for. The demo sign-in (`/auth/demo`) is for loopback only.
 */
export interface AuthRoutesOptions {
  readonly auth: AuthOptions
  readonly run: Run
  readonly signals: SessionSignals
  readonly log?: Logger
  /** Failed sign-ins count per client address with bad keys (issue 16's limiter). */
  readonly limiter?: AuthFailureLimiter
}

/** What the web app is told about its caller (never a secret). */
export const whoAmI = (who: Principal) => ({
  role: who.role,
  name: who.name,
  ...(who.role === "rep" ? { repId: who.repId } : {}),
  ...(who.role === "supervisor" ? { queues: who.queues === "all" ? "*" : [...who.queues] } : {}),
})

const wantsHtml = (c: Context) => (c.req.header("accept") ?? "").includes("text/html")

/** A page for a person (the browser navigates here), or the same words as JSON for a script. */
const answer = (
  c: Context,
  status: 400 | 403 | 404 | 429 | 502,
  code: string,
  title: string,
  message: string,
) =>
  wantsHtml(c)
    ? c.html(
        html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lifeline: ${title}</title></head>
<body><main><h1>${title}</h1><p>${message}</p><p><a href="/auth/login">Sign in again</a></p></main></body></html>`,
        status,
      )
    : c.json({ error: { code, message } }, status)

/**
 * Demo sign-in only when the node was started for the demo on loopback, and this request came
 * to a loopback host name from a loopback address: a DNS name rebound to 127.0.0.1 is refused.
 */
const demoAllowed = (auth: AuthOptions, c: Context): boolean => {
  if (!auth.demo) return false
  const host = new URL(c.req.url).hostname
  const address = clientAddress(c)
  return isLoopback(host) && (address === undefined || isLoopbackAddress(address))
}

/** The answer to a demo sign-in anywhere but loopback: as if there were none. */
const noDemo = (c: Context) =>
  answer(c, 404, "DemoOnLoopbackOnly", "No demo sign-in", "the demo sign-in is served on loopback only")

const isLoopbackAddress = (address: string) =>
  isLoopback(address) || address.startsWith("::ffff:127.") || address === "::1"

const DemoPerson = Schema.Struct({ person: Schema.Literals(DEMO_PEOPLE.map((p) => p.id)) })
const decodeDemoPerson = Schema.decodeUnknownSync(DemoPerson)

const demoPage = () => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lifeline demo sign-in (local only)</title></head>
<body><main>
<p role="alert"><strong>DEMO sign-in, on this machine only.</strong> Anyone here may be anyone: a node
reached by any other address refuses this page. Real deployments sign in with the identity provider.</p>
<h1>Pick a demo person</h1>
${DEMO_PEOPLE.map(
  (p) => html`<form method="post" action="/auth/demo"><input type="hidden" name="person" value="${p.id}">
<button type="submit">${p.principal.name} (${p.principal.role})</button></form>`,
)}
</main></body></html>`

export const authRoutes = ({ auth, run, signals, log, limiter }: AuthRoutesOptions) => {
  const audit = (
    kind: AuthAuditKind,
    actor: Principal | null,
    target: string | null,
    detail: Record<string, unknown>,
  ) =>
    run(
      auth.store.audit({
        at: authNow(auth),
        kind,
        actor: actor === null ? null : { role: actor.role, name: actor.name },
        target,
        detail,
      }),
    )

  /** A failed sign-in: recorded (N1), logged without any value from the request, answered in words. */
  const failed = async (
    c: Context,
    person: string | null,
    reason: string,
    status: 400 | 403 | 502,
    message: string,
  ) => {
    await audit("sign-in-failed", null, person, { reason })
    log?.warn("sign-in refused", { reason })
    const address = clientAddress(c)
    if (address !== undefined) limiter?.fail(address)
    return answer(c, status, "SignInFailed", "Sign-in refused", message)
  }

  const signIn = async (c: Context, person: string, principal: Principal, source: "oidc" | "demo") => {
    const id = await startSession(auth, c, run, { person, principal, source })
    await audit("sign-in", principal, id, { source, person })
    log?.info("signed in", { role: principal.role, source })
    return c.redirect("/", 303)
  }

  return new Hono<AuthEnv>()
    .get("/login", async (c) => {
      if (auth.oidc === undefined)
        return demoAllowed(auth, c)
          ? c.redirect("/auth/demo", 303)
          : answer(
              c,
              404,
              "SignInNotConfigured",
              "No sign-in",
              "this node has no identity provider configured",
            )
      const challenge = await auth.oidc.client.begin()
      await rememberSignIn(auth, c, run, challenge)
      return c.redirect(challenge.url.href, 302)
    })
    .get("/callback", async (c) => {
      const oidc = auth.oidc
      if (oidc === undefined)
        return answer(
          c,
          404,
          "SignInNotConfigured",
          "No sign-in",
          "this node has no identity provider configured",
        )
      const address = clientAddress(c)
      const waitMs = address === undefined ? 0 : (limiter?.blockedFor(address) ?? 0)
      if (waitMs > 0) {
        c.header("retry-after", String(Math.max(1, Math.ceil(waitMs / 1000))))
        return answer(
          c,
          429,
          "TooManyAuthFailures",
          "Too many failed sign-ins",
          "wait a minute, then sign in again",
        )
      }
      const pending = await takeSignIn(auth, c, run)
      if (pending === undefined) {
        // Nobody's sign-in (none started in this browser, or it expired): anyone can send this, so
        // it writes no audit row; it is logged and counted against the address like a bad key.
        if (address !== undefined) limiter?.fail(address)
        log?.warn("sign-in callback without a sign-in in progress")
        return answer(
          c,
          400,
          "SignInFailed",
          "Sign-in refused",
          "this sign-in expired or was started in another browser: start again",
        )
      }
      const providerError = c.req.query("error")
      if (providerError !== undefined)
        // Only the error code (a short token of the protocol), never the provider's free text.
        return failed(
          c,
          null,
          `the provider refused: ${providerError.slice(0, 64)}`,
          403,
          "the identity provider did not sign you in",
        )
      let claims: Readonly<Record<string, unknown>>
      try {
        claims = await oidc.client.finish(new URL(c.req.url).search, pending)
      } catch (error) {
        return failed(
          c,
          null,
          `the provider's answer did not verify: ${(error as Error).name}`,
          502,
          "the identity provider's answer could not be verified: try again",
        )
      }
      const person = `${String(claims.iss)} ${String(claims.sub)}`
      const mapped = principalFromClaims(oidc.mapping, claims)
      if (mapped._tag === "refused")
        return failed(
          c,
          person,
          mapped.reason,
          403,
          `You are signed in with your organisation, but ${mapped.reason}. Ask your Lifeline administrator to give you a role.`,
        )
      return signIn(c, person, mapped.principal, "oidc")
    })
    .get("/demo", (c) => {
      if (!demoAllowed(auth, c)) return noDemo(c)
      return wantsHtml(c)
        ? c.html(demoPage())
        : c.json({
            demo: true,
            people: DEMO_PEOPLE.map((p) => ({ person: p.id, ...p.principal, queues: undefined })),
          })
    })
    .post("/demo", async (c) => {
      if (!demoAllowed(auth, c)) return noDemo(c)
      const body = (c.req.header("content-type") ?? "").includes("json")
        ? await c.req.json().catch(() => ({}))
        : await c.req.parseBody()
      let person: string
      try {
        person = decodeDemoPerson({ person: (body as Record<string, unknown>).person }).person
      } catch {
        return answer(
          c,
          400,
          "InvalidField",
          "Unknown demo person",
          `person must be one of ${DEMO_PEOPLE.map((p) => p.id).join(", ")}`,
        )
      }
      const chosen = DEMO_PEOPLE.find((p) => p.id === person)
      if (chosen === undefined) throw new Error("unreachable: the schema admits demo people only")
      return signIn(c, `demo:${chosen.id}`, chosen.principal, "demo")
    })
    .post("/logout", async (c) => {
      const secret = sessionSecret(auth, c)
      clearSessionCookie(auth, c)
      if (secret !== undefined) {
        const ended = await run(
          auth.store.endSession({ tokenHash: hashSecret(secret) }, authNow(auth), "sign-out"),
        )
        signals.ended(ended)
        if (ended !== undefined) {
          await audit("sign-out", ended.principal, ended.id, { source: ended.source })
          log?.info("signed out", { role: ended.principal.role })
        }
      }
      return c.json({ signedOut: true })
    })
    .get("/me", (c) => {
      const who = c.get("principal")
      if (who === undefined)
        return c.json(
          {
            error: { code: "Unauthenticated", message: "not signed in" },
            signIn: auth.oidc === undefined && demoAllowed(auth, c) ? "/auth/demo" : "/auth/login",
          },
          401,
        )
      return c.json({ ...whoAmI(who), via: c.get("session") === undefined ? "key" : "session" })
    })
}
