import { Result } from "effect"
import type { CenterCommand } from "../center/commands"
import type { CenterEvent, CenterEventTag } from "../center/events"
import type { CenterDecision, CenterModule, Emit } from "../center/module"
import type { CenterState } from "../center/state"
import { tagsOf } from "../center/tags"
import { AlreadyExists, InvalidState } from "../routing/errors"
import { CallbackCommand } from "./commands"
import { dialOnAccept, noAnswer, onDialNotSent, onItemGone, onLeg, retry } from "./dial"
import type { CallbackError } from "./errors"
import { CALLBACK_EVENT_TAGS } from "./events"
import { evolveCallback } from "./evolve"
import { expire } from "./expiry"
import { release } from "./farewell"
import { playOffer, pressKey } from "./in-queue"
import { openWindow, requestCallback } from "./schedule"
import { overrideProblem, setQueueOverflow } from "./settings"
import { callbackTimers } from "./timers"
import { checkOwnWait, overflowFollowUp } from "./watch"

const decide = (state: CenterState, command: CenterCommand, now: number): CenterDecision => {
  switch (command._tag) {
    case "SetQueueOverflow":
      return setQueueOverflow(state, command, now)
    case "RequestCallback":
      return requestCallback(state, command, now)
    case "PlayCallbackOffer":
      return playOffer(state, command, now)
    case "CheckOwnWait":
      return checkOwnWait(state, command, now)
    case "HangUpCaller":
      return Result.succeed(release(state, command.callId, "timeout", now) ?? [])
    case "OpenCallbackWindow":
      return openWindow(state, command, now)
    case "CallbackNoAnswer":
      return noAnswer(state, command, now)
    case "RetryCallback":
      return retry(state, command, now)
    case "ExpireCallback":
      return expire(state, command, now)
    default:
      return Result.succeed([])
  }
}

/**
 * Provider events the callback module claims: keys pressed by callers it offered a callback
 * (C3, C4), the end of calls it released or is releasing, and everything about dial legs (C6).
 * A hang-up of a waiting call that did not ask for a callback is not claimed: routing abandons it.
 */
const onProvider: NonNullable<CenterModule["onProvider"]> = (state, command, now) => {
  switch (command._tag) {
    case "DigitCollected":
      return pressKey(state, command, now)
    case "PromptPlayed": {
      const released = release(state, command.callId, "prompt_played", now)
      return released === undefined ? undefined : Result.succeed(released)
    }
    case "CallEnded": {
      const released = release(state, command.callId, "caller", now)
      if (released !== undefined) return Result.succeed(released)
      if (state.callback.callbacks.has(command.callId)) return Result.succeed([])
      return onLeg(state, command, now)
    }
    case "CallAnswered":
    case "CallFailed":
      return onLeg(state, command, now)
    default:
      return undefined
  }
}

const followUp = (state: CenterState, event: CenterEvent, now: number, emit: Emit): void => {
  switch (event._tag) {
    case "OfferMade":
      // C5: the notification marks it as a callback.
      if (state.callback.callbacks.has(event.itemId))
        emit({
          _tag: "CallbackOffered",
          callbackId: event.itemId,
          offerId: event.offerId,
          repId: event.repId,
          at: now,
        })
      return
    case "OfferAccepted":
      dialOnAccept(state, event, now, emit)
      overflowFollowUp(state, event, now, emit)
      return
    case "WorkCompleted":
      onItemGone(state, event, now, emit)
      return
    case "ItemAbandoned":
    case "ItemClosed":
      onItemGone(state, event, now, emit)
      overflowFollowUp(state, event, now, emit)
      return
    case "OutboxFailed":
      onDialNotSent(state, event, now, emit)
      return
    default:
      overflowFollowUp(state, event, now, emit)
      return
  }
}

/**
 * Ids of callbacks waiting for their window are taken; a callback's place in its queue is kept by
 * its retry policy, not moved by hand (B1); a route rule's override is checked (C2, N3).
 */
const guard = (state: CenterState, command: CenterCommand): CallbackError | undefined => {
  switch (command._tag) {
    case "InboundCall":
      return pendingId(state, command.callId, "callId")
    case "EnqueueItem":
    case "RouteIncoming":
      return pendingId(state, command.itemId, "itemId")
    case "HoldItem":
    case "ResumeItem":
    case "TransferItem":
      return state.callback.callbacks.has(command.itemId)
        ? new InvalidState({
            field: "itemId",
            message: "a callback keeps its place by its retry policy (B1)",
          })
        : undefined
    case "DefineWorkstream":
      return overrideProblem(state, command)
    default:
      return undefined
  }
}

const pendingId = (state: CenterState, id: string, field: string): CallbackError | undefined =>
  state.callback.callbacks.has(id) && !state.routing.items.has(id)
    ? new AlreadyExists({ entity: "callback", id, field })
    : undefined

/** Direct callback and queue overflow (C1-C9, B1-B3) as a center module. */
export const callbackModule: CenterModule = {
  name: "callback",
  commands: tagsOf(CallbackCommand.members),
  decide,
  evolve: evolveCallback,
  followUp,
  onProvider,
  guard,
  timersOf: callbackTimers,
  interests: {
    evolve: new Set<CenterEventTag>([
      "WorkstreamDefined",
      "ItemQueued",
      "OfferAccepted",
      "ItemAbandoned",
      "ItemResumed",
      "ItemTransferred",
      "ItemClosed",
      ...(CALLBACK_EVENT_TAGS as ReadonlySet<CenterEventTag>),
    ]),
    followUp: new Set<CenterEventTag>([
      "PresenceChanged",
      "QueueMemberRemoved",
      "ItemQueued",
      "OfferMade",
      "OfferAccepted",
      "OfferDeclined",
      "OfferExpired",
      "ItemRequeued",
      "WorkCompleted",
      "ItemAbandoned",
      "ItemTransferred",
      "ItemClosed",
      "OutboxFailed",
    ]),
    timers: CALLBACK_EVENT_TAGS as ReadonlySet<CenterEventTag>,
    guard: new Set([
      "InboundCall",
      "EnqueueItem",
      "RouteIncoming",
      "HoldItem",
      "ResumeItem",
      "TransferItem",
      "DefineWorkstream",
    ]),
  },
}
