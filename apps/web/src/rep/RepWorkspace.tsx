import { Show } from "solid-js"
import { clientFor } from "../app/session"
import { simulatedCalling } from "../calling/simulated"
import { CommPanel } from "./CommPanel"
import { ConversationForm } from "./ConversationForm"
import { createDesk } from "./desk"
import { EmergencyAlert } from "./EmergencyAlert"
import { IncomingWork } from "./IncomingWork"
import { PresencePicker } from "./PresencePicker"

/** The rep's workspace: presence, the alert, the communication panel, incoming work, the form. */
export function RepWorkspace(props: { readonly repId: string; readonly apiKey: string }) {
  const api = clientFor(props.apiKey)
  const desk = createDesk(api, props.repId, props.apiKey)
  const calling = simulatedCalling(api, props.repId)
  return (
    <div class="workspace" classList={{ "in-emergency": desk.view()?.emergency != null }}>
      <header class="rep-header">
        <h1>{desk.view()?.rep.name ?? props.repId}</h1>
        <PresencePicker api={api} desk={desk} />
      </header>
      <EmergencyAlert emergency={desk.view()?.emergency} />
      <Show when={desk.problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
      <div class="columns">
        <CommPanel calling={calling} desk={desk} />
        <div>
          <IncomingWork api={api} desk={desk} />
          <ConversationForm api={api} desk={desk} />
        </div>
      </div>
    </div>
  )
}
