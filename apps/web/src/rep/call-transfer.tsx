import type { LifelineClient, TransferTarget } from "@lifeline/client"
import { createSignal, For, Show } from "solid-js"
import { offline, Unreachable } from "../app/connection"

export interface Named {
  readonly id: string
  readonly name: string
}

/** Where a call can be transferred: queues and reps by name, as far as the rep may read them. */
export interface Targets {
  readonly queues: readonly Named[]
  readonly reps: readonly Named[]
}

/** A list the rep's role may not read (a refusal) is an empty list: the other one still shows. */
const readable = async <A,>(read: () => Promise<readonly A[]>): Promise<readonly A[]> => {
  try {
    return await read()
  } catch (e) {
    if (e instanceof Unreachable) throw e
    return []
  }
}

/**
 * W1: the transfer targets, read once when the first call shows: the queues and the other reps
 * the API lets this rep read. The queues the rep's own calls came through are always offered
 * (their names come with the call), so a rep that may list nothing still transfers to them.
 */
export const createTargets = (api: LifelineClient, repId: () => string | undefined) => {
  const [targets, setTargets] = createSignal<Targets>({ queues: [], reps: [] })
  let asked = false
  const ensure = () => {
    if (asked) return
    asked = true
    void Promise.all([readable(() => api.queues()), readable(() => api.reps())])
      .then(([queues, reps]) =>
        setTargets({
          queues: queues.map((q) => ({ id: q.queueId, name: q.name })),
          reps: reps.filter((r) => r.repId !== repId()).map((r) => ({ id: r.repId, name: r.name })),
        }),
      )
      .catch(() => {
        // Unreachable: asked again the next time a call shows.
        asked = false
      })
  }
  /** A queue's or a rep's name, when the targets know it. */
  const nameOf = (id: string): string | undefined =>
    [...targets().queues, ...targets().reps].find((t) => t.id === id)?.name
  return { targets, ensure, nameOf }
}

export type TransferTargets = ReturnType<typeof createTargets>

/** The option value of a target: `queue:billing`, `rep:ben`. */
const optionValue = (kind: "queue" | "rep", id: string) => `${kind}:${id}`

const targetOf = (value: string): TransferTarget | undefined => {
  const [kind, ...rest] = value.split(":")
  const id = rest.join(":")
  if (id === "") return undefined
  return kind === "queue" ? { queueId: id } : { repId: id }
}

/**
 * W1: Transfer to a queue (the caller is routed there again) or to a rep (offered to them),
 * picked by name. `also` are queues known from the rep's own calls.
 */
export function TransferPicker(props: {
  readonly id: string
  readonly targets: TransferTargets
  readonly also: readonly Named[]
  readonly busy: boolean
  readonly transfer: (target: TransferTarget) => void
}) {
  const [picked, setPicked] = createSignal("")
  const [missing, setMissing] = createSignal(false)
  const queues = () => {
    const listed = props.targets.targets().queues
    return [...listed, ...props.also.filter((q) => !listed.some((l) => l.id === q.id))]
  }
  const submit = () => {
    const target = targetOf(picked())
    setMissing(target === undefined)
    if (target === undefined) document.getElementById(props.id)?.focus()
    else props.transfer(target)
  }
  return (
    <div class="transfer">
      <label for={props.id}>Transfer to</label>
      <div class="transfer-row">
        <select
          id={props.id}
          aria-invalid={missing()}
          aria-describedby={missing() ? `${props.id}-problem` : undefined}
          onChange={(e) => {
            setPicked(e.currentTarget.value)
            setMissing(false)
          }}
        >
          <option value="">Choose a queue or a rep…</option>
          <optgroup label="Queues">
            <For each={queues()}>{(q) => <option value={optionValue("queue", q.id)}>{q.name}</option>}</For>
          </optgroup>
          <Show when={props.targets.targets().reps.length > 0}>
            <optgroup label="Reps">
              <For each={props.targets.targets().reps}>
                {(r) => <option value={optionValue("rep", r.id)}>{r.name}</option>}
              </For>
            </optgroup>
          </Show>
        </select>
        <button type="button" disabled={props.busy || offline()} onClick={submit}>
          Transfer
        </button>
      </div>
      <Show when={missing()}>
        <p id={`${props.id}-problem`} class="problem">
          Transfer to: choose a queue or a rep first.
        </p>
      </Show>
    </div>
  )
}
