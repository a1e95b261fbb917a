import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { LibsqlStoreLive, SystemClockLive } from "@lifeline/adapters"
import { CenterFollowerLive } from "@lifeline/api/testing"
import { Center, type CenterEvent, CenterLive } from "@lifeline/core/center"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { migrationsFolder } from "./processes"
import { type Sqld, startSqld } from "./sqld"

/**
 * ARCHITECTURE, Scale: any node serves any rep's stream. A node catches up with what other
 * nodes stored (events to its state and its listeners, their timers armed here too), so live
 * streams, the outbox and timers on every node see every write.
 */
let dir = ""
let sqld: Sqld | undefined
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-follow-"))
  sqld = await startSqld(dir)
})
afterAll(async () => {
  await sqld?.stop()
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
})

const node = (url: string, follow: boolean) => {
  const center = CenterLive.pipe(
    Layer.provideMerge(Layer.merge(LibsqlStoreLive(url, { migrationsFolder }), SystemClockLive)),
  )
  return ManagedRuntime.make(
    follow ? Layer.merge(center, CenterFollowerLive.pipe(Layer.provide(center))) : center,
  )
}

const heard = (runtime: ReturnType<typeof node>) => {
  const events: CenterEvent[] = []
  return runtime
    .runPromise(Effect.flatMap(Center, (c) => c.subscribe((batch) => void events.push(...batch))))
    .then(() => events)
}

describe("a node follows the shared log (ARCHITECTURE, Scale)", () => {
  it("refresh brings another node's events to the state, the listeners and the timers", async () => {
    const a = node(sqld?.url ?? "", false)
    const b = node(sqld?.url ?? "", false)
    try {
      const onB = await heard(b)
      await a.runPromise(
        Effect.flatMap(Center, (c) =>
          Effect.all([
            c.execute({
              _tag: "RegisterRep",
              repId: "ann",
              name: "Ann",
              presenceId: "available",
              capacity: { voice: 1 },
            }),
            c.execute({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"] }),
            c.execute({ _tag: "EnqueueItem", itemId: "i1", queueId: "q" }),
          ]),
        ),
      )
      expect(
        await b.runPromise(Effect.flatMap(Center, (c) => c.read((s) => s.routing.reps.has("ann")))),
      ).toBe(false)
      await b.runPromise(Effect.flatMap(Center, (c) => c.refresh))
      expect(onB.map((e) => e._tag)).toEqual(["RepRegistered", "QueueCreated", "ItemQueued", "OfferMade"])
      expect(await b.runPromise(Effect.flatMap(Center, (c) => c.read((s) => s.routing.offers.size)))).toBe(1)
      const timers = await b.runPromise(Effect.flatMap(Center, (c) => c.pendingTimers))
      expect(timers.map((t) => t.timerId)).toEqual(["routing/offer-expiry/i1~1"])
    } finally {
      await a.dispose()
      await b.dispose()
    }
  })

  it("the API's follower keeps a node caught up without it writing anything", async () => {
    const a = node(sqld?.url ?? "", false)
    const b = node(sqld?.url ?? "", true)
    try {
      const onB = await heard(b)
      await a.runPromise(
        Effect.flatMap(Center, (c) =>
          c.execute({ _tag: "DefinePresence", presenceId: "lunch", label: "Lunch", base: "away" }),
        ),
      )
      const deadline = Date.now() + 3_000
      while (!onB.some((e) => e._tag === "PresenceDefined") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25))
      }
      expect(onB.map((e) => e._tag)).toContain("PresenceDefined")
    } finally {
      await a.dispose()
      await b.dispose()
    }
  })
})
