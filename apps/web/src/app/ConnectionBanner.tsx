import { Match, Switch } from "solid-js"
import { link } from "./connection"
import { Icon } from "./icons"

/** Issue 19: says, in words, that the server or the live updates are out of reach. */
export function ConnectionBanner() {
  return (
    <div aria-live="polite" class="banner-region">
      <Switch>
        <Match when={link() === "offline"}>
          <p class="banner offline" data-testid="connection-banner">
            <Icon name="wifiOff" />
            Offline: the Lifeline server cannot be reached. Actions are paused and nothing you see is current;
            we keep trying.
          </p>
        </Match>
        <Match when={link() === "reconnecting"}>
          <p class="banner reconnecting" data-testid="connection-banner">
            <Icon name="wifiOff" />
            Reconnecting to live updates…
          </p>
        </Match>
      </Switch>
    </div>
  )
}
