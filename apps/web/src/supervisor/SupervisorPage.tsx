import type { ServiceLevelDay, SupervisorRep } from "@lifeline/client"
import { createSignal, onCleanup } from "solid-js"
import { followLive } from "../app/live"
import { pageClient, reasonOf } from "../app/session"
import { BreachAlerts } from "./BreachAlerts"
import { carryBreaches } from "./format"
import { type LiveQueue, QueueTable } from "./QueueTable"
import { RepTable } from "./RepTable"
import "./supervisor.css"

/**
 * After a change the service level is read again once history has had time to record it (its
 * read model is projected just after each append), and at most every 5 s; every minute anyway,
 * so a new interval shows.
 */
const SL_SETTLE_MS = 1_000
const SL_MIN_GAP_MS = 5_000
const SL_REFRESH_MS = 60_000

/**
 * The supervisor's page (loaded on demand: the rep's page does not carry it). One live stream
 * feeds it: each `queues` message (the server sends one after every change, at most every 250 ms)
 * updates the queue table and reloads the reps; the service level follows (see SL_SETTLE_MS).
 * Issue 19.
 */
export function SupervisorPage() {
  const api = pageClient()
  const [queues, setQueues] = createSignal<readonly LiveQueue[]>()
  const [emergencies, setEmergencies] = createSignal(0)
  const [connected, setConnected] = createSignal(false)
  const [reps, setReps] = createSignal<readonly SupervisorRep[]>()
  const [serviceLevel, setServiceLevel] = createSignal<ServiceLevelDay>()
  const [breaches, setBreaches] = createSignal(carryBreaches([], []))
  const [problem, setProblem] = createSignal<string>()
  // Server time minus this browser's, learnt from each answer: times count on the server's clock.
  const [skew, setSkew] = createSignal(0)
  const serverNow = () => Date.now() + skew()
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone

  const load = async <A,>(read: () => Promise<A>, use: (value: A) => void) => {
    try {
      use(await read())
      setProblem(undefined)
    } catch (error) {
      setProblem(reasonOf(error))
    }
  }
  const loadReps = () =>
    load(
      () => api.request("supervisorReps", {}),
      (reply) => {
        setSkew(reply.now - Date.now())
        setReps(reply.reps)
      },
    )
  let slLoadedAt = 0
  let slPending: ReturnType<typeof setTimeout> | undefined
  const loadServiceLevel = () => {
    slLoadedAt = Date.now()
    return load(
      () => api.request("supervisorServiceLevel", { query: { timeZone } }),
      (day) => {
        setServiceLevel(day)
        setBreaches((before) => carryBreaches(before, day.queues))
      },
    )
  }
  const refresh = () => {
    void loadReps()
    if (slPending !== undefined) return
    const wait = Math.max(SL_SETTLE_MS, slLoadedAt + SL_MIN_GAP_MS - Date.now())
    slPending = setTimeout(() => {
      slPending = undefined
      void loadServiceLevel()
    }, wait)
  }
  const timer = setInterval(() => void loadServiceLevel(), SL_REFRESH_MS)
  onCleanup(() => {
    clearInterval(timer)
    clearTimeout(slPending)
  })

  followLive({
    queues: (data) => {
      setQueues(data as LiveQueue[])
      setConnected(true)
      refresh()
    },
    emergencies: (data) => setEmergencies((data as { activeEmergencies: number }).activeEmergencies),
    onOpen: () => setConnected(true),
    onError: () => setConnected(false),
  })
  return (
    <>
      <h1>Supervisor</h1>
      <BreachAlerts breaches={breaches()} />
      <p class="problem" hidden={problem() === undefined}>
        {problem()}
      </p>
      <QueueTable
        queues={queues()}
        connected={connected()}
        emergencies={emergencies()}
        serviceLevel={serviceLevel()}
      />
      <RepTable reps={reps()} serverNow={serverNow} />
    </>
  )
}
