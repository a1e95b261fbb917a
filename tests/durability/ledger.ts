import type { Domain } from "@lifeline/core/engine"
import type { TimerChange } from "@lifeline/core/ports"
import { Result } from "effect"

/**
 * A small domain for the crash test, shaped like the real ones where it matters: a command
 * queues an outbox message in the same append as its state change (ARCHITECTURE rule 5) and
 * arms a durable timer (rule 4). `Remind` never refuses, so a timer that fired twice would leave
 * two `Reminded` events behind.
 */
export const LEDGER_STREAM = "ledger"

export type LedgerCommand =
  | { readonly _tag: "Deposit"; readonly id: string; readonly remindAt: number }
  | { readonly _tag: "Remind"; readonly id: string }
  | { readonly _tag: "MarkSent"; readonly messageId: string }

export type LedgerEvent =
  | { readonly _tag: "Deposited"; readonly id: string; readonly remindAt: number }
  | { readonly _tag: "MessageQueued"; readonly messageId: string }
  | { readonly _tag: "Reminded"; readonly id: string; readonly at: number }
  | { readonly _tag: "MessageSent"; readonly messageId: string }

export interface LedgerState {
  readonly deposits: Set<string>
  /** Messages queued and not yet recorded as sent: what the dispatcher owes. */
  readonly unsent: Set<string>
}

export const messageIdOf = (depositId: string) => `msg/${depositId}`
export const reminderTimerId = (depositId: string) => `remind/${depositId}`

const evolve = (state: LedgerState, event: LedgerEvent): void => {
  switch (event._tag) {
    case "Deposited":
      state.deposits.add(event.id)
      return
    case "MessageQueued":
      state.unsent.add(event.messageId)
      return
    case "MessageSent":
      state.unsent.delete(event.messageId)
      return
    case "Reminded":
      return
  }
}

const decide = (
  state: LedgerState,
  command: LedgerCommand,
  now: number,
): Result.Result<LedgerEvent[], string> => {
  switch (command._tag) {
    case "Deposit":
      if (state.deposits.has(command.id)) return Result.fail(`deposit ${command.id} exists`)
      return Result.succeed([
        { _tag: "Deposited", id: command.id, remindAt: command.remindAt },
        { _tag: "MessageQueued", messageId: messageIdOf(command.id) },
      ])
    case "Remind":
      return Result.succeed([{ _tag: "Reminded", id: command.id, at: now }])
    case "MarkSent":
      if (!state.unsent.has(command.messageId)) return Result.fail(`${command.messageId} is not pending`)
      return Result.succeed([{ _tag: "MessageSent", messageId: command.messageId }])
  }
}

export const ledgerDomain: Domain<LedgerState, LedgerCommand, LedgerEvent, string> = {
  stream: LEDGER_STREAM,
  empty: () => ({ deposits: new Set(), unsent: new Set() }),
  replay: (state, events) => {
    for (const event of events) evolve(state, event)
    return state
  },
  execute: (state, command, now) =>
    Result.map(decide(state, command, now), (events) => {
      for (const event of events) evolve(state, event)
      return events
    }),
  timersOf: (event): readonly TimerChange<LedgerCommand>[] =>
    event._tag === "Deposited"
      ? [
          {
            _tag: "Arm",
            timer: {
              timerId: reminderTimerId(event.id),
              dueAt: event.remindAt,
              command: { _tag: "Remind", id: event.id },
            },
          },
        ]
      : [],
}
