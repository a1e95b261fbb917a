import { For, Index, Show } from "solid-js"
import { formatEwt, PRESENCE_COLUMNS } from "./format"
import { createPoll } from "./poll"
import { fetchQueues, type QueueView } from "./queues-api"

const REFRESH_MS = 2_000

/** The queues at a glance, refreshed every 2 s; the seed of the supervisor view. */
export function QueueTable() {
  const queues = createPoll(fetchQueues, REFRESH_MS)
  return (
    <section aria-labelledby="queues-heading">
      <h2 id="queues-heading">Queues</h2>
      <p role="status" aria-live="polite">
        <Show when={queues.error()}>{(error) => `Could not refresh the queues: ${error()}`}</Show>
      </p>
      <Show
        when={queues.data()}
        fallback={
          <Show when={queues.error() === undefined}>
            <p>Loading queues…</p>
          </Show>
        }
      >
        {(list) => <QueueRows queues={list()} />}
      </Show>
    </section>
  )
}

function QueueRows(props: { readonly queues: readonly QueueView[] }) {
  return (
    <table>
      <caption>Waiting calls, estimated wait for a new call, and reps by presence</caption>
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Waiting</th>
          <th scope="col">Estimated wait</th>
          <For each={PRESENCE_COLUMNS}>{(p) => <th scope="col">{p.label}</th>}</For>
        </tr>
      </thead>
      <tbody>
        {/* Index, not For: each refresh brings new objects; rows update in place instead. */}
        <Index
          each={props.queues}
          fallback={
            <tr>
              <td colSpan={3 + PRESENCE_COLUMNS.length}>No queues yet.</td>
            </tr>
          }
        >
          {(q) => (
            <tr>
              <th scope="row">{q().name}</th>
              <td>{q().waiting}</td>
              <td>{formatEwt(q().ewtMs)}</td>
              <For each={PRESENCE_COLUMNS}>{(p) => <td>{q().repsByPresence[p.base]}</td>}</For>
            </tr>
          )}
        </Index>
      </tbody>
    </table>
  )
}
