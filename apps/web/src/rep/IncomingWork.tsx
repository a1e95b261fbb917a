import type { LifelineClient } from "@lifeline/api/client"
import type { OfferView } from "@lifeline/core"
import { createSignal, For, Show } from "solid-js"
import { reasonOf } from "../app/session"
import type { Desk } from "./desk"

const describe = (attributes: Readonly<Record<string, string>>) =>
  Object.entries(attributes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")

/**
 * R4/C5: work ringing for the rep. A callback is marked as a callback, not an incoming call. C6:
 * preview dialling: the rep sees the callback first, and the customer is dialled only on Accept.
 */
export function IncomingWork(props: { readonly api: LifelineClient; readonly desk: Desk }) {
  const [problem, setProblem] = createSignal<string>()
  const act = async (offer: OfferView, action: "accept" | "decline") => {
    try {
      await (action === "accept" ? props.api.accept(offer.offerId) : props.api.decline(offer.offerId))
      setProblem(undefined)
    } catch (e) {
      setProblem(reasonOf(e))
    }
    await props.desk.reload()
  }
  const offers = () => props.desk.view()?.offers ?? []
  return (
    <section aria-labelledby="incoming-heading" class="incoming">
      <h2 id="incoming-heading">Incoming work</h2>
      <div aria-live="polite">
        <For each={offers()} fallback={<p>Nothing is ringing for you.</p>}>
          {(offer) => (
            <article
              class="offer"
              classList={{ callback: offer.kind === "callback" }}
              aria-label={offer.kind === "callback" ? "Callback" : "Incoming call"}
            >
              <h3>{offer.kind === "callback" ? "Callback" : "Incoming call"}</h3>
              <p>
                Queue {offer.queueId}
                <Show when={Object.keys(offer.attributes).length > 0}> · {describe(offer.attributes)}</Show>
              </p>
              <Show when={offer.kind === "callback"}>
                <p>The customer asked to be called back. Accept to dial them and be connected.</p>
              </Show>
              <button type="button" onClick={() => void act(offer, "accept")}>
                {offer.kind === "callback" ? "Accept callback" : "Accept call"}
              </button>{" "}
              <button type="button" onClick={() => void act(offer, "decline")}>
                Decline
              </button>
            </article>
          )}
        </For>
      </div>
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
    </section>
  )
}
