import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"

/**
 * A fresh database file in a temp folder, removed with the scope. (`:memory:` does not do: the
 * client's in-memory database lives on one connection only.)
 */
export const tempDbUrl = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "lifeline-store-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true })),
).pipe(Effect.map((dir) => `file:${join(dir, "lifeline.db")}`))
