import { LifelineApiError, type LifelineClient } from "@lifeline/client"
import { createSignal, For, Show } from "solid-js"
import { createProblem, offline } from "../app/connection"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import type { CallingClient } from "../calling/port"
import { checkDial } from "./call-words"
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

/** The API refused an ordinary call because the number is an emergency number: it has its own dial. */
const isEmergencyNumber = (error: unknown): boolean =>
  error instanceof LifelineApiError && error.code === "EmergencyNumber"

/**
 * The dialer of the communication panel: a number, a keypad, where the rep is, and Call.
 * Issue 19: the locations are the regions the API can carry emergency calls from (one list,
 * the core's, from the rep's readiness), plus "Somewhere else". W1: an E.164 number (checked as
 * the rep types) is an ordinary outbound call from the configured caller id, shown in the
 * conversation; a short number (911, 112, 933…), or one the API says is an emergency number,
 * takes the emergency path (E1–E7).
 */
export function Dialer(props: {
  readonly api: LifelineClient
  readonly calling: CallingClient
  readonly desk: Desk
}) {
  const [number, setNumber] = createSignal("")
  const regions = () => [...new Set((props.desk.view()?.readiness?.carrierPaths ?? []).map((p) => p.region))]
  const [picked, setPicked] = createSignal<string>()
  const region = () => picked() ?? regions()[0] ?? ELSEWHERE
  const [problem, setProblem] = createProblem()
  const [busy, setBusy] = createSignal(false)
  const blocking = () => props.desk.view()?.readiness?.blocking ?? []
  const check = () => checkDial(number())
  /** What the rep sees under the number as they type: a hint, or what is wrong. */
  const hint = () => {
    const c = check()
    return c.kind === "partial" || c.kind === "invalid" ? c.message : undefined
  }
  const emergencyCall = async (dialString: string) => {
    await props.calling.startEmergencyCall({ dialString, emergencyCountryCode: region() })
    // E7: the panel now holds End call; focus goes there (never to <body>).
    return "end-call"
  }
  /** W1: an ordinary call to a customer; the API sends an emergency number back to its own dial. */
  const customerCall = async (to: string) => {
    const repId = props.desk.view()?.rep.repId
    if (repId === undefined) throw new Error("Your workspace is still loading; try again in a moment.")
    try {
      const call = await props.api.request("placeCall", { params: { repId }, body: { to } })
      return `call-${call.callId}`
    } catch (error) {
      if (isEmergencyNumber(error)) return emergencyCall(to)
      throw error
    }
  }
  const dial = async (e: SubmitEvent) => {
    e.preventDefault()
    const c = check()
    if (c.kind === "empty") return setProblem("Number to dial: enter a number.")
    if (c.kind === "partial" || c.kind === "invalid") {
      // The hint under the field says what is wrong; the status says that nothing happened.
      setProblem("Nothing was dialled: check the number to dial.")
      return document.getElementById("dial-number")?.focus()
    }
    setBusy(true)
    let focus = "dial-number"
    try {
      focus = await (c.kind === "customer" ? customerCall(c.to) : emergencyCall(c.dialString))
      setProblem(undefined)
      setNumber("")
    } catch (error) {
      setProblem(reasonOf(error))
    } finally {
      setBusy(false)
    }
    await props.desk.reload()
    ;(document.getElementById(focus) ?? document.getElementById("dial-number"))?.focus()
  }
  return (
    <form class="dialer" aria-label="Dialer" onSubmit={(e) => void dial(e)}>
      <label for="dial-number">Number to dial</label>
      <input
        id="dial-number"
        inputMode="tel"
        autocomplete="off"
        aria-invalid={check().kind === "invalid"}
        aria-describedby="dial-hint"
        value={number()}
        onInput={(e) => {
          setNumber(e.currentTarget.value)
          setProblem(undefined)
        }}
      />
      <p id="dial-hint" class="hint" classList={{ invalid: check().kind === "invalid" }}>
        {hint() ?? "A customer's number (+14155550123), or an emergency number."}
      </p>
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
