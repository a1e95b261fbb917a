import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { CenterEvent, InboundCall } from "@lifeline/core/center"
import { OUTBOX_CONCURRENCY, OUTBOX_RETRY, type OutboxMessage } from "@lifeline/core/outbox"
import { isRoutingEvent } from "@lifeline/core/routing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ResendStandin, startResendStandin } from "../standins/resend-standin"
import type { CenterCrashChildConfig } from "./center-crash-child"
import { loadCenter, notificationsMissing, sessionViolations } from "./center-invariants"
import { bundleChild, migrationsFolder, startChild } from "./processes"
import { routingViolations } from "./routing-invariants"

/**
 * N1 and ARCHITECTURE rules 4 and 5 on the production engine: a child process runs the API's
 * composition (the Center engine, its outbox dispatcher, the Resend mailer, libSQL on a file) under
 * a load of real commands (emergency dials that queue E9 emails, hires, calls, offers) and is
 * killed with SIGKILL at random moments, again and again; the Resend stand-in runs here, so it
 * outlives every kill and keeps what it was sent. After each kill the file must hold every
 * acknowledged command; at the end a last child finishes the work left over, and the log and the
 * stand-in must agree: every queued email delivered once, under its message id as the
 * idempotency key (repeats after a kill only as replays of that key), every delivery recorded as
 * sent once, every armed timer that came due fired once (offer expiries, outbox retries forced by
 * injected 500s, callback lease expiries), and the routing invariants hold.
 */
const CYCLES = 20
/**
 * The child's clock runs this much faster, so production's durations come due within the test:
 * an outbox retry after 30 s takes 25 ms, a 60-minute callback lease 3 s, a 4-minute offer 0.2 s.
 */
const SPEED = 1_200
/**
 * Most kills land during the load, within this long after the child is ready and has acknowledged
 * a few dials (so that the load reaches every path checked below however slow the machine is)...
 */
const LOAD_KILL_MS = 800
const DIALS_BEFORE_LOAD_KILL = 5
/** ...and every fourth within this long after it was started (replay, timer catch-up, resends). */
const START_KILL_MS = 400
/** How often the stand-in may be told to fail the next send with a 500 (B6 retries). */
const FAIL_EVERY_MS = 120
const CRASH_LINE = "crash-line"
const LINE_NUMBER = "+15550177777"
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let dir = ""
let bundle = ""
let resend: ResendStandin | undefined

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-center-crash-"))
  const [built, standin] = await Promise.all([bundleChild("./center-crash-child.ts"), startResendStandin()])
  bundle = built
  resend = standin
})
afterAll(async () => {
  await resend?.close()
  if (dir !== "") rmSync(dir, { recursive: true, force: true })
  if (bundle !== "") rmSync(bundle, { force: true })
})

type Call = typeof InboundCall.Type
const callOf = (callId: string, eventId: string): Call => ({
  _tag: "InboundCall",
  callId,
  eventId,
  from: "+15550200000",
  to: LINE_NUMBER,
  workstreamId: CRASH_LINE,
})

/** What the children acknowledged: durable by then, so it must be in the log from then on. */
interface Acked {
  readonly dials: Map<string, { repId: string; emails: number }>
  readonly ends: Set<string>
  readonly hires: Set<string>
  readonly contacts: Map<string, number>
  readonly members: Set<string>
  readonly items: Set<string>
  readonly calls: Map<string, Call>
  /** Provider events delivered again (within a life, or after a kill) that changed something. */
  readonly repeatsThatActed: string[]
  redelivered: number
}

const readAcks = (lines: readonly string[], acked: Acked) => {
  const calls: Call[] = []
  for (const line of lines) {
    const [ack, kind, a = "", b = "", c = ""] = line.split(" ")
    if (ack !== "ack") continue
    if (kind === "dial") acked.dials.set(b, { repId: a, emails: Number(c) })
    else if (kind === "end") acked.ends.add(a)
    else if (kind === "hire") acked.hires.add(a)
    else if (kind === "contacts") acked.contacts.set(a, Number(b))
    else if (kind === "member") acked.members.add(a)
    else if (kind === "item") acked.items.add(a)
    else if (kind === "call") {
      acked.calls.set(a, callOf(a, b))
      calls.push(callOf(a, b))
    } else if (kind === "redelivered") {
      acked.redelivered += 1
      if (c !== "0") acked.repeatsThatActed.push(`${b} (${c} events)`)
    }
  }
  return calls
}

/** Every acknowledged command's events, looked up in the stored log; what is missing. */
const missing = (events: readonly CenterEvent[], acked: Acked) => {
  const has = new Set<string>()
  for (const e of events) {
    if (e._tag === "EmergencyDialled") has.add(`dial ${e.repId} ${e.sessionId}`)
    else if (e._tag === "EmergencyEnded") has.add(`end ${e.sessionId}`)
    else if (e._tag === "RepRegistered") has.add(`hire ${e.repId}`)
    else if (e._tag === "EmergencyContactsSet") has.add(`contacts ${e.repId} ${e.contacts.length}`)
    else if (e._tag === "QueueMemberAdded") has.add(`member ${e.queueId} ${e.repId}`)
    else if (e._tag === "ItemQueued") has.add(`item ${e.itemId}`)
    else if (e._tag === "ProviderEventHandled") has.add(`event ${e.eventId}`)
    else if (e._tag === "OutboxQueued") has.add(`queued ${e.messageId}`)
  }
  const wanted: string[] = []
  for (const [sessionId, { repId, emails }] of acked.dials) {
    wanted.push(`dial ${repId} ${sessionId}`)
    for (let n = 1; n <= emails; n++) wanted.push(`queued emergency~${sessionId}~notify~${n}`)
  }
  for (const sessionId of acked.ends) wanted.push(`end ${sessionId}`)
  for (const repId of acked.hires) wanted.push(`hire ${repId}`)
  for (const [repId, n] of acked.contacts) wanted.push(`contacts ${repId} ${n}`)
  for (const repId of acked.members) wanted.push(`member crash ${repId}`)
  for (const itemId of acked.items) wanted.push(`item ${itemId}`)
  for (const call of acked.calls.values()) wanted.push(`event ${call.eventId}`, `item ${call.callId}`)
  return wanted.filter((w) => !has.has(w))
}

const countBy = <A>(items: readonly A[], key: (a: A) => string | undefined) => {
  const counts = new Map<string, number>()
  for (const item of items) {
    const k = key(item)
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return counts
}

/**
 * Rule 5 and B6 from the log alone: each message is queued once, then tried with attempts
 * numbered 1, 2, ...; a failure with a retry time is followed by exactly one retry (its durable
 * timer fired once, not before its time) before the next attempt; it ends once (sent, failed for
 * good, or cancelled) and nothing follows. Returns the violations and each message's outcome.
 */
const outboxLifecycles = (events: readonly CenterEvent[]) => {
  const violations: string[] = []
  const messages = new Map<
    string,
    {
      message: OutboxMessage
      attempts: number
      retryAt: number | null
      outcome: "pending" | "sent" | "failed" | "cancelled"
      providerId: string | null
    }
  >()
  let retries = 0
  for (const [at, e] of events.entries()) {
    if (e._tag === "OutboxQueued") {
      if (messages.has(e.messageId)) violations.push(`#${at}: ${e.messageId} queued twice`)
      messages.set(e.messageId, {
        message: e.message,
        attempts: 0,
        retryAt: null,
        outcome: "pending",
        providerId: null,
      })
      continue
    }
    if (
      e._tag !== "OutboxSent" &&
      e._tag !== "OutboxFailed" &&
      e._tag !== "OutboxRetryDue" &&
      e._tag !== "OutboxCancelled"
    )
      continue
    const m = messages.get(e.messageId)
    if (m === undefined) {
      violations.push(`#${at}: ${e._tag} for ${e.messageId}, never queued`)
      continue
    }
    if (m.outcome !== "pending") {
      violations.push(`#${at}: ${e._tag} for ${e.messageId} after it was ${m.outcome}`)
      continue
    }
    if (e._tag === "OutboxRetryDue") {
      retries += 1
      if (m.retryAt === null) violations.push(`#${at}: ${e.messageId} retried with no retry due`)
      else if (e.at < m.retryAt)
        violations.push(`#${at}: ${e.messageId} retried ${m.retryAt - e.at} ms early`)
      m.retryAt = null
      continue
    }
    if (e._tag === "OutboxCancelled") {
      m.outcome = "cancelled"
      continue
    }
    if (m.retryAt !== null) violations.push(`#${at}: ${e.messageId} attempted before its retry came due`)
    if (e.attempt !== m.attempts + 1) {
      violations.push(`#${at}: ${e.messageId} attempt ${e.attempt} after ${m.attempts}`)
    }
    m.attempts = e.attempt
    if (e._tag === "OutboxSent") {
      m.outcome = "sent"
      m.providerId = e.providerId
    } else if (e.retryAt === null) m.outcome = "failed"
    else m.retryAt = e.retryAt
  }
  return { violations, messages, retries }
}

/**
 * Rule 4 for the other timers, from the log: an offer expires at most once and not before its
 * time (routingViolations sees it resolved once); a callback lease expires once at most, not
 * before its (latest) end, and surely once that end is past `endedAt`; it is not renewed after.
 * Returns the leases that have not expired: their timers must still be stored.
 */
const timerViolations = (events: readonly CenterEvent[], endedAt: number) => {
  const violations: string[] = []
  const offers = new Map<string, number>()
  const leases = new Map<string, { expiresAt: number; expired: number }>()
  let offersExpired = 0
  for (const [at, e] of events.entries()) {
    if (e._tag === "OfferMade") offers.set(e.offerId, e.expiresAt)
    else if (e._tag === "OfferExpired") {
      offersExpired += 1
      const due = offers.get(e.offerId) ?? Number.POSITIVE_INFINITY
      if (e.at < due) violations.push(`#${at}: offer ${e.offerId} expired ${due - e.at} ms early`)
    } else if (e._tag === "CallbackLeased" || e._tag === "CallbackLeaseRenewed") {
      const lease = leases.get(e.leaseId)
      if (e._tag === "CallbackLeased" && lease !== undefined)
        violations.push(`#${at}: ${e.leaseId} leased twice`)
      if (lease !== undefined && lease.expired > 0)
        violations.push(`#${at}: ${e.leaseId} renewed after it expired`)
      leases.set(e.leaseId, { expiresAt: e.expiresAt, expired: lease?.expired ?? 0 })
    } else if (e._tag === "CallbackLeaseExpired") {
      const lease = leases.get(e.leaseId)
      if (lease === undefined) violations.push(`#${at}: ${e.leaseId} expired, never leased`)
      else {
        lease.expired += 1
        if (e.at < lease.expiresAt)
          violations.push(`#${at}: ${e.leaseId} expired ${lease.expiresAt - e.at} ms early`)
      }
    }
  }
  const live: string[] = []
  for (const [leaseId, lease] of leases) {
    if (lease.expired > 1) violations.push(`${leaseId} expired ${lease.expired} times`)
    if (lease.expired === 0 && lease.expiresAt <= endedAt)
      violations.push(`${leaseId} came due, never expired`)
    // Not due yet when the last life was done (it may have come due since, as it exited).
    if (lease.expired === 0) live.push(leaseId)
  }
  const leasesExpired = [...leases.values()].filter((l) => l.expired > 0).length
  return { violations, live, offersExpired, leasesExpired }
}

describe("durability: the contact center under SIGKILL", () => {
  it("N1 N2 E9 B6 every acknowledged command survives SIGKILL; the real outbox delivers each email once; timers fire once", async () => {
    const standin = resend as ResendStandin
    const url = `file:${join(dir, "lifeline.db")}`
    const epoch = Date.now()
    const config = (
      cycle: number,
      mode: CenterCrashChildConfig["mode"],
      redeliver: readonly Call[],
    ): CenterCrashChildConfig => ({
      url,
      migrationsFolder,
      resend: { url: standin.url, apiKey: standin.apiKey },
      cycle,
      mode,
      epoch,
      speed: SPEED,
      redeliver,
    })
    const acked: Acked = {
      dials: new Map(),
      ends: new Set(),
      hires: new Set(),
      contacts: new Map(),
      members: new Set(),
      items: new Set(),
      calls: new Map(),
      repeatsThatActed: [],
      redelivered: 0,
    }
    let injected = 0
    let killedDuringLoad = 0
    // The provider retries the last few events it sent before the node went down (N2).
    let redeliver: Call[] = []
    // One failure at a time (the next request takes it), so an email is rarely out of attempts.
    let injectedAt = -1
    const failures = setInterval(() => {
      if (standin.requests.length <= injectedAt || Math.random() < 0.5) return
      standin.failNext(1, 500)
      injected += 1
      injectedAt = standin.requests.length
    }, FAIL_EVERY_MS)

    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const child = startChild(bundle, config(cycle, "load", redeliver))
        // The first life seeds the demo; it is not cut short before it is ready.
        if (cycle % 4 === 3) await sleep(Math.random() * START_KILL_MS)
        else {
          await child.waitFor((line) => line === "ready", 15_000)
          const dials = () => child.lines.filter((line) => line.startsWith("ack dial ")).length
          await child.waitFor(() => dials() >= DIALS_BEFORE_LOAD_KILL, 15_000)
          await sleep(Math.random() * LOAD_KILL_MS)
        }
        child.process.kill("SIGKILL")
        expect(await child.exited, child.stderr()).toBeNull()
        if (child.lines.includes("ready")) killedDuringLoad += 1
        const calls = readAcks(child.lines, acked)
        redeliver = calls.length > 0 ? calls.slice(-3) : redeliver

        // What a restarted node finds: everything acknowledged so far, nothing broken.
        const { events } = await loadCenter(url)
        expect(missing(events, acked), `cycle ${cycle}: acknowledged but not stored`).toEqual([])
        expect(acked.repeatsThatActed, `cycle ${cycle}: N2`).toEqual([])
        expect(routingViolations(events.filter(isRoutingEvent)).violations, `cycle ${cycle}`).toEqual([])
        expect(sessionViolations(events).violations, `cycle ${cycle}`).toEqual([])
        expect(notificationsMissing(events), `cycle ${cycle}: dials stored without their emails`).toEqual([])
      }
    } finally {
      clearInterval(failures)
    }

    const last = startChild(bundle, config(CYCLES, "drain", redeliver))
    const drainedLine = await last
      .waitFor((line) => line.startsWith("drained "), 15_000)
      .catch((error) => {
        const waiting = last.lines.filter((line) => line.startsWith("waiting ")).at(-1)
        throw new Error(`the last life never finished the work left over: ${waiting ?? String(error)}`)
      })
    expect(await last.exited, last.stderr()).toBe(0)
    readAcks(last.lines, acked)
    const endedAt = Number(drainedLine.split(" ")[1])

    const { events, timers } = await loadCenter(url)
    expect(missing(events, acked)).toEqual([])
    expect(acked.repeatsThatActed).toEqual([])

    expect(notificationsMissing(events)).toEqual([])

    // N2: every provider event acted on once, however often it came.
    const handled = countBy(events, (e) => (e._tag === "ProviderEventHandled" ? e.eventId : undefined))
    expect([...handled].filter(([, n]) => n !== 1)).toEqual([])

    // Rule 5 in the log: queued once, attempts in order, one retry per retryable failure, one end.
    const outbox = outboxLifecycles(events)
    expect(outbox.violations).toEqual([])
    expect([...outbox.messages].filter(([, m]) => m.outcome === "pending").map(([id]) => id)).toEqual([])

    // Rule 5 at the provider: each email delivered once, under its message id, as recorded.
    const emails = [...outbox.messages].flatMap(([messageId, m]) =>
      m.message._tag === "Email" ? [{ messageId, mail: m.message.mail, ...m }] : [],
    )
    const deliveries = new Map<string, (typeof standin.deliveries)[number][]>()
    for (const d of standin.deliveries) {
      const key = d.idempotencyKey ?? "(none)"
      deliveries.set(key, [...(deliveries.get(key) ?? []), d])
    }
    const queuedIds = new Set(emails.map((e) => e.messageId))
    expect(
      [...deliveries.keys()].filter((key) => !queuedIds.has(key)),
      "deliveries under a key no queued email has",
    ).toEqual([])
    const wrong: string[] = []
    for (const email of emails) {
      const got = deliveries.get(email.messageId) ?? []
      if (email.outcome === "sent") {
        const [delivery] = got
        if (got.length !== 1 || delivery === undefined)
          wrong.push(`${email.messageId}: delivered ${got.length} times`)
        else if (delivery.id !== email.providerId)
          wrong.push(`${email.messageId}: recorded as ${email.providerId}, delivered as ${delivery.id}`)
        else if (
          delivery.subject !== email.mail.subject ||
          delivery.text !== email.mail.text ||
          delivery.to.join() !== email.mail.to.join()
        )
          wrong.push(`${email.messageId}: delivered another email than was queued`)
      } else if (email.outcome === "failed") {
        // B6: given up only after every attempt failed (a 500 answered each); the provider may
        // have taken one of them before a kill left it unrecorded, never more than one.
        if (email.attempts !== OUTBOX_RETRY.maxAttempts || got.length > 1)
          wrong.push(
            `${email.messageId}: failed after ${email.attempts} attempts, delivered ${got.length} times`,
          )
      } else if (got.length !== 0) wrong.push(`${email.messageId}: ${email.outcome} but delivered`)
    }
    expect(wrong).toEqual([])
    const sent = emails.filter((e) => e.outcome === "sent").length
    const failed = emails.filter((e) => e.outcome === "failed")
    expect(standin.deliveries.length).toBeGreaterThanOrEqual(sent)
    expect(standin.deliveries.length).toBeLessThanOrEqual(sent + failed.length)
    // Sends repeated after a kill (in flight, not yet recorded) replay their key: at most the
    // dispatcher's concurrency per kill, besides the requests answered with an injected 500.
    const emailRequests = standin.requests.filter((r) => r.method === "POST" && r.path === "/emails").length
    const repeated = emailRequests - standin.deliveries.length
    expect(repeated).toBeLessThanOrEqual(injected + CYCLES * OUTBOX_CONCURRENCY)

    // Rule 4: every timer that came due fired once and none is overdue; leases still live keep theirs.
    const checkedTimers = timerViolations(events, endedAt)
    expect(checkedTimers.violations).toEqual([])
    expect(timers.filter((t) => t.dueAt <= endedAt)).toEqual([])
    expect(timers.map((t) => t.timerId).sort()).toEqual(
      checkedTimers.live.map((leaseId) => `emergency/lease-expiry/${leaseId}`).sort(),
    )

    // E4, E10 and the routing invariants (R2, R4) over the whole log; all work finished.
    const sessions = sessionViolations(events)
    expect(sessions.violations).toEqual([])
    expect(sessions.open).toEqual([])
    const routing = routingViolations(events.filter(isRoutingEvent))
    expect(routing.violations).toEqual([])
    expect(routing.openOffers).toEqual([])
    const completed = new Set(events.flatMap((e) => (e._tag === "WorkCompleted" ? [e.itemId] : [])))
    expect([...acked.items, ...acked.calls.keys()].filter((id) => !completed.has(id))).toEqual([])

    // The load was not trivial: it reached every path this test claims to check.
    expect(acked.dials.size).toBeGreaterThan(CYCLES * 3)
    expect(sent).toBeGreaterThan(CYCLES * 4)
    expect(outbox.retries).toBeGreaterThan(0)
    expect(checkedTimers.offersExpired).toBeGreaterThan(0)
    expect(checkedTimers.leasesExpired).toBeGreaterThan(0)
    expect(acked.redelivered).toBeGreaterThan(0)
    console.log(
      `center crash test: ${CYCLES} kills (${killedDuringLoad} during load); acknowledged ${acked.dials.size} dials, ` +
        `${acked.ends.size} ends, ${acked.hires.size} hires, ${acked.items.size} items, ${acked.calls.size} calls ` +
        `(${acked.redelivered} redeliveries); ${emails.length} emails queued, ${sent} delivered once, ${failed.length} failed for good ${JSON.stringify(failed.map((e) => e.messageId))}; ` +
        `${emailRequests} requests (${injected} failures injected, ${repeated} failed or replayed); ` +
        `${outbox.retries} retries, ${checkedTimers.offersExpired} offers and ${checkedTimers.leasesExpired} leases expired; ` +
        `${events.length} events`,
    )
  }, 90_000)
})
