import type { CenterCommand, CenterEvent } from "@lifeline/core/center"
import { ewtAtPosition, staffing } from "@lifeline/core/routing"
import { Agenda, type SimEvent } from "../agenda"
import { type Sampler, samplerOf, wholeMs } from "../distributions"
import { nextArrival } from "../profile"
import type { Random } from "../random"
import type { Scenario, ScenarioOfferAnswer } from "../scenario"
import { callerNumber, presenceAt, SIM_DAY } from "../scenario-setup"
import { type CallOutcome, CallStats } from "../stats"
import type { Core } from "./driver"
import type { EventSink } from "./event-log"
import { type CallbackAnswer, type QueueRun, queueRun, type Streams, streamsOf } from "./queue-run"
import { type RealismTally, realismOf } from "./realism"
import type { WaitingWatch } from "./waiting-watch"

/** The callback caller id the simulated tenant shows (C6). */
const CALLBACK_CALLER_ID = "+12025550199"
/** How long a caller listens to a prompt before pressing a key or the provider reports it played. */
const PROMPT_MS = 5_000
/** The number a PSAP calls back from (E6). */
const PSAP_NUMBER = "+12025550911"
/** Scheduled callbacks' customers get numbers from here on, apart from the callers' (B3 joins none). */
const SCHEDULED_NUMBER_BASE = 4_000_000

type OfferAnswer = ScenarioOfferAnswer & { readonly think: Sampler }

export interface EmergencyTally {
  dialled: number
  /** Emergency calls that found no rep on shift outside an emergency. */
  skipped: number
  /** Rep-minutes spent in an emergency call (E4: no routed work meanwhile). */
  repMinutes: number
}

/**
 * A stop rule for arrivals shared by the simulations of one run (issue 17: `--arrivals N`):
 * at most `left` more calls arrive, none at or after `until`. `stoppedAt`: when the last one
 * allowed arrived. Without one, arrivals go on until the run's end, as they always did.
 */
export interface ArrivalBudget {
  left: number
  readonly until: number
  stoppedAt: number | undefined
}

/**
 * Where each call's handle time and each caller's patience come from (issue 17): by default drawn
 * from the queue's distributions on the run's streams; `replay` gives each call its recorded ones.
 * Both return whole milliseconds, the time the simulator uses as is.
 */
export interface CallTimes {
  /** A rep starts talking to `itemId` (a call, or a callback's customer) of `run`'s queue now. */
  readonly handleMs: (itemId: string, run: QueueRun, random: Random) => number
  /** Caller `n` (1-based, the run's arrival order) arrives as `itemId`; undefined: never hangs up. */
  readonly patienceMs: (n: number, itemId: string, run: QueueRun, random: Random) => number | undefined
}

/** The scenario's own distributions. */
export const DRAWN_TIMES: CallTimes = {
  handleMs: (_itemId, run, random) => wholeMs(run.handle(random)),
  patienceMs: (_n, _itemId, run, random) =>
    run.patience === undefined ? undefined : wholeMs(run.patience(random)),
}

/** Called as a rep starts talking to a call of `queueId` for `handleMs` (occupancy). */
export type TalkHook = (queueId: string, at: number, handleMs: number) => void

/**
 * One run: the simulator's agenda and the core's timers in time order. The simulator plays every
 * party the core talks to: callers (arrive, wait, hang up, press 1), reps (accept every offer at
 * once, talk for a random while, follow their schedule, dial the emergency number), the
 * provider (reports each telephony action done) and customers called back (answer or not).
 */
export class Simulation {
  readonly agenda = new Agenda()
  readonly random: Streams
  readonly queues: ReadonlyMap<string, QueueRun>
  readonly stats: CallStats
  readonly emergency: EmergencyTally = { dialled: 0, skipped: 0, repMinutes: 0 }
  now: number
  calls = 0
  events = 0
  coreEvents = 0
  timersFired = 0
  private providerEvents = 0
  /** Callback items (C4: the caller asked to be called back) and their queue. */
  private readonly callbacks = new Map<string, string>()
  /** Reps in an emergency call now (E4). */
  private readonly inEmergency = new Set<string>()
  /** Issue 17 Build 7: what the reps, the PSAP and scheduled callbacks did; none without them. */
  readonly realism: RealismTally | undefined
  /** R4: the reps who do not accept every offer at once. */
  private readonly offerAnswers: ReadonlyMap<string, OfferAnswer>
  /** E5: the number each rep's latest emergency dial gave the PSAP to call back on. */
  private readonly callbackNumbers = new Map<string, string>()
  private psapCalls = 0
  /** C7: scheduled callbacks' windows and how their customers answer. */
  private readonly scheduled = new Map<
    string,
    { readonly start: number; readonly end: number; readonly answer: CallbackAnswer }
  >()
  private scheduledRequests = 0
  /** `call-`, or with a component's prefix (`c2-call-`) when the run is split (see partition.ts). */
  private readonly itemPrefix: string
  private readonly eventPrefix: string
  private readonly idPrefix: string
  /** The arrival stop rule, when the run has one. */
  budget: ArrivalBudget | undefined
  onTalk: TalkHook | undefined
  /** Each call's handle time and patience: drawn unless set before the run (replay). */
  callTimes: CallTimes = DRAWN_TIMES

  constructor(
    readonly scenario: Scenario,
    readonly start: number,
    seed: number,
    slThresholdMs: number,
    onOutcome: ((outcome: CallOutcome) => void) | undefined,
    readonly core: Core,
    readonly log: EventSink | undefined,
    /** Called after each simulator event (progress bar). */
    readonly onStep?: (sim: Simulation) => void,
    /** Each queue's waiting count as it changes (plots). */
    readonly watch?: WaitingWatch,
    /** Put before the ids of calls and provider events, unique across a run split in components. */
    idPrefix = "",
  ) {
    this.now = start
    this.idPrefix = idPrefix
    this.itemPrefix = `${idPrefix}call-`
    this.eventPrefix = `${idPrefix}sim-`
    const { streams, arrivals } = streamsOf(seed, scenario.queues.length)
    this.random = streams
    this.queues = new Map(scenario.queues.map((q, i) => [q.queueId, queueRun(q, arrivals[i] as Random)]))
    const anyOverflow = scenario.queues.some((q) => q.overflow !== undefined)
    this.stats = new CallStats(scenario.queues, slThresholdMs, onOutcome, anyOverflow)
    this.realism = realismOf(scenario)
    this.offerAnswers = new Map(
      scenario.reps.flatMap((r) =>
        r.offers === undefined
          ? []
          : [[r.repId, { ...r.offers, think: samplerOf(r.offers.thinkTime) }] as const],
      ),
    )
  }

  /** Run a command at the current virtual time and react to what the core did. */
  send(command: CenterCommand): void {
    this.react(this.core.driver.execute(command, this.now))
  }

  private eventId(): string {
    return `${this.eventPrefix}${++this.providerEvents}`
  }

  react(events: readonly CenterEvent[]): void {
    this.coreEvents += events.length
    const log = this.log
    let ended: string[] | undefined
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as CenterEvent
      if (log !== undefined) log.line(`{"at":${this.now},"core":${JSON.stringify(event)}}`)
      this.watch?.onEvent(event, this.now)
      switch (event._tag) {
        case "OfferMade":
          this.answerOffer(event.offerId, event.repId)
          break
        case "OfferAccepted":
          // A callback's rep waits for the customer's phone; the talk starts at CallbackConnected.
          if (!this.callbacks.has(event.itemId)) {
            this.talk(this.stats.answered(event.itemId, event.at), event.itemId, event.repId)
          }
          break
        case "OutboxQueued":
          if (event.message._tag === "Telephony") this.provider(event.messageId, event.message.action)
          break
        case "EmergencyEnded":
          // E10/W5: the core ends the session (End call, a drop, the lease's end, the PSAP's call).
          this.inEmergency.delete(event.repId)
          ended = [...(ended ?? []), event.repId]
          break
        default:
          this.callbackEvent(event)
          if (this.realism !== undefined) this.realismEvent(event, this.realism)
      }
    }
    // After the whole decision (the restored presence included), the rep follows its schedule.
    if (ended !== undefined) for (const repId of ended) this.followSchedule(repId)
  }

  /**
   * R4: a rep without offer settings accepts every offer the moment it is made. One with them
   * declines (after thinking), lets it ring until the core's offer expiry, or accepts at once.
   */
  private answerOffer(offerId: string, repId: string): void {
    const answer = this.offerAnswers.get(repId)
    if (answer === undefined) {
      this.send({ _tag: "AcceptOffer", offerId, repId })
      return
    }
    const tally = this.realism?.offers
    if (tally !== undefined) tally.made += 1
    const u = this.random.offers()
    if (u < answer.declineProbability) {
      const thinkMs = wholeMs(answer.think(this.random.offers))
      this.agenda.schedule(this.now + thinkMs, { _tag: "Decline", offerId, repId })
    } else if (u >= answer.declineProbability + answer.noAnswerProbability) {
      this.send({ _tag: "AcceptOffer", offerId, repId })
    }
    // Otherwise the rep lets it ring: the core's ExpireOffer timer (30 s) re-offers the item.
  }

  /** The counts of issue 17 Build 7 and the parties' reactions to what the core did. */
  private realismEvent(event: CenterEvent, tally: RealismTally): void {
    const offers = tally.offers
    const psap = tally.psap
    switch (event._tag) {
      case "OfferDeclined":
        if (offers !== undefined) offers.declined += 1
        return
      case "OfferExpired":
        if (offers !== undefined) offers.expired += 1
        return
      case "ItemEscalated":
        if (offers !== undefined) offers.escalated += 1
        return
      case "EmergencyDialled":
        if (event.callbackNumber === null) this.callbackNumbers.delete(event.repId)
        else this.callbackNumbers.set(event.repId, event.callbackNumber)
        return
      case "EmergencySessionOpened":
        // E6: the PSAP's call put the rep in an emergency session (DND) until the core ends it.
        if (event.origin._tag === "PsapCallback") this.inEmergency.add(event.repId)
        return
      case "PsapCallbackRedirected":
        if (psap !== undefined) {
          if (event.role === "rep") psap.toRep += 1
          else psap.toFallback += 1
        }
        this.psapTalk(event.callId, event.role === "rep")
        return
      case "PsapCallbackReceived":
        if (psap !== undefined) psap.called += 1
        return
      case "PsapCallbackUnanswered":
        if (psap !== undefined) psap.unanswered += 1
        return
      default:
        return
    }
  }

  /** The rep talks for a random while, then completes the work. */
  private talk(queueId: string, itemId: string, repId: string): void {
    const handleMs = this.callTimes.handleMs(itemId, this.queueOf(queueId), this.random.handle)
    this.onTalk?.(queueId, this.now, handleMs)
    this.agenda.schedule(this.now + handleMs, { _tag: "Completion", itemId, repId })
  }

  /**
   * The provider carries out each telephony action and says so (`RecordDelivery`, which also lets
   * the outbox forget the message); prompts play for a few seconds; a caller offered a callback
   * (C3) presses 1 with the queue's probability.
   */
  private provider(messageId: string, action: { readonly _tag: string; readonly callId: string }): void {
    this.send({ _tag: "RecordDelivery", messageId, outcome: { _tag: "Sent", providerId: null } })
    const callId = action.callId
    if (action._tag === "CollectDigit") {
      const queueId = this.stats.queueOfWaiting(callId)
      const overflow = queueId === undefined ? undefined : this.queueOf(queueId).overflow
      if (overflow !== undefined && this.random.caller() < overflow.pressOneProbability) {
        const command: CenterCommand = { _tag: "DigitCollected", callId, eventId: this.eventId(), digit: "1" }
        this.agenda.schedule(this.now + PROMPT_MS, { _tag: "Provider", command })
      }
    } else if (action._tag === "Play") {
      const command: CenterCommand = { _tag: "PromptPlayed", callId, eventId: this.eventId() }
      this.agenda.schedule(this.now + PROMPT_MS, { _tag: "Provider", command })
    }
  }

  /** C3-C8 and B1 as the core reports them; the stats follow. */
  private callbackEvent(event: CenterEvent): void {
    switch (event._tag) {
      case "CallbackRequested":
        // The caller hangs up and keeps their place (C4): neither answered nor abandoned.
        if (this.stats.isWaiting(event.callbackId)) this.stats.callbackRequested(event.callbackId)
        this.callbacks.set(event.callbackId, event.queueId)
        return
      case "CallbackDialed": {
        const scheduled = this.scheduled.get(event.callbackId)
        if (scheduled !== undefined) {
          this.countDial(scheduled)
          this.customerAnswers(event.callId, scheduled.answer, this.random.scheduled)
          return
        }
        const queueId = this.callbacks.get(event.callbackId)
        const overflow = queueId === undefined ? undefined : this.queueOf(queueId).overflow
        if (overflow !== undefined)
          this.customerAnswers(
            event.callId,
            { probability: overflow.callbackAnswerProbability, ring: overflow.ring },
            this.random.caller,
          )
        return
      }
      case "CallbackConnected": {
        const queueId = this.callbacks.get(event.callbackId)
        if (queueId !== undefined) this.talk(queueId, event.callbackId, event.repId)
        return
      }
      case "CallbackClosed": {
        const queueId = this.callbacks.get(event.callbackId)
        this.callbacks.delete(event.callbackId)
        if (this.scheduled.delete(event.callbackId)) this.countClosed(event.reason)
        else if (queueId !== undefined && event.reason === "served") this.stats.callbackCompleted(queueId)
        return
      }
      case "ItemClosed":
        // C1 voicemail or end-call: the call leaves the queue, neither answered nor abandoned.
        if (this.stats.isWaiting(event.itemId)) this.stats.closed(event.itemId)
        return
      default:
        return
    }
  }

  /** B1: the customer answers with `answer.probability` after a ring; otherwise the core's no-answer timer. */
  private customerAnswers(callId: string, answer: CallbackAnswer, random: Random): void {
    if (random() >= answer.probability) return
    const command: CenterCommand = { _tag: "CallAnswered", callId, eventId: this.eventId() }
    this.agenda.schedule(this.now + wholeMs(answer.ring(random)), { _tag: "Provider", command })
  }

  /** C7: a dial of a scheduled callback, inside its window or not. */
  private countDial(window: { readonly start: number; readonly end: number }): void {
    const tally = this.realism?.scheduled
    if (tally === undefined) return
    if (this.now >= window.start && this.now < window.end) tally.dialledInWindow += 1
    else tally.dialledOutsideWindow += 1
  }

  private countClosed(reason: string): void {
    const tally = this.realism?.scheduled
    if (tally === undefined) return
    if (reason === "served") tally.served += 1
    else if (reason === "unreachable") tally.unreachable += 1
    else tally.expired += 1
  }

  /** C7: the next scheduled callback request of a queue that has them, within the run's arrivals. */
  scheduleRequest(run: QueueRun, after: number): void {
    const scheduled = run.scheduled
    if (scheduled === undefined) return
    const at = nextArrival(this.random.scheduled, undefined, scheduled.ratePerMs, after)
    if (at !== Number.POSITIVE_INFINITY && (this.budget === undefined || at < this.budget.until))
      this.agenda.schedule(at, { _tag: "CallbackRequest", queueId: run.queue.queueId })
  }

  /**
   * C7: a callback scheduled through the API (`RequestCallback`, as POST /api/callbacks sends it)
   * with a window `windowStart` from now lasting `windowLength`; the core dials it in the window.
   */
  private requestCallback(run: QueueRun): void {
    const scheduled = run.scheduled
    // The arrival stop rule ends requests too: a run measured by arrivals has an end.
    if (scheduled === undefined || (this.budget !== undefined && this.budget.left <= 0)) return
    this.scheduleRequest(run, this.now)
    const n = ++this.scheduledRequests
    const callbackId = `${this.idPrefix}sched-${n}`
    const start = this.now + wholeMs(scheduled.windowStart(this.random.scheduled))
    const end = start + Math.max(1, wholeMs(scheduled.windowLength(this.random.scheduled)))
    this.scheduled.set(callbackId, { start, end, answer: scheduled.answer })
    const tally = this.realism?.scheduled
    if (tally !== undefined) tally.requested += 1
    this.send({
      _tag: "RequestCallback",
      callbackId,
      number: callerNumber(SCHEDULED_NUMBER_BASE + n),
      queueId: run.queue.queueId,
      window: { start, end },
    })
  }

  queueOf(queueId: string): QueueRun {
    const queue = this.queues.get(queueId)
    if (queue === undefined) throw new Error(`no queue ${queueId} in the scenario`)
    return queue
  }

  scheduleArrival(run: QueueRun, after: number): void {
    const at = nextArrival(run.arrivals, run.queue.profile, run.ratePerMs, after)
    if (at !== Number.POSITIVE_INFINITY && (this.budget === undefined || at < this.budget.until))
      this.agenda.schedule(at, { _tag: "Arrival", queueId: run.queue.queueId })
  }

  scheduleEmergency(after: number): void {
    const e = this.scenario.emergency
    if (e === undefined) return
    const at = nextArrival(this.random.emergency, undefined, e.callsPerDay / 86_400_000, after)
    if (at !== Number.POSITIVE_INFINITY) this.agenda.schedule(at, { _tag: "EmergencyDial" })
  }

  /** R5: what the core would tell this caller now: the EWT of the next place in line. */
  ewtForNewCaller(queueId: string): number | null {
    const queue = this.core.router().queues.get(queueId)
    return queue === undefined ? null : ewtAtPosition(staffing(queue), queue.waiting.size + 1)
  }

  arrive(run: QueueRun): void {
    const budget = this.budget
    if (budget !== undefined) {
      // Another queue's next arrival was already on the agenda when the last one allowed came.
      if (budget.left <= 0) return
      if (--budget.left === 0) budget.stoppedAt = this.now
    }
    const queueId = run.queue.queueId
    const n = ++this.calls
    const itemId = `${this.itemPrefix}${n}`
    this.stats.arrived(itemId, queueId, this.now, this.ewtForNewCaller(queueId))
    this.scheduleArrival(run, this.now)
    // Every caller has a patience (the same draws whatever happens to the calls before them), but
    // it matters only to one who has to wait: most calls of a day are answered at once.
    const patienceMs = this.callTimes.patienceMs(n, itemId, run, this.random.patience)
    // A queue that may offer callbacks needs the caller's number (B2) and the number to call from.
    this.send(
      run.overflow === undefined
        ? { _tag: "EnqueueItem", itemId, queueId }
        : {
            _tag: "EnqueueItem",
            itemId,
            queueId,
            attributes: { from: callerNumber(n), to: CALLBACK_CALLER_ID },
          },
    )
    if (patienceMs !== undefined && this.stats.isWaiting(itemId))
      this.agenda.schedule(this.now + patienceMs, { _tag: "PatienceEnds", itemId })
  }

  /** E1/E4: a rep on shift, not already in one, dials the emergency number for a random while. */
  private dialEmergency(): void {
    const e = this.scenario.emergency
    if (e === undefined) return
    this.scheduleEmergency(this.now)
    const onShift = this.scenario.reps.filter(
      (r) => !this.inEmergency.has(r.repId) && presenceAt(r, this.now - SIM_DAY) !== "offline",
    )
    const rep = onShift[Math.floor(this.random.emergency() * onShift.length)]
    if (rep === undefined) {
      this.emergency.skipped += 1
      return
    }
    this.emergency.dialled += 1
    this.inEmergency.add(rep.repId)
    this.send({
      _tag: "DialEmergency",
      repId: rep.repId,
      dialString: e.dialString,
      location: { region: e.region },
    })
    const durationMs = wholeMs(samplerOf(e.duration)(this.random.emergency))
    // E6: a call that drops ends at a uniform share of the duration the rep would have talked.
    const drops = e.dropProbability !== undefined && this.random.psap() < e.dropProbability
    const talkMs = drops ? Math.max(1, Math.round(durationMs * this.random.psap())) : durationMs
    this.emergency.repMinutes += talkMs / 60_000
    this.agenda.schedule(this.now + talkMs, {
      _tag: drops ? "EmergencyDrop" : "EmergencyEnd",
      repId: rep.repId,
    })
  }

  /**
   * E6/W5: the call dropped. The rep's browser sees the call end and says so, as the web client
   * does (`EmergencyCallDropped`, the command POST …/emergency/dropped sends): the session waits
   * for the PSAP's callback while the lease lives, and the core ends it (`EmergencyEnded`). The
   * PSAP may call back on the number it was given, within the lease (E5) or after it.
   */
  private dropEmergency(repId: string): void {
    const psap = this.realism?.psap
    if (psap !== undefined) psap.dropped += 1
    this.send({ _tag: "EmergencyCallDropped", repId })
    const callback = this.scenario.emergency?.psapCallback
    const number = this.callbackNumbers.get(repId)
    if (callback === undefined || number === undefined || this.random.psap() >= callback.probability) return
    const command: CenterCommand = {
      _tag: "InboundCall",
      callId: `${this.idPrefix}psap-${++this.psapCalls}`,
      eventId: this.eventId(),
      from: PSAP_NUMBER,
      to: number,
      // Calls to a callback number are the emergency module's before any workstream sees them.
      workstreamId: (this.scenario.queues[0] as Scenario["queues"][number]).queueId,
    }
    const delayMs = wholeMs(samplerOf(callback.delay)(this.random.psap))
    this.agenda.schedule(this.now + delayMs, { _tag: "Provider", command })
  }

  /** E6: the PSAP's call is put through; it lasts its duration, then the provider reports its end. */
  private psapTalk(callId: string, toRep: boolean): void {
    const callback = this.scenario.emergency?.psapCallback
    if (callback === undefined) return
    const durationMs = wholeMs(samplerOf(callback.duration)(this.random.psap))
    if (toRep) this.emergency.repMinutes += durationMs / 60_000
    this.agenda.schedule(this.now + durationMs, { _tag: "PsapEnd", callId })
  }

  /** E6/E10: the PSAP's call ended (`CallEnded`); the core ends a session it opened (or one that waited for it). */
  private endPsapCall(callId: string): void {
    this.send({ _tag: "CallEnded", callId, eventId: this.eventId() })
  }

  /** E10: the rep ends the call; the core restores the presence of the dial. */
  private endEmergency(repId: string): void {
    this.send({ _tag: "EndEmergency", repId })
  }

  /** After an emergency session (E10) the rep's schedule may have moved on: set what it says now. */
  private followSchedule(repId: string): void {
    const rep = this.scenario.reps.find((r) => r.repId === repId)
    const current = this.core.router().reps.get(repId)?.presenceId
    if (rep === undefined || current === undefined) return
    const scheduled = presenceAt(rep, this.now - SIM_DAY)
    if (scheduled !== current) this.send({ _tag: "SetPresence", repId, presenceId: scheduled })
  }

  /** The simulator event handled last (for onStep). */
  lastEvent: SimEvent | undefined

  happen(event: SimEvent): void {
    this.events += 1
    this.lastEvent = event
    if (this.log !== undefined) this.log.line(`{"at":${this.now},"sim":${JSON.stringify(event)}}`)
    switch (event._tag) {
      case "Completion":
        this.send({ _tag: "CompleteWork", itemId: event.itemId, repId: event.repId })
        return
      case "PatienceEnds":
        // A caller still waiting when patience ends hangs up: the core's AbandonItem.
        if (!this.stats.isWaiting(event.itemId)) return
        this.stats.abandoned(event.itemId, this.now)
        this.send({ _tag: "AbandonItem", itemId: event.itemId })
        return
      case "Arrival":
        this.arrive(this.queueOf(event.queueId))
        return
      case "PresenceChange":
        // E4: the core refuses presence changes during an emergency; the end re-applies the schedule.
        if (this.inEmergency.has(event.repId)) return
        this.send({ _tag: "SetPresence", repId: event.repId, presenceId: event.presenceId })
        return
      case "Provider":
        this.send(event.command)
        return
      case "EmergencyDial":
        this.dialEmergency()
        return
      case "EmergencyEnd":
        this.endEmergency(event.repId)
        return
      case "EmergencyDrop":
        this.dropEmergency(event.repId)
        return
      case "PsapEnd":
        this.endPsapCall(event.callId)
        return
      case "Decline":
        // The offer may be gone meanwhile (the caller hung up, the offer expired).
        if (this.core.router().offers.has(event.offerId))
          this.send({ _tag: "DeclineOffer", offerId: event.offerId, repId: event.repId })
        return
      case "CallbackRequest":
        this.requestCallback(this.queueOf(event.queueId))
        return
    }
  }

  /**
   * Core timers and simulator events in time order up to `end`; a timer first on a tie. The same
   * choice as `step`, written out here: calling `step` per event made the big day ~7% slower.
   */
  run(end: number): void {
    const driver = this.core.driver
    const onStep = this.onStep
    for (;;) {
      const timerAt = driver.nextTimerAt()
      const eventAt = this.agenda.peekAt()
      if (timerAt !== undefined && timerAt <= end && (eventAt === undefined || timerAt <= eventAt)) {
        this.now = Math.max(this.now, timerAt)
        this.timersFired += 1
        this.react(driver.fireNextTimer())
        continue
      }
      const next = this.agenda.next(end)
      if (next === undefined) break
      this.now = next.at
      this.happen(next.event)
      if (onStep !== undefined) onStep(this)
    }
    this.now = end
  }

  /**
   * When this run's next step happens, if at or before `end`: the next due core timer or
   * simulator event, whichever `run` would take first. For running several simulations in
   * lockstep (one event log in time order); `step` takes that step.
   */
  nextAt(end: number): number | undefined {
    const timerAt = this.core.driver.nextTimerAt()
    const eventAt = this.agenda.peekAt()
    if (timerAt !== undefined && timerAt <= end && (eventAt === undefined || timerAt <= eventAt))
      return Math.max(this.now, timerAt)
    return eventAt !== undefined && eventAt <= end ? eventAt : undefined
  }

  /** One step of `run`: the next due timer or simulator event up to `end`; false when none is left. */
  step(end: number): boolean {
    const driver = this.core.driver
    const timerAt = driver.nextTimerAt()
    const eventAt = this.agenda.peekAt()
    if (timerAt !== undefined && timerAt <= end && (eventAt === undefined || timerAt <= eventAt)) {
      this.now = Math.max(this.now, timerAt)
      this.timersFired += 1
      this.react(driver.fireNextTimer())
      return true
    }
    const next = this.agenda.next(end)
    if (next === undefined) return false
    this.now = next.at
    this.happen(next.event)
    if (this.onStep !== undefined) this.onStep(this)
    return true
  }
}
