import { describe, expect, it } from "vitest"
import type { CenterCommand } from "./commands"
import { CENTER_EVENT_TAGS, type CenterEvent, type CenterEventTag } from "./events"
import { CENTER_COMMAND_TAGS, CENTER_MODULES } from "./execute"
import { type CenterModule, covers } from "./module"
import { routingModule } from "./routing-module"
import type { CenterState } from "./state"

/**
 * A state that notices being used: taking one of its parts is only a reference, but any read,
 * write or call on that part (or a write to the state itself) counts. A function that leaves it
 * unnoticed cannot have changed the state or decided anything from it.
 */
const watched = () => {
  const touched: string[] = []
  /** Noted, then the function is stopped there: what it would do next cannot be known. */
  const touch = (what: string): never => {
    touched.push(what)
    throw STOPPED
  }
  const part = (name: string) =>
    new Proxy(() => {}, {
      get: (_t, p) => touch(`${name}.${String(p)}`),
      set: (_t, p) => touch(`${name}.${String(p)}=`),
      has: (_t, p) => touch(`${name} has ${String(p)}`),
      apply: () => touch(`${name}()`),
      ownKeys: () => touch(`keys of ${name}`),
    })
  const state = new Proxy({} as CenterState, {
    get: (_t, p) => part(`state.${String(p)}`),
    set: (_t, p) => touch(`state.${String(p)}=`),
    has: (_t, p) => touch(`state has ${String(p)}`),
  })
  const event = (tag: CenterEventTag) =>
    new Proxy({} as CenterEvent, {
      get: (_t, p) => (p === "_tag" ? tag : touch(`event.${String(p)}`)),
    })
  const emit = () => touch("emit")
  /** Run `f`; what it touched (an error of its own counts too). */
  const run = (f: () => void): readonly string[] => {
    try {
      f()
    } catch (e) {
      if (e !== STOPPED) touched.push(`threw ${String(e)}`)
    }
    return touched
  }
  return { run, touch, touched, state, event, emit }
}

const STOPPED = Symbol("stopped")

type Probe = (m: CenterModule, tag: CenterEventTag) => readonly string[] | undefined

/** What the module's function does with an event of `tag`; undefined when the module has none. */
const probes: Record<"evolve" | "followUp" | "timers", Probe> = {
  evolve: (m, tag) => {
    const w = watched()
    return w.run(() => m.evolve(w.state, w.event(tag)))
  },
  followUp: (m, tag) => {
    const w = watched()
    if (m === routingModule) return w.run(() => routingModule.followUpApplied(w.state, w.event(tag), 0, []))
    const followUp = m.followUp
    return followUp === undefined ? undefined : w.run(() => followUp(w.state, w.event(tag), 0, w.emit))
  },
  timers: (m, tag) => {
    const timersOf = m.timersOf
    if (timersOf === undefined) return undefined
    const w = watched()
    return w.run(() => {
      const changes = timersOf(w.event(tag))
      if (changes.length > 0) w.touched.push(`${changes.length} timer changes`)
    })
  },
}

describe("center: module interests (the center calls a module only for the event tags it declares)", () => {
  it("lists every tag of the stream once", () => {
    expect(new Set(CENTER_EVENT_TAGS).size).toBe(CENTER_EVENT_TAGS.length)
    expect(CENTER_EVENT_TAGS).toContain("ProviderEventHandled")
    expect(CENTER_EVENT_TAGS).toContain("EmergencyDialled")
  })

  for (const m of CENTER_MODULES) {
    for (const kind of ["evolve", "followUp", "timers"] as const) {
      it(`${m.name}.${kind} touches nothing for the tags it does not declare`, () => {
        const undeclared = CENTER_EVENT_TAGS.filter((tag) => !covers(m.interests?.[kind], tag))
        const touching = undeclared
          .map((tag) => [tag, probes[kind](m, tag)] as const)
          .filter(([, touched]) => touched !== undefined && touched.length > 0)
        expect(touching).toEqual([])
      })
    }
  }

  for (const m of CENTER_MODULES) {
    it(`${m.name}.guard reads nothing for the commands it does not declare`, () => {
      const guard = m.guard
      const interest = m.interests?.guard
      if (guard === undefined || interest === undefined || interest === "all") return
      const touching = CENTER_COMMAND_TAGS.filter((tag) => !interest.has(tag)).filter((tag) => {
        const w = watched()
        const command = new Proxy({} as CenterCommand, {
          get: (_t, p) => (p === "_tag" ? tag : w.touch(`command.${String(p)}`)),
        })
        return w.run(() => void guard(w.state, command, 0)).length > 0
      })
      expect(touching).toEqual([])
    })
  }

  it("the probe notices a module that acts on an event", () => {
    // The check above is only as good as the probe: it must see the routing module's work on
    // its own events, the outbox's on an outbox event and the emergency module's on a setting.
    // (The audit trail, which acted on any event, is a read model since issue 22.)
    const byName = new Map(CENTER_MODULES.map((m) => [m.name, m]))
    const routing = byName.get("routing") as CenterModule
    const outbox = byName.get("outbox") as CenterModule
    const emergency = byName.get("emergency") as CenterModule
    expect(byName.has("audit")).toBe(false)
    expect(probes.evolve(routing, "ItemQueued")?.length).toBeGreaterThan(0)
    expect(probes.followUp(routing, "WorkCompleted")?.length).toBeGreaterThan(0)
    expect(probes.timers(routing, "OfferMade")?.length).toBeGreaterThan(0)
    expect(probes.evolve(outbox, "OutboxSent")?.length).toBeGreaterThan(0)
    expect(probes.evolve(emergency, "EmergencyContactsSet")?.length).toBeGreaterThan(0)
  })
})
