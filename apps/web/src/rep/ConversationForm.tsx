import type { LifelineClient } from "@lifeline/api/client"
import { createSignal, For, Show } from "solid-js"
import { reasonOf } from "../app/session"
import type { Desk, Work } from "./desk"

const notesKey = (itemId: string) => `lifeline.notes.${itemId}`

/**
 * The active conversation form: notes for each piece of accepted work (kept in this browser),
 * Complete to finish it. E7: during an emergency call it shows no Save and no Refresh.
 */
export function ConversationForm(props: { readonly api: LifelineClient; readonly desk: Desk }) {
  const emergency = () => props.desk.view()?.emergency != null
  const work = () => props.desk.view()?.work ?? []
  return (
    <section aria-labelledby="conversation-heading" class="conversation">
      <h2 id="conversation-heading">Active conversation</h2>
      <For each={work()} fallback={<p>No conversation in progress.</p>}>
        {(item) => <WorkForm api={props.api} desk={props.desk} item={item} emergency={emergency()} />}
      </For>
    </section>
  )
}

function WorkForm(props: {
  readonly api: LifelineClient
  readonly desk: Desk
  readonly item: Work
  readonly emergency: boolean
}) {
  const [notes, setNotes] = createSignal(globalThis.localStorage?.getItem(notesKey(props.item.itemId)) ?? "")
  const [status, setStatus] = createSignal("")
  const id = `notes-${props.item.itemId}`
  const save = () => {
    globalThis.localStorage?.setItem(notesKey(props.item.itemId), notes())
    setStatus("Notes saved.")
  }
  const complete = async () => {
    try {
      await props.api.complete(props.item.itemId)
      globalThis.localStorage?.removeItem(notesKey(props.item.itemId))
    } catch (e) {
      setStatus(reasonOf(e))
    }
    await props.desk.reload()
  }
  return (
    <form class="work" aria-label={`Conversation ${props.item.itemId}`} onSubmit={(e) => e.preventDefault()}>
      <h3>
        {props.item.kind === "callback" ? "Callback" : "Call"} {props.item.itemId} · queue{" "}
        {props.item.queueId}
      </h3>
      <Show when={props.item.kind === "callback"}>
        <p>Dialling the customer: you are connected when they answer.</p>
      </Show>
      <label for={id}>Notes</label>
      <textarea id={id} rows={3} value={notes()} onInput={(e) => setNotes(e.currentTarget.value)} />
      <div class="actions">
        <Show when={!props.emergency}>
          <button type="button" onClick={save}>
            Save
          </button>
          <button type="button" onClick={() => void props.desk.reload()}>
            Refresh
          </button>
        </Show>
        <button type="button" onClick={() => void complete()}>
          Complete
        </button>
      </div>
      <p role="status">{status()}</p>
    </form>
  )
}
