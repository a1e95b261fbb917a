import { createSignal, Match, onCleanup, Switch } from "solid-js"
import { AdminPage } from "../admin/AdminPage"
import { RepWorkspace } from "../rep/RepWorkspace"
import { QueueTable } from "../supervisor/QueueTable"
import { apiKeyFor, parseRoute } from "./session"

/** The pages by address: `#/rep/<repId>`, `#/supervisor`, `#/admin` (see docs/web.md). */
export function App() {
  const [hash, setHash] = createSignal(location.hash)
  const onHash = () => setHash(location.hash)
  window.addEventListener("hashchange", onHash)
  onCleanup(() => window.removeEventListener("hashchange", onHash))
  const route = () => parseRoute(hash())
  return (
    <>
      <nav aria-label="Pages">
        <a href="#/rep/ana">Rep workspace</a> · <a href="#/supervisor">Supervisor</a> ·{" "}
        <a href="#/admin">Admin</a>
      </nav>
      <main>
        <Switch fallback={<Home />}>
          <Match
            when={(() => {
              const r = route()
              return r.page === "rep" ? r : undefined
            })()}
            keyed
          >
            {(r) => <RepWorkspace repId={r.repId} apiKey={apiKeyFor(r)} />}
          </Match>
          <Match when={route().page === "admin"}>
            <AdminPage apiKey={apiKeyFor(route())} />
          </Match>
          <Match when={route().page === "supervisor"}>
            <h1>Supervisor</h1>
            <QueueTable apiKey={apiKeyFor(route())} />
          </Match>
        </Switch>
      </main>
    </>
  )
}

function Home() {
  return (
    <>
      <h1>Lifeline</h1>
      <p>Pick a page above. In the local demo the keys are chosen for you (docs/web.md).</p>
    </>
  )
}
