import { createEffect, createSignal, lazy, Match, onCleanup, Show, Suspense, Switch } from "solid-js"
import { RepWorkspace } from "../rep/RepWorkspace"
import { ConnectionBanner } from "./ConnectionBanner"
import { onBack, onSessionEnded, Unreachable } from "./connection"
import { homeOf, loadSession, type Me, mayOpen, parseRoute, type Route, reasonOf, signOut } from "./session"

// Issue 19: the admin page (which brings the core's rules, hence Effect) and the supervisor page
// load on demand, so the rep's page stays small.
const AdminPage = lazy(() => import("../admin/AdminPage").then((m) => ({ default: m.AdminPage })))
const SupervisorPage = lazy(() =>
  import("../supervisor/SupervisorPage").then((m) => ({ default: m.SupervisorPage })),
)

/** Issue 21: where the page stands with its sign-in. */
type Gate =
  | { readonly state: "checking" }
  | { readonly state: "unreachable" }
  | { readonly state: "signed-in"; readonly me: Me }
  | { readonly state: "signed-out"; readonly signIn: string; readonly why: string }

const ROLE_WORDS: Readonly<Record<Me["role"], string>> = {
  rep: "rep",
  supervisor: "supervisor",
  admin: "admin",
}

/** The pages a person may open, for the navigation (N4): nobody is shown a page that refuses them. */
const pagesOf = (me: Me) =>
  me.role === "rep"
    ? [{ href: homeOf(me), page: "rep", label: "My workspace" }]
    : [
        ...(me.role === "admin" ? [{ href: "#/admin", page: "admin", label: "Admin" }] : []),
        { href: "#/supervisor", page: "supervisor", label: "Supervisor" },
      ]

/**
 * The pages by address: `#/rep/<repId>`, `#/supervisor`, `#/admin` (see docs/web.md). Issue 21:
 * the page opens for the person the session cookie stands for; signed out it offers the sign-in
 * (the organisation's identity provider, or the local demo's people on this machine only).
 */
export function App() {
  const [hash, setHash] = createSignal(location.hash)
  const onHash = () => setHash(location.hash)
  window.addEventListener("hashchange", onHash)
  onCleanup(() => window.removeEventListener("hashchange", onHash))
  const route = () => parseRoute(hash())

  const [gate, setGate] = createSignal<Gate>({ state: "checking" })
  const check = async (why = "Sign in to use Lifeline.") => {
    try {
      const session = await loadSession()
      setGate(session.state === "signed-in" ? session : { ...session, why })
    } catch (e) {
      setGate(
        e instanceof Unreachable
          ? { state: "unreachable" }
          : { state: "signed-out", signIn: "/auth/login", why: reasonOf(e) },
      )
    }
  }
  void check()
  onCleanup(
    onBack(() => {
      if (gate().state === "unreachable") void check()
    }),
  )
  onCleanup(
    onSessionEnded(() => {
      if (gate().state === "signed-in") void check("Your session has ended; sign in again.")
    }),
  )
  const signedIn = () => {
    const g = gate()
    return g.state === "signed-in" ? g.me : undefined
  }
  // A signed-in person at the bare address goes to their own page.
  createEffect(() => {
    const me = signedIn()
    if (me !== undefined && route().page === "home") location.replace(homeOf(me))
  })
  const leave = async () => {
    try {
      await signOut()
    } catch {
      // Unreachable: the banner says so; the page still forgets the person below.
    }
    await check("You are signed out.")
  }

  return (
    <>
      <header class="topbar">
        <a class="brand" href="#/">
          <Logo /> Lifeline
        </a>
        <Show when={signedIn()}>
          {(me) => (
            <>
              <nav aria-label="Pages">
                <ul>
                  {pagesOf(me()).map((p) => (
                    <li>
                      <a href={p.href} aria-current={route().page === p.page ? "page" : undefined}>
                        {p.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <div class="signed-in">
                <span class="who">
                  {me().name} <span class="muted">({ROLE_WORDS[me().role]})</span>
                </span>
                <button type="button" class="link-button" onClick={() => void leave()}>
                  Sign out
                </button>
              </div>
            </>
          )}
        </Show>
      </header>
      <ConnectionBanner />
      <main>
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
              return g.state === "signed-out" ? g : undefined
            })()}
          >
            {(g) => <SignIn signIn={g().signIn} why={g().why} />}
          </Match>
          <Match when={signedIn()}>{(me) => <Page me={me()} route={route()} />}</Match>
        </Switch>
      </main>
    </>
  )
}

/** The page the address names, when the person may open it. */
function Page(props: { readonly me: Me; readonly route: Route }) {
  return (
    <Suspense fallback={<p role="status">Loading the page…</p>}>
      <Switch fallback={<NotYours me={props.me} />}>
        <Match when={props.route.page === "home"}>
          <p role="status">Opening your page…</p>
        </Match>
        <Match when={mayOpen(props.me, props.route) && pageRoute(props.route, "rep")} keyed>
          {(r) => <RepWorkspace repId={r.repId} />}
        </Match>
        <Match when={mayOpen(props.me, props.route) && props.route.page === "admin"}>
          <AdminPage />
        </Match>
        <Match when={mayOpen(props.me, props.route) && props.route.page === "supervisor"}>
          <SupervisorPage />
        </Match>
      </Switch>
    </Suspense>
  )
}

/** The route when it is `page`; compared by value so a re-read hash does not remount the page. */
const pageRoute = <P extends Route["page"]>(route: Route, page: P) =>
  route.page === page ? (route as Extract<Route, { page: P }>) : undefined

/** Issue 21: signed out. The sign-in happens at the identity provider (or the demo's page). */
function SignIn(props: { readonly signIn: string; readonly why: string }) {
  const demo = () => props.signIn === "/auth/demo"
  return (
    <section class="card sign-in" aria-labelledby="sign-in-heading">
      <h1 id="sign-in-heading">Sign in</h1>
      <p role="status">{props.why}</p>
      <p>
        <a class="button primary" href={props.signIn}>
          {demo() ? "Demo sign-in (this machine only)" : "Sign in with your organisation"}
        </a>
      </p>
      <Show when={demo()}>
        <p class="muted">
          This node runs the local demo: pick any demo person. Real deployments sign in with the
          organisation's identity provider (docs/operations.md).
        </p>
      </Show>
    </section>
  )
}

/** A page the person may not open: said in words, with the way to their own page. */
function NotYours(props: { readonly me: Me }) {
  return (
    <section class="card" aria-labelledby="not-yours-heading">
      <h1 id="not-yours-heading">Not your page</h1>
      <p>
        You are signed in as {props.me.name} ({ROLE_WORDS[props.me.role]}); this page is not open to you.
      </p>
      <p>
        <a href={homeOf(props.me)}>Go to your page</a>
      </p>
    </section>
  )
}

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M3 12h4l2-5 4 10 2-5h6" />
    </svg>
  )
}
