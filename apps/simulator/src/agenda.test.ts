import { describe, expect, it } from "vitest"
import { Agenda, type SimEvent } from "./agenda"
import { mulberry32 } from "./random"

const arrival = (n: number): SimEvent => ({ _tag: "Arrival", queueId: `q${n}` })

describe("agenda (B7: events in virtual-time order)", () => {
  it("hands events back by time, ties in scheduling order, also while events are added between takes", () => {
    const random = mulberry32(7)
    const agenda = new Agenda()
    const scheduled: { at: number; n: number }[] = []
    const taken: { at: number; n: number }[] = []
    let n = 0
    let now = 0
    // More than the first allocation holds, so the arrays grow.
    for (; n < 3_000; n++) {
      const at = Math.floor(random() * 40_000)
      scheduled.push({ at, n })
      agenda.schedule(at, arrival(n))
    }
    for (let round = 0; round < 5_000; round++) {
      // Few distinct times, so ties are common; never in the past.
      for (let k = Math.floor(random() * 3); k > 0; k--) {
        const at = now + Math.floor(random() * 20)
        scheduled.push({ at, n })
        agenda.schedule(at, arrival(n++))
      }
      const next = agenda.next(now + Math.floor(random() * 10))
      if (next !== undefined) {
        now = next.at
        taken.push({ at: next.at, n: Number((next.event as { queueId: string }).queueId.slice(1)) })
      }
    }
    for (let next = agenda.next(Infinity); next !== undefined; next = agenda.next(Infinity))
      taken.push({ at: next.at, n: Number((next.event as { queueId: string }).queueId.slice(1)) })
    expect(agenda.size).toBe(0)
    expect(taken).toEqual([...scheduled].sort((a, b) => a.at - b.at || a.n - b.n))
  })

  it("gives nothing after `until` and tells when the next event is", () => {
    const agenda = new Agenda()
    expect(agenda.peekAt()).toBeUndefined()
    agenda.schedule(50, arrival(1))
    agenda.schedule(20, arrival(2))
    expect(agenda.peekAt()).toBe(20)
    expect(agenda.next(10)).toBeUndefined()
    expect(agenda.next(20)?.event).toEqual(arrival(2))
    expect(agenda.size).toBe(1)
    expect(agenda.next(49)).toBeUndefined()
    expect(agenda.next(50)?.at).toBe(50)
    expect(agenda.next(1e9)).toBeUndefined()
  })
})
