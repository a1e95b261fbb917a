import { Result } from "effect"
import type { CenterCommand } from "../center/commands"
import type { CenterError } from "../center/errors"
import type { CenterEvent } from "../center/events"
import type { CenterAsks, CenterDecision, CenterModule, Emit } from "../center/module"
import type { CenterState } from "../center/state"
import { AlreadyExists, InvalidState } from "../kernel/errors"
import { handlers, widen } from "../kernel/handlers"
import type { ReadReply } from "../kernel/module"
import { tagsOf } from "../kernel/tags"
import type { TimerChange } from "../ports/timer"
import { hasItem } from "../routing/reads"
import { CallbackCommand } from "./commands"
import { dialOnAccept, noAnswer, onDialNotSent, onItemGone, onLeg, retry } from "./dial"
import type { CallbackError } from "./errors"
import { CALLBACK_EVENT_TAGS, type CallbackEvent } from "./events"
import { CALLBACK_EVOLVE } from "./evolve"
import { expire } from "./expiry"
import { release } from "./farewell"
import { playOffer, pressKey } from "./in-queue"
import { CALLBACK_REPLIES } from "./replies"
import { cancelCallback, openWindow, requestCallback, rescheduleCallback } from "./schedule"
import { overrideProblem, setQueueOverflow } from "./settings"
import { callbackTimers } from "./timers"
import { checkOwnWait, withOverflowFollowUps } from "./watch"

const decide = (
  state: CenterState,
  command: CenterCommand,
  now: number,
  asks: CenterAsks,
): CenterDecision => {
  switch (command._tag) {
    case "SetQueueOverflow":
      return setQueueOverflow(state, command, now)
    case "RequestCallback":
      return requestCallback(state, command, now, asks)
    case "CancelCallback":
      return cancelCallback(state, command, now, asks)
    case "RescheduleCallback":
      return rescheduleCallback(state, command, now, asks)
    case "PlayCallbackOffer":
      return playOffer(state, command, now)
    case "CheckOwnWait":
      return checkOwnWait(state, command, now, asks)
    case "HangUpCaller":
      return Result.succeed(release(state, command.callId, "timeout", now) ?? [])
    case "OpenCallbackWindow":
      return openWindow(state, command, now, asks)
    case "CallbackNoAnswer":
      return noAnswer(state, command, now, asks)
    case "RetryCallback":
      return retry(state, command, now, asks)
    case "ExpireCallback":
      return expire(state, command, now, asks)
    default:
      return Result.succeed([])
  }
}

/**
 * Provider events the callback module claims: keys pressed by callers it offered a callback
 * (C3, C4), the end of calls it released or is releasing, and everything about dial legs (C6).
 * A hang-up of a waiting call that did not ask for a callback is not claimed: routing abandons it.
 */
const onProvider: NonNullable<CenterModule["onProvider"]> = (state, command, now, asks) => {
  switch (command._tag) {
    case "DigitCollected":
      return pressKey(state, command, now, asks)
    case "PromptPlayed": {
      const released = release(state, command.callId, "prompt_played", now)
      return released === undefined ? undefined : Result.succeed(released)
    }
    case "CallEnded": {
      const released = release(state, command.callId, "caller", now)
      if (released !== undefined) return Result.succeed(released)
      if (state.callback.callbacks.has(command.callId)) return Result.succeed([])
      return onLeg(state, command, now, asks)
    }
    case "CallAnswered":
    case "CallFailed":
      return onLeg(state, command, now, asks)
    default:
      return undefined
  }
}

/** What the callback module does after events are applied: its own reactions, then the overflow's. */
const followUp = withOverflowFollowUps(
  handlers<CenterEvent, [CenterState, number, Emit, CenterAsks]>()
    .on("OfferMade", (event, state, now, emit) => {
      // C5: the notification marks it as a callback.
      if (state.callback.callbacks.has(event.itemId))
        emit({
          _tag: "CallbackOffered",
          callbackId: event.itemId,
          offerId: event.offerId,
          repId: event.repId,
          at: now,
        })
    })
    .on("OfferAccepted", (event, state, now, emit) => dialOnAccept(state, event, now, emit))
    .on(["WorkCompleted", "ItemAbandoned", "ItemClosed"], (event, state, now, emit) =>
      onItemGone(state, event, now, emit),
    )
    .on("OutboxFailed", (event, state, now, emit, asks) => onDialNotSent(state, event, now, emit, asks)),
)

/**
 * Ids of callbacks waiting for their window are taken; a callback's place in its queue is kept by
 * its retry policy, not moved by hand (B1); a route rule's override is checked (C2, N3).
 */
const guards = handlers<CenterCommand, [CenterState, number], CenterError | undefined>()
  .on("InboundCall", (command, state) => pendingId(state, command.callId, "callId"))
  .on(["EnqueueItem", "RouteIncoming"], (command, state) => pendingId(state, command.itemId, "itemId"))
  .on(["HoldItem", "ResumeItem", "TransferItem"], (command, state) =>
    state.callback.callbacks.has(command.itemId)
      ? new InvalidState({
          field: "itemId",
          message: "a callback keeps its place by its retry policy", // B1
        })
      : undefined,
  )
  .on("DefineWorkstream", (command, state) => overrideProblem(state, command))

const pendingId = (state: CenterState, id: string, field: string): CallbackError | undefined =>
  state.callback.callbacks.has(id) && !hasItem(state.routing, id)
    ? new AlreadyExists({ entity: "callback", id, field })
    : undefined

const CALLBACK_TAGS = [...CALLBACK_EVENT_TAGS] as CallbackEvent["_tag"][]

/** Direct callback and queue overflow (C1-C9, B1-B3) as a center module. */
export const callbackModule: CenterModule = {
  name: "callback",
  commands: tagsOf(CallbackCommand.members),
  decide,
  evolve: CALLBACK_EVOLVE,
  followUp,
  onProvider,
  guards,
  replies: widen<CenterCommand, ReadReply<CenterState, unknown> | undefined>()(CALLBACK_REPLIES),
  timers: handlers<CenterEvent, [], readonly TimerChange<CenterCommand>[]>().on(
    CALLBACK_TAGS,
    callbackTimers,
  ),
}
