import { Result } from "effect"
import type { CenterEvent } from "../center/events"
import type { RoutingCommand } from "../routing/commands"
import type { RoutingError } from "../routing/errors"
import type { RoutingEvent } from "../routing/events"

/**
 * Issue 18: routing's answer to what the callback module asked in a timer or a follow-up, where
 * no caller waits for an error: its events when it agreed; otherwise a `CallbackRefused` that
 * records the refusal in the log (never dropped), so an operator can see why a callback did not
 * move. Commands with a caller (a request, a cancel) fail with the refusal instead.
 */
export const orRefused = (
  callbackId: string,
  asked: RoutingCommand,
  answer: Result.Result<readonly RoutingEvent[], RoutingError>,
  now: number,
): CenterEvent[] =>
  Result.isSuccess(answer)
    ? [...answer.success]
    : [
        {
          _tag: "CallbackRefused",
          callbackId,
          asked: asked._tag,
          error: answer.failure._tag,
          field: answer.failure.field,
          message: answer.failure.message,
          at: now,
        },
      ]
