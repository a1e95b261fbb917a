import type { LifelineClient } from "@lifeline/api/client"
import { createResource, For, Show } from "solid-js"

const when = (ms: number | null) => (ms === null ? "—" : new Date(ms).toLocaleString())

/** B6: emergency notification delivery status, without content. */
export function Deliveries(props: { readonly api: LifelineClient }) {
  const [list, { refetch }] = createResource(() => props.api.emergencyNotifications())
  return (
    <section aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Notification deliveries</h2>
      <button type="button" onClick={() => void refetch()}>
        Reload deliveries
      </button>
      <Show when={list.error}>
        <p class="problem">Could not load the deliveries.</p>
      </Show>
      <table>
        <caption>Emergency notification emails: to whom, status and attempts</caption>
        <thead>
          <tr>
            <th scope="col">Rep</th>
            <th scope="col">To</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Queued</th>
            <th scope="col">Next retry</th>
          </tr>
        </thead>
        <tbody>
          <For
            each={list() ?? []}
            fallback={
              <tr>
                <td colSpan={6}>No notifications sent yet.</td>
              </tr>
            }
          >
            {(d) => (
              <tr>
                <td>{d.repId ?? "—"}</td>
                <td>{d.to.join("; ")}</td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{when(d.queuedAt)}</td>
                <td>{when(d.retryAt)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  )
}
