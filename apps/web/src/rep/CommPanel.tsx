import { createSignal, Show } from "solid-js"
import { reasonOf } from "../app/session"
import type { CallingClient } from "../calling/port"
import { DeviceSettings } from "./DeviceSettings"
import { Dialer } from "./Dialer"
import type { Desk } from "./desk"

/**
 * The communication panel. E7: while the rep's emergency call is up it shows only the device
 * settings and End call; otherwise the dialer.
 */
export function CommPanel(props: { readonly calling: CallingClient; readonly desk: Desk }) {
  const [problem, setProblem] = createSignal<string>()
  const emergency = () => props.desk.view()?.emergency ?? null
  const end = async () => {
    try {
      await props.calling.hangUp(emergency()?.sessionId)
      setProblem(undefined)
    } catch (e) {
      setProblem(reasonOf(e))
    }
    await props.desk.reload()
  }
  return (
    <section
      aria-labelledby="panel-heading"
      class="panel"
      classList={{ emergency: emergency() !== null }}
      data-testid="comm-panel"
    >
      <h2 id="panel-heading">Communication panel</h2>
      <Show when={emergency()} fallback={<Dialer calling={props.calling} desk={props.desk} />}>
        <DeviceSettings calling={props.calling} />
        <button type="button" class="end-call" onClick={() => void end()}>
          End call
        </button>
        <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
      </Show>
    </section>
  )
}
