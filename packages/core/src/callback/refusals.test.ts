import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { CenterAsks, CenterDecision } from "../center/module"
import { InvalidState } from "../kernel/errors"
import { noAnswer, retry } from "./dial"
import { expire } from "./expiry"
import { RING_TIMEOUT_MS } from "./retry"
import { openWindow } from "./schedule"
import { accept, CALLER, failed, overflowCenter } from "./test-kit"

/**
 * Issue 18: what the callback module asks routing in a timer or a follow-up (C7 window, B1 hold
 * and retry, C8 expiry) is never dropped when routing refuses: a `CallbackRefused` records it.
 * Routing here refuses everything, as it would an item it no longer holds as asked.
 */
const refusing: CenterAsks = {
  routing: () => Result.fail(new InvalidState({ field: "itemId", message: "refused for the test" })),
}
const HOUR = 3_600_000

const eventsOf = (decided: CenterDecision) => {
  if (Result.isFailure(decided)) throw new Error(`expected events, got ${decided.failure.message}`)
  return decided.success
}
const refusal = (asked: string) => ({
  _tag: "CallbackRefused",
  callbackId: "cb",
  asked,
  error: "InvalidState",
  field: "itemId",
  message: "refused for the test",
})

/** Ann is available and accepted the callback "cb": its customer is being dialled. */
const dialling = () => {
  const h = overflowCenter({
    presence: "available",
    overflow: { rules: [], retry: { delayMs: 60_000, maxAttempts: 3 } },
  })
  h.run({ _tag: "RequestCallback", callbackId: "cb", number: CALLER, queueId: "q" })
  accept(h, "ann")
  return h
}

describe("issue 18: refused asks of the callback module are events", () => {
  it("C7 the window opens but routing refuses to queue the callback: CallbackRefused (EnqueueItem)", () => {
    const h = overflowCenter()
    h.run({
      _tag: "RequestCallback",
      callbackId: "cb",
      number: CALLER,
      queueId: "q",
      window: { start: HOUR, end: 2 * HOUR },
    })
    const decided = openWindow(h.state, { _tag: "OpenCallbackWindow", callbackId: "cb" }, HOUR, refusing)
    expect(eventsOf(decided)).toEqual([{ ...refusal("EnqueueItem"), at: HOUR }])
  })

  it("B1 a failed dial whose item routing refuses to hold: the attempt fails and CallbackRefused (HoldItem) follows", () => {
    const h = dialling()
    const command = { _tag: "CallbackNoAnswer", callbackId: "cb", callId: "cb~dial~1" } as const
    const events = eventsOf(noAnswer(h.state, command, RING_TIMEOUT_MS, refusing))
    expect(events.map((e) => e._tag)).toEqual([
      "CallbackAttemptFailed",
      "OutboxQueued",
      "OutboxCancelled",
      "CallbackRefused",
    ])
    expect(events.at(-1)).toMatchObject(refusal("HoldItem"))
  })

  it("B1 the retry comes but routing refuses to resume the held item: CallbackRefused (ResumeItem)", () => {
    const h = dialling()
    h.run(failed("cb~dial~1"))
    const decided = retry(h.state, { _tag: "RetryCallback", callbackId: "cb" }, h.now + 60_000, refusing)
    expect(eventsOf(decided)).toMatchObject([refusal("ResumeItem")])
  })

  it("C8 the deadline comes but routing refuses to close the item: CallbackRefused (CloseItem)", () => {
    const h = overflowCenter()
    h.run({ _tag: "RequestCallback", callbackId: "cb", number: CALLER, queueId: "q" })
    const deadline = h.state.callback.callbacks.get("cb")?.deadline ?? 0
    const decided = expire(h.state, { _tag: "ExpireCallback", callbackId: "cb" }, deadline, refusing)
    expect(eventsOf(decided)).toMatchObject([refusal("CloseItem")])
  })
})
