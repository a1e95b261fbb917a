import type { ScenarioQueue } from "./scenario"

export interface QueueSummary {
  readonly queueId: string
  readonly name: string
  /** Calls that arrived in the queue during the run. */
  readonly offered: number
  /** Calls a rep accepted during the run; the rest were still waiting at the end. */
  readonly answered: number
  /** Mean wait of answered calls, arrival to acceptance (ASA); null when none was answered. */
  readonly asaMs: number | null
  readonly maxWaitMs: number | null
}

interface Tally {
  offered: number
  answered: number
  totalWaitMs: number
  maxWaitMs: number
}

/** Per-queue counts and waits, kept by the simulator from what it sent and what the core answered. */
export class CallStats {
  private readonly tallies = new Map<string, Tally>()
  /** Calls not yet answered: their queue and arrival time. */
  private readonly waiting = new Map<string, { readonly queueId: string; readonly at: number }>()

  constructor(private readonly queues: readonly ScenarioQueue[]) {
    for (const q of queues)
      this.tallies.set(q.queueId, { offered: 0, answered: 0, totalWaitMs: 0, maxWaitMs: 0 })
  }

  arrived(itemId: string, queueId: string, at: number): void {
    this.tally(queueId).offered += 1
    this.waiting.set(itemId, { queueId, at })
  }

  /** Records the wait of an accepted call; returns its queue. */
  answered(itemId: string, at: number): string {
    const call = this.waiting.get(itemId)
    if (call === undefined) throw new Error(`answered call ${itemId} never arrived`)
    this.waiting.delete(itemId)
    const tally = this.tally(call.queueId)
    const wait = at - call.at
    tally.answered += 1
    tally.totalWaitMs += wait
    tally.maxWaitMs = Math.max(tally.maxWaitMs, wait)
    return call.queueId
  }

  summary(): QueueSummary[] {
    return this.queues.map(({ queueId, name }) => {
      const t = this.tally(queueId)
      const none = t.answered === 0
      return {
        queueId,
        name,
        offered: t.offered,
        answered: t.answered,
        asaMs: none ? null : t.totalWaitMs / t.answered,
        maxWaitMs: none ? null : t.maxWaitMs,
      }
    })
  }

  private tally(queueId: string): Tally {
    const tally = this.tallies.get(queueId)
    if (tally === undefined) throw new Error(`no queue ${queueId} in the scenario`)
    return tally
  }
}
