import type { RepEmergencyView } from "@lifeline/core"
import { Show } from "solid-js"

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })

/**
 * E7: the alert that an emergency call is in progress. The live region is always in the page so
 * screen readers announce the alert the moment it appears (assertive: it interrupts).
 */
export function EmergencyAlert(props: { readonly emergency: RepEmergencyView | null | undefined }) {
  return (
    <div aria-live="assertive" class="alert-region">
      <Show when={props.emergency}>
        {(em) => (
          <div role="alert" class="emergency-alert">
            <strong>{em().alert}</strong>
            <Show when={em().test}> (test call: no PSAP, no callback number)</Show>
            <Show when={em().callbackNumber}>
              {(n) => (
                <p>
                  The PSAP can call you back on {n()} until {time(em().callbackUntil ?? 0)}.
                </p>
              )}
            </Show>
            <Show when={em().psapCallback}>
              <p>The PSAP is calling you back now: it rings through whatever your presence.</p>
            </Show>
          </div>
        )}
      </Show>
    </div>
  )
}
