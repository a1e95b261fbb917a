import type { CenterCommand, CenterEvent } from "@lifeline/core/center"
import { describe, expect, it } from "vitest"
import { runSimulation, SIM_START } from "../run"
import { BUILT_IN_SCENARIO } from "../scenario"
import { centerDomain } from "./domains"
import { type CoreDriver, FastDriver, RefusedCommand } from "./driver"
import { effectCenterDriver, effectCore } from "./effect-driver"
import { memorySink } from "./event-log"

const SETUP: CenterCommand[] = [
  ...["ana", "ben", "cy"].map(
    (repId): CenterCommand => ({
      _tag: "RegisterRep",
      repId,
      name: repId,
      presenceId: "available",
      capacity: { voice: 1 },
    }),
  ),
  { _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ana", "ben", "cy"], offerTimeoutMs: 5_000 },
]

/**
 * Commands at given times, with every core timer that comes due on the way fired first (as the
 * simulator does); every event the core emitted, tagged with when it happened.
 */
const drive = (
  driver: CoreDriver<CenterCommand, CenterEvent>,
  script: readonly [number, CenterCommand][],
) => {
  const log: string[] = []
  const fireUntil = (t: number) => {
    for (let due = driver.nextTimerAt(); due !== undefined && due <= t; due = driver.nextTimerAt())
      for (const e of driver.fireNextTimer()) log.push(`${due} timer ${JSON.stringify(e)}`)
  }
  for (const [t, command] of script) {
    fireUntil(SIM_START + t)
    for (const e of driver.execute(command, SIM_START + t)) log.push(`${SIM_START + t} ${JSON.stringify(e)}`)
  }
  fireUntil(SIM_START + 3_600_000)
  return log
}

/** Nobody answers at first, so offers expire and move on (the core's offer-expiry timers fire). */
const SCRIPT: [number, CenterCommand][] = [
  ...SETUP.map((c): [number, CenterCommand] => [0, c]),
  [1_000, { _tag: "EnqueueItem", itemId: "c1", queueId: "q" }],
  [2_000, { _tag: "EnqueueItem", itemId: "c2", queueId: "q" }],
  [3_000, { _tag: "EnqueueItem", itemId: "c3", queueId: "q" }],
  [4_000, { _tag: "EnqueueItem", itemId: "c4", queueId: "q" }],
  [30_000, { _tag: "AbandonItem", itemId: "c2" }],
  [40_000, { _tag: "SetPresence", repId: "cy", presenceId: "offline" }],
]

describe("B7 fast driver is the real core", () => {
  it("B7 the fast driver and the Effect engine emit the same events, core timers included", () => {
    const effect = effectCenterDriver(SIM_START)
    try {
      const fast = drive(new FastDriver(centerDomain), SCRIPT)
      expect(fast.some((line) => line.includes('"OfferExpired"'))).toBe(true)
      expect(fast.some((line) => line.includes('"ItemAbandoned"'))).toBe(true)
      expect(drive(effect, SCRIPT)).toEqual(fast)
    } finally {
      effect.dispose()
    }
  })

  it("B7 a simulated run gives the same event log and summary on the fast driver and the Effect engine", () => {
    const fast = memorySink()
    const effect = memorySink()
    const a = runSimulation({ seed: 5, hours: 3, scenario: BUILT_IN_SCENARIO, core: "center", events: fast })
    const b = runSimulation({
      seed: 5,
      hours: 3,
      scenario: BUILT_IN_SCENARIO,
      core: effectCore(SIM_START),
      events: effect,
    })
    expect(fast.lines.length).toBeGreaterThan(500)
    expect(effect.lines).toEqual(fast.lines)
    expect(b).toEqual(a)
  })

  it("a timer disarmed before it is due never fires; re-arming moves it", () => {
    const driver = new FastDriver(centerDomain)
    for (const c of SETUP) driver.execute(c, SIM_START)
    const [offer] = driver.execute({ _tag: "EnqueueItem", itemId: "c1", queueId: "q" }, SIM_START)
    expect(offer?._tag).toBe("ItemQueued")
    expect(driver.nextTimerAt()).toBe(SIM_START + 5_000)
    const made = driver.pendingTimers()
    expect(made).toHaveLength(1)
    const offerMade = driver
      .execute({ _tag: "EnqueueItem", itemId: "c2", queueId: "q" }, SIM_START + 1_000)
      .find((e) => e._tag === "OfferMade")
    expect(driver.pendingTimers()).toHaveLength(2)
    if (offerMade?._tag !== "OfferMade") throw new Error("no offer")
    driver.execute(
      { _tag: "AcceptOffer", offerId: offerMade.offerId, repId: offerMade.repId },
      SIM_START + 1_000,
    )
    expect(driver.pendingTimers()).toEqual(made)
    expect(driver.nextTimerAt()).toBe(SIM_START + 5_000)
    expect(driver.fireNextTimer().map((e) => e._tag)).toContain("OfferExpired")
  })

  it("a refused command throws, naming the command", () => {
    const driver = new FastDriver(centerDomain)
    expect(() => driver.execute({ _tag: "AbandonItem", itemId: "nobody" }, SIM_START)).toThrow(RefusedCommand)
  })
})
