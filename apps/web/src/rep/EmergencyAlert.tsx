import type { RepEmergencyView } from "@lifeline/core/emergency"
import { createSignal, Show } from "solid-js"
import { createProblem } from "../app/connection"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import { timeOfDay } from "../app/time"
import type { CallingClient } from "../calling/port"
import type { Desk } from "./desk"

/**
 * E7: the alert that an emergency call is in progress. The live region is always in the page so
 * screen readers announce the alert the moment it appears (assertive: it interrupts). Issue 19:
 * each session starts clean: a test call says only that; a callback number is the one given to
 * this PSAP (or, on a test call, a lease still live from an earlier call, said as such); "calling
 * you back now" only while the stream has said a PSAP rings this rep, with Answer (E6). W5: a
 * dropped call says so and how long the session waits for the PSAP; the session's end by the
 * lease is the desk's notice.
 */
export function EmergencyAlert(props: { readonly desk: Desk; readonly calling: CallingClient }) {
  const emergency = () => props.desk.view()?.emergency ?? null
  return (
    <div class="alert-stack">
      <div aria-live="assertive" class="alert-region">
        <Show when={emergency()} keyed>
          {(em) => <SessionAlert em={em} ringing={props.desk.psap() !== undefined} />}
        </Show>
        <Show when={emergency() === null ? props.desk.notice() : undefined}>
          {(n) => (
            <div role="alert" class="notice-alert">
              <p>
                <Icon name="alert" />
                {n().text}
              </p>
              <button type="button" onClick={() => props.desk.dismissNotice()}>
                Dismiss
              </button>
            </div>
          )}
        </Show>
      </div>
      <Show when={emergency() === null ? undefined : props.desk.psap()} keyed>
        {(ring) => <PsapRinging callId={ring.callId} calling={props.calling} />}
      </Show>
    </div>
  )
}

function SessionAlert(props: { readonly em: RepEmergencyView; readonly ringing: boolean }) {
  const callbackLine = () => {
    const { callbackNumber, callbackUntil, test } = props.em
    if (callbackNumber === null) return undefined
    const until = callbackUntil === null ? "" : ` until ${timeOfDay(callbackUntil)}`
    return test
      ? `The PSAP of your earlier emergency call can still call you back on ${callbackNumber}${until}.`
      : `The PSAP can call you back on ${callbackNumber}${until}.`
  }
  return (
    <div role="alert" class="emergency-alert">
      <strong>
        <Icon name="alert" />
        {props.em.alert}
      </strong>
      <Show when={props.em.dialledNumber}>{(n) => <span class="dialled"> · {n()}</span>}</Show>
      <Show when={props.em.test}>
        <p>Test call: no PSAP answers it and no callback number is given.</p>
      </Show>
      <Show when={props.em.droppedAt !== null}>
        <p class="dropped">{droppedLine(props.em)}</p>
      </Show>
      <Show when={callbackLine()}>{(line) => <p>{line()}</p>}</Show>
      <Show when={props.ringing}>
        <p>The PSAP is calling you back now: it rings through whatever your presence.</p>
      </Show>
    </div>
  )
}

/**
 * W5: the call dropped and the session waits for the PSAP's callback: the rep stays in Do not
 * disturb until the callback number's lease ends, then its presence returns on its own.
 */
const droppedLine = (em: RepEmergencyView): string =>
  em.callbackUntil === null
    ? "Your emergency call dropped. If you still need help, call again or use a local phone."
    : `Your emergency call dropped. Stay at this screen: the PSAP may call you back. You stay in Do not disturb until ${timeOfDay(em.callbackUntil)}, then your presence returns on its own.`

/** E6: the PSAP's call rings through whatever the presence; Answer picks it up. */
function PsapRinging(props: { readonly callId: string; readonly calling: CallingClient }) {
  const [answered, setAnswered] = createSignal(false)
  const [problem, setProblem] = createProblem()
  const answer = async () => {
    try {
      await props.calling.answerPsapCallback(props.callId)
      setAnswered(true)
      setProblem(undefined)
    } catch (e) {
      setProblem(reasonOf(e))
    }
  }
  return (
    <section class="psap-ring" aria-label="PSAP callback" classList={{ answered: answered() }}>
      <Show
        when={answered()}
        fallback={
          <>
            <p>
              <Icon name="phone" />
              <strong>PSAP callback ringing</strong>
            </p>
            <button
              type="button"
              class="answer"
              ref={(el) => queueMicrotask(() => el.focus())}
              onClick={() => void answer()}
            >
              <Icon name="phone" />
              Answer
            </button>
          </>
        }
      >
        <p role="status">
          <Icon name="phone" />
          You are connected to the PSAP.
        </p>
      </Show>
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
    </section>
  )
}
