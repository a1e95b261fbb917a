import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { it } from "@effect/vitest"
import { makeLibsqlStore } from "@lifeline/adapters"
import { CENTER_EVENT_TAGS, CENTER_STREAM, type CenterCommand, type CenterEvent } from "@lifeline/core"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect } from "vitest"
import { memorySink } from "../../apps/simulator/src/engine/event-log"
import { runSimulation } from "../../apps/simulator/src/run"
import { loadScenarioFile } from "../../apps/simulator/src/scenario-file"
import * as callbackKit from "../../packages/core/src/callback/callback.property.test-kit"
import { DEFAULT_REGIONS } from "../../packages/core/src/emergency/regions"
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
    dial("ann", "911", "ZZ"),
    dial("ann"),
    dial("ann"),
    dial("bob"),
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
        const events = [...smallCenterDay(1), ...callbackWorlds(), ...routingWorlds(), ...emergencyScript()]
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
