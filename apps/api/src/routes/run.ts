import { Center, type CenterCommand, type CenterState } from "@lifeline/core/center"
import { Effect } from "effect"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { ApiContext } from "../handle"

/**
 * Run one command through the center and answer with its decision's reply (issue 20): the
 * resource or result the command changed, as packages/client documents it, never its events.
 */
export const runCommand = (c: ApiContext, command: CenterCommand, status: ContentfulStatusCode = 200) =>
  Effect.flatMap(Center, (center) => center.run(command)).pipe(
    Effect.map(({ reply }) => c.json(reply ?? null, status)),
  )

/** Read a view of the current state (the reader must copy what it returns). */
export const readView = <A>(reader: (state: CenterState, now: number) => A) =>
  Effect.flatMap(Center, (center) => center.read(reader))

export const param = (c: ApiContext, name: string): string => c.req.param(name) ?? ""
