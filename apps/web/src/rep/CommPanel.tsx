import type { LifelineClient } from "@lifeline/client"
import { Show } from "solid-js"
import { createProblem } from "../app/connection"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import type { CallingClient } from "../calling/port"
import { DeviceSettings } from "./DeviceSettings"
import { Dialer } from "./Dialer"
import type { Desk } from "./desk"

/**
 * The communication panel. E7: while the rep's emergency call is up it shows only the device
 * settings and End call; otherwise the dialer. End call stays usable offline: hanging up the
 * media is the calling client's, and the rep must always be able to.
 */
export function CommPanel(props: {
  readonly api: LifelineClient
  readonly calling: CallingClient
  readonly desk: Desk
}) {
  const [problem, setProblem] = createProblem()
  const emergency = () => props.desk.view()?.emergency ?? null
  const end = async () => {
    try {
      await props.calling.hangUp(emergency()?.sessionId)
      setProblem(undefined)
    } catch (e) {
      setProblem(reasonOf(e))
    }
    await props.desk.reload()
    ;(document.getElementById("dial-number") ?? document.getElementById("end-call"))?.focus()
  }
  return (
    <section
      aria-labelledby="panel-heading"
      class="card panel"
      classList={{ emergency: emergency() !== null }}
      data-testid="comm-panel"
    >
      <h2 id="panel-heading">Communication panel</h2>
      <Show
        when={emergency()}
        fallback={<Dialer api={props.api} calling={props.calling} desk={props.desk} />}
      >
        <DeviceSettings calling={props.calling} />
        <button type="button" id="end-call" class="end-call" onClick={() => void end()}>
          <Icon name="phoneOff" />
          End call
        </button>
        <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
      </Show>
    </section>
  )
}
