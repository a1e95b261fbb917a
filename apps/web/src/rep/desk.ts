import type { LifelineClient } from "@lifeline/api/client"
import type { EmergencyReadiness, OfferView, RepEmergencyView, RepView } from "@lifeline/core"
import { createSignal } from "solid-js"
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
}

const loadDesk = async (api: LifelineClient, repId: string): Promise<DeskView> => {
  const r = encodeURIComponent(repId)
  const [rep, presences, offers, work, emergency, readiness] = await Promise.all([
    api.rep(repId),
    api.call<Presence[]>("GET", "/api/presences"),
    api.offers(repId),
    api.call<Work[]>("GET", `/api/reps/${r}/work`),
    api.emergencyPanel(repId),
    api.call<EmergencyReadiness>("GET", `/api/reps/${r}/emergency/readiness`).catch(() => null),
  ])
  return { rep, presences, offers, work, emergency, readiness }
}

/**
 * The rep's desk: one signal with the latest view, reloaded whenever the live stream says
 * something about this rep happened (and after each of the rep's own actions).
 */
export const createDesk = (api: LifelineClient, repId: string, key: string) => {
  const [view, setView] = createSignal<DeskView>()
  const [problem, setProblem] = createSignal<string>()
  let pending: Promise<void> | undefined
  let again = false
  const reload = (): Promise<void> => {
    if (pending !== undefined) {
      again = true
      return pending
    }
    const run = loadDesk(api, repId)
      .then((v) => {
        setView(v)
        setProblem(undefined)
      })
      .catch((e: unknown) => {
        setProblem(`Could not load your workspace: ${reasonOf(e)}`)
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
  followLive(key, { events: () => void reload(), reset: () => void reload(), onOpen: () => void reload() })
  void reload()
  return { view, problem, reload }
}

export type Desk = ReturnType<typeof createDesk>
