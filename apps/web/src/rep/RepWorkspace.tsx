import { Show } from "solid-js"
import { offline } from "../app/connection"
import { pageClient } from "../app/session"
import { callingClientFor } from "../calling/choose"
import { CommPanel } from "./CommPanel"
import { ConversationForm } from "./ConversationForm"
import { createDesk } from "./desk"
import { EmergencyAlert } from "./EmergencyAlert"
import { IncomingWork } from "./IncomingWork"
import { PresencePicker } from "./PresencePicker"

/**
 * The rep's workspace: presence, the alert, incoming work, the communication panel, the form.
 * Issue 19: the DOM order is the focus order and the phone's order: ringing work first (Accept is
 * the first stop), and during an emergency the panel (End call) before everything else; W1: while
 * the rep has a call, the conversation (its controls, its wrap-up) before the dialer.
 */
export function RepWorkspace(props: { readonly repId: string }) {
  const api = pageClient()
  const desk = createDesk(api, props.repId)
  const calling = callingClientFor(api, props.repId)
  const inEmergency = () => desk.view()?.emergency != null
  /** W1: a call (up or in wrap-up) comes before the dialer, so a phone shows Hang up first. */
  const onACall = () => (desk.view()?.calls?.length ?? 0) > 0
  return (
    <div class="workspace" classList={{ "in-emergency": inEmergency(), stale: offline() }}>
      <header class="rep-header">
        <h1 data-testid="rep-name">{desk.view()?.rep.name ?? "Loading your workspace…"}</h1>
        <PresencePicker api={api} desk={desk} />
      </header>
      <EmergencyAlert desk={desk} calling={calling} />
      <Show when={desk.problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
      <div class="desk-grid">
        <Show when={inEmergency()}>
          <CommPanel api={api} calling={calling} desk={desk} />
        </Show>
        <IncomingWork api={api} desk={desk} />
        <Show when={!inEmergency() && !onACall()}>
          <CommPanel api={api} calling={calling} desk={desk} />
        </Show>
        <ConversationForm api={api} desk={desk} />
        <Show when={!inEmergency() && onACall()}>
          <CommPanel api={api} calling={calling} desk={desk} />
        </Show>
      </div>
    </div>
  )
}
