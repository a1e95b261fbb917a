import type { Client } from "@libsql/client"
import { type OperatorLogReadModel, type OperatorRecord, projectOperatorLog } from "@lifeline/core/emergency"
import { Effect } from "effect"
import { run, type SqlProjection, upsertRows } from "./projector"

/**
 * The emergency operator log in SQL (E1, E3, B5, issue 22; table `operator_log`): append-only,
 * so a projector step loads nothing and inserts the records `projectOperatorLog` finds.
 */
export const OPERATOR_LOG_PROJECTION = "operator-log"

const COLUMNS = ["seq", "tag", "at", "record"] as const

export const operatorLogProjection: SqlProjection<undefined> = {
  name: OPERATOR_LOG_PROJECTION,
  label: "operator log",
  load: () => Effect.succeed(undefined),
  writes: (_, events, firstVersion) =>
    upsertRows(
      "operator_log",
      COLUMNS,
      projectOperatorLog(events, firstVersion).map((e) => [
        e.seq,
        e.record._tag,
        e.record.at,
        JSON.stringify(e.record),
      ]),
    ),
}

/** The latest `limit` records, oldest first. */
export const libsqlOperatorLogLatest =
  (client: Client): OperatorLogReadModel["Service"]["latest"] =>
  (limit) =>
    Effect.map(
      run("read the operator log", () =>
        client.execute({
          sql: "SELECT record FROM (SELECT seq, record FROM operator_log ORDER BY seq DESC LIMIT ?) ORDER BY seq",
          args: [limit],
        }),
      ),
      (result) => result.rows.map((row) => JSON.parse(String(row[0])) as OperatorRecord),
    )
