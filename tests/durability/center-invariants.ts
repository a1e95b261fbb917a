import { makeLibsqlStore } from "@lifeline/adapters"
import { CENTER_STREAM, type CenterCommand, type CenterEvent } from "@lifeline/core/center"
import { Effect } from "effect"
import { migrationsFolder } from "./processes"

/** Invariants of the center's log, checked on the log alone (crash, SIGTERM, rolling restart). */

/** The center's stream as a store at `url` (a file or sqld) holds it, read on its own. */
export const loadCenter = (url: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(makeLibsqlStore(url, { migrationsFolder }), (store) =>
        store.load<CenterEvent, CenterCommand>(CENTER_STREAM),
      ),
    ),
  )

/**
 * Rule 5, E9: a dial that notifies queues one email per contact the rep had then, in the same
 * append as the dial, so no dial is stored without its emails (acknowledged or not).
 */
export const notificationsMissing = (events: readonly CenterEvent[]) => {
  const contacts = new Map<string, number>()
  const queued = new Set(events.flatMap((e) => (e._tag === "OutboxQueued" ? [e.messageId] : [])))
  const lost: string[] = []
  for (const e of events) {
    if (e._tag === "EmergencyContactsSet") contacts.set(e.repId, e.contacts.length)
    if (e._tag !== "EmergencyDialled" || e.notification !== "queued") continue
    for (let n = 1; n <= (contacts.get(e.repId) ?? 0); n++) {
      if (!queued.has(`emergency~${e.sessionId}~notify~${n}`)) lost.push(`${e.sessionId} email ${n}`)
    }
  }
  return lost
}

/** E4, E10: one session up per rep at a time, each opened once and ended at most once. */
export const sessionViolations = (events: readonly CenterEvent[]) => {
  const violations: string[] = []
  const open = new Map<string, { repId: string; previousPresence: string }>()
  const up = new Map<string, string>()
  const ended = new Set<string>()
  for (const [at, e] of events.entries()) {
    if (e._tag === "EmergencySessionOpened") {
      if (open.has(e.sessionId) || ended.has(e.sessionId))
        violations.push(`#${at}: ${e.sessionId} opened twice`)
      if (up.has(e.repId)) violations.push(`#${at}: ${e.repId} has two sessions up`)
      open.set(e.sessionId, { repId: e.repId, previousPresence: e.previousPresence })
      up.set(e.repId, e.sessionId)
    } else if (e._tag === "EmergencyDialled") {
      if (up.get(e.repId) !== e.sessionId) violations.push(`#${at}: ${e.sessionId} dialled while not up`)
    } else if (e._tag === "EmergencyEnded") {
      const session = open.get(e.sessionId)
      if (session === undefined) violations.push(`#${at}: ${e.sessionId} ended while not open`)
      else if (session.previousPresence !== e.restoredPresence)
        violations.push(
          `#${at}: ${e.sessionId} restored ${e.restoredPresence}, not ${session.previousPresence}`,
        )
      open.delete(e.sessionId)
      ended.add(e.sessionId)
      up.delete(e.repId)
    }
  }
  return { violations, open: [...open.keys()], ended: ended.size }
}
