import type { Effect, Result } from "effect"
import type { Refusal, Replied } from "../kernel/module"
import type { StoreUnavailable } from "../ports/store"
import type { Timer, TimerChange } from "../ports/timer"

/** A pure domain as the engine runs it (ARCHITECTURE, data flow). `R` is what its decisions reply. */
export interface Domain<S, C, E, Err, R = never> {
  readonly stream: string
  readonly empty: () => S
  readonly replay: (state: S, events: readonly E[]) => S
  /**
   * Decide and apply: on success the state already holds the returned events, given alone or
   * with the reply the decision hands the caller (kernel `Replied`, ARCHITECTURE rule 3).
   */
  readonly execute: (state: S, command: C, now: number) => Result.Result<readonly E[] | Replied<E, R>, Err>
  readonly timersOf: (event: E) => readonly TimerChange<C>[]
}

export type AppendListener<E> = (events: readonly E[], version: number) => void

/** A stored command's result: its events, and its decision's reply (undefined when it has none). */
export type Stored<E, R> = Replied<E, R | undefined>

/** What a caller is answered: a recorded refusal (kernel `Refusal`) reaches it as the error instead. */
export type Answer<R> = Exclude<R, Refusal<unknown>>

export interface Engine<S, C, E, Err, R = never> {
  /**
   * Run a command to its reply (issue 18, "the engine hands the reply to the driver"): once its
   * events are stored, the reply its decision gave, beside those events. Decided again after a
   * lost race, the reply is the new decision's. A refusal that is recorded fails with its error
   * once its events are stored.
   */
  readonly run: (command: C) => Effect.Effect<Stored<E, Answer<R>>, Err | StoreUnavailable>
  /** `run`, for callers that want only the events stored (tests, drivers without replies). */
  readonly execute: (command: C) => Effect.Effect<readonly E[], Err | StoreUnavailable>
  /** Read the current state with the current time; the reader must not change the state. */
  readonly read: <A>(reader: (state: S, now: number) => A) => Effect.Effect<A>
  /** Timers armed and not yet fired or disarmed. */
  readonly pendingTimers: Effect.Effect<readonly Timer<C>[]>
  /**
   * Hear the events of every command this engine stores, with the stream version after them, in
   * append order, once they are durable (SSE, the outbox dispatcher, projections). Listeners run
   * inside the engine's lock and must only record or fork: they must not run engine commands
   * themselves. Returns unsubscribe. Events other nodes stored reach listeners too, when this
   * engine catches up with them (`refresh`, or a lost race).
   */
  readonly subscribe: (listener: AppendListener<E>) => Effect.Effect<() => void>
  /**
   * Catch up with what other nodes stored since this engine's version (ARCHITECTURE, Scale):
   * their events reach the state and the listeners, their timers are armed here too. Nothing to
   * do with a store only this engine writes. Returns the version after.
   */
  readonly refresh: Effect.Effect<number, StoreUnavailable>
}

/** One command's decision: its events and reply, or the domain's refusal. */
export type Outcome<E, Err, R = never> = Result.Result<Stored<E, R>, Err>
