import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { armTimer, disarmTimer, type Timer, type TimerChange } from "../ports/timer"
import { decisionTimers, TimerTable } from "./timer-table"

const timer = (timerId: string, dueAt: number): Timer<string> => ({
  timerId,
  dueAt,
  command: `run ${timerId}`,
})

/** Fire every armed timer of a due-ordered table, in the order it gives them. */
const drain = (table: TimerTable<string>) => {
  const fired: string[] = []
  for (let next = table.next(); next !== undefined; next = table.next()) {
    fired.push(next.timerId)
    table.disarm(next.timerId)
  }
  return fired
}

describe("the timer table: one set of timer rules for the engine and the simulator (issue 18, N1)", () => {
  it("N1 timers come due in due order, ties in arming order", () => {
    const table = new TimerTable<string>({ dueOrder: true })
    for (const t of [timer("c", 30), timer("a", 10), timer("b2", 20), timer("b1", 20)]) table.arm(t)
    expect(drain(table)).toEqual(["a", "b2", "b1", "c"])
  })

  it("N1 arming an armed id replaces it and puts it behind the others due then; disarming twice is harmless", () => {
    const table = new TimerTable<string>({ dueOrder: true })
    table.arm(timer("x", 10))
    table.arm(timer("y", 10))
    expect(table.next()?.timerId).toBe("x")
    table.apply(armTimer("x", 10, "again"))
    expect(table.timers().map((t) => [t.timerId, t.command])).toEqual([
      ["y", "run y"],
      ["x", "again"],
    ])
    table.apply(disarmTimer("y"))
    table.apply(disarmTimer("y"))
    expect(drain(table)).toEqual(["x"])
  })

  it("N1 a timer disarmed before anyone asks what is next never fires", () => {
    const table = new TimerTable<string>({ dueOrder: true })
    table.arm(timer("offer", 5))
    table.disarm("offer")
    table.arm(timer("later", 50))
    expect(drain(table)).toEqual(["later"])
    expect(table.timers()).toEqual([])
  })

  it("N1 a fired timer is consumed before its command's own changes, also when the command is refused", () => {
    const timersOf = (event: string): readonly TimerChange<string>[] => [
      armTimer(`after-${event}`, 99, event),
    ]
    const seen: TimerChange<string>[] = []
    decisionTimers(timersOf, "t1", Result.succeed(["e1", "e2"]), (c) => seen.push(c))
    expect(seen).toEqual([disarmTimer("t1"), armTimer("after-e1", 99, "e1"), armTimer("after-e2", 99, "e2")])
    seen.length = 0
    decisionTimers(timersOf, "t1", Result.fail("refused"), (c) => seen.push(c))
    expect(seen).toEqual([disarmTimer("t1")])
    seen.length = 0
    decisionTimers(timersOf, null, Result.fail("refused"), (c) => seen.push(c))
    expect(seen).toEqual([])
  })

  it("N1 replacing the table (a reload or a catch-up) says which ids went and which timers are new or moved", () => {
    const table = new TimerTable<string>({ dueOrder: false })
    for (const t of [timer("kept", 10), timer("moved", 20), timer("gone", 30)]) table.arm(t)
    const { gone, moved } = table.replaceAll([timer("kept", 10), timer("moved", 25), timer("new", 40)])
    expect(gone).toEqual(["gone"])
    expect(moved.map((t) => t.timerId)).toEqual(["moved", "new"])
    expect(table.timers().map((t) => t.timerId)).toEqual(["kept", "moved", "new"])
    expect(() => table.next()).toThrow(/no due order/)
  })

  it("N1 the last armed timer, named by an equal id built anew: disarmed once, and arming it again arms it", () => {
    const idOf = (n: number) => ["offer", n].join("/")
    const table = new TimerTable<string>({ dueOrder: true })
    table.arm(timer(idOf(1), 10))
    table.arm(timer(idOf(2), 20))
    table.disarm(idOf(2))
    table.disarm(idOf(2))
    expect(table.get(idOf(2))).toBeUndefined()
    table.arm(timer(idOf(2), 5))
    expect(table.get(idOf(2))?.dueAt).toBe(5)
    table.disarm(idOf(1))
    expect(drain(table)).toEqual([idOf(2)])
    expect(table.timers()).toEqual([])
  })
})
