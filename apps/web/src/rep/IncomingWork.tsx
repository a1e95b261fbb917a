import type { LifelineClient } from "@lifeline/client"
import type { OfferView } from "@lifeline/core/center"
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from "solid-js"
import { createProblem, offline } from "../app/connection"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import { formatDuration, timeOfDay, useNow } from "../app/time"
import {
  armOnFirstGesture,
  notifyIfHidden,
  setSoundOn,
  soundOn,
  startRinging,
  stopRinging,
} from "./attention"
import type { Desk } from "./desk"
import { queueName } from "./words"

const describe = (attributes: Readonly<Record<string, string>>) =>
  Object.entries(attributes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")

const kindWords = (offer: OfferView) => (offer.kind === "callback" ? "Callback" : "Incoming call")

/**
 * R4/C5: work ringing for the rep. A callback is marked as a callback, not an incoming call. C6:
 * preview dialling: the rep sees the callback first, and the customer is dialled only on Accept.
 * Issue 19: each offer counts down to its expiry, rings (mutable), notifies a hidden tab, and
 * Accept is the primary action and the first focus stop; after Accept focus moves to the work.
 */
export function IncomingWork(props: { readonly api: LifelineClient; readonly desk: Desk }) {
  const [problem, setProblem] = createProblem()
  // Issue 19: the rep lists its own queues, so offers carry their configured names; until they
  // load (or if they cannot), the id is shown as words.
  const [queues] = createResource(() => props.api.queues().catch(() => []))
  const nameOf = (queueId: string) =>
    queues.latest?.find((q) => q.queueId === queueId)?.name ?? queueName(queueId)
  const offers = () => props.desk.view()?.offers ?? []
  const act = async (offer: OfferView, action: "accept" | "decline") => {
    try {
      await (action === "accept" ? props.api.accept(offer.offerId) : props.api.decline(offer.offerId))
      setProblem(undefined)
    } catch (e) {
      setProblem(reasonOf(e))
    }
    await props.desk.reload()
    const target = action === "accept" ? document.getElementById(`work-${offer.itemId}`) : null
    ;(target ?? document.getElementById("incoming-heading"))?.focus()
  }
  onCleanup(armOnFirstGesture())
  const seen = new Set<string>()
  createEffect(
    on([offers, soundOn], ([list, sound]) => {
      if (list.length > 0 && sound) startRinging()
      else stopRinging()
      for (const offer of list) {
        if (seen.has(offer.offerId)) continue
        seen.add(offer.offerId)
        notifyIfHidden(kindWords(offer), `Queue ${nameOf(offer.queueId)}: answer in Lifeline`, offer.offerId)
      }
    }),
  )
  onCleanup(stopRinging)
  return (
    <section
      aria-labelledby="incoming-heading"
      class="card incoming"
      classList={{ ringing: offers().length > 0 }}
    >
      <h2 id="incoming-heading" tabIndex={-1}>
        Incoming work
      </h2>
      <div aria-live="polite">
        <Show
          when={!offline() || props.desk.view() === undefined}
          fallback={<p class="muted">Offline: incoming work cannot be shown until the server is back.</p>}
        >
          <For each={offers()} fallback={<p class="muted">Nothing is ringing for you.</p>}>
            {(offer) => <Offer offer={offer} desk={props.desk} act={act} queueName={nameOf} />}
          </For>
        </Show>
      </div>
      <Show when={problem()}>{(text) => <p class="problem">{text()}</p>}</Show>
      {/* After the offers, so Accept is the first stop of a ringing desk. */}
      <button
        type="button"
        class="quiet sound"
        aria-pressed={soundOn()}
        onClick={() => setSoundOn(!soundOn())}
        title="Ring when work arrives"
      >
        <Icon name={soundOn() ? "bell" : "bellOff"} />
        Sound
      </button>
    </section>
  )
}

function Offer(props: {
  readonly offer: OfferView
  readonly desk: Desk
  readonly act: (offer: OfferView, action: "accept" | "decline") => Promise<void>
  readonly queueName: (queueId: string) => string
}) {
  const now = useNow()
  // The API's clock may not be this browser's: count from when the page first saw the offer,
  // or from the server's time when the stream has told it.
  const seenAt = Date.now()
  const remaining = () => {
    void now()
    const serverNow = props.desk.serverNow()
    return serverNow === undefined
      ? props.offer.expiresAt - props.offer.at - (Date.now() - seenAt)
      : props.offer.expiresAt - serverNow
  }
  /** How long the customer has waited for the callback, by the server's clock when known. */
  const waited = (requestedAt: number) => {
    void now()
    return Math.max(0, (props.desk.serverNow() ?? Date.now()) - requestedAt)
  }
  const [busy, setBusy] = createSignal(false)
  const run = (action: "accept" | "decline") => async () => {
    setBusy(true)
    await props.act(props.offer, action)
    setBusy(false)
  }
  const callback = props.offer.kind === "callback"
  return (
    <article class="offer" classList={{ callback }} aria-label={kindWords(props.offer)}>
      <div class="offer-head">
        <h3>
          <Icon name="phone" />
          {kindWords(props.offer)}
        </h3>
        <p class="countdown" classList={{ urgent: remaining() <= 10_000 }}>
          <Show when={remaining() > 0} fallback="Expiring…">
            Expires in <span data-testid="countdown">{formatDuration(remaining())}</span>
          </Show>
        </p>
      </div>
      <p>
        Queue {props.queueName(props.offer.queueId)}
        <Show when={Object.keys(props.offer.attributes).length > 0}>
          {" "}
          · {describe(props.offer.attributes)}
        </Show>
      </p>
      <Show when={props.offer.callback}>
        {(asked) => (
          <p>
            <strong>{asked().number}</strong> asked to be called back at {timeOfDay(asked().requestedAt)} (
            <span data-testid="waited">{formatDuration(waited(asked().requestedAt))}</span> ago). Accept to
            dial them and be connected.
          </p>
        )}
      </Show>
      <div class="actions">
        <button type="button" class="primary" disabled={busy() || offline()} onClick={run("accept")}>
          <Icon name="check" />
          {callback ? "Accept callback" : "Accept call"}
        </button>
        <button type="button" class="secondary" disabled={busy() || offline()} onClick={run("decline")}>
          Decline
        </button>
      </div>
    </article>
  )
}
