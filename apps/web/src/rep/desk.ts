import type { CallView, LifelineClient } from "@lifeline/client"
import type { CenterEvent, OfferView, RepView } from "@lifeline/core/center"
import type { EmergencyReadiness, RepEmergencyView } from "@lifeline/core/emergency"
import { createSignal } from "solid-js"
import { Unreachable } from "../app/connection"
import { followLive } from "../app/live"
import { reasonOf } from "../app/session"

export interface Presence {
  readonly presenceId: string
  readonly label: string
  readonly base: string
}

export interface Work {
  readonly itemId: string
  readonly queueId: string
  readonly kind: "call" | "callback"
  readonly acceptedAt: number | null
}

/** Everything the rep's workspace shows, fetched together and kept fresh by the live stream. */
export interface DeskView {
  readonly rep: RepView
  readonly presences: readonly Presence[]
  readonly offers: readonly OfferView[]
  readonly work: readonly Work[]
  /** E7: non-null while the rep's emergency call is up. */
  readonly emergency: RepEmergencyView | null
  readonly readiness: EmergencyReadiness | null
  /** W1: the rep's calls that are up or waiting for wrap-up (routed and outbound); null: unreadable. */
  readonly calls: readonly CallView[] | null
}

/** C6: where an accepted callback is, from the events of the rep's stream. */
export interface CallbackProgress {
  readonly state: "dialling" | "connected" | "ended"
  /** Server time of the last change. */
  readonly at: number
  readonly dialledAt: number
  /** When the customer answered; null if they never did. */
  readonly connectedAt: number | null
  /** W1: the customer hung up (the work stays the rep's to complete). */
  readonly customerHungUp: boolean
}

/** E6: a PSAP calling the rep back during the current emergency session. */
export interface PsapRing {
  readonly callId: string
  readonly at: number
}

/** What the stream told the rep beyond the views: the drop of an emergency call (E10). */
export interface Notice {
  readonly text: string
}

const loadDesk = async (api: LifelineClient, repId: string): Promise<DeskView> => {
  const r = encodeURIComponent(repId)
  const [rep, presences, offers, work, emergency, readiness, calls] = await Promise.all([
    api.rep(repId),
    api.call<Presence[]>("GET", "/api/presences"),
    api.offers(repId),
    api.call<Work[]>("GET", `/api/reps/${r}/work`),
    api.emergencyPanel(repId),
    api.call<EmergencyReadiness>("GET", `/api/reps/${r}/emergency/readiness`).catch((e: unknown) => {
      if (e instanceof Unreachable) throw e
      return null
    }),
    api
      .request("repCalls", { params: { repId } })
      .then((r) => r.calls)
      .catch((e: unknown) => {
        // The rest of the desk still shows; the conversation says the calls could not be read.
        if (e instanceof Unreachable) throw e
        return null
      }),
  ])
  return { rep, presences, offers, work, emergency, readiness, calls }
}

/** The same object as before when nothing in it changed, so lists keep their rows (and focus). */
const keepSame = <A>(before: readonly A[] | undefined, after: readonly A[], id: (a: A) => string): A[] => {
  const old = new Map((before ?? []).map((a) => [id(a), a] as const))
  return after.map((a) => {
    const prev = old.get(id(a))
    return prev !== undefined && JSON.stringify(prev) === JSON.stringify(a) ? prev : a
  })
}

const DROPPED: Readonly<Record<string, string>> = {
  call_ended: "Your emergency call has ended: the line was closed by the other side or the network.",
  call_failed:
    "Your emergency call could not be connected or was cut off. Use a local phone if you still need help.",
  // W5: the session waited for the PSAP's callback until the callback number's lease ended.
  lease_ended:
    "Your emergency session has ended: the PSAP's callback window is over and your presence is back to what it was.",
  // W5: nothing was heard of a call believed up by the bounded close.
  no_word:
    "Your emergency session has closed: nothing was heard of the call after the PSAP's callback window, and your presence is back to what it was.",
}

/** W5: the time a silent session closes, in the rep's own clock's words. */
const closingText = (closesAt: number): string =>
  `No word of your emergency call: the session closes at ${new Date(closesAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} unless it ends first.`

/**
 * The rep's desk: one signal with the latest view, reloaded whenever the live stream says
 * something about this rep happened (and after each of the rep's own actions). The stream's
 * events also drive what the views do not say: a callback's progress (C6), a PSAP ringing (E6),
 * an emergency call that dropped (E10), and the server's clock (each event's `at`) for countdowns.
 */
export const createDesk = (api: LifelineClient, repId: string) => {
  const [view, setView] = createSignal<DeskView>()
  const [problem, setProblem] = createSignal<string>()
  const [callbacks, setCallbacks] = createSignal<ReadonlyMap<string, CallbackProgress>>(new Map())
  const [psap, setPsapSignal] = createSignal<PsapRing>()
  /** When the stream last said something about the PSAP's call: older loads do not undo it. */
  let psapSaidAt = 0
  const setPsap = (ring: PsapRing | undefined) => {
    psapSaidAt = performance.now()
    setPsapSignal(ring)
  }
  const [notice, setNotice] = createSignal<Notice>()
  /** Server time minus this browser's, from the latest event (the API may run a virtual clock). */
  let clockOffset: number | undefined
  const offerItems = new Map<string, string>()
  /** C6: callback id -> the work item the rep sees (a callback from a call keeps the call's item). */
  const callbackItems = new Map<string, string>()
  let pending: Promise<void> | undefined
  let again = false
  const reload = (): Promise<void> => {
    if (pending !== undefined) {
      again = true
      return pending
    }
    const startedAt = performance.now()
    const run = loadDesk(api, repId)
      .then((v) => {
        const before = view()
        for (const o of v.offers) offerItems.set(o.offerId, o.itemId)
        setView({
          ...v,
          offers: keepSame(before?.offers, v.offers, (o) => o.offerId),
          work: keepSame(before?.work, v.work, (w) => w.itemId),
          calls: v.calls === null ? null : keepSame(before?.calls ?? [], v.calls, (c) => c.callId),
        })
        // The views end a ringing PSAP call the stream cannot (its end carries no rep id).
        if (startedAt > psapSaidAt && (v.emergency === null || !v.emergency.psapCallback)) setPsap(undefined)
        setProblem(undefined)
      })
      .catch((e: unknown) => {
        // Unreachable: the banner says it; the last view stays, marked stale by the page.
        if (!(e instanceof Unreachable)) setProblem(`Could not load your workspace: ${reasonOf(e)}`)
      })
      .finally(() => {
        pending = undefined
        if (again) {
          again = false
          void reload()
        }
      })
    pending = run
    return run
  }
  const setProgress = (
    itemId: string,
    state: CallbackProgress["state"],
    at: number,
    customerHungUp = false,
  ) =>
    setCallbacks((m) => {
      const prev = m.get(itemId)
      if (prev === undefined && state !== "dialling") return m
      // An end already shown keeps its time: completing after the customer hung up is not a longer call.
      if (prev?.state === "ended" && state === "ended") return m
      return new Map(m).set(itemId, {
        state,
        at,
        dialledAt: prev?.dialledAt ?? at,
        connectedAt: state === "connected" ? at : (prev?.connectedAt ?? null),
        customerHungUp,
      })
    })
  const forget = (itemId: string) =>
    setCallbacks((m) => {
      const next = new Map(m)
      next.delete(itemId)
      return next
    })
  const onEvent = (e: CenterEvent) => {
    if ("at" in e && typeof e.at === "number") clockOffset = e.at - Date.now()
    switch (e._tag) {
      case "OfferMade":
      case "OfferAccepted":
        offerItems.set(e.offerId, e.itemId)
        break
      case "CallbackDialed": {
        const itemId = offerItems.get(e.offerId) ?? e.callbackId
        callbackItems.set(e.callbackId, itemId)
        setProgress(itemId, "dialling", e.at)
        break
      }
      case "CallbackConnected":
        setProgress(callbackItems.get(e.callbackId) ?? e.callbackId, "connected", e.at)
        break
      // W1: the customer hung up; the work stays the rep's until they complete it.
      case "CallbackCallEnded":
        setProgress(callbackItems.get(e.callbackId) ?? e.callbackId, "ended", e.at, true)
        break
      // The rep's stream says when the work left the rep: not answered (held for a retry),
      // closed, or completed.
      case "ItemHeld":
      case "ItemClosed":
      case "WorkCompleted":
        setProgress(e.itemId, "ended", e.at)
        break
      case "EmergencySessionOpened":
        // A clean start; a session the PSAP's own call opened (E6) rings from the start.
        setNotice(undefined)
        setPsap(e.origin._tag === "PsapCallback" ? { callId: e.origin.callId, at: e.at } : undefined)
        break
      case "PsapCallbackRedirected":
        if (e.role === "rep") setPsap({ callId: e.callId, at: e.at })
        break
      // Issue 19: the PSAP's call end names the rep it was put through to.
      case "PsapCallbackEnded":
        setPsap(undefined)
        break
      case "EmergencySessionClosing":
        setNotice({ text: closingText(e.closesAt) })
        break
      case "EmergencyEnded":
        setPsap(undefined)
        setNotice(DROPPED[e.reason] === undefined ? undefined : { text: DROPPED[e.reason] as string })
        break
    }
  }
  followLive({
    events: (data) => {
      for (const e of data as CenterEvent[]) onEvent(e)
      void reload()
    },
    reset: () => void reload(),
    onOpen: () => void reload(),
  })
  void reload()
  /** The server's time now, as well as this page can tell. */
  const serverNow = (): number | undefined =>
    clockOffset === undefined ? undefined : Date.now() + clockOffset
  return {
    view,
    problem,
    reload,
    callbacks,
    forgetCallback: forget,
    psap,
    notice,
    dismissNotice: () => setNotice(undefined),
    serverNow,
  }
}

export type Desk = ReturnType<typeof createDesk>
