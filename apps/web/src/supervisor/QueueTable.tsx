import type { QueueView } from "@lifeline/core"
import { createSignal, For, Index, Show } from "solid-js"
import { followLive } from "../app/live"
import { TableFrame } from "../app/TableFrame"
import { formatEwt, PRESENCE_COLUMNS } from "./format"

/** A queue as the live stream sends it to supervisors: the view plus pending callbacks (C5). */
export interface LiveQueue extends QueueView {
  readonly callbacksPending: number
}

/** The queues live over SSE: waiting, EWT, pending callbacks, reps by presence. */
export function QueueTable() {
  const [queues, setQueues] = createSignal<readonly LiveQueue[]>()
  const [emergencies, setEmergencies] = createSignal(0)
  const [connected, setConnected] = createSignal(false)
  followLive({
    queues: (data) => {
      setQueues(data as LiveQueue[])
      setConnected(true)
    },
    emergencies: (data) => setEmergencies((data as { activeEmergencies: number }).activeEmergencies),
    onOpen: () => setConnected(true),
    onError: () => setConnected(false),
  })
  return (
    <section aria-labelledby="queues-heading" class="card">
      <h2 id="queues-heading">Queues</h2>
      <p role="status" aria-live="polite">
        {connected() ? "Live" : "Connecting to the live stream…"}
        <Show when={emergencies() > 0}> · Active emergency calls: {emergencies()}</Show>
      </p>
      <Show when={queues()} fallback={<p>Loading queues…</p>}>
        {(list) => <QueueRows queues={list()} />}
      </Show>
    </section>
  )
}

function QueueRows(props: { readonly queues: readonly LiveQueue[] }) {
  return (
    <TableFrame label="Queues table">
      <table class="stack-on-phone">
        <caption>Waiting calls, estimated wait, pending callbacks and reps by presence</caption>
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
          </tr>
        </thead>
        <tbody>
          {/* Index, not For: each message brings new objects; rows update in place instead. */}
          <Index
            each={props.queues}
            fallback={
              <tr>
                <td colSpan={4 + PRESENCE_COLUMNS.length}>No queues yet.</td>
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
              </tr>
            )}
          </Index>
        </tbody>
      </table>
    </TableFrame>
  )
}
