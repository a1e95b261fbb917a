import type { Disposition } from "@lifeline/client"
import { createSignal, For, Show } from "solid-js"
import { offline } from "../app/connection"
import { DISPOSITIONS, NOTES_MAX } from "./call-words"

/** The id of the wrap-up's first field, where focus goes when the rep ends or transfers the call. */
export const wrapUpFirstField = (key: string) => `wrap-${key}-${DISPOSITIONS[0]?.value ?? ""}`

/**
 * W1: how the call went (one of five dispositions) and notes, saved to the API once it ended
 * (POST /api/calls/{callId}/wrap-up): nothing of it is kept in this browser.
 */
export function WrapUpForm(props: {
  readonly id: string
  /** Before the call ends the rep may already pick and type; Save waits for the end. */
  readonly ended: boolean
  readonly busy: boolean
  readonly showSave: boolean
  readonly save: (disposition: Disposition, notes: string) => void
}) {
  const [disposition, setDisposition] = createSignal<Disposition>()
  const [notes, setNotes] = createSignal("")
  const [missing, setMissing] = createSignal(false)
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    if (!props.ended || !props.showSave) return
    const picked = disposition()
    setMissing(picked === undefined)
    if (picked === undefined) document.getElementById(wrapUpFirstField(props.id))?.focus()
    else props.save(picked, notes())
  }
  return (
    // No accessible name: a rep may have several calls, and same-named form landmarks confuse.
    <form class="wrap-up" onSubmit={submit}>
      <h4>Wrap-up</h4>
      <fieldset
        class="dispositions"
        aria-invalid={missing()}
        aria-describedby={missing() ? `wrap-${props.id}-missing` : undefined}
      >
        <legend>Disposition</legend>
        <For each={DISPOSITIONS}>
          {(d) => (
            <label class="choice">
              <input
                type="radio"
                id={`wrap-${props.id}-${d.value}`}
                name={`disposition-${props.id}`}
                value={d.value}
                checked={disposition() === d.value}
                onChange={() => {
                  setDisposition(d.value)
                  setMissing(false)
                }}
              />
              {d.label}
            </label>
          )}
        </For>
        <Show when={missing()}>
          <p id={`wrap-${props.id}-missing`} class="problem">
            Disposition: choose how the call ended.
          </p>
        </Show>
      </fieldset>
      <label for={`wrap-${props.id}-notes`}>Notes</label>
      <textarea
        id={`wrap-${props.id}-notes`}
        rows={3}
        maxLength={NOTES_MAX}
        aria-describedby={`wrap-${props.id}-count`}
        value={notes()}
        onInput={(e) => setNotes(e.currentTarget.value)}
      />
      <p id={`wrap-${props.id}-count`} class="muted hint">
        {notes().length} of {NOTES_MAX} characters
      </p>
      <Show when={props.showSave}>
        <button
          type="submit"
          class="primary"
          aria-describedby={props.ended ? undefined : `wrap-${props.id}-when`}
          disabled={!props.ended || props.busy || offline()}
        >
          Save wrap-up
        </button>
        <Show when={!props.ended}>
          <p id={`wrap-${props.id}-when`} class="muted hint">
            The wrap-up is saved once the call has ended.
          </p>
        </Show>
      </Show>
    </form>
  )
}
