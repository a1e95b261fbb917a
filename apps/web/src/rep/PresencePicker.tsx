import type { LifelineClient } from "@lifeline/api/client"
import { createSignal, For, Show } from "solid-js"
import { reasonOf } from "../app/session"
import type { Desk } from "./desk"

/** R1: the rep picks a base or custom presence. Locked (DND) while an emergency call is up (E4). */
export function PresencePicker(props: { readonly api: LifelineClient; readonly desk: Desk }) {
  const [problem, setProblem] = createSignal<string>()
  const view = () => props.desk.view()
  const change = async (presenceId: string) => {
    const repId = view()?.rep.repId
    if (repId === undefined) return
    try {
      await props.api.setPresence(repId, presenceId)
      setProblem(undefined)
    } catch (e) {
      setProblem(reasonOf(e))
    }
    await props.desk.reload()
  }
  return (
    <div class="presence">
      <label for="presence">Presence</label>{" "}
      <select
        id="presence"
        disabled={view()?.emergency != null}
        onChange={(e) => void change(e.currentTarget.value)}
      >
        <For each={view()?.presences ?? []}>
          {(p) => (
            <option value={p.presenceId} selected={p.presenceId === view()?.rep.presenceId}>
              {p.label}
              {p.label.toLowerCase() === p.base.replace("_", " ") ? "" : ` (${p.base.replace("_", " ")})`}
            </option>
          )}
        </For>
      </select>
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
    </div>
  )
}
