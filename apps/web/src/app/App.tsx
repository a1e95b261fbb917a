import { createSignal, lazy, Match, onCleanup, Suspense, Switch } from "solid-js"
import { RepWorkspace } from "../rep/RepWorkspace"
import { ConnectionBanner } from "./ConnectionBanner"
import { KeyGate } from "./KeyGate"
import { parseRoute, type Route } from "./session"

// Issue 19: the admin page (which brings the core's rules, hence Effect) and the supervisor page
// load on demand, so the rep's page stays small.
const AdminPage = lazy(() => import("../admin/AdminPage").then((m) => ({ default: m.AdminPage })))
const SupervisorPage = lazy(() =>
  import("../supervisor/SupervisorPage").then((m) => ({ default: m.SupervisorPage })),
)

const PAGES = [
  { href: "#/rep/ana", page: "rep", label: "Rep workspace" },
  { href: "#/supervisor", page: "supervisor", label: "Supervisor" },
  { href: "#/admin", page: "admin", label: "Admin" },
] as const

/** The pages by address: `#/rep/<repId>`, `#/supervisor`, `#/admin` (see docs/web.md). */
export function App() {
  const [hash, setHash] = createSignal(location.hash)
  const onHash = () => setHash(location.hash)
  window.addEventListener("hashchange", onHash)
  onCleanup(() => window.removeEventListener("hashchange", onHash))
  const route = () => parseRoute(hash())
  return (
    <>
      <header class="topbar">
        <a class="brand" href="#/">
          <Logo /> Lifeline
        </a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li>
                <a href={p.href} aria-current={route().page === p.page ? "page" : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <ConnectionBanner />
      <main>
        <Suspense fallback={<p role="status">Loading the page…</p>}>
          <Switch fallback={<Home />}>
            <Match when={pageRoute(route(), "rep")} keyed>
              {(r) => <KeyGate route={r}>{(key) => <RepWorkspace repId={r.repId} apiKey={key} />}</KeyGate>}
            </Match>
            <Match when={pageRoute(route(), "admin")} keyed>
              {(r) => <KeyGate route={r}>{(key) => <AdminPage apiKey={key} />}</KeyGate>}
            </Match>
            <Match when={pageRoute(route(), "supervisor")} keyed>
              {(r) => <KeyGate route={r}>{(key) => <SupervisorPage apiKey={key} />}</KeyGate>}
            </Match>
          </Switch>
        </Suspense>
      </main>
    </>
  )
}

/** The route when it is `page`; compared by value so a re-read hash does not remount the page. */
const pageRoute = <P extends Route["page"]>(route: Route, page: P) =>
  route.page === page ? (route as Extract<Route, { page: P }>) : undefined

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M3 12h4l2-5 4 10 2-5h6" />
    </svg>
  )
}

function Home() {
  return (
    <section class="card">
      <h1>Lifeline</h1>
      <p>Pick a page above. In the local demo the keys are chosen for you (docs/web.md).</p>
    </section>
  )
}
