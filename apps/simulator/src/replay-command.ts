import { writeFileSync } from "node:fs"
import { type Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { fileFlag, given, positiveFlag, seedFlag, switchFlag } from "./cli/flags"
import { UsageError } from "./cli-options"
import { overflowVariants } from "./overflow-variants"
import { replayDay } from "./replay"
import { readDayFromCsv } from "./replay-csv"
import { queuesOf, type RecordedDay } from "./replay-day"
import { callsCsv, formatReplay } from "./replay-format"
import type { Scenario } from "./scenario"
import { loadScenarioFile } from "./scenario-file"

/**
 * `lifeline-sim replay` (issue 17 Build 5, SPEC P3): a real day's calls, from a store or its
 * history export, run again under a scenario's staffing, other reps per queue, or another
 * callback-offer threshold.
 */

const flags = {
  scenario: Argument.String("scenario.json").pipe(
    Argument.withDescription(
      "the staffing to replay under: queues (assignment, overflow), reps and their shifts; without one, the day's queues with --reps",
    ),
    Argument.optional,
  ),
  store: fileFlag(
    "store",
    "the Lifeline store to read the day from: file:path/lifeline.db or a libSQL server's URL",
  ),
  history: fileFlag("history", "or a call-history CSV export (GET /api/history/export.csv) to read it from"),
  day: Flag.String("day").pipe(Flag.withDescription("the UTC day to replay, YYYY-MM-DD")),
  reps: fileFlag(
    "reps",
    "dedicated reps per queue, on all day, instead of the scenario's: billing=4,support=3",
  ),
  overflow: positiveFlag("overflow").pipe(
    Flag.withDescription(
      "the direct-callback threshold of every queue that has one (seconds for wait conditions, a count for WaitingAbove)",
    ),
    Flag.optional,
  ),
  patience: Flag.Literals("patience", ["fitted", "infinite"]).pipe(
    Flag.withDescription(
      "callers the day saw answered: fitted (default; their wait plus an exponential residual fitted to the day) or infinite",
    ),
    Flag.withDefault("fitted" as const),
  ),
  seed: seedFlag,
  calls: fileFlag("calls", "write each call's recorded and replayed outcome and wait here (CSV)"),
  json: switchFlag("json", "print the report as JSON (without the calls; see --calls)"),
}

type ReplayInput = Command.Command.Config.Infer<typeof flags>

/** `billing=4,support=3` → queue → reps. */
export const parseReps = (text: string): Map<string, number> => {
  const reps = new Map<string, number>()
  for (const part of text.split(",")) {
    const [queueId = "", count = "", ...rest] = part.split("=")
    const n = Number(count)
    if (queueId.trim() === "" || count.trim() === "" || rest.length > 0 || !Number.isInteger(n) || n < 0)
      throw new UsageError(`--reps: '${part}' is not queue=count (e.g. billing=4)`)
    reps.set(queueId.trim(), n)
  }
  return reps
}

const MINUTE = 60_000

/** Without a scenario file: the day's queues, each served longest-idle-first. */
const dayScenario = (day: RecordedDay): Scenario => ({
  name: `the queues of ${day.day}`,
  queues: queuesOf(day).map((queueId) => ({
    queueId,
    name: queueId,
    assignment: "most_idle",
    // Not used by a replay (the day brings its arrivals and handle times); the core's EWT default.
    meanInterArrivalMs: MINUTE,
    meanHandleMs: 3 * MINUTE,
  })),
  reps: [],
})

/** The scenario's queues with `reps` dedicated reps each, on all day, in place of its reps. */
const withReps = (scenario: Scenario, reps: ReadonlyMap<string, number>): Scenario => {
  for (const queueId of reps.keys())
    if (!scenario.queues.some((q) => q.queueId === queueId))
      throw new UsageError(`--reps: no queue '${queueId}' in ${scenario.name}`)
  return {
    ...scenario,
    name: `${scenario.name}, reps ${[...reps].map(([q, n]) => `${q}=${n}`).join(",")}`,
    reps: [...reps].flatMap(([queueId, n]) =>
      Array.from({ length: n }, (_, i) => ({ repId: `${queueId}-${i + 1}`, queues: [queueId] })),
    ),
  }
}

const withOverflow = (scenario: Scenario, threshold: number): Scenario => {
  if (
    !scenario.queues.some((q) => q.overflow?.settings.rules.some((r) => r.action._tag === "DirectCallback"))
  )
    throw new UsageError("--overflow: the scenario has no direct-callback rule to set")
  const rule = scenario.queues.flatMap((q) => q.overflow?.settings.rules ?? [])[0]
  const ms = rule?.condition._tag === "WaitingAbove" ? threshold : Math.round(threshold * 1000)
  try {
    return (overflowVariants(scenario, [ms])[0] as { scenario: Scenario }).scenario
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--overflow: ${error.message}`)
    throw error
  }
}

const readDay = async (input: ReplayInput): Promise<{ source: string; day: RecordedDay }> => {
  const store = given(input.store)
  const history = given(input.history)
  if ((store === undefined) === (history === undefined))
    throw new UsageError("replay: give exactly one of --store and --history")
  try {
    if (store !== undefined) {
      const url = /^[a-z]+:/.test(store) ? store : `file:${store}`
      // libSQL and the adapters load only for a store, as the Effect engine does for --core effect.
      const { readDayFromStore } = await import("./replay-store")
      return { source: url, day: await readDayFromStore(url, input.day) }
    }
    return { source: history as string, day: readDayFromCsv(history as string, input.day) }
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--day: ${error.message}`)
    throw error
  }
}

const writeCalls = (path: string, text: string): void => {
  try {
    writeFileSync(path, text)
  } catch (error) {
    throw new UsageError(`--calls: cannot write '${path}': ${(error as Error).message}`)
  }
}

const replay = async (input: ReplayInput): Promise<string> => {
  const { source, day } = await readDay(input)
  if (day.calls.length === 0) throw new UsageError(`--day: no calls arrived on ${day.day} in ${source}`)
  const file = Option.map(input.scenario, loadScenarioFile)
  const reps = Option.map(input.reps, parseReps)
  if (Option.isNone(file) && Option.isNone(reps))
    throw new UsageError("replay: give a scenario file, or --reps for the day's queues")
  let scenario = Option.getOrElse(file, () => dayScenario(day))
  if (Option.isSome(reps)) scenario = withReps(scenario, reps.value)
  const threshold = given(input.overflow)
  if (threshold !== undefined) scenario = withOverflow(scenario, threshold)
  const calls = given(input.calls)
  const result = (() => {
    try {
      return replayDay(day, {
        scenario,
        seed: given(input.seed) ?? scenario.simulation?.seed ?? 1,
        answeredPatience: input.patience,
      })
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(`replay: ${error.message}`)
      throw error
    }
  })()
  if (calls !== undefined) writeCalls(calls, callsCsv(day, result.calls))
  const { calls: _calls, ...report } = result
  return input.json ? `${JSON.stringify({ source, ...report })}\n` : formatReplay(source, day, result)
}

/** The subcommand; `work` is the CLI's runner of a handler's text (cli/commands.ts). */
export const replayCommand = <E>(work: (f: () => Promise<string>) => Effect.Effect<void, E>) =>
  Command.make("replay", flags, (input) => work(() => replay(input))).pipe(
    Command.withDescription(
      "Replay a real day (P3): the day's recorded arrivals, handle times and abandons from a store (--store) or its history export (--history), through the real core under a scenario's staffing, --reps per queue or another --overflow threshold; recorded and replayed figures per queue, side by side",
    ),
  )
