/**
 * Handlers registered by tag (ARCHITECTURE rule 4; the model is Effect's EventGroup / EventLog,
 * where `handle(tag, fn)` is the declaration of interest). A module registers what it does for
 * each event or command tag, and the center calls it for those tags only: the registration is
 * the only list, so nothing has to be kept in step with a switch by hand.
 */

import { tagTable } from "./tags"

type Tagged = { readonly _tag: string }

/** A handler of the members of `E` whose tag is `T`, with the context `Ctx` after the event. */
export type Handler<E extends Tagged, T extends E["_tag"], Ctx extends readonly unknown[], R> = (
  event: Extract<E, { readonly _tag: T }>,
  ...ctx: Ctx
) => R

/** What the center calls: the handler's event type widened back to the whole union. */
export type AnyHandler<E extends Tagged, Ctx extends readonly unknown[], R> = (event: E, ...ctx: Ctx) => R

/** An immutable set of registrations; `on` returns a new set with one more. */
export interface Handlers<E extends Tagged, Ctx extends readonly unknown[], R> {
  /** Register `handler` for each of `tags`; several handlers of one tag run in registration order. */
  readonly on: <T extends E["_tag"]>(
    tags: T | readonly T[],
    handler: Handler<E, T, Ctx, R>,
  ) => Handlers<E, Ctx, R>
  /** The handlers of `tag`, in registration order (empty when none). */
  readonly of: (tag: string) => readonly AnyHandler<E, Ctx, R>[]
  /** Every tag with at least one handler. */
  readonly tags: ReadonlySet<string>
}

const NONE: readonly never[] = []

const build = <E extends Tagged, Ctx extends readonly unknown[], R>(
  byTag: ReadonlyMap<string, readonly AnyHandler<E, Ctx, R>[]>,
): Handlers<E, Ctx, R> => {
  const table = tagTable(byTag)
  return {
    on: (tags, handler) => {
      const next = new Map(byTag)
      for (const tag of typeof tags === "string" ? [tags] : (tags as readonly string[])) {
        // The handler is only ever called with an event of one of its tags (`of` is keyed by tag).
        next.set(tag, [...(next.get(tag) ?? NONE), handler as unknown as AnyHandler<E, Ctx, R>])
      }
      return build(next)
    },
    of: (tag) => table(tag) ?? NONE,
    tags: new Set(byTag.keys()),
  }
}

/** An empty set of handlers of the tagged union `E`, each called as `(event, ...ctx) => R`. */
export const handlers = <E extends Tagged, Ctx extends readonly unknown[] = [], R = void>(): Handlers<
  E,
  Ctx,
  R
> => build(new Map())

/**
 * The same registrations seen as handlers of a wider union `W` (a module's timers over its own
 * events, run by the center over its whole stream): each is still called only for its own tags,
 * so it only ever sees the members of `E` it was written for.
 */
export const widen =
  <W extends Tagged, RW>() =>
  <E extends W, Ctx extends readonly unknown[], R extends RW>(h: Handlers<E, Ctx, R>): Handlers<W, Ctx, RW> =>
    h as unknown as Handlers<W, Ctx, RW>
