/**
 * What decoding stored events by Schema costs a load (issue 22, Build 2; docs/events.md). Run
 * from the repository root:
 *
 *   esbuild bench/event-decode.bench.ts --bundle --platform=node --format=esm \
 *     --log-level=warning --outfile=.bench/event-decode.bench.mjs && node .bench/event-decode.bench.mjs
 *
 * The payloads: the center events of `BENCH_EVENTS_HOURS` (1) virtual hours of the simulator's
 * big center (examples/big-day.json, 1,000 reps, 100 queues, seed 1), as the store holds them.
 * Each line times `BENCH_EVENTS_ROUNDS` (3) passes over all of them and prints the best pass:
 * JSON.parse alone (today's `JSON.parse(row) as E`), then JSON.parse + the Schema decode through
 * the tag -> member map, interpreted and then compiled by Effect's JIT (what the codec uses).
 */
import { resolve } from "node:path"
import { Result, type Schema, SchemaParser } from "effect"
import { memorySink } from "../apps/simulator/src/engine/event-log"
import { runSimulation } from "../apps/simulator/src/run"
import { loadScenarioFile } from "../apps/simulator/src/scenario-file"
import { CENTER_EVENT_SCHEMAS } from "../packages/core/src/center/events"

const HOURS = Number(process.env.BENCH_EVENTS_HOURS ?? "1")
const ROUNDS = Number(process.env.BENCH_EVENTS_ROUNDS ?? "3")

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The stored payloads of the big center's stream: one JSON text per core event. */
const payloads = (): string[] => {
  const sink = memorySink()
  runSimulation({
    seed: 1,
    hours: HOURS,
    scenario: loadScenarioFile(resolve("apps/simulator/examples/big-day.json")),
    events: sink,
  })
  const out: string[] = []
  for (const line of sink.lines) {
    const parsed = JSON.parse(line) as { core?: unknown }
    if (parsed.core !== undefined) out.push(JSON.stringify(parsed.core))
  }
  return out
}

/** The best of ROUNDS passes of `read` over every payload, in events per second. */
const measure = (label: string, rows: readonly string[], read: (payload: string) => unknown) => {
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now()
    for (const row of rows) read(row)
    best = Math.min(best, performance.now() - t0)
  }
  const perSecond = rows.length / (best / 1000)
  console.log(
    `  ${label.padEnd(44)} ${fmt(best)} ms, ${fmt(perSecond)} events/s, ${fmt((best * 1000) / rows.length, 2)} µs/event`,
  )
  return best
}

/** The tag -> member decode without the JIT (must run before the codec module enables it). */
const interpreted = () => {
  const decoders = new Map(
    Object.entries<Schema.Codec<unknown, unknown>>(CENTER_EVENT_SCHEMAS).map(([tag, schema]) => [
      tag,
      SchemaParser.decodeUnknownResult(schema, { disableChecks: true }),
    ]),
  )
  return (payload: string) => {
    const parsed = JSON.parse(payload) as { _tag: string }
    const decoded = decoders.get(parsed._tag)?.(parsed)
    if (decoded === undefined || Result.isFailure(decoded)) throw new Error(`does not decode: ${payload}`)
    return decoded.success
  }
}

const t0 = performance.now()
const rows = payloads()
const chars = rows.reduce((n, row) => n + row.length, 0)
console.log(
  `event decode benchmark: big-day center, ${HOURS} virtual hour(s): ${fmt(rows.length)} events, ` +
    `${fmt(chars / 1e6, 1)} M chars (simulated in ${fmt((performance.now() - t0) / 1000, 1)} s); best of ${ROUNDS} passes`,
)
const parseOnly = measure("JSON.parse only", rows, (row) => JSON.parse(row))
const slow = measure("JSON.parse + decode (interpreted)", rows, interpreted())
const { decodeStoredCenterEvent, CENTER_EVENT_SCHEMA_VERSION } = await import(
  "../packages/adapters/src/store/event-codec"
)
const fast = measure("JSON.parse + decode (codec: JIT-compiled)", rows, (row) =>
  decodeStoredCenterEvent(row, CENTER_EVENT_SCHEMA_VERSION),
)
console.log(
  `decode adds ${fmt(((fast - parseOnly) * 1000) / rows.length, 2)} µs/event with the codec ` +
    `(${fmt(((slow - parseOnly) * 1000) / rows.length, 2)} µs interpreted)`,
)
