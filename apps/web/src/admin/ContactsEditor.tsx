import type { LifelineClient } from "@lifeline/client"
import type { RepView } from "@lifeline/core/center"
import { contactAddress, isEmailAddress } from "@lifeline/core/emergency"
import { createResource, createSignal, For, Show } from "solid-js"
import { reasonOf } from "../app/session"

interface ContactsView {
  readonly repId: string
  readonly contacts: readonly string[]
  readonly mailboxEnabled: boolean
}

/**
 * Each entry of the semicolon list with whether it is an address (as the API will judge it, by
 * the core's own rule). "Name <address>" is kept as typed (issue 19): the name shows here again.
 */
export const checkContacts = (line: string) =>
  line
    .split(/[;\u037E]/)
    .map((raw) => raw.trim())
    .filter((entry) => entry !== "")
    .map((entry) => ({ entry, valid: isEmailAddress(contactAddress(entry)) }))

/** E9/E11: a rep's emergency contacts, one line of addresses separated by semicolons. */
export function ContactsEditor(props: { readonly api: LifelineClient; readonly reps: readonly RepView[] }) {
  const [repId, setRepId] = createSignal(props.reps[0]?.repId ?? "")
  const [line, setLine] = createSignal("")
  const [status, setStatus] = createSignal("")
  const [saved, { refetch }] = createResource(repId, async (id) => {
    const view = await props.api.call<ContactsView>(
      "GET",
      `/api/reps/${encodeURIComponent(id)}/emergency-contacts`,
    )
    setLine(view.contacts.join("; "))
    return view
  })
  const entries = () => checkContacts(line())
  const bad = () => entries().filter((e) => !e.valid)
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    if (bad().length > 0) return setStatus("Fix the addresses marked invalid first; nothing was saved.")
    try {
      await props.api.setEmergencyContacts(repId(), line())
      setStatus("Contacts saved.")
      await refetch()
    } catch (error) {
      setStatus(`Not saved: ${reasonOf(error)}`)
    }
  }
  return (
    <section aria-labelledby="contacts-heading">
      <h2 id="contacts-heading">Emergency contacts</h2>
      <form onSubmit={(e) => void save(e)}>
        <label for="contacts-rep">Rep</label>
        <select id="contacts-rep" onChange={(e) => setRepId(e.currentTarget.value)}>
          <For each={props.reps}>{(r) => <option value={r.repId}>{r.name}</option>}</For>
        </select>
        <label for="contacts-line">Contacts (addresses separated by semicolons)</label>
        <input
          id="contacts-line"
          value={line()}
          aria-describedby="contacts-check"
          aria-invalid={bad().length > 0}
          onInput={(e) => setLine(e.currentTarget.value)}
        />
        <ul id="contacts-check" aria-label="Address check" aria-live="polite">
          <For each={entries()}>
            {(c) => (
              <li classList={{ valid: c.valid, invalid: !c.valid }}>
                {c.entry}: {c.valid ? "valid" : "not a valid email address"}
              </li>
            )}
          </For>
        </ul>
        <button type="submit">Save contacts</button>
        <p role="status">{status()}</p>
        <Show when={saved()}>
          {(v) => (
            <p>
              Saved for {props.reps.find((r) => r.repId === v().repId)?.name ?? v().repId}:{" "}
              {v().contacts.length === 0 ? "none" : v().contacts.join("; ")}
            </p>
          )}
        </Show>
      </form>
    </section>
  )
}
