import type { CenterEvent } from "../center/events"
import type { Actor } from "./actor"

/** The configuration events the trail records; every other event only advances `seq`. */
export type AuditedEvent = Extract<
  CenterEvent,
  {
    readonly _tag:
      | "EmergencyContactsSet"
      | "RepMailboxSet"
      | "NotificationTemplateSet"
      | "EmergencyRegionsConfigured"
      | "OutboundVoiceProfileDefined"
      | "EmergencyCarrierConfigured"
      | "CallbackPoolConfigured"
      | "QueueOverflowSet"
      | "QueueCreated"
      | "QueueMemberAdded"
      | "QueueMemberRemoved"
      | "QueueServiceLevelTargetSet"
      | "WorkstreamDefined"
  }
>

/** One configuration change: who changed which setting, when, and its value before and after. */
export interface AuditEntry {
  /** The event's place in the center's stream (its stream version): stable across restarts. */
  readonly seq: number
  /** Epoch ms; null for changes stored before they were stamped. */
  readonly at: number | null
  /** Null when no caller made the change (the demo seed) or it predates the stamp. */
  readonly actor: Actor | null
  readonly kind: AuditedEvent["_tag"]
  /** The setting, named as the API path that reads or sets it, e.g. `reps/ana/emergency-contacts`. */
  readonly target: string
  /** The value before; null when the setting had never been set (its default applied). */
  readonly before: unknown
  readonly after: unknown
}

/**
 * The audit trail as a projection of the center's event log (N1: rebuilt on every replay, so
 * nothing is lost on restart and there is no second write). It keeps each setting's last value
 * to give the next change its `before`; values are the events' own data, never copied.
 */
export interface AuditState {
  /** How many events of the stream have been applied: the version of the last one. */
  seq: number
  readonly entries: AuditEntry[]
  readonly current: Map<string, unknown>
}

export const emptyAuditState = (): AuditState => ({ seq: 0, entries: [], current: new Map() })

/**
 * An id as one segment of a target. The id rule (ids.ts) refuses lone surrogates at every edge;
 * one that got in anyway becomes U+FFFD here rather than a URIError thrown mid-command (issue 16).
 */
const id = (s: string) => encodeURIComponent(s.replace(/\p{Cs}/gu, "\ufffd"))
const membersTarget = (queueId: string) => `queues/${id(queueId)}/members`

/** What an event changes: a setting and its value after, and sometimes a second setting it sets. */
interface Change {
  readonly target: string
  readonly after: unknown
  /** QueueCreated also sets its members list (what later member changes start from). */
  readonly also?: { readonly target: string; readonly value: unknown }
}

/** The setting an event changes and its value after; undefined for events that configure nothing. */
const changeOf = (current: ReadonlyMap<string, unknown>, event: CenterEvent): Change | undefined => {
  switch (event._tag) {
    case "EmergencyContactsSet":
      return { target: `reps/${id(event.repId)}/emergency-contacts`, after: event.contacts }
    case "RepMailboxSet":
      return { target: `reps/${id(event.repId)}/mailbox`, after: { enabled: event.enabled } }
    case "NotificationTemplateSet":
      return { target: "emergency/template", after: { subject: event.subject, body: event.body } }
    case "EmergencyRegionsConfigured":
      return { target: "emergency/regions", after: event.regions }
    case "OutboundVoiceProfileDefined": {
      const { _tag, at, actor, ...profile } = event
      return { target: `emergency/outbound-profiles/${id(event.profileId)}`, after: profile }
    }
    case "EmergencyCarrierConfigured": {
      const { callingPlanNumbers, directRoutingRules } = event
      return { target: "emergency/carrier", after: { callingPlanNumbers, directRoutingRules } }
    }
    case "CallbackPoolConfigured": {
      const { numbers, overflowNumber, fallbackRepIds } = event
      return { target: "emergency/callback-pool", after: { numbers, overflowNumber, fallbackRepIds } }
    }
    case "QueueOverflowSet":
      return { target: `queues/${id(event.queueId)}/overflow`, after: event.settings }
    case "QueueCreated": {
      const { _tag, at, actor, ...queue } = event
      return {
        target: `queues/${id(event.queueId)}`,
        after: queue,
        also: { target: membersTarget(event.queueId), value: event.members },
      }
    }
    case "QueueMemberAdded":
    case "QueueMemberRemoved": {
      const target = membersTarget(event.queueId)
      const before = (current.get(target) as readonly string[] | undefined) ?? []
      const after =
        event._tag === "QueueMemberAdded" ? [...before, event.repId] : before.filter((r) => r !== event.repId)
      return { target, after }
    }
    case "QueueServiceLevelTargetSet": {
      const { share, thresholdMs } = event
      return { target: `queues/${id(event.queueId)}/service-level-target`, after: { share, thresholdMs } }
    }
    case "WorkstreamDefined": {
      const { _tag, at, actor, ...workstream } = event
      return { target: `workstreams/${id(event.workstreamId)}`, after: workstream }
    }
    default:
      return undefined
  }
}

const NOTHING_SET: ReadonlyMap<string, unknown> = new Map()

/**
 * The settings these events read or set: what a projector loads (their current values) before
 * applying them, so each entry gets its `before` without the whole trail in memory.
 */
export const auditTargetsOf = (events: Iterable<CenterEvent>): Set<string> => {
  const targets = new Set<string>()
  for (const event of events) {
    const change = changeOf(NOTHING_SET, event)
    if (change === undefined) continue
    targets.add(change.target)
    if (change.also !== undefined) targets.add(change.also.target)
  }
  return targets
}

/** Apply one event of the stream, in order: every event advances `seq`. */
export const evolveAudit = (audit: AuditState, event: CenterEvent): void => {
  audit.seq += 1
  const change = changeOf(audit.current, event)
  if (change === undefined) return
  if (change.also !== undefined) audit.current.set(change.also.target, change.also.value)
  const stamped = event as AuditedEvent
  audit.entries.push({
    seq: audit.seq,
    at: stamped.at ?? null,
    actor: stamped.actor ?? null,
    kind: stamped._tag,
    target: change.target,
    before: audit.current.get(change.target) ?? null,
    after: change.after,
  })
  audit.current.set(change.target, change.after)
}

/** The trail of these events, from `audit` on (an empty trail by default): the memory read model. */
export const projectAudit = (
  events: Iterable<CenterEvent>,
  audit: AuditState = emptyAuditState(),
): AuditState => {
  for (const event of events) evolveAudit(audit, event)
  return audit
}

/** What one projector step writes: the new entries, and the settings' values after them. */
export interface AuditBatch {
  readonly entries: readonly AuditEntry[]
  readonly settings: ReadonlyMap<string, unknown>
}

/**
 * One step of a projector (issue 22): the current values of the settings these events touch
 * (found by `auditTargetsOf`), and the events, the first of them at stream version `firstSeq`.
 * The same `evolveAudit` as the memory read model, so both give the same entries.
 */
export const projectAuditBatch = (
  current: ReadonlyMap<string, unknown>,
  events: readonly CenterEvent[],
  firstSeq: number,
): AuditBatch => {
  const audit = projectAudit(events, { seq: firstSeq - 1, entries: [], current: new Map(current) })
  const settings = new Map<string, unknown>()
  for (const target of auditTargetsOf(events)) {
    if (audit.current.has(target)) settings.set(target, audit.current.get(target))
  }
  return { entries: audit.entries, settings }
}
