import { describe, expect, it } from "vitest"
import { routingModule } from "../routing/module"
import { CENTER_EVENT_TAGS } from "./events"
import { CENTER_COMMAND_TAGS, CENTER_MODULES } from "./execute"

/**
 * Issue 18: a module declares the tags it acts on by registering handlers for them
 * (kernel/handlers.ts), and the center calls each handler for its own tags only. There is no
 * second list to keep in step; what is left to check is that every registration names a tag
 * the center can deliver, so none is silently dead.
 */
describe("center: module interests are the modules' registrations (issue 18)", () => {
  it("lists every tag of the stream once", () => {
    expect(new Set(CENTER_EVENT_TAGS).size).toBe(CENTER_EVENT_TAGS.length)
    expect(CENTER_EVENT_TAGS).toContain("ProviderEventHandled")
    expect(CENTER_EVENT_TAGS).toContain("EmergencyDialled")
  })

  const streamTags = new Set<string>(CENTER_EVENT_TAGS)
  const commandTags = new Set(CENTER_COMMAND_TAGS)
  for (const m of CENTER_MODULES) {
    it(`${m.name} registers event handlers for tags of the stream and guards for commands of the center`, () => {
      const eventTags = [...m.evolve.tags, ...(m.followUp?.tags ?? []), ...(m.timers?.tags ?? [])]
      expect(eventTags.filter((tag) => !streamTags.has(tag))).toEqual([])
      expect([...(m.guards?.tags ?? [])].filter((tag) => !commandTags.has(tag))).toEqual([])
    })
  }

  it("routing's applied follow-ups are registered for routing events only", () => {
    const tags = [...routingModule.followUpApplied.tags]
    expect(tags).toContain("PresenceChanged")
    expect(tags).not.toContain("OutboxQueued")
    expect(tags.filter((tag) => !streamTags.has(tag))).toEqual([])
  })

  it("each module acts on what it owns: the registrations name the events that change its slice", () => {
    const byName = new Map(CENTER_MODULES.map((m) => [m.name, m]))
    expect(byName.has("audit")).toBe(false) // a read model since issue 22
    expect(byName.get("routing")?.evolve.tags.has("ItemQueued")).toBe(true)
    expect(byName.get("routing")?.timers?.tags.has("OfferMade")).toBe(true)
    expect(byName.get("outbox")?.evolve.tags.has("OutboxSent")).toBe(true)
    expect(byName.get("emergency")?.evolve.tags.has("EmergencyContactsSet")).toBe(true)
    expect(byName.get("emergency")?.guards?.tags).toEqual(new Set(["SetPresence"]))
    expect(byName.get("callback")?.followUp?.tags.has("OfferMade")).toBe(true)
    expect(byName.get("outbox")?.evolve.tags.has("ItemQueued")).toBe(false)
  })
})
