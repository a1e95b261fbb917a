import type { CallView, Disposition, LifelineClient, TransferTarget } from "@lifeline/client"
import { createSignal, For, onMount, Show } from "solid-js"
import { createProblem, offline } from "../app/connection"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import { formatDuration, useNow } from "../app/time"
import { TransferPicker, type TransferTargets } from "./call-transfer"
import { callQueue, endedWords, knownAttributes, otherParty, STATE_WORDS } from "./call-words"
import { WrapUpForm, wrapUpFirstField } from "./call-wrap-up"
import type { Desk } from "./desk"

type CallAction = "holdCall" | "resumeCall" | "muteCall" | "unmuteCall" | "endCall"

/**
 * One request about a call. routes-calls.ts builds the action routes with a `string` path, which
 * hides `{callId}` (and the required bodies) from the client's types, so the input is cast here.
 */
const callRequest = (
  api: LifelineClient,
  operation: CallAction | "transferCall" | "wrapUpCall",
  callId: string,
  body?: TransferTarget | { readonly disposition: Disposition; readonly notes: string },
): Promise<CallView> =>
  api.request(operation, { params: { callId }, ...(body === undefined ? {} : { body }) } as never)

/**
 * Time since `at` (the server's clock): from the server's time when the stream has told it,
 * else from when this page first saw `at` (a virtual or skewed server clock does not matter).
 */
const createElapsed = (desk: Desk, at: () => number) => {
  const now = useNow()
  const firstSeen = new Map<number, number>()
  return () => {
    const local = now()
    const since = at()
    const serverNow = desk.serverNow()
    if (serverNow !== undefined) return formatDuration(serverNow - since)
    if (!firstSeen.has(since)) firstSeen.set(since, local)
    return formatDuration(local - (firstSeen.get(since) ?? local))
  }
}

/** After the rep's wrap-up: the next ringing work, else the next conversation, else the presence. */
const focusNext = () => {
  const next =
    document.querySelector<HTMLElement>("article.offer button.primary") ??
    document.querySelector<HTMLElement>(".conversation h3[tabindex]") ??
    document.getElementById("presence")
  next?.focus()
}

/**
 * W1: one call of the rep: who is calling (or whom the rep called), its queue and time waited,
 * its state with a timer since the state began, and Hold/Resume, Mute, Transfer, End; once it
 * ended (by the rep, the caller, or a transfer) the wrap-up, saved to the API. `panelId` names the
 * panel's elements (the item id, or the call id of an outbound call).
 */
export function CallBody(props: {
  readonly api: LifelineClient
  readonly desk: Desk
  readonly panelId: string
  readonly call: CallView
  readonly targets: TransferTargets
  /** E7: while the rep's emergency call is up the form shows no Save. */
  readonly emergency: boolean
}) {
  const [problem, setProblem] = createProblem()
  const [busy, setBusy] = createSignal(false)
  const elapsed = createElapsed(props.desk, () => props.call.since)
  const ended = () => props.call.state === "ended"
  /** Controls stay enabled while a request runs (disabling would drop focus); a second press waits. */
  const up = () => !offline()
  const onHold = () => props.call.state === "on_hold"
  onMount(props.targets.ensure)
  /** One request of the rep, then the desk reloads; `after` moves focus once the page shows its result. */
  const run = async (request: () => Promise<unknown>, after?: () => void) => {
    if (busy()) return
    setBusy(true)
    let done = false
    try {
      await request()
      setProblem(undefined)
      done = true
    } catch (e) {
      setProblem(reasonOf(e))
    }
    await props.desk.reload()
    setBusy(false)
    if (done) after?.()
  }
  const act = (action: CallAction, after?: () => void) =>
    void run(() => callRequest(props.api, action, props.call.callId), after)
  const toWrapUp = () => document.getElementById(wrapUpFirstField(props.panelId))?.focus()
  const transfer = (target: TransferTarget) =>
    void run(() => callRequest(props.api, "transferCall", props.call.callId, target), toWrapUp)
  const save = (disposition: Disposition, notes: string) =>
    // The API completes the routed work with the wrap-up (R2: the rep's capacity is freed).
    void run(() => callRequest(props.api, "wrapUpCall", props.call.callId, { disposition, notes }), focusNext)
  const queue = () => callQueue(props.call)
  const ownQueue = () => {
    const { queueId } = props.call
    return queueId === null ? [] : [{ id: queueId, name: queue() ?? queueId }]
  }
  return (
    <div class="call-body" data-state={props.call.state}>
      <dl class="call-facts">
        <div>
          <dt>{props.call.direction === "outbound" ? "To" : "From"}</dt>
          <dd data-testid="call-number">{otherParty(props.call)}</dd>
        </div>
        <Show when={queue()}>
          {(name) => (
            <div>
              <dt>Queue</dt>
              <dd>{name()}</dd>
            </div>
          )}
        </Show>
        <Show when={props.call.waitedMs !== null}>
          <div>
            <dt>Waited</dt>
            <dd>{formatDuration(props.call.waitedMs ?? 0)}</dd>
          </div>
        </Show>
        <For each={knownAttributes(props.call)}>
          {([name, value]) => (
            <div>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          )}
        </For>
      </dl>
      <p class="call-state" data-state={props.call.state}>
        <span data-testid="call-state">{STATE_WORDS[props.call.state]}</span>
        <span class="timer" data-testid="call-timer">
          {" · "}
          {elapsed()}
        </span>
        <Show when={props.call.muted && !ended()}> · Muted</Show>
      </p>
      {/* Always present, so the caller hanging up is announced when it happens. */}
      <p class="call-ended" aria-live="polite" data-testid="call-ended">
        {ended() ? endedWords(props.call, props.targets.nameOf) : ""}
      </p>
      <Show when={!ended()}>
        <div class="actions call-controls">
          {/* One button that turns Hold into Resume, so focus stays on it. */}
          <button
            type="button"
            classList={{ primary: onHold() }}
            disabled={!up() || props.call.state === "ringing"}
            onClick={() => act(onHold() ? "resumeCall" : "holdCall")}
          >
            {onHold() ? "Resume" : "Hold"}
          </button>
          <button
            type="button"
            aria-pressed={props.call.muted}
            disabled={!up() || props.call.state === "ringing"}
            onClick={() => act(props.call.muted ? "unmuteCall" : "muteCall")}
          >
            Mute
          </button>
          {/* "Hang up", not "End call": that is the emergency panel's control (E7). */}
          <button type="button" class="end-call" disabled={!up()} onClick={() => act("endCall", toWrapUp)}>
            <Icon name="phoneOff" />
            Hang up
          </button>
        </div>
        <TransferPicker
          id={`transfer-${props.panelId}`}
          targets={props.targets}
          also={ownQueue()}
          busy={!up() || props.call.state === "ringing"}
          transfer={transfer}
        />
      </Show>
      {/* Notes can be taken while talking; they are saved (to the API) once the call has ended. */}
      <WrapUpForm id={props.panelId} ended={ended()} busy={!up()} showSave={!props.emergency} save={save} />
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
    </div>
  )
}
