import { addOutcome, F, FIELD_COUNT, metric, ratioOf } from "./analysis/metrics"
import type { ScenarioQueue } from "./scenario"

export interface QueueSummary {
  readonly queueId: string
  readonly name: string
  /** Calls that arrived in the queue during the run. */
  readonly offered: number
  /** Calls a rep accepted during the run. */
  readonly answered: number
  /** Calls that hung up (patience ran out) before a rep accepted them. */
  readonly abandoned: number
  /** Answered or abandoned calls that had to wait (wait > 0), over answered + abandoned; null if none. */
  readonly pWait: number | null
  /** Mean wait of answered calls, arrival to acceptance (ASA); null when none was answered. */
  readonly asaMs: number | null
  readonly maxWaitMs: number | null
  /** SL = answered within the threshold / (answered + abandoned); null if neither happened. */
  readonly serviceLevel: number | null
  readonly slThresholdMs: number
  /**
   * R5 EWT error over answered calls: the core's EWT for the caller at arrival minus the wait
   * they actually had. Mean (bias: positive = the estimate was too long) and mean absolute error;
   * null when no answered call had an estimate.
   */
  readonly ewtMeanErrorMs: number | null
  readonly ewtMeanAbsErrorMs: number | null
  /** Callbacks callers asked for (C1-C3) and callbacks that reached a rep; null: none offered. */
  readonly callbacksRequested: number | null
  readonly callbacksCompleted: number | null
  /** C1: waiting calls an overflow rule closed (voicemail, end call); null: no overflow. */
  readonly closedByRule: number | null
}

/** The end of one call's wait: answered after `waitMs`, or abandoned after `waitMs`. */
export interface CallOutcome {
  readonly queueId: string
  readonly arrivedAt: number
  readonly waitMs: number
  readonly answered: boolean
}

interface Tally {
  offered: number
  /** The metric sums (analysis/metrics.ts) of the queue's settled calls. */
  readonly sums: Float64Array
  maxWaitMs: number
  ewtCount: number
  ewtErrorMs: number
  ewtAbsErrorMs: number
  callbacksRequested: number
  callbacksCompleted: number
  closed: number
}

const emptyTally = (): Tally => ({
  offered: 0,
  sums: new Float64Array(FIELD_COUNT),
  maxWaitMs: 0,
  ewtCount: 0,
  ewtErrorMs: 0,
  ewtAbsErrorMs: 0,
  callbacksRequested: 0,
  callbacksCompleted: 0,
  closed: 0,
})

const PWAIT = metric("pWait")
const ASA = metric("asa")
const SL = metric("serviceLevel")

interface Waiting {
  readonly queueId: string
  readonly at: number
  /** The core's EWT when the call arrived; null when nobody was staffed. */
  readonly ewtMs: number | null
}

/** Per-queue counts and waits, kept by the simulator from what it sent and what the core answered. */
export class CallStats {
  private readonly tallies = new Map<string, Tally>()
  /** Calls not yet answered nor abandoned: their queue and arrival time. */
  private readonly waiting = new Map<string, Waiting>()

  constructor(
    private readonly queues: readonly ScenarioQueue[],
    private readonly slThresholdMs: number,
    private readonly onOutcome?: (outcome: CallOutcome) => void,
    /** Whether the scenario offers callbacks at all (otherwise the callback counts are null). */
    private readonly callbacks = false,
  ) {
    for (const q of queues) this.tallies.set(q.queueId, emptyTally())
  }

  arrived(itemId: string, queueId: string, at: number, ewtMs: number | null = null): void {
    this.tally(queueId).offered += 1
    this.waiting.set(itemId, { queueId, at, ewtMs })
  }

  /** The queue of a call still waiting, if it is. */
  queueOfWaiting(itemId: string): string | undefined {
    return this.waiting.get(itemId)?.queueId
  }

  /** C4: a waiting caller asked for a callback and hung up: settled, neither answered nor abandoned. */
  callbackRequested(itemId: string): void {
    const call = this.waiting.get(itemId)
    if (call === undefined) throw new Error(`call ${itemId} is not waiting`)
    this.waiting.delete(itemId)
    this.tally(call.queueId).callbacksRequested += 1
  }

  /** C1: an overflow rule closed the waiting call (voicemail, end call). */
  closed(itemId: string): void {
    const call = this.waiting.get(itemId)
    if (call === undefined) throw new Error(`call ${itemId} is not waiting`)
    this.waiting.delete(itemId)
    this.tally(call.queueId).closed += 1
  }

  callbackCompleted(queueId: string): void {
    this.tally(queueId).callbacksCompleted += 1
  }

  isWaiting(itemId: string): boolean {
    return this.waiting.has(itemId)
  }

  /** Records the wait of an accepted call; returns its queue. */
  answered(itemId: string, at: number): string {
    return this.settle(itemId, at, true)
  }

  /** Records a call that hung up while waiting; returns its queue. */
  abandoned(itemId: string, at: number): string {
    return this.settle(itemId, at, false)
  }

  /** Calls not yet answered nor abandoned (nor settled apart). */
  get waitingCount(): number {
    return this.waiting.size
  }

  summary(): QueueSummary[] {
    return this.queues.map(({ queueId, name }) => {
      const t = this.tally(queueId)
      const answered = t.sums[F.answered] as number
      return {
        queueId,
        name,
        offered: t.offered,
        answered,
        abandoned: t.sums[F.abandoned] as number,
        pWait: ratioOf(t.sums, 0, PWAIT),
        asaMs: ratioOf(t.sums, 0, ASA),
        maxWaitMs: answered === 0 ? null : t.maxWaitMs,
        serviceLevel: ratioOf(t.sums, 0, SL),
        slThresholdMs: this.slThresholdMs,
        ewtMeanErrorMs: t.ewtCount === 0 ? null : t.ewtErrorMs / t.ewtCount,
        ewtMeanAbsErrorMs: t.ewtCount === 0 ? null : t.ewtAbsErrorMs / t.ewtCount,
        callbacksRequested: this.callbacks ? t.callbacksRequested : null,
        callbacksCompleted: this.callbacks ? t.callbacksCompleted : null,
        closedByRule: this.callbacks ? t.closed : null,
      }
    })
  }

  private settle(itemId: string, at: number, answered: boolean): string {
    const call = this.waiting.get(itemId)
    if (call === undefined) throw new Error(`call ${itemId} is not waiting`)
    this.waiting.delete(itemId)
    const tally = this.tally(call.queueId)
    const wait = at - call.at
    addOutcome(tally.sums, 0, wait, answered, this.slThresholdMs)
    if (answered) {
      tally.maxWaitMs = Math.max(tally.maxWaitMs, wait)
      if (call.ewtMs !== null) {
        tally.ewtCount += 1
        tally.ewtErrorMs += call.ewtMs - wait
        tally.ewtAbsErrorMs += Math.abs(call.ewtMs - wait)
      }
    }
    this.onOutcome?.({ queueId: call.queueId, arrivedAt: call.at, waitMs: wait, answered })
    return call.queueId
  }

  private tally(queueId: string): Tally {
    const tally = this.tallies.get(queueId)
    if (tally === undefined) throw new Error(`no queue ${queueId} in the scenario`)
    return tally
  }
}
