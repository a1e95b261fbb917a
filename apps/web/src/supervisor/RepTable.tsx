import type { SupervisorRep } from "@lifeline/client"
import { For, Show } from "solid-js"
import { presenceLabel } from "../app/presence"
import { TableFrame } from "../app/TableFrame"
import { formatDuration, useNow } from "../app/time"
import { workWords } from "./format"

/**
 * Issue 19: each rep of the supervisor's queues: presence in words with its colour dot, time in
 * that presence (ticking), and the routed work it has with its time. Times count on the server's
 * clock (`serverNow`): the server may run a virtual or skewed clock. E8: a rep in an emergency
 * call reads "Do not disturb" like any other, with no work.
 */
export function RepTable(props: {
  readonly reps: readonly SupervisorRep[] | undefined
  readonly serverNow: () => number
}) {
  const now = useNow()
  const since = (at: number) => {
    now()
    return formatDuration(props.serverNow() - at)
  }
  return (
    <section aria-labelledby="reps-heading" class="card">
      <h2 id="reps-heading">Reps</h2>
      <Show when={props.reps} fallback={<p>Loading reps…</p>}>
        {(reps) => (
          <TableFrame label="Reps table">
            <table class="stack-on-phone">
              <caption>Each rep's presence, time in it, and current work</caption>
              <thead>
                <tr>
                  <th scope="col">Rep</th>
                  <th scope="col">Presence</th>
                  <th scope="col">Time in presence</th>
                  <th scope="col">Current work</th>
                </tr>
              </thead>
              <tbody>
                <For
                  each={reps()}
                  fallback={
                    <tr>
                      <td colSpan={4}>No reps in your queues.</td>
                    </tr>
                  }
                >
                  {(rep) => (
                    <tr>
                      <th scope="row">{rep.name}</th>
                      <td data-label="Presence">
                        {/* One piece, so a phone's stacked row keeps the dot beside its words. */}
                        <span>
                          <span class={`presence-dot ${rep.base}`} aria-hidden="true" />{" "}
                          {presenceLabel(rep.presenceLabel, rep.base)}
                        </span>
                      </td>
                      <td data-label="Time in presence">
                        {rep.presenceSince === null ? "not known" : since(rep.presenceSince)}
                      </td>
                      <td data-label="Current work">
                        <Show when={rep.work.length > 0} fallback="None">
                          <ul class="rep-work">
                            <For each={rep.work}>
                              {(w) => (
                                <li>
                                  {workWords(w)} · {since(w.since)}
                                </li>
                              )}
                            </For>
                          </ul>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </TableFrame>
        )}
      </Show>
    </section>
  )
}
