import { createSignal, For, Show } from "solid-js"
import { createProblem, offline } from "../app/connection"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import type { CallingClient } from "../calling/port"
import type { Desk } from "./desk"

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"] as const
/** Value of "Somewhere else": the API is told the location is unknown, and says what to do (E1). */
const ELSEWHERE = ""

const BLOCKING: Readonly<Record<string, string>> = {
  no_outbound_voice_profile: "you have no outbound voice profile",
  no_carrier_path: "no carrier can place emergency calls for you",
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" })
  } catch {
    return undefined
  }
})()

/** "United States" for US; the code itself where the browser has no name for it. */
const regionName = (code: string): string => regionNames?.of(code) ?? code

/**
 * The dialer of the communication panel: a number, a keypad, where the rep is, and Call.
 * Issue 19: the locations are the regions the API can carry emergency calls from (one list,
 * the core's, from the rep's readiness), plus "Somewhere else".
 */
export function Dialer(props: { readonly calling: CallingClient; readonly desk: Desk }) {
  const [number, setNumber] = createSignal("")
  const regions = () => [...new Set((props.desk.view()?.readiness?.carrierPaths ?? []).map((p) => p.region))]
  const [picked, setPicked] = createSignal<string>()
  const region = () => picked() ?? regions()[0] ?? ELSEWHERE
  const [problem, setProblem] = createProblem()
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
    // E7: the panel now holds End call; focus goes there (never to <body>).
    ;(document.getElementById("end-call") ?? document.getElementById("dial-number"))?.focus()
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
      <select id="dial-location" onChange={(e) => setPicked(e.currentTarget.value)}>
        <For each={regions()}>
          {(code) => (
            <option value={code} selected={code === region()}>
              {regionName(code)}
            </option>
          )}
        </For>
        <option value={ELSEWHERE} selected={region() === ELSEWHERE}>
          Somewhere else
        </option>
      </select>
      <button type="submit" class="call" disabled={busy() || offline()}>
        <Icon name="phone" />
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
