import type { CallView, LifelineClient } from "@lifeline/client"
import { createMemo, createSignal, For, Show } from "solid-js"
import { offline } from "../app/connection"
import { reasonOf } from "../app/session"
import { formatDuration, useNow } from "../app/time"
import { CallBody } from "./call-panel"
import { createTargets, type TransferTargets } from "./call-transfer"
import { callTitle } from "./call-words"
import type { CallbackProgress, Desk, Work } from "./desk"
import { queueName } from "./words"

const notesKey = (itemId: string) => `lifeline.notes.${itemId}`

const PROGRESS_WORDS: Readonly<Record<"dialling" | "connected", string>> = {
  dialling: "Dialling the customer…",
  connected: "Connected",
}

/** How an ended callback went, with its times (server clock: no browser clock involved). */
const endedWords = (p: CallbackProgress): string =>
  p.connectedAt === null
    ? `Ended after ${formatDuration(p.at - p.dialledAt)} of ringing: the customer was not reached.`
    : `${p.customerHungUp ? "The customer hung up" : "Ended"}: connected for ${formatDuration(p.at - p.connectedAt)}, answered after ${formatDuration(p.connectedAt - p.dialledAt)}.`

/** A conversation's key: its work item, or the call id of an outbound call (which has no item). */
const keyOfCall = (call: CallView): string =>
  call.itemId === null ? `call:${call.callId}` : `item:${call.itemId}`
const keyOfWork = (item: Work): string => `item:${item.itemId}`
/** The heading Accept (IncomingWork) and the dialer move focus to: the work's, or the outbound call's. */
const headingOf = (call: CallView): string =>
  call.itemId === null ? `call-${call.callId}` : `work-${call.itemId}`

/**
 * The active conversation: each piece of accepted work and each call of the rep, once. W1: a
 * routed or outbound call shows its call panel (state, timer, controls, then the wrap-up stored
 * by the API); work with no call behind it (a callback, the demo's seeded items) keeps the notes
 * form (notes in this browser) and Complete. E7: during an emergency call the form shows no Save
 * and no Refresh. Issue 19: a callback shows Dialling -> Connected -> Ended from the rep's stream.
 */
export function ConversationForm(props: { readonly api: LifelineClient; readonly desk: Desk }) {
  const emergency = () => props.desk.view()?.emergency != null
  const work = () => props.desk.view()?.work ?? []
  const calls = () => props.desk.view()?.calls ?? []
  const targets = createTargets(props.api, () => props.desk.view()?.rep.repId)
  /**
   * Conversation keys in order (work first, then calls without work): strings, so a row and its
   * focus and typed wrap-up survive every reload, and an item keeps its row when its call shows.
   */
  const keys = createMemo(() => [...new Set([...work().map(keyOfWork), ...calls().map(keyOfCall)])], [], {
    equals: (a, b) => a.length === b.length && a.every((k, i) => k === b[i]),
  })
  /** Callbacks that ended and left the rep's work (not answered, or closed): shown until dismissed. */
  const endedElsewhere = () =>
    [...props.desk.callbacks()].filter(
      ([itemId, p]) => p.state === "ended" && !work().some((w) => w.itemId === itemId),
    )
  return (
    <section aria-labelledby="conversation-heading" class="card conversation">
      <h2 id="conversation-heading">Active conversation</h2>
      <Show when={props.desk.view()?.calls === null}>
        <p class="problem">Your calls could not be read just now; they show again with the next update.</p>
      </Show>
      <For each={keys()} fallback={<p class="muted">No conversation in progress.</p>}>
        {(key) => (
          <Conversation
            api={props.api}
            desk={props.desk}
            targets={targets}
            conversationKey={key}
            emergency={emergency()}
          />
        )}
      </For>
      <For each={endedElsewhere()}>
        {([itemId, p]) => (
          <fieldset class="work ended">
            <legend>Callback ended</legend>
            <p class="call-state" data-state="ended">
              {endedWords(p)}
            </p>
            <button type="button" onClick={() => props.desk.forgetCallback(itemId)}>
              Dismiss
            </button>
          </fieldset>
        )}
      </For>
    </section>
  )
}

/** One conversation: its call panel when the API handles a call for it, else the work form. */
function Conversation(props: {
  readonly api: LifelineClient
  readonly desk: Desk
  readonly targets: TransferTargets
  readonly conversationKey: string
  readonly emergency: boolean
}) {
  const item = () => (props.desk.view()?.work ?? []).find((w) => keyOfWork(w) === props.conversationKey)
  const call = () => (props.desk.view()?.calls ?? []).find((c) => keyOfCall(c) === props.conversationKey)
  return (
    <Show
      when={call()}
      fallback={
        <Show when={item()}>
          {(w) => <WorkForm api={props.api} desk={props.desk} item={w()} emergency={props.emergency} />}
        </Show>
      }
    >
      {(c) => (
        <article class="work call-work" aria-labelledby={headingOf(c())}>
          <h3 id={headingOf(c())} tabIndex={-1}>
            {callTitle(c())}
          </h3>
          <CallBody
            api={props.api}
            desk={props.desk}
            panelId={headingOf(c())}
            call={c()}
            targets={props.targets}
            emergency={props.emergency}
          />
        </article>
      )}
    </Show>
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
  const now = useNow()
  const id = `notes-${props.item.itemId}`
  const save = () => {
    globalThis.localStorage?.setItem(notesKey(props.item.itemId), notes())
    setStatus("Notes saved in this browser.")
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
  /** Time since `at` (server time), on the server's clock when the stream has told it. */
  const since = (at: number | null) => {
    void now()
    const serverNow = props.desk.serverNow()
    return at === null || serverNow === undefined ? undefined : formatDuration(serverNow - at)
  }
  const progress = () => props.desk.callbacks().get(props.item.itemId)
  const callback = props.item.kind === "callback"
  return (
    <form
      class="work"
      aria-label={`${callback ? "Callback" : "Call"} in queue ${queueName(props.item.queueId)}`}
      onSubmit={(e) => e.preventDefault()}
    >
      <h3 id={`work-${props.item.itemId}`} tabIndex={-1}>
        {callback ? "Callback" : "Call"} · {queueName(props.item.queueId)}
      </h3>
      <Show
        when={callback}
        fallback={
          <p class="call-state" data-state="connected">
            Connected<Show when={since(props.item.acceptedAt)}>{(t) => ` · ${t()}`}</Show>
          </p>
        }
      >
        <Show
          when={progress()}
          fallback={
            <p class="call-state">Callback accepted: the customer is dialled and joins when they answer.</p>
          }
        >
          {(p) => (
            <p class="call-state" data-state={p().state} role="status">
              {p().state === "ended"
                ? endedWords(p())
                : PROGRESS_WORDS[p().state as "dialling" | "connected"]}
              {p().state === "dialling" ? ` · ringing ${since(p().dialledAt) ?? ""}` : ""}
              {p().state === "connected"
                ? ` · ${since(p().at) ?? ""} (answered after ${formatDuration(p().at - p().dialledAt)})`
                : ""}
            </p>
          )}
        </Show>
      </Show>
      <label for={id}>Notes</label>
      <textarea id={id} rows={3} value={notes()} onInput={(e) => setNotes(e.currentTarget.value)} />
      <div class="actions">
        <Show when={!props.emergency}>
          <button type="button" onClick={save}>
            Save
          </button>
          <button type="button" disabled={offline()} onClick={() => void props.desk.reload()}>
            Refresh
          </button>
        </Show>
        <button type="button" class="primary" disabled={offline()} onClick={() => void complete()}>
          Complete
        </button>
      </div>
      <p role="status">{status()}</p>
    </form>
  )
}
