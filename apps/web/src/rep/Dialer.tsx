import { createSignal, For, Show } from "solid-js"
import { reasonOf } from "../app/session"
import type { CallingClient } from "../calling/port"
import type { Desk } from "./desk"

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"] as const
/** Where the rep may say it is; the API decides which regions can carry an emergency call (E1). */
const LOCATIONS = [
  { code: "US", name: "United States" },
  { code: "CA", name: "Canada" },
  { code: "PR", name: "Puerto Rico" },
  { code: "GB", name: "United Kingdom" },
  { code: "FR", name: "France" },
  { code: "DE", name: "Germany" },
] as const

const BLOCKING: Readonly<Record<string, string>> = {
  no_outbound_voice_profile: "you have no outbound voice profile",
  no_carrier_path: "no carrier can place emergency calls for you",
}

/** The dialer of the communication panel: a number, a keypad, where the rep is, and Call. */
export function Dialer(props: { readonly calling: CallingClient; readonly desk: Desk }) {
  const [number, setNumber] = createSignal("")
  const [region, setRegion] = createSignal("US")
  const [problem, setProblem] = createSignal<string>()
  const [busy, setBusy] = createSignal(false)
  const blocking = () => props.desk.view()?.readiness?.blocking ?? []
  const dial = async (e: SubmitEvent) => {
    e.preventDefault()
    if (number().trim() === "") return setProblem("Enter a number to dial.")
    setBusy(true)
    try {
      await props.calling.startEmergencyCall({ dialString: number().trim(), emergencyCountryCode: region() })
      setProblem(undefined)
      setNumber("")
    } catch (error) {
      setProblem(reasonOf(error))
    } finally {
      setBusy(false)
    }
    await props.desk.reload()
  }
  return (
    <form class="dialer" aria-label="Dialer" onSubmit={(e) => void dial(e)}>
      <label for="dial-number">Number to dial</label>
      <input
        id="dial-number"
        inputMode="tel"
        autocomplete="off"
        value={number()}
        onInput={(e) => setNumber(e.currentTarget.value)}
      />
      <fieldset class="keypad">
        <legend>Keypad</legend>
        <For each={KEYS}>
          {(k) => (
            <button type="button" aria-label={`Key ${k}`} onClick={() => setNumber((n) => n + k)}>
              {k}
            </button>
          )}
        </For>
      </fieldset>
      <label for="dial-location">Your location</label>
      <select id="dial-location" value={region()} onChange={(e) => setRegion(e.currentTarget.value)}>
        <For each={LOCATIONS}>{(l) => <option value={l.code}>{l.name}</option>}</For>
      </select>
      <button type="submit" class="call" disabled={busy()}>
        Call
      </button>
      <Show when={blocking().length > 0}>
        <p class="problem">
          Emergency calls cannot be placed from here:{" "}
          {blocking()
            .map((b) => BLOCKING[b] ?? b)
            .join("; ")}
          . Use a local phone.
        </p>
      </Show>
      <p role="status" class="problem">
        {problem() ?? ""}
      </p>
    </form>
  )
}
