import type { CenterEvent } from "../center/events"
import { armTimer, disarmTimer, type TimerChange } from "../ports/timer"
import type { CallbackCommand } from "./commands"

/**
 * The callback module's durable timers (ARCHITECTURE rule 4), derived from its events: the C3
 * offers, the C1 own-wait checks, the C4 release of a caller's line, the C7 window, the C6/B1
 * ring-no-answer and retry, the C8 deadline.
 */
export const callbackTimerIds = {
  offer: (itemId: string) => `callback/offer/${itemId}`,
  ownWait: (itemId: string) => `callback/own-wait/${itemId}`,
  farewell: (callId: string) => `callback/farewell/${callId}`,
  window: (callbackId: string) => `callback/window/${callbackId}`,
  noAnswer: (callbackId: string) => `callback/no-answer/${callbackId}`,
  retry: (callbackId: string) => `callback/retry/${callbackId}`,
  deadline: (callbackId: string) => `callback/deadline/${callbackId}`,
} as const

type Change = TimerChange<CallbackCommand>
const arm = (timerId: string, dueAt: number, command: CallbackCommand): Change =>
  armTimer(timerId, dueAt, command)
const disarm = (timerId: string): Change => disarmTimer(timerId)
const NONE: readonly Change[] = []
const ids = callbackTimerIds

/** The timers an event arms or disarms; first a waiting caller's (offers, own wait, release). */
export const callbackTimers = (event: CenterEvent): readonly Change[] => {
  switch (event._tag) {
    case "OverflowApplied":
      return event.firstOfferAt === null
        ? NONE
        : [
            arm(ids.offer(event.itemId), event.firstOfferAt, {
              _tag: "PlayCallbackOffer",
              itemId: event.itemId,
            }),
          ]
    case "CallbackOfferPlayed":
      return [arm(ids.offer(event.itemId), event.nextAt, { _tag: "PlayCallbackOffer", itemId: event.itemId })]
    case "OwnWaitCheckScheduled":
      return event.dueAt === null
        ? [disarm(ids.ownWait(event.itemId))]
        : [arm(ids.ownWait(event.itemId), event.dueAt, { _tag: "CheckOwnWait", itemId: event.itemId })]
    case "OverflowWatchEnded":
      return [disarm(ids.offer(event.itemId)), disarm(ids.ownWait(event.itemId))]
    case "CallerFarewell":
      return [arm(ids.farewell(event.callId), event.hangUpBy, { _tag: "HangUpCaller", callId: event.callId })]
    case "CallerReleased":
      return [disarm(ids.farewell(event.callId))]
    default:
      return recordTimers(event)
  }
}

/** A callback's timers: its window, the ring-no-answer of its dial, its retry, its deadline. */
const recordTimers = (event: CenterEvent): readonly Change[] => {
  switch (event._tag) {
    case "CallbackRequested": {
      const { callbackId } = event
      const deadline = arm(ids.deadline(callbackId), event.deadline, { _tag: "ExpireCallback", callbackId })
      return event.window !== null && event.window.start > event.at
        ? [
            deadline,
            arm(ids.window(callbackId), event.window.start, { _tag: "OpenCallbackWindow", callbackId }),
          ]
        : [deadline]
    }
    case "CallbackRescheduled": {
      const { callbackId } = event
      return [
        arm(ids.deadline(callbackId), event.deadline, { _tag: "ExpireCallback", callbackId }),
        event.window.start > event.at
          ? arm(ids.window(callbackId), event.window.start, { _tag: "OpenCallbackWindow", callbackId })
          : disarm(ids.window(callbackId)),
      ]
    }
    case "CallbackDialed":
      return [
        arm(ids.noAnswer(event.callbackId), event.noAnswerAt, {
          _tag: "CallbackNoAnswer",
          callbackId: event.callbackId,
          callId: event.callId,
        }),
      ]
    case "CallbackConnected":
      return [disarm(ids.noAnswer(event.callbackId))]
    case "CallbackAttemptFailed":
      return event.retryAt === null
        ? [disarm(ids.noAnswer(event.callbackId))]
        : [
            disarm(ids.noAnswer(event.callbackId)),
            arm(ids.retry(event.callbackId), event.retryAt, {
              _tag: "RetryCallback",
              callbackId: event.callbackId,
            }),
          ]
    case "CallbackClosed": {
      const { callbackId } = event
      return [
        disarm(ids.deadline(callbackId)),
        disarm(ids.window(callbackId)),
        disarm(ids.noAnswer(callbackId)),
        disarm(ids.retry(callbackId)),
      ]
    }
    default:
      return NONE
  }
}
