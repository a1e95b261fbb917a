import fc from "fast-check"
import { describe, it } from "vitest"
import type { CenterEvent } from "../center/events"
import { replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import {
  callbackFingerprint,
  type Step,
  simulate,
  stepsArb,
  type Universe,
  universeArb,
  type World,
} from "./callback.property.test-kit"
import { isDialable } from "./e164"

/**
 * C6 over random interleavings: whatever happens (accepts, declines, expiries, answers, failures,
 * hang-ups, time, duplicated and late provider events, outbox failures), a callback item is never
 * dialled before a rep accepted it and never dialled twice for one acceptance.
 */

const RUNS = { numRuns: 300 }

const fail = (message: string, detail?: unknown): never => {
  throw new Error(detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`)
}

const check = (afterStep: () => (w: World, fresh: readonly CenterEvent[]) => void) =>
  fc.assert(
    fc.property(universeArb, stepsArb, (u: Universe, steps: readonly Step[]) => {
      const look = afterStep()
      let seen = 0
      simulate(u, steps, (w) => {
        look(w, w.h.log.slice(seen))
        seen = w.h.log.length
      })
    }),
    RUNS,
  )

/** From the log alone: each dial consumes one acceptance of its item by the rep it names. */
const previewDialing = () => {
  const acceptedBy = new Map<string, string>()
  const dialledFor = new Map<string, string>()
  return (_w: World, events: readonly CenterEvent[]) => {
    for (const e of events) {
      if (e._tag === "OfferAccepted") acceptedBy.set(e.itemId, e.repId)
      if (e._tag === "CallbackDialed") dialledFor.set(e.callId, e.repId)
      if (e._tag !== "OutboxQueued" || e.message._tag !== "Telephony") continue
      const action = e.message.action
      if (action._tag !== "PlaceCall") continue
      const itemId = e.ref
      const rep = acceptedBy.get(itemId)
      if (rep === undefined) fail(`C6 ${itemId} dialled without an acceptance not yet dialled`, action)
      if (dialledFor.get(action.callId) !== rep)
        fail(`C6 ${action.callId} is not the dial of ${rep}'s acceptance`)
      if (!isDialable(action.to)) fail(`B2 ${action.to} dialled`)
      acceptedBy.delete(itemId)
    }
  }
}

describe("callbacks over random interleavings", () => {
  it("C6 a callback item is never dialled before a rep accepted it, nor twice for one acceptance (property)", () => {
    check(previewDialing)
  })

  it("C6 accepting a callback never bridges the long-gone caller as an ordinary call (property)", () => {
    check(() => (w, events) => {
      for (const e of events) {
        if (e._tag !== "OutboxQueued" || e.purpose !== "connect") continue
        if (w.h.log.some((x) => x._tag === "CallbackRequested" && x.callbackId === e.ref))
          fail(`C6 ${e.ref} is a callback, connected as a call`)
      }
    })
  })

  it("C3 no offer is played to a caller after they pressed 1, hung up or were connected (property)", () => {
    check(() => {
      const over = new Set<string>()
      return (_w, events) => {
        for (const e of events) {
          if (e._tag === "OverflowWatchEnded" || e._tag === "ItemAbandoned" || e._tag === "OfferAccepted")
            over.add(e.itemId)
          if (e._tag === "CallbackOfferPlayed" && over.has(e.itemId))
            fail(`C3 offer to ${e.itemId} after it ended`)
        }
      }
    })
  })

  it("N1 replaying the log rebuilds the callback state exactly (property)", () => {
    check(() => (w) => {
      if (callbackFingerprint(replayCenter(emptyCenterState(), w.h.log)) !== callbackFingerprint(w.h.state))
        fail("N1 replayed callback state differs from live")
    })
  })
})
