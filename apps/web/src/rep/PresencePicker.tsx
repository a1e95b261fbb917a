import type { LifelineClient } from "@lifeline/client"
import { For, Show } from "solid-js"
import { createProblem, offline } from "../app/connection"
import { presenceLabel, presenceWords } from "../app/presence"
import { reasonOf } from "../app/session"
import type { Desk } from "./desk"

/**
 * R1: the rep picks a base or custom presence. Locked (DND) while an emergency call is up (E4).
 * Issue 19: a change that was not applied puts the select back on the applied presence.
 */
export function PresencePicker(props: { readonly api: LifelineClient; readonly desk: Desk }) {
  const [problem, setProblem] = createProblem()
  const view = () => props.desk.view()
  let select: HTMLSelectElement | undefined
  const change = async (presenceId: string) => {
    const repId = view()?.rep.repId
    if (repId === undefined) return
    try {
      await props.api.setPresence(repId, presenceId)
      setProblem(undefined)
    } catch (e) {
      setProblem(`Presence not changed: ${reasonOf(e)}`)
    }
    await props.desk.reload()
    // The options did not change, so the select must be told to show the applied value again.
    if (select !== undefined) select.value = view()?.rep.presenceId ?? select.value
  }
  return (
    <div class="presence">
      <span class={`presence-dot ${view()?.rep.base ?? "offline"}`} aria-hidden="true" />
      <label for="presence">Presence</label>
      <select
        id="presence"
        ref={select}
        disabled={view()?.emergency != null || offline()}
        aria-describedby="presence-now"
        onChange={(e) => void change(e.currentTarget.value)}
      >
        <For each={view()?.presences ?? []}>
          {(p) => (
            <option value={p.presenceId} selected={p.presenceId === view()?.rep.presenceId}>
              {presenceLabel(p.label, p.base)}
            </option>
          )}
        </For>
      </select>
      <span id="presence-now" class="visually-hidden">
        {view() === undefined ? "" : `You are ${presenceWords(view()?.rep.base ?? "").toLowerCase()}.`}
      </span>
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
    </div>
  )
}
