import type { LifelineClient } from "@lifeline/client"
import type { RepView } from "@lifeline/core/center"
import type { QueueView } from "@lifeline/core/routing"
import { createSignal, For, Show } from "solid-js"
import { createProblem, offline } from "../app/connection"
import { Icon } from "../app/icons"
import { presenceWords } from "../app/presence"
import { reasonOf } from "../app/session"

/**
 * R3: a queue's member reps, added and removed through the API (POST /api/queues/:id/members,
 * DELETE /api/queues/:id/members/:repId). Who is a member is read from the reps (each names its
 * queues): the queue view does not list members.
 */
export function QueueMembers(props: {
  readonly api: LifelineClient
  readonly queues: readonly QueueView[]
  readonly reps: readonly RepView[]
  readonly reload: () => Promise<void>
}) {
  const [queueId, setQueueId] = createSignal(props.queues[0]?.queueId ?? "")
  const [adding, setAdding] = createSignal("")
  const [problem, setProblem] = createProblem()
  const [status, setStatus] = createSignal("")
  const members = () => props.reps.filter((r) => r.queues.includes(queueId()))
  const others = () => props.reps.filter((r) => !r.queues.includes(queueId()))
  const queueName = () => props.queues.find((q) => q.queueId === queueId())?.name ?? queueId()
  const change = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what()
      setProblem(undefined)
      setStatus(done)
      await props.reload()
    } catch (e) {
      setStatus("")
      setProblem(`Not changed: ${reasonOf(e)}`)
    }
  }
  const add = (e: SubmitEvent) => {
    e.preventDefault()
    const rep = props.reps.find((r) => r.repId === (adding() || others()[0]?.repId))
    if (rep === undefined) return
    void change(() => props.api.addMember(queueId(), rep.repId), `${rep.name} added to ${queueName()}.`)
  }
  const remove = (rep: RepView) =>
    void change(
      () =>
        props.api.call(
          "DELETE",
          `/api/queues/${encodeURIComponent(queueId())}/members/${encodeURIComponent(rep.repId)}`,
        ),
      `${rep.name} removed from ${queueName()}.`,
    )
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Queue members</h2>
      <label for="members-queue">Queue</label>
      <select id="members-queue" onChange={(e) => setQueueId(e.currentTarget.value)}>
        <For each={props.queues}>{(q) => <option value={q.queueId}>{q.name}</option>}</For>
      </select>
      <ul class="members" aria-label={`Members of ${queueName()}`}>
        <For each={members()} fallback={<li>No members: calls in this queue wait.</li>}>
          {(rep) => (
            <li>
              <span>
                <span class={`presence-dot ${rep.base}`} aria-hidden="true" /> {rep.name}{" "}
                <span class="muted">({presenceWords(rep.base)})</span>
              </span>
              <button
                type="button"
                disabled={offline()}
                onClick={() => remove(rep)}
                aria-label={`Remove ${rep.name}`}
              >
                <Icon name="trash" />
                Remove
              </button>
            </li>
          )}
        </For>
      </ul>
      <Show when={others().length > 0}>
        <form class="actions" onSubmit={add}>
          <label for="members-add" class="visually-hidden">
            Rep to add
          </label>
          <select id="members-add" onChange={(e) => setAdding(e.currentTarget.value)}>
            <For each={others()}>{(r) => <option value={r.repId}>{r.name}</option>}</For>
          </select>
          <button type="submit" disabled={offline()}>
            <Icon name="plus" />
            Add member
          </button>
        </form>
      </Show>
      <p role="status">{status()}</p>
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
    </section>
  )
}
