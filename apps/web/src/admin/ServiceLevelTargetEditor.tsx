import { LifelineApiError, type LifelineClient, type ServiceLevelTarget } from "@lifeline/client"
import type { QueueView } from "@lifeline/core/routing"
import { createResource, createSignal, For, Show } from "solid-js"
import { reasonOf } from "../app/session"

type Field = "share" | "thresholdMs"

/** The API's field at fault, when the refusal names one of this form's. */
const fieldOf = (error: unknown): Field | undefined =>
  error instanceof LifelineApiError && (error.field === "share" || error.field === "thresholdMs")
    ? error.field
    : undefined

/** The API's limits said in the form's own units (it speaks of a share 0 to 1 and milliseconds). */
const WORDS: Record<Field, string> = {
  share: "the share answered in time must be from 0 to 100 %",
  thresholdMs: "the time must be from 1 to 3600 seconds",
}

const pathOf = (queueId: string) => `/api/queues/${encodeURIComponent(queueId)}/service-level-target`

/**
 * Issue 19: a queue's service-level target (the supervisor's chart and breach alert compare
 * against it), edited as a percentage and seconds; it shows 80 % in 20 s until an admin sets it.
 * The API is the one judge of the values (no browser limits that would say it differently): a
 * field it refuses is marked invalid and its message is said in the form's status.
 */
export function ServiceLevelTargetEditor(props: {
  readonly api: LifelineClient
  readonly queues: readonly QueueView[]
}) {
  const [queueId, setQueueId] = createSignal(props.queues[0]?.queueId ?? "")
  const [percent, setPercent] = createSignal("")
  const [seconds, setSeconds] = createSignal("")
  const [status, setStatus] = createSignal("")
  const [invalid, setInvalid] = createSignal<Field>()
  const show = (target: ServiceLevelTarget) => {
    setPercent(String(Math.round(target.share * 1000) / 10))
    setSeconds(String(target.thresholdMs / 1000))
    setInvalid(undefined)
  }
  const [loaded] = createResource(queueId, async (id) => {
    show(await props.api.call<ServiceLevelTarget>("GET", pathOf(id)))
    return true
  })
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      const saved = await props.api.call<ServiceLevelTarget>("PUT", pathOf(queueId()), {
        share: Number(percent()) / 100,
        thresholdMs: Math.round(Number(seconds()) * 1000),
      })
      show(saved)
      setStatus(`Target saved: ${percent()} % of calls answered within ${seconds()} s.`)
    } catch (error) {
      const field = fieldOf(error)
      setInvalid(field)
      setStatus(`Not saved: ${field === undefined ? reasonOf(error) : WORDS[field]}.`)
    }
  }
  return (
    <section aria-labelledby="sl-target-heading">
      <h2 id="sl-target-heading">Service-level target</h2>
      <form onSubmit={(e) => void save(e)}>
        <label for="sl-target-queue">Queue</label>
        <select id="sl-target-queue" onChange={(e) => setQueueId(e.currentTarget.value)}>
          <For each={props.queues}>{(q) => <option value={q.queueId}>{q.name}</option>}</For>
        </select>
        <Show when={loaded.error}>
          <p class="problem">Could not load this queue's target.</p>
        </Show>
        <label for="sl-target-share">Calls answered in time (%)</label>
        <input
          id="sl-target-share"
          type="number"
          step="any"
          value={percent()}
          aria-invalid={invalid() === "share"}
          onInput={(e) => setPercent(e.currentTarget.value)}
        />
        <label for="sl-target-seconds">Within (seconds)</label>
        <input
          id="sl-target-seconds"
          type="number"
          step="any"
          value={seconds()}
          aria-invalid={invalid() === "thresholdMs"}
          onInput={(e) => setSeconds(e.currentTarget.value)}
        />
        <p class="muted">Every queue aims at 80 % within 20 s until you set its own target.</p>
        <button type="submit" class="primary">
          Save target
        </button>
        <p role="status">{status()}</p>
      </form>
    </section>
  )
}
