import { describe, expect, it } from "vitest"
import type { CenterEvent } from "../center/events"
import { replayCenter } from "../center/execute"
import { emptyCenterState } from "../center/state"
import { centerHarness } from "../center/test-kit"
import { voiceRep } from "../routing/test-kit"
import type { Actor } from "./actor"
import { projectAudit, projectAuditBatch } from "./trail"
import { auditTrail } from "./views"

const ADMIN: Actor = { role: "admin", name: "key 1" }
const ALL = { limit: 1_000 } as const

const center = () => {
  const h = centerHarness(1_000)
  h.run(voiceRep("ann"))
  h.run(voiceRep("bob"))
  h.run({ _tag: "CreateQueue", queueId: "q", name: "Q", members: ["ann"], actor: ADMIN })
  return h
}

describe("audit trail (issue 9; a read model since issue 22)", () => {
  it("records who set a contact list, when, and the list before and after", () => {
    const h = center()
    h.advance(5_000)
    h.run({ _tag: "SetEmergencyContacts", repId: "ann", contacts: "a@x.example", actor: ADMIN })
    h.advance(1_000)
    h.run({ _tag: "SetEmergencyContacts", repId: "ann", contacts: "b@x.example; c@y.example", actor: ADMIN })
    const { entries } = auditTrail(projectAudit(h.log), { ...ALL, target: "reps/ann/emergency-contacts" })
    expect(entries.map(({ seq, ...rest }) => rest)).toEqual([
      {
        at: 6_000,
        actor: ADMIN,
        kind: "EmergencyContactsSet",
        target: "reps/ann/emergency-contacts",
        before: null,
        after: ["a@x.example"],
      },
      {
        at: 7_000,
        actor: ADMIN,
        kind: "EmergencyContactsSet",
        target: "reps/ann/emergency-contacts",
        before: ["a@x.example"],
        after: ["b@x.example", "c@y.example"],
      },
    ])
  })

  it("an entry's seq is its event's place in the stream", () => {
    const h = center()
    h.run({ _tag: "SetNotificationTemplate", subject: "Help {{repName}}", body: "Call now", actor: ADMIN })
    const [entry] = auditTrail(projectAudit(h.log), { ...ALL, target: "emergency/template" }).entries
    expect(entry?.seq).toBeDefined()
    expect(h.log[(entry?.seq ?? 0) - 1]?._tag).toBe("NotificationTemplateSet")
    expect(projectAudit(h.log).seq).toBe(h.log.length)
  })

  it("queue members before and after follow the queue's creation, additions and removals", () => {
    const h = center()
    h.run({ _tag: "AddQueueMember", queueId: "q", repId: "bob", actor: ADMIN })
    h.run({ _tag: "RemoveQueueMember", queueId: "q", repId: "ann", actor: ADMIN })
    const members = auditTrail(projectAudit(h.log), { ...ALL, target: "queues/q/members" }).entries
    expect(members.map((e) => [e.kind, e.before, e.after])).toEqual([
      ["QueueMemberAdded", ["ann"], ["ann", "bob"]],
      ["QueueMemberRemoved", ["ann", "bob"], ["bob"]],
    ])
    // A prefix of whole segments takes the queue and its settings; a partial segment does not.
    expect(auditTrail(projectAudit(h.log), { ...ALL, target: "queues/q" }).entries).toHaveLength(3)
    expect(auditTrail(projectAudit(h.log), { ...ALL, target: "queues/" }).entries).toHaveLength(0)
    expect(auditTrail(projectAudit(h.log), { ...ALL, target: "queue" }).entries).toHaveLength(0)
  })

  it("C1 a queue's overflow rules: the settings before and after, never the actor inside them", () => {
    const h = center()
    const rules = [
      { condition: { _tag: "WaitingAbove", count: 3 }, action: { _tag: "DirectCallback" } },
    ] as const
    h.run({ _tag: "SetQueueOverflow", queueId: "q", rules, actor: ADMIN })
    h.run({ _tag: "SetQueueOverflow", queueId: "q", rules: [], actor: { role: "admin", name: "key 2" } })
    const [first, second] = auditTrail(projectAudit(h.log), { ...ALL, target: "queues/q/overflow" }).entries
    expect(first?.after).toEqual({ rules })
    expect(second).toMatchObject({ before: { rules }, after: { rules: [] }, actor: { name: "key 2" } })
    expect(h.state.callback.queues.get("q")?.settings).not.toHaveProperty("actor")
  })

  it("pages by seq with a cursor, filters by time, and caps the page", () => {
    const h = center()
    for (let i = 0; i < 5; i++) {
      h.advance(1_000)
      h.run({ _tag: "SetEmergencyContacts", repId: "bob", contacts: `p${i}@x.example`, actor: ADMIN })
    }
    const first = auditTrail(projectAudit(h.log), { target: "reps/bob", limit: 2 })
    expect(first.entries.map((e) => e.after)).toEqual([["p0@x.example"], ["p1@x.example"]])
    expect(first.next).toBe(first.entries[1]?.seq)
    const rest = auditTrail(projectAudit(h.log), { target: "reps/bob", limit: 10, after: first.next ?? 0 })
    expect(rest.entries.map((e) => e.after)).toEqual([["p2@x.example"], ["p3@x.example"], ["p4@x.example"]])
    expect(rest.next).toBeNull()
    const late = auditTrail(projectAudit(h.log), { target: "reps/bob", limit: 10, since: 5_000 })
    expect(late.entries.map((e) => e.at)).toEqual([5_000, 6_000])
  })

  it("reads newest first with a `before` cursor, and both cursors bound either order", () => {
    const h = center()
    for (let i = 0; i < 5; i++)
      h.run({ _tag: "SetEmergencyContacts", repId: "bob", contacts: `p${i}@x.example`, actor: ADMIN })
    const all = auditTrail(projectAudit(h.log), { target: "reps/bob", limit: 10 }).entries
    const seqs = all.map((e) => e.seq)
    const first = auditTrail(projectAudit(h.log), { target: "reps/bob", limit: 2, order: "newest" })
    expect(first.entries.map((e) => e.seq)).toEqual([seqs[4], seqs[3]])
    expect(first.next).toBe(seqs[3])
    const rest = auditTrail(projectAudit(h.log), {
      target: "reps/bob",
      limit: 10,
      order: "newest",
      before: first.next ?? 0,
    })
    expect(rest).toEqual({ entries: [all[2], all[1], all[0]], next: null })
    const between = { target: "reps/bob", limit: 10, after: seqs[0] ?? 0, before: seqs[4] ?? 0 }
    expect(auditTrail(projectAudit(h.log), between).entries).toEqual([all[1], all[2], all[3]])
    expect(auditTrail(projectAudit(h.log), { ...between, order: "newest" }).entries).toEqual([
      all[3],
      all[2],
      all[1],
    ])
  })

  it("N1 replay rebuilds the same trail, and events stored before the stamp still replay", () => {
    const h = center()
    h.run({ _tag: "SetEmergencyContacts", repId: "ann", contacts: "a@x.example", actor: ADMIN })
    // The read model projects the log in steps (issue 22): any cut gives the same trail.
    const cut = 3
    const first = projectAuditBatch(new Map(), h.log.slice(0, cut), 1)
    const rest = projectAuditBatch(first.settings, h.log.slice(cut), cut + 1)
    expect([...first.entries, ...rest.entries]).toEqual(projectAudit(h.log).entries)
    const old: CenterEvent[] = [
      ...h.log.slice(0, 2),
      // Stored before the stamp: the load's upcast (shape 1 to 2, event-codec.ts) gives it a null time.
      { _tag: "EmergencyContactsSet", repId: "ann", contacts: ["old@x.example"], at: null },
    ]
    const [legacy] = auditTrail(projectAudit(old), ALL).entries
    expect(legacy).toMatchObject({ seq: 3, at: null, actor: null, after: ["old@x.example"] })
    expect(replayCenter(emptyCenterState(), old).emergency.contacts.get("ann")).toEqual(["old@x.example"])
  })

  it("a refused change leaves no entry", () => {
    const h = center()
    h.reject({ _tag: "SetEmergencyContacts", repId: "ann", contacts: "not an address", actor: ADMIN })
    expect(auditTrail(projectAudit(h.log), { ...ALL, target: "reps/ann" }).entries).toEqual([])
  })
})
