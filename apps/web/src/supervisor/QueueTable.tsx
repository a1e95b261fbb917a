import type { ServiceLevelDay } from "@lifeline/client"
import type { QueueView } from "@lifeline/core/routing"
import { For, Index, Show } from "solid-js"
import { TableFrame } from "../app/TableFrame"
import { formatEwt, PRESENCE_COLUMNS } from "./format"
import { SlChart } from "./SlChart"

/** A queue as the live stream sends it to supervisors: the view plus pending callbacks (C5). */
export interface LiveQueue extends QueueView {
  readonly callbacksPending: number
}

/**
 * The queues live over SSE: waiting, EWT, pending callbacks, reps by presence; and issue 19's
 * service level today per queue, against its target (from GET /api/supervisor/service-level).
 */
export function QueueTable(props: {
  readonly queues: readonly LiveQueue[] | undefined
  readonly connected: boolean
  readonly emergencies: number
  readonly serviceLevel: ServiceLevelDay | undefined
}) {
  return (
    <section aria-labelledby="queues-heading" class="card">
      <h2 id="queues-heading">Queues</h2>
      <p role="status" aria-live="polite">
        {props.connected ? "Live" : "Connecting to the live stream…"}
        {/* E8: emergencies are a count only, never who or where. */}
        <Show when={props.emergencies > 0}> · Active emergency calls: {props.emergencies}</Show>
      </p>
      <Show when={props.queues} fallback={<p>Loading queues…</p>}>
        {(list) => <QueueRows queues={list()} serviceLevel={props.serviceLevel} />}
      </Show>
    </section>
  )
}

function QueueRows(props: {
  readonly queues: readonly LiveQueue[]
  readonly serviceLevel: ServiceLevelDay | undefined
}) {
  const seriesOf = (queueId: string) => props.serviceLevel?.queues.find((q) => q.queueId === queueId)
  return (
    <TableFrame label="Queues table">
      <table class="stack-on-phone">
        <caption>
          Waiting calls, estimated wait, pending callbacks, reps by presence and the service level today
        </caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Estimated wait</th>
            <th scope="col">Callbacks pending</th>
            <For each={PRESENCE_COLUMNS}>
              {(p) => (
                <th scope="col">
                  <span class={`presence-dot ${p.base}`} aria-hidden="true" /> {p.label}
                </th>
              )}
            </For>
            <th scope="col">Service level today</th>
          </tr>
        </thead>
        <tbody>
          {/* Index, not For: each message brings new objects; rows update in place instead. */}
          <Index
            each={props.queues}
            fallback={
              <tr>
                <td colSpan={5 + PRESENCE_COLUMNS.length}>No queues yet.</td>
              </tr>
            }
          >
            {(q) => (
              <tr>
                <th scope="row">{q().name}</th>
                <td data-label="Waiting">{q().waiting}</td>
                <td data-label="Estimated wait">{formatEwt(q().ewtMs)}</td>
                <td data-label="Callbacks pending">{q().callbacksPending}</td>
                <For each={PRESENCE_COLUMNS}>
                  {(p) => <td data-label={p.label}>{q().repsByPresence[p.base]}</td>}
                </For>
                <td data-label="Service level today" class="sl-cell">
                  <Show when={seriesOf(q().queueId)} fallback="…">
                    {(series) => (
                      <SlChart series={series()} intervalMs={props.serviceLevel?.intervalMs ?? 1} />
                    )}
                  </Show>
                </td>
              </tr>
            )}
          </Index>
        </tbody>
      </table>
    </TableFrame>
  )
}
