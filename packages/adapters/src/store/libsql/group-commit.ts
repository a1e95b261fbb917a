import { GroupCommit } from "@lifeline/core/ports"
import { Effect, Layer } from "effect"
import { isEmbedded } from "./open"

/** The most commands an engine stores in one append. */
const MAX_GROUP = 256

/**
 * One turn of the event loop: requests that came in meanwhile (socket reads, other fibers) run
 * up to their `execute` before the group is taken.
 */
const nextTurn = Effect.callback<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/**
 * How engines on this store group commands. An embedded file's write runs on the thread and
 * blocks it, so nothing could arrive while it is in flight: the engine yields one turn before
 * taking a group. A server's write is a round trip; commands arrive during it by themselves.
 */
export const groupCommitFor = (url: string) =>
  Layer.succeed(GroupCommit, {
    maxGroup: MAX_GROUP,
    gather: isEmbedded(url) ? nextTurn : Effect.void,
  })
