import type { CenterCommand } from "@lifeline/core/center"

/**
 * What the simulator itself has to make happen (the core's own timers live in the core driver):
 * the next arrival per queue, the end of each call a rep is handling, the moment a waiting
 * caller's patience runs out, the reps' scheduled presence changes, and the other parties' answers.
 */
export type SimEvent =
  | { readonly _tag: "Arrival"; readonly queueId: string }
  | { readonly _tag: "Completion"; readonly itemId: string; readonly repId: string }
  | { readonly _tag: "PatienceEnds"; readonly itemId: string }
  /** A rep's schedule (shift start or end, a break) changes their presence (R1). */
  | { readonly _tag: "PresenceChange"; readonly repId: string; readonly presenceId: string }
  /** What the provider reports back some time after an action: a key pressed, a prompt played, an answer. */
  | { readonly _tag: "Provider"; readonly command: CenterCommand }
  /** E1: some rep dials the emergency number (a Poisson process over the center). */
  | { readonly _tag: "EmergencyDial" }
  | { readonly _tag: "EmergencyEnd"; readonly repId: string }
  /** R4: a rep who thought about an offer declines it. */
  | { readonly _tag: "Decline"; readonly offerId: string; readonly repId: string }
  /** E6: the rep's emergency call drops (the provider hangs up, not the rep). */
  | { readonly _tag: "EmergencyDrop"; readonly repId: string }
  /** E6: the PSAP's call back ends. */
  | { readonly _tag: "PsapEnd"; readonly callId: string }
  /** C7: someone schedules a callback through the API. */
  | { readonly _tag: "CallbackRequest"; readonly queueId: string }

/**
 * Events in time order; ties in the order they were scheduled, so runs are repeatable. A binary
 * min-heap, the simulator's hottest structure: the times and scheduling numbers sit in typed
 * arrays beside the events, so a sift compares numbers next to each other in memory; no removal.
 */
export class Agenda {
  private seq = 0
  private n = 0
  private at = new Float64Array(1024)
  private seqs = new Float64Array(1024)
  private events: SimEvent[] = []
  /** What `next` returns, reused: read it before the next call. */
  private readonly taken: { at: number; event: SimEvent } = { at: 0, event: { _tag: "EmergencyDial" } }

  get size(): number {
    return this.n
  }

  schedule(at: number, event: SimEvent): void {
    if (this.n === this.at.length) this.grow()
    const times = this.at
    const seqs = this.seqs
    const events = this.events
    const seq = ++this.seq
    let i = this.n++
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pa = times[parent] as number
      if (pa < at || (pa === at && (seqs[parent] as number) < seq)) break
      times[i] = pa
      seqs[i] = seqs[parent] as number
      events[i] = events[parent] as SimEvent
      i = parent
    }
    times[i] = at
    seqs[i] = seq
    events[i] = event
  }

  /** When the next event happens; undefined when none is scheduled. */
  peekAt(): number | undefined {
    return this.n > 0 ? this.at[0] : undefined
  }

  /** The next event if it happens at or before `until` (the result is reused by the next call). */
  next(until: number): { readonly at: number; readonly event: SimEvent } | undefined {
    if (this.n === 0 || (this.at[0] as number) > until) return undefined
    const taken = this.taken
    taken.at = this.at[0] as number
    taken.event = this.events[0] as SimEvent
    const last = --this.n
    if (last > 0)
      this.siftDown(this.at[last] as number, this.seqs[last] as number, this.events[last] as SimEvent)
    this.events[last] = undefined as unknown as SimEvent
    return taken
  }

  private siftDown(at: number, seq: number, event: SimEvent): void {
    const times = this.at
    const seqs = this.seqs
    const events = this.events
    const n = this.n
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      const right = child + 1
      if (right < n) {
        const tr = times[right] as number
        const tl = times[child] as number
        if (tr < tl || (tr === tl && (seqs[right] as number) < (seqs[child] as number))) child = right
      }
      const tc = times[child] as number
      if (at < tc || (at === tc && seq < (seqs[child] as number))) break
      times[i] = tc
      seqs[i] = seqs[child] as number
      events[i] = events[child] as SimEvent
      i = child
    }
    times[i] = at
    seqs[i] = seq
    events[i] = event
  }

  private grow(): void {
    const at = new Float64Array(this.at.length * 2)
    at.set(this.at)
    this.at = at
    const seqs = new Float64Array(this.seqs.length * 2)
    seqs.set(this.seqs)
    this.seqs = seqs
  }
}
