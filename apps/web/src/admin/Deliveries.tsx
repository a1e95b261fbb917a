import type { LifelineClient } from "@lifeline/client"
import type { RepView } from "@lifeline/core/center"
import { createResource, For, Show } from "solid-js"
import { TableFrame } from "../app/TableFrame"

const when = (ms: number | null) => (ms === null ? "—" : new Date(ms).toLocaleString())

/** B6: emergency notification delivery status, without content. */
export function Deliveries(props: { readonly api: LifelineClient; readonly reps: readonly RepView[] }) {
  const nameOf = (repId: string | null) =>
    repId === null ? "—" : (props.reps.find((r) => r.repId === repId)?.name ?? repId)
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
      <TableFrame label="Deliveries table">
        <table class="stack-on-phone">
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
                  <td data-label="Rep">{nameOf(d.repId ?? null)}</td>
                  <td data-label="To">{d.to.join("; ")}</td>
                  <td data-label="Status">{d.status}</td>
                  <td data-label="Attempts">{d.attempts}</td>
                  <td data-label="Queued">{when(d.queuedAt)}</td>
                  <td data-label="Next retry">{when(d.retryAt)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </TableFrame>
    </section>
  )
}
