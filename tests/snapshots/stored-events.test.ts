import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { it } from "@effect/vitest"
import { makeLibsqlStore } from "@lifeline/adapters"
import { openWindow } from "@lifeline/core/callback"
import {
  CENTER_EVENT_TAGS,
  CENTER_STREAM,
  type CenterAsks,
  type CenterCommand,
  type CenterEvent,
} from "@lifeline/core/center"
import { DEFAULT_REGIONS } from "@lifeline/core/emergency"
import { eventsOf, InvalidState } from "@lifeline/core/kernel"
import { Effect, Result } from "effect"
import fc from "fast-check"
import { describe, expect } from "vitest"
import { memorySink } from "../../apps/simulator/src/engine/event-log"
import { runSimulation } from "../../apps/simulator/src/run"
import { loadScenarioFile } from "../../apps/simulator/src/scenario-file"
import * as callbackKit from "../../packages/core/src/callback/callback.property.test-kit"
import { accept, answered, CALLER, hungUp, overflowCenter } from "../../packages/core/src/callback/test-kit"
import { callsScript } from "../../packages/core/src/calls/test-kit"
import { dial, emergencyCenter, inbound, POOL } from "../../packages/core/src/emergency/test-kit"
import * as routerKit from "../../packages/core/src/routing/router.property.test-kit"
import { repoRoot } from "../durability/processes"

/**
 * Issue 22, Build 2 (SPEC N1): every kind of center event the core writes survives the libSQL
 * store's append and a load through its Schema, unchanged. The events are real ones: the
 * simulator's small center for a day, the callback and routing property kits' random worlds,
 * and an emergency script for what neither reaches (PSAP callbacks, an exhausted pool).
 */

const smallCenterDay = (seed: number): CenterEvent[] => {
  const sink = memorySink()
  runSimulation({
    seed,
    scenario: loadScenarioFile(join(repoRoot, "apps/simulator/examples/small-center.json")),
    events: sink,
  })
  return sink.lines.flatMap((line) => {
    const parsed = JSON.parse(line) as { core?: CenterEvent }
    return parsed.core === undefined ? [] : [parsed.core]
  })
}

const callbackWorlds = (): CenterEvent[] =>
  fc
    .sample(fc.tuple(callbackKit.universeArb, callbackKit.stepsArb), { numRuns: 40, seed: 22 })
    .flatMap(([universe, steps]) => callbackKit.simulate(universe, steps, () => {}).h.log)

/**
 * I2 (issue 20): an integrator moves a callback's window, then cancels it. Issue 18: routing
 * refuses to queue a callback whose window opened (`CallbackRefused`); the guards keep every
 * command from making routing refuse, so routing is stood in for by one that refuses, as in
 * callback/refusals.test.ts.
 */
const callbackScript = (): CenterEvent[] => {
  const HOUR = 3_600_000
  const actor = { role: "integrator", name: "crm" } as const
  const h = overflowCenter()
  const later = (callbackId: string) =>
    h.run({
      _tag: "RequestCallback",
      callbackId,
      number: CALLER,
      queueId: "q",
      window: { start: HOUR, end: 2 * HOUR },
    })
  later("cb-moved")
  h.run({
    _tag: "RescheduleCallback",
    callbackId: "cb-moved",
    window: { start: 2 * HOUR, end: 3 * HOUR },
    actor,
  })
  h.run({ _tag: "CancelCallback", callbackId: "cb-moved", actor })
  later("cb-refused")
  const refusing: CenterAsks = {
    routing: () => Result.fail(new InvalidState({ field: "itemId", message: "refused for the test" })),
  }
  const refused = openWindow(
    h.state,
    { _tag: "OpenCallbackWindow", callbackId: "cb-refused" },
    HOUR,
    refusing,
  )
  if (Result.isFailure(refused)) throw new Error(refused.failure.message)
  // W1: the customer of a connected callback hangs up.
  const connected = overflowCenter({ presence: "available" })
  connected.run({ _tag: "RequestCallback", callbackId: "cb-hung-up", number: CALLER, queueId: "q" })
  accept(connected, "ann")
  connected.run(answered("cb-hung-up~dial~1"))
  connected.run(hungUp("cb-hung-up~dial~1"))
  return [...h.log, ...eventsOf(refused.success), ...connected.log]
}

const routingWorlds = (): CenterEvent[] =>
  fc
    .sample(fc.tuple(routerKit.universeArb, routerKit.stepsArb), { numRuns: 40, seed: 22 })
    .flatMap(([universe, steps]) => routerKit.simulate(universe, steps, {}, true).h.log)

/** E1-E10 set-up and the paths the simulator's day does not take. */
const emergencyScript = (): CenterEvent[] => {
  const h = emergencyCenter({ pool: [POOL[0]] })
  const commands: CenterCommand[] = [
    { _tag: "ConfigureEmergencyRegions", regions: DEFAULT_REGIONS.map((r) => ({ ...r })) },
    { _tag: "SetRepMailbox", repId: "bob", enabled: false },
    { _tag: "SetNotificationTemplate", subject: "Emergency: {rep}", body: "{rep} dialled {number}." },
    { _tag: "SetRepCapacity", repId: "bob", capacity: { voice: 2 } },
    { _tag: "AddQueueMember", queueId: "q", repId: "desk" },
    { _tag: "RemoveQueueMember", queueId: "q", repId: "desk" },
    // Issue 19: an admin's service-level target for the queue.
    { _tag: "SetQueueServiceLevelTarget", queueId: "q", share: 0.9, thresholdMs: 30_000 },
    dial("ann", "911", "ZZ"),
    dial("ann"),
    dial("ann"),
    dial("bob"),
    // W5 (issue 19): bob's call drops with no lease to wait on (the pool's one number is ann's).
    { _tag: "EmergencyCallDropped", repId: "bob", sessionId: "emergency-2", reason: "network" },
    inbound("psap-1", POOL[0]),
    { _tag: "CallFailed", callId: "psap-1", eventId: "f1", reason: "no answer" },
    // B5: the fallback fails too, so the operator is told.
    { _tag: "CallFailed", callId: "psap-1", eventId: "f2", reason: "no answer" },
  ]
  for (const command of commands) h.attempt(command)
  h.advance(61 * 60_000)
  h.attempt(inbound("psap-2", POOL[0]))
  h.attempt({ _tag: "CallEnded", callId: "psap-2", eventId: "e2" })
  return h.log
}

describe("issue 22 N1: stored center events round-trip through their Schemas", () => {
  it.live("every center event tag, appended to a libSQL file and loaded, is the event appended", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const events = [
          ...smallCenterDay(1),
          ...callbackWorlds(),
          ...callbackScript(),
          ...routingWorlds(),
          ...emergencyScript(),
          ...callsScript(),
        ]
        const seen = new Set(events.map((e) => e._tag))
        expect(CENTER_EVENT_TAGS.filter((tag) => !seen.has(tag))).toEqual([])

        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "lifeline-stored-events-"))),
          (path) => Effect.sync(() => rmSync(path, { recursive: true, force: true })),
        )
        const store = yield* makeLibsqlStore(`file:${join(dir, "center.db")}`)
        for (let at = 0; at < events.length; at += 5_000)
          yield* store.append(CENTER_STREAM, at, events.slice(at, at + 5_000), [])
        const loaded = yield* store.load<CenterEvent, never>(CENTER_STREAM)
        expect(loaded.events.length).toBe(events.length)
        // JSON's view of the appended events: what the store promises to give back.
        expect(loaded.events).toEqual(JSON.parse(JSON.stringify(events)))
      }),
    ),
  )
})
