import type { LifelineClient } from "@lifeline/api/client"
import { createEffect, createSignal, type JSX, Match, on, onCleanup, Switch } from "solid-js"
import { onBack, Unreachable } from "./connection"
import {
  clientFor,
  forgetKey,
  isRefusedKey,
  type KeyCandidate,
  keyCandidate,
  type Route,
  reasonOf,
  rememberKey,
} from "./session"

/** One request only the page's own role may make: it proves the key before the page shows. */
const proveKey = (route: Route, api: LifelineClient): Promise<unknown> => {
  switch (route.page) {
    case "rep":
      return api.rep(route.repId)
    case "admin":
      return api.call("GET", "/api/emergency/template")
    default:
      return api.queues()
  }
}

type Gate =
  | { readonly state: "checking" }
  | { readonly state: "signed-in"; readonly key: string }
  | { readonly state: "sign-in"; readonly why: string }
  | { readonly state: "unreachable" }

const REFUSED: Readonly<Record<KeyCandidate["source"], string>> = {
  address: "The key in the address was not accepted for this page, so it was not kept.",
  saved: "Your saved key is no longer accepted for this page; it was forgotten.",
  demo: "Sign in with your API key for this page.",
  typed: "That key was not accepted for this page.",
}

/**
 * Issue 19: the page shows once its key is accepted. A refused key is never kept (nor left in
 * the address); the sign-in form takes another, and Sign out clears the saved one. While the
 * server cannot be reached the page waits and tries again when it is back (never a stuck page).
 */
export function KeyGate(props: { readonly route: Route; readonly children: (key: string) => JSX.Element }) {
  const [gate, setGate] = createSignal<Gate>({ state: "checking" })
  let candidate: KeyCandidate | undefined
  const check = async (c: KeyCandidate) => {
    candidate = c
    setGate({ state: "checking" })
    try {
      await proveKey(props.route, clientFor(c.key))
      if (c.source !== "demo") rememberKey(props.route, c.key)
      setGate({ state: "signed-in", key: c.key })
    } catch (e) {
      if (e instanceof Unreachable) return setGate({ state: "unreachable" })
      if (c.source !== "demo") forgetKey(props.route)
      setGate({ state: "sign-in", why: isRefusedKey(e) ? REFUSED[c.source] : reasonOf(e) })
    }
  }
  createEffect(
    on(
      () => props.route,
      (route) => void check(keyCandidate(route)),
    ),
  )
  const stop = onBack(() => {
    if (gate().state === "unreachable" && candidate !== undefined) void check(candidate)
  })
  onCleanup(stop)
  const signOut = () => {
    forgetKey(props.route)
    setGate({ state: "sign-in", why: "Signed out: your key was cleared from this browser." })
  }
  return (
    <Switch>
      <Match when={gate().state === "checking"}>
        <p role="status">Signing in…</p>
      </Match>
      <Match when={gate().state === "unreachable"}>
        <p role="status">Waiting for the Lifeline server; the page opens as soon as it answers.</p>
      </Match>
      <Match
        when={(() => {
          const g = gate()
          return g.state === "sign-in" ? g : undefined
        })()}
      >
        {(g) => <SignIn why={g().why} onKey={(key) => void check({ key, source: "typed" })} />}
      </Match>
      <Match
        when={(() => {
          const g = gate()
          return g.state === "signed-in" ? g : undefined
        })()}
        keyed
      >
        {(g) => (
          <>
            <div class="signed-in">
              <button type="button" class="link-button" onClick={signOut}>
                Sign out
              </button>
            </div>
            {props.children(g.key)}
          </>
        )}
      </Match>
    </Switch>
  )
}

/** The key form: the key is typed, never shown back, and can be cleared before sending. */
function SignIn(props: { readonly why: string; readonly onKey: (key: string) => void }) {
  const [key, setKey] = createSignal("")
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    if (key().trim() !== "") props.onKey(key().trim())
  }
  return (
    <form class="card sign-in" aria-labelledby="sign-in-heading" onSubmit={submit}>
      <h1 id="sign-in-heading">Sign in</h1>
      <p role="status">{props.why}</p>
      <label for="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        autocomplete="current-password"
        value={key()}
        onInput={(e) => setKey(e.currentTarget.value)}
      />
      <div class="actions">
        <button type="submit" class="primary" disabled={key().trim() === ""}>
          Sign in
        </button>
        <button type="button" onClick={() => setKey("")}>
          Clear
        </button>
      </div>
    </form>
  )
}
