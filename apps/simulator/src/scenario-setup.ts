import type { CenterCommand } from "@lifeline/core/center"
import { DAY_MS } from "./profile"
import type { Scenario, ScenarioRep } from "./scenario"

/**
 * What a scenario asks of the core before the first call, and the reps' presence over the run:
 * pure functions over a decoded `Scenario`, for the runner. Clock times are offsets from the
 * simulated day's midnight, `SIM_DAY`; a run of several days repeats the shifts every day.
 */

/** Midnight UTC of the simulated Monday; the run starts at SIM_DAY + simulation.startMs. */
export const SIM_DAY = Date.UTC(2025, 0, 6)

/** E2/E3: the number the reps' emergency calls go out from, a calling-plan number of the tenant. */
export const SIM_CALLING_NUMBER = "+12025550100"
/** E5: the callback pool the simulated tenant leases to reps who dial the emergency number. */
export const SIM_CALLBACK_POOL: readonly string[] = Array.from(
  { length: 20 },
  (_, i) => `+1202555${String(200 + i).padStart(4, "0")}`,
)

/** A distinct, dialable (B2) North American number for caller `n` (n ≥ 0), so callbacks can be offered. */
export const callerNumber = (n: number): string => {
  const line = n % 10_000
  const exchange = 200 + (Math.floor(n / 10_000) % 800)
  const area = 200 + (Math.floor(n / 8_000_000) % 700)
  return `+1${area}${exchange}${String(line).padStart(4, "0")}`
}

/** The core's bounds on a queue's default handle time (R5 EWT before any history). */
const handleTimeMs = (ms: number) => Math.min(86_400_000, Math.max(1_000, Math.round(ms)))

/**
 * The set-up commands, in order: custom presences (R1), reps with the presence their schedule
 * gives at the run's start (R2 capacity in voice units), queues with their members, one
 * workstream per queue (id = queue id, no rules, falling back to the queue) for `InboundCall`,
 * overflow settings (C1), and, when reps dial the emergency number, the E2 outbound voice profile,
 * E3 carrier (calling plan) and E5 callback pool (fallback: the first five reps).
 */
export const setupCommands = (scenario: Scenario): CenterCommand[] => {
  const startMs = scenario.simulation?.startMs ?? 0
  const commands: CenterCommand[] = []
  for (const p of scenario.presences ?? [])
    commands.push({ _tag: "DefinePresence", presenceId: p.presenceId, label: p.label, base: p.base })
  for (const rep of scenario.reps)
    commands.push({
      _tag: "RegisterRep",
      repId: rep.repId,
      name: rep.repId,
      presenceId: presenceAt(rep, startMs),
      capacity: { voice: rep.capacity ?? 1 },
    })
  for (const queue of scenario.queues) {
    commands.push({
      _tag: "CreateQueue",
      queueId: queue.queueId,
      name: queue.name,
      assignment: queue.assignment,
      members: scenario.reps.filter((r) => r.queues.includes(queue.queueId)).map((r) => r.repId),
      defaultHandleTimeMs: handleTimeMs(queue.meanHandleMs),
    })
    commands.push({
      _tag: "DefineWorkstream",
      workstreamId: queue.queueId,
      name: queue.name,
      rules: [],
      fallbackQueueId: queue.queueId,
    })
  }
  for (const queue of scenario.queues)
    if (queue.overflow !== undefined)
      commands.push({ _tag: "SetQueueOverflow", queueId: queue.queueId, ...queue.overflow.settings })
  if (scenario.emergency !== undefined) commands.push(...emergencySetup(scenario))
  return commands
}

const emergencySetup = (scenario: Scenario): CenterCommand[] => [
  {
    _tag: "DefineOutboundVoiceProfile",
    profileId: "sim-outbound",
    name: "Simulated tenant",
    callingNumber: SIM_CALLING_NUMBER,
    capacityProfiles: ["voice"],
  },
  { _tag: "ConfigureEmergencyCarrier", callingPlanNumbers: [SIM_CALLING_NUMBER], directRoutingRules: [] },
  {
    _tag: "ConfigureCallbackPool",
    numbers: [...SIM_CALLBACK_POOL],
    overflowNumber: null,
    fallbackRepIds: scenario.reps.slice(0, 5).map((r) => r.repId),
  },
]

/** One day's windows of a rep, as [from, to, presence] offsets from that day's midnight. */
const windowsOf = (rep: ScenarioRep): { from: number; to: number; presenceId: string }[] => {
  const windows = [{ from: rep.shift?.startMs ?? 0, to: rep.shift?.endMs ?? DAY_MS, presenceId: "available" }]
  for (const b of rep.breaks ?? [])
    windows.push({ from: b.atMs, to: b.atMs + b.durationMs, presenceId: b.presenceId })
  return windows
}

/**
 * The presence a rep's schedule gives at clock time `atMs` (offset from SIM_DAY, any day): a
 * break's presence during a break, `available` on shift, `offline` off shift. A rep without a
 * shift is on all day; a shift past midnight covers the next morning.
 */
export const presenceAt = (rep: ScenarioRep, atMs: number): string => {
  const day = Math.floor(atMs / DAY_MS)
  let presence = "offline"
  for (const d of [day - 1, day]) {
    for (const w of windowsOf(rep)) {
      // later windows (breaks) win over the shift they lie in
      if (atMs >= d * DAY_MS + w.from && atMs < d * DAY_MS + w.to) presence = w.presenceId
    }
  }
  return presence
}

export interface PresenceChange {
  /** Offset from SIM_DAY. */
  readonly atMs: number
  readonly repId: string
  readonly presenceId: string
}

/**
 * Every change of scheduled presence after `fromMs` and before `toMs` (offsets from SIM_DAY), in
 * time order (ties in rep order): shift starts (`available`), break starts (the break's
 * presence), break ends (`available`), shift ends (`offline`). The presence at `fromMs` itself is
 * the one `setupCommands` registers. Send each as the core's `SetPresence` at SIM_DAY + atMs.
 */
export const presenceChanges = (scenario: Scenario, fromMs: number, toMs: number): PresenceChange[] => {
  const changes: PresenceChange[] = []
  const firstDay = Math.floor(fromMs / DAY_MS) - 1
  const lastDay = Math.floor(toMs / DAY_MS)
  for (const rep of scenario.reps) {
    if (rep.shift === undefined && rep.breaks === undefined) continue
    let current = presenceAt(rep, fromMs)
    const points = new Set<number>()
    for (let d = firstDay; d <= lastDay; d++)
      for (const w of windowsOf(rep)) {
        points.add(d * DAY_MS + w.from)
        points.add(d * DAY_MS + w.to)
      }
    for (const atMs of [...points].sort((a, b) => a - b)) {
      if (atMs <= fromMs || atMs >= toMs) continue
      const presenceId = presenceAt(rep, atMs)
      if (presenceId === current) continue
      changes.push({ atMs, repId: rep.repId, presenceId })
      current = presenceId
    }
  }
  const order = new Map(scenario.reps.map((r, i) => [r.repId, i]))
  return changes.sort((a, b) => a.atMs - b.atMs || (order.get(a.repId) ?? 0) - (order.get(b.repId) ?? 0))
}
