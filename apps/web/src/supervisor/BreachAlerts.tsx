import { For } from "solid-js"
import { Icon } from "../app/icons"
import { type Breach, formatShare } from "./format"

/**
 * Issue 19: one alert per queue below its service-level target over the last interval. The live
 * region is always in the page so the alert is announced as it appears; a breach that stays on
 * keeps its element (carryBreaches keeps its object), so it is not announced again on each
 * reload, and it goes when the queue is back on target.
 */
export function BreachAlerts(props: { readonly breaches: readonly Breach[] }) {
  return (
    <div aria-live="assertive" class="alert-region">
      <For each={props.breaches}>
        {(b) => (
          <div role="alert" class="notice-alert">
            <p>
              <Icon name="alert" />
              {b.name} is below its service-level target: {formatShare(b.serviceLevel)} of calls answered
              within {Math.round(b.target.thresholdMs / 1000)} s in the last interval (target{" "}
              {formatShare(b.target.share)}).
            </p>
          </div>
        )}
      </For>
    </div>
  )
}
