import { type CenterCommand, type CenterEvent, ewtAtPosition, staffing } from "@lifeline/core"
import { Agenda, type SimEvent } from "../agenda"
import { samplerOf, wholeMs } from "../distributions"
import { nextArrival } from "../profile"
import type { Random } from "../random"
import type { Scenario } from "../scenario"
import { callerNumber, presenceAt, SIM_DAY } from "../scenario-setup"
import { type CallOutcome, CallStats } from "../stats"
import type { Core } from "./driver"
import type { EventSink } from "./event-log"
import { type QueueRun, queueRun, type Streams, streamsOf } from "./queue-run"
import type { WaitingWatch } from "./waiting-watch"

/** The callback caller id the simulated tenant shows (C6). */
const CALLBACK_CALLER_ID = "+12025550199"
/** How long a caller listens to a prompt before pressing a key or the provider reports it played. */
const PROMPT_MS = 5_000

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
  /** `call-`, or with a component's prefix (`c2-call-`) when the run is split (see partition.ts). */
  private readonly itemPrefix: string
  private readonly eventPrefix: string
  /** The arrival stop rule, when the run has one. */
  budget: ArrivalBudget | undefined
  onTalk: TalkHook | undefined

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
    this.itemPrefix = `${idPrefix}call-`
    this.eventPrefix = `${idPrefix}sim-`
    const { streams, arrivals } = streamsOf(seed, scenario.queues.length)
    this.random = streams
    this.queues = new Map(scenario.queues.map((q, i) => [q.queueId, queueRun(q, arrivals[i] as Random)]))
    const anyOverflow = scenario.queues.some((q) => q.overflow !== undefined)
    this.stats = new CallStats(scenario.queues, slThresholdMs, onOutcome, anyOverflow)
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
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as CenterEvent
      if (log !== undefined) log.line(`{"at":${this.now},"core":${JSON.stringify(event)}}`)
      this.watch?.onEvent(event, this.now)
      switch (event._tag) {
        case "OfferMade":
          // Every rep accepts every offer the moment it is made.
          this.send({ _tag: "AcceptOffer", offerId: event.offerId, repId: event.repId })
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
        default:
          this.callbackEvent(event)
      }
    }
  }

  /** The rep talks for a random while, then completes the work. */
  private talk(queueId: string, itemId: string, repId: string): void {
    const handleMs = wholeMs(this.queueOf(queueId).handle(this.random.handle))
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
        const queueId = this.callbacks.get(event.callbackId)
        const overflow = queueId === undefined ? undefined : this.queueOf(queueId).overflow
        // B1: the customer answers with the queue's probability; otherwise the core's no-answer timer.
        if (overflow !== undefined && this.random.caller() < overflow.callbackAnswerProbability) {
          const command: CenterCommand = {
            _tag: "CallAnswered",
            callId: event.callId,
            eventId: this.eventId(),
          }
          this.agenda.schedule(this.now + wholeMs(overflow.ring(this.random.caller)), {
            _tag: "Provider",
            command,
          })
        }
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
        if (queueId !== undefined && event.reason === "served") this.stats.callbackCompleted(queueId)
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
    const patienceMs = run.patience === undefined ? undefined : wholeMs(run.patience(this.random.patience))
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
    this.emergency.repMinutes += durationMs / 60_000
    this.agenda.schedule(this.now + durationMs, { _tag: "EmergencyEnd", repId: rep.repId })
  }

  /** E10: the core restores the presence of the dial; the rep's schedule may have moved on since. */
  private endEmergency(repId: string): void {
    this.inEmergency.delete(repId)
    this.send({ _tag: "EndEmergency", repId })
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
