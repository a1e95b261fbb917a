import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { CENTER_STREAM, type CenterEvent } from "@lifeline/core/center"
import { Effect } from "effect"
import { makeLibsqlStore } from "./libsql-store"

/**
 * A fresh database file in a temp folder, removed with the scope. (`:memory:` does not do: the
 * client's in-memory database lives on one connection only.)
 */
export const tempDbUrl = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "lifeline-store-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
).pipe(Effect.map((dir) => `file:${join(dir, "lifeline.db")}`))

/**
 * Append `events` to the center's stream in the database at `url`, `size` to a write (as group
 * commit would), after what is there; the stream's version after.
 */
export const appendAll = (url: string, events: readonly CenterEvent[], size = 97) =>
  Effect.scoped(
    Effect.gen(function* () {
      const store = yield* makeLibsqlStore(url)
      let version = yield* store.version(CENTER_STREAM)
      for (let i = 0; i < events.length; i += size)
        version = yield* store.append(CENTER_STREAM, version, events.slice(i, i + size), [])
      return version
    }),
  )
