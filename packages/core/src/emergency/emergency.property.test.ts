import { Result } from "effect"
import fc from "fast-check"
import { describe, it } from "vitest"
import type { CenterCommand } from "../center/commands"
import type { CenterEvent } from "../center/events"
import { replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { CALLBACK_LEASE_MS } from "./callback-lease"
import { DEFAULT_GRACE_MINUTES } from "./state"
import { dial, emergencyCenter, end, inbound, OVERFLOW_NUMBER, POOL, redirects } from "./test-kit"

/**
 * E4/E5/E6/E10 under random interleavings of dials (real, test, refused), ends, presence changes,
 * PSAP callbacks (answered, ended, failed) and time. Every check is written from the rules and
 * the commands sent, not from the module's own bookkeeping.
 */

const REPS = ["ann", "bob"] as const
const NUMBERS = [POOL[0], POOL[1], OVERFLOW_NUMBER] as const

type Step =
  | {
      readonly kind: "dial"
      readonly rep: number
      readonly number: "911" | "933" | "999"
      readonly region: "US" | "FR"
    }
  | { readonly kind: "end"; readonly rep: number }
  | { readonly kind: "presence"; readonly rep: number; readonly presenceId: string }
  | { readonly kind: "callback"; readonly to: number }
  | { readonly kind: "hangup" | "fail"; readonly call: number }
  | { readonly kind: "wait"; readonly ms: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("dial" as const),
    rep: fc.integer({ min: 0, max: 1 }),
    number: fc.constantFrom("911" as const, "933" as const, "999" as const),
    region: fc.constantFrom("US" as const, "US" as const, "FR" as const),
  }),
  fc.record({ kind: fc.constant("end" as const), rep: fc.integer({ min: 0, max: 1 }) }),
  fc.record({
    kind: fc.constant("presence" as const),
    rep: fc.integer({ min: 0, max: 1 }),
    presenceId: fc.constantFrom("available", "busy", "away", "offline", "busy_dnd"),
  }),
  fc.record({ kind: fc.constant("callback" as const), to: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constantFrom("hangup" as const, "fail" as const),
    call: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("wait" as const),
    // Whole minutes and the edges of the 60-minute window, so callbacks land on 59:59.999 and 60:00.
    ms: fc.oneof(
      fc.integer({ min: 0, max: 40 }).map((m) => m * 60_000),
      fc.constantFrom(CALLBACK_LEASE_MS, CALLBACK_LEASE_MS - 1, 1, 1_000),
    ),
  }),
)

const fail = (message: string): never => {
  throw new Error(message)
}

const run = (steps: readonly Step[], poolSize: number) => {
  const h = emergencyCenter({ pool: POOL.slice(0, poolSize) })
  /** Per rep: presence when its session opened. Per callback number: who, and the dial that leased it. */
  const before = new Map<string, string>()
  const leasedTo = new Map<string, { readonly repId: string; readonly dialAt: number }>()
  const calls: string[] = []
  const presence = (repId: string) => h.state.routing.reps.get(repId)?.presenceId ?? fail(`no rep ${repId}`)

  const execute = (command: CenterCommand): CenterEvent[] => {
    const presences = new Map(REPS.map((r) => [r, presence(r)]))
    const result = h.attempt(command)
    const events = Result.isSuccess(result) ? result.success : []
    for (const e of events) {
      if (e._tag === "EmergencySessionOpened") before.set(e.repId, presences.get(e.repId as "ann") ?? "")
      if (e._tag === "CallbackLeased" || e._tag === "CallbackLeaseRenewed")
        leasedTo.set(e.number, { repId: e.repId, dialAt: h.now })
    }
    for (const e of events) {
      // E10: the end gives back exactly the presence from before the session.
      if (e._tag === "EmergencyEnded" && presence(e.repId) !== before.get(e.repId))
        fail(`${e.repId} ended in ${presence(e.repId)}, was ${before.get(e.repId)} before`)
    }
    return events
  }

  for (const step of steps) {
    switch (step.kind) {
      case "dial":
        execute(dial(REPS[step.rep], step.number, step.region))
        break
      case "end":
        execute(end(REPS[step.rep]))
        break
      case "presence":
        execute({ _tag: "SetPresence", repId: REPS[step.rep] as string, presenceId: step.presenceId })
        break
      case "callback": {
        const callId = `psap-${calls.length}`
        calls.push(callId)
        const to = NUMBERS[step.to] as string
        const holder = leasedTo.get(to)
        const liveFor =
          holder !== undefined && h.now < holder.dialAt + CALLBACK_LEASE_MS ? holder.repId : undefined
        const signedIn = liveFor !== undefined && h.state.routing.reps.get(liveFor)?.base !== "offline"
        const target = redirects(execute(inbound(callId, to)))[0]?.repId
        // E6: a live lease reaches its rep (unless signed out, B5); after 60 minutes never.
        if (signedIn && target !== liveFor)
          fail(`${callId} to ${to} went to ${target}, lease live for ${liveFor}`)
        if (!signedIn && target !== undefined && target !== "desk")
          fail(`${callId} reached ${target} without a live lease`)
        const ours = h.state.emergency.pool.members.has(to) || to === OVERFLOW_NUMBER || holder !== undefined
        if (ours && h.state.routing.items.has(callId))
          fail(`${callId} to a callback number became a routing item`)
        break
      }
      case "hangup":
      case "fail": {
        const callId = calls[calls.length - 1 - step.call]
        if (callId === undefined) break
        execute(
          step.kind === "hangup"
            ? { _tag: "CallEnded", callId, eventId: `end-${callId}-${h.log.length}` }
            : { _tag: "CallFailed", callId, eventId: `fail-${callId}-${h.log.length}`, reason: "no answer" },
        )
        break
      }
      case "wait":
        h.advance(step.ms)
        break
    }
    // E4: while a session is up the rep is in DND.
    for (const repId of REPS) {
      if (h.state.emergency.activeByRep.has(repId) && presence(repId) !== "busy_dnd")
        fail(`${repId} is in ${presence(repId)} during an emergency`)
    }
  }
  return Object.assign(h, { before })
}

describe("E4/E5/E6/E10 properties", () => {
  it("E10 whatever the interleaving, presence after the end equals presence before; E6 a lease never routes after 60 minutes; N1 replay rebuilds the same", () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 10, maxLength: 80, size: "max" }),
        fc.integer({ min: 0, max: 2 }),
        (steps, poolSize) => {
          const h = run(steps, poolSize)
          const rebuilt = replayCenter(emptyCenterState(), h.log)
          for (const repId of REPS) {
            const a = h.state.routing.reps.get(repId)?.presenceId
            const b = rebuilt.routing.reps.get(repId)?.presenceId
            if (a !== b) fail(`replay: ${repId} in ${b}, live state ${a}`)
            const s1 = h.state.emergency.activeByRep.get(repId)
            const s2 = rebuilt.emergency.activeByRep.get(repId)
            if (s1?.sessionId !== s2?.sessionId || s1?.previousPresence !== s2?.previousPresence)
              fail(`replay: ${repId}'s session differs`)
          }
          const leases = (s: typeof h.state) => JSON.stringify([...s.emergency.leases.values()])
          if (leases(h.state) !== leases(rebuilt)) fail("replay: leases differ")
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe("W5 property (issue 19): no session outlives its callback window and grace in silence", () => {
  it("W5 whatever happened, with no word for 60 minutes + the grace every session is over and E10 holds", () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 60, size: "max" }),
        fc.integer({ min: 0, max: 2 }),
        (steps, poolSize) => {
          const h = run(steps, poolSize)
          const open = REPS.filter((repId) => h.state.emergency.activeByRep.has(repId))
          // Nobody reports anything (the browsers are gone): only the durable timers act.
          h.advance(CALLBACK_LEASE_MS + DEFAULT_GRACE_MINUTES * 60_000)
          for (const repId of REPS) {
            if (h.state.emergency.activeByRep.has(repId)) fail(`${repId}'s session is still open`)
            const presence = h.state.routing.reps.get(repId)?.presenceId
            if (open.includes(repId) && presence !== h.before.get(repId))
              fail(`${repId} ended in ${presence}, was ${h.before.get(repId)} before`)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
