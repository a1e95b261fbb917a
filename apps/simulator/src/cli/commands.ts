import { existsSync, statSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { formatThresholds, formatValidation, formatWhatIf } from "../analysis/format"
import { VALIDATION_CASES, validateCase } from "../analysis/validate"
import { compareOverflowThresholds, whatIf } from "../analysis/whatif"
import { benchmark, formatBench } from "../bench"
import { UsageError } from "../cli-options"
import { COVERAGE_CASES, formatCoverage, runCoverage } from "../coverage"
import { type EventSink, fileSink } from "../engine/event-log"
import { drawReport } from "../plots"
import { ProgressBar } from "../progress"
import { replayCommand } from "../replay-command"
import { formatIntervalReport, formatSummary } from "../report"
import { loadForecast } from "../report/forecast"
import { type IntervalTable, singleRunTable, writeIntervalReport } from "../report/interval-table"
import { formatStaffing, staffingCheck, staffingJson, writeStaffing } from "../report/staffing"
import { type CoreChoice, type CoreKind, runWindow, type SimProgress } from "../run"
import { BUILT_IN_SCENARIO, type Scenario } from "../scenario"
import { loadScenarioFile } from "../scenario-file"
import { writeScenarioSchema } from "../scenario-schema"
import { SIM_DAY } from "../scenario-setup"
import { defaultThreads, measureOnWorker, runOnThreads } from "../workers"
import {
  confidenceFlag,
  confidenceOf,
  coreFlag,
  durationFlag,
  fileFlag,
  given,
  hoursFlag,
  positiveFlag,
  positiveIntegerFlag,
  type SlTarget,
  seedFlag,
  slTargetFlag,
  switchFlag,
  workersFlag,
} from "./flags"

/** A command's output, written as the old CLI did: to stdout, byte for byte. */
const print = (text: string) => Effect.sync(() => void process.stdout.write(text))

/** Synchronous or async work of a handler; its errors (UsageError, ScenarioFileError, …) fail the effect. */
const work = (f: () => string | Promise<string>) =>
  Effect.tryPromise({ try: async () => f(), catch: (error) => error }).pipe(Effect.flatMap(print))

/** The core a run uses; the Effect engine (and its adapters) is loaded only when asked for. */
const coreFor = async (kind: CoreKind): Promise<CoreChoice> => {
  if (kind !== "effect") return kind
  const { effectCore } = await import("../engine/effect-driver")
  // The Effect engine's virtual clock starts at the simulated day's midnight and only moves on;
  // one engine per independent sub-center of the scenario.
  return () => effectCore(SIM_DAY)
}

const scenarioOf = (path: Option.Option<string>): Scenario =>
  Option.match(path, { onNone: () => BUILT_IN_SCENARIO, onSome: loadScenarioFile })

/** An output file's directory must exist: a bad path is a usage error naming the flag and the path. */
const outputFile = (flag: string, path: string): string => {
  const dir = dirname(resolve(path))
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--${flag}: cannot write '${path}': the directory ${dir} does not exist`)
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UsageError(`--${flag}: cannot write '${path}': it is a directory`)
  return path
}

const eventsSink = (path: string): EventSink => {
  try {
    return fileSink(outputFile("events", path))
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`--events: cannot write '${path}': ${(error as Error).message}`)
  }
}

/** The interval report's default interval: quarter hours, as planners read service levels. */
const REPORT_INTERVAL_MS = 900_000
const DEFAULT_SL_TARGET = 0.8

/** A report directory: created if missing; its parent must exist, and it must not be a file. */
const reportDir = (flag: string, path: string): string => {
  const parent = dirname(resolve(path))
  if (!existsSync(parent) || !statSync(parent).isDirectory())
    throw new UsageError(`--${flag}: cannot write into '${path}': the directory ${parent} does not exist`)
  if (existsSync(path) && !statSync(path).isDirectory())
    throw new UsageError(`--${flag}: cannot write into '${path}': it is a file`)
  return path
}

/** The interval report's files and charts (drawn from those files) in `dir`; the paths, one line each. */
const writeReport = async (dir: string, table: IntervalTable, target: SlTarget | undefined) => {
  const files = writeIntervalReport(dir, table, target?.target ?? DEFAULT_SL_TARGET)
  const charts = await drawReport(dir)
  return [...files, ...charts].map((path) => `report: ${path}\n`).join("")
}

const runFlags = {
  scenario: Argument.String("scenario.json").pipe(
    Argument.withDescription(
      "a scenario file (docs/simulator.md); without one, the built-in two-queue scenario",
    ),
    Argument.optional,
  ),
  seed: seedFlag,
  hours: hoursFlag("default: the scenario file's window, else 1"),
  events: fileFlag(
    "events",
    'write every simulator and core event as JSON lines: {"at":<virtual ms>,"sim"|"core":{...}}',
  ),
  report: fileFlag(
    "report",
    "write the interval report into this directory: per queue and interval (--interval) offered, answered, abandoned, SL, ASA, occupancy, reps staffed, callbacks, as intervals.csv and intervals.json, and charts drawn from them (SVG and PNG)",
  ),
  plots: fileFlag("plots", "the same as --report (the charts come with the report's files)"),
  interval: durationFlag("interval", "the interval report's interval (90s, 30m, 1h; default 15m)"),
  target: slTargetFlag(
    "the service-level target the report's SL chart draws, and optionally the SL threshold (80/20: 80% within 20 s; default 80, the scenario's threshold)",
  ),
  progress: switchFlag("progress", "show the progress bar on stderr even when it is not a terminal"),
  core: coreFlag(
    ["center", "routing", "effect"],
    "center (default): the whole center's pure domain, driven directly; routing: the router alone; effect: the center behind the Effect engine and store (slow, a cross-check)",
  ),
  workers: workersFlag(
    "threads for the scenario's independent sub-centers; the result is the same for any n (plain runs only; default 1)",
  ),
  json: switchFlag("json", "print the summary (or the interval report) as JSON"),
  replications: positiveIntegerFlag("replications").pipe(
    Flag.withDescription(
      "intervals from this many independent replications (seeds mixed from --seed; the same for compared variants); 1: batch means of one run",
    ),
    Flag.optional,
  ),
  arrivals: positiveIntegerFlag("arrivals", 100).pipe(
    Flag.withDescription("stop rule: at most this many arrivals in the center (warm-up included); intervals"),
    Flag.optional,
  ),
  warmup: durationFlag(
    "warmup",
    "calls that arrive in this first part of a run are not measured (90s, 30m, 1.5h, 2d; default: 10% for batch means, none for replications); intervals",
  ),
  confidence: confidenceFlag,
}

type RunInput = Command.Command.Config.Infer<typeof runFlags>

/** Any interval option asks for the interval report instead of the plain summary. */
const wantsIntervals = (input: RunInput) =>
  Option.isSome(input.replications) ||
  Option.isSome(input.arrivals) ||
  Option.isSome(input.warmup) ||
  Option.isSome(input.confidence)

/** Where the report goes (--report, or --plots as it always was), and its options given without one. */
const reportOptions = (input: RunInput) => {
  if (Option.isSome(input.report) && Option.isSome(input.plots))
    throw new UsageError("--plots: the same as --report; give one of them")
  const flag = Option.isSome(input.report) ? "report" : "plots"
  const dir = given(input.report) ?? given(input.plots)
  if (dir === undefined) {
    const stray = [Option.isSome(input.interval) && "interval", Option.isSome(input.target) && "target"]
    for (const name of stray) if (name) throw new UsageError(`--${name}: only with --report`)
    return { dir: undefined, intervalMs: undefined, target: undefined }
  }
  return {
    dir: reportDir(flag, dir),
    intervalMs: given(input.interval) ?? REPORT_INTERVAL_MS,
    target: given(input.target),
  }
}

const intervalRun = async (input: RunInput, scenario: Scenario): Promise<string> => {
  const refused: readonly (readonly [string, boolean])[] = [
    ["events", Option.isSome(input.events)],
    ["workers", Option.isSome(input.workers)],
  ]
  for (const [flag, isGiven] of refused)
    if (isGiven)
      throw new UsageError(
        `--${flag}: not with interval options (--replications, --arrivals, --warmup, --confidence); run without them for a log or threads`,
      )
  const { dir, intervalMs, target } = reportOptions(input)
  const report = await measureOnWorker({
    scenario,
    seed: given(input.seed) ?? scenario.simulation?.seed ?? 1,
    hours: given(input.hours),
    arrivals: given(input.arrivals),
    warmupMs: given(input.warmup),
    replications: given(input.replications) ?? 1,
    confidence: confidenceOf(input.confidence),
    core: await coreFor(given(input.core) ?? "center"),
    intervalMs,
    slThresholdMs: target?.thresholdMs,
  })
  const { intervals, ...summary } = report
  const written =
    dir === undefined || intervals === undefined ? "" : await writeReport(dir, intervals, target)
  return input.json ? `${JSON.stringify(summary)}\n` : formatIntervalReport(summary) + written
}

const plainRun = async (input: RunInput, scenario: Scenario): Promise<string> => {
  const seed = given(input.seed) ?? scenario.simulation?.seed ?? 1
  const hours = given(input.hours)
  const core = await coreFor(given(input.core) ?? "center")
  if (core === "routing" && (scenario.emergency !== undefined || scenario.queues.some((q) => q.overflow)))
    throw new UsageError(
      "--core routing: the router alone has no overflow, callbacks or emergencies; use center",
    )
  const threads = given(input.workers) ?? 1
  const { dir, intervalMs, target } = reportOptions(input)
  const totalMs = runWindow(scenario, hours).runHours * 3_600_000
  const bar = new ProgressBar({ totalMs, force: input.progress })
  const events = Option.match(input.events, { onNone: () => undefined, onSome: eventsSink })
  try {
    // A bar on a terminal would keep the run on one thread; with --workers it shows only at the end.
    const stepBar = bar.enabled && (input.progress || threads === 1)
    const summary = await runOnThreads(
      {
        seed,
        hours,
        core,
        events,
        scenario,
        intervalMs,
        slThresholdMs: target?.thresholdMs,
        // The bar reads the wall clock; every 4096 events is often enough for 10 redraws/s.
        ...(stepBar
          ? {
              onStep: (s: SimProgress) =>
                (s.events & 4095) === 0 && bar.update(s.now - s.start, s.calls, s.events),
            }
          : {}),
      },
      threads,
    )
    bar.done(totalMs, summary.calls, summary.events)
    const written =
      dir === undefined || summary.intervals === undefined
        ? ""
        : await writeReport(dir, singleRunTable(scenario, summary.intervals), target)
    if (input.json) return `${JSON.stringify({ ...summary, intervals: undefined })}\n`
    return formatSummary(summary) + written
  } finally {
    events?.close()
  }
}

const run = Command.make("run", runFlags, (input) =>
  work(() => {
    const scenario = scenarioOf(input.scenario)
    return wantsIntervals(input) ? intervalRun(input, scenario) : plainRun(input, scenario)
  }),
).pipe(
  Command.withDescription(
    "Run a scenario through the real core on a virtual clock: per queue offered, answered, abandoned, P(wait), ASA, max wait, SL and the EWT error. The same scenario and seed give the same output and event log, byte for byte. With --replications, --arrivals, --warmup or --confidence: every metric with its confidence interval.",
  ),
)

const validate = Command.make(
  "validate",
  {
    arrivals: positiveIntegerFlag("arrivals", 2000).pipe(
      Flag.withDescription("arrivals per case (default 2000000)"),
      Flag.withDefault(2_000_000),
    ),
    seed: seedFlag,
    confidence: confidenceFlag,
  },
  (input) =>
    work(() =>
      formatValidation(
        VALIDATION_CASES.map((c) =>
          validateCase(c, input.arrivals, given(input.seed) ?? 1, confidenceOf(input.confidence)),
        ),
      ),
    ),
).pipe(
  Command.withDescription(
    "M/M/1, M/M/10 (Erlang C) and M/M/10+M (Erlang A) through the whole center: simulated ± CI (batch means) against the formulas",
  ),
)

const coverage = Command.make(
  "coverage",
  {
    runs: positiveIntegerFlag("runs", 2).pipe(
      Flag.withDescription("independent runs per case (default 50)"),
      Flag.withDefault(50),
    ),
    arrivals: positiveIntegerFlag("arrivals", 2000).pipe(
      Flag.withDescription("arrivals per run (default: each case's own)"),
      Flag.optional,
    ),
    seed: seedFlag,
    confidence: confidenceFlag,
  },
  (input) =>
    work(() =>
      formatCoverage(
        runCoverage(COVERAGE_CASES, {
          runs: input.runs,
          arrivals: given(input.arrivals),
          seed: given(input.seed) ?? 1,
          confidence: confidenceOf(input.confidence),
          onCase: (line) => process.stderr.write(line),
        }),
      ),
    ),
).pipe(
  Command.withDescription(
    "Interval coverage (issue 17): per Erlang C / Erlang A case, how many of the runs' intervals hold the analytic value, with a binomial CI on that share",
  ),
)

const whatif = Command.make(
  "whatif",
  {
    scenario: Argument.String("scenario.json").pipe(
      Argument.withDescription("with --thresholds: the scenario whose direct-callback threshold is varied"),
      Argument.optional,
    ),
    callsPerHour: positiveFlag("calls-per-hour").pipe(
      Flag.withDescription("offered calls per hour"),
      Flag.optional,
    ),
    aht: positiveFlag("aht").pipe(Flag.withDescription("mean handle time, seconds"), Flag.optional),
    patience: positiveFlag("patience").pipe(
      Flag.withDescription("mean patience, seconds (Erlang A); absent: Erlang C"),
      Flag.optional,
    ),
    target: finiteIn("target", (n) => n > 0 && n < 1, "must be between 0 and 1").pipe(
      Flag.withDescription("service-level target (default 0.8)"),
      Flag.withDefault(0.8),
    ),
    threshold: finiteIn("threshold", (n) => n >= 0, "must be >= 0").pipe(
      Flag.withDescription("SL threshold, seconds (default 20)"),
      Flag.withDefault(20),
    ),
    thresholds: Flag.String("thresholds").pipe(
      Flag.withDescription(
        "with a scenario: the callback-offer thresholds to compare, a,b,... (seconds for wait conditions, a count for WaitingAbove)",
      ),
      Flag.optional,
    ),
    hours: hoursFlag("default 200; with a scenario, its window"),
    seed: seedFlag,
  },
  (input) =>
    work(() => {
      if (Option.isSome(input.scenario) || Option.isSome(input.thresholds)) return thresholdWhatIf(input)
      const required = (flag: string, value: Option.Option<number>) =>
        Option.getOrThrowWith(value, () => new UsageError(`--${flag}: required without a scenario`))
      const patience = given(input.patience)
      const whatIfInput = {
        callsPerHour: required("calls-per-hour", input.callsPerHour),
        ahtSeconds: required("aht", input.aht),
        ...(patience === undefined ? {} : { patienceSeconds: patience }),
        target: input.target,
        thresholdSeconds: input.threshold,
      }
      const hours = given(input.hours) ?? 200
      return formatWhatIf(whatIfInput, whatIf(whatIfInput, hours, given(input.seed) ?? 1), hours)
    }),
).pipe(
  Command.withDescription(
    "Smallest staffing meeting the SL target (Erlang C, or A with --patience), simulated at that staffing and one rep fewer; or, with a scenario and --thresholds, the scenario once per callback-offer threshold",
  ),
)

function finiteIn(name: string, ok: (n: number) => boolean, message: string) {
  return Flag.Finite(name).pipe(Flag.filter(ok, (n) => `${n} ${message}`))
}

interface ThresholdInput {
  readonly scenario: Option.Option<string>
  readonly thresholds: Option.Option<string>
  readonly hours: Option.Option<number>
  readonly seed: Option.Option<number>
}

/** B7 what-if over a scenario file: one run per callback-offer threshold. */
const thresholdWhatIf = (input: ThresholdInput): string => {
  const path = given(input.scenario)
  const list = given(input.thresholds)
  if (path === undefined || list === undefined)
    throw new UsageError("whatif with a scenario takes one scenario file and --thresholds")
  const scenario = loadScenarioFile(path)
  const rule = scenario.queues
    .flatMap((q) => q.overflow?.settings.rules ?? [])
    .find((r) => r.action._tag === "DirectCallback")
  if (rule === undefined) throw new UsageError("whatif: the scenario has no direct-callback rule to vary")
  const unit = rule.condition._tag === "WaitingAbove" ? "calls" : "s"
  const thresholds = list.split(",").map((t) => {
    const n = Number(t)
    if (t.trim() === "" || !(Number.isFinite(n) && n > 0))
      throw new UsageError(`--thresholds: invalid value '${t}'`)
    return unit === "s" ? Math.round(n * 1000) : n
  })
  const seed = given(input.seed) ?? scenario.simulation?.seed ?? 1
  try {
    return formatThresholds(
      scenario,
      compareOverflowThresholds(scenario, thresholds, seed, given(input.hours)),
      seed,
      unit,
    )
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--thresholds: ${error.message}`)
    throw error
  }
}

const bench = Command.make(
  "bench",
  {
    queues: positiveIntegerFlag("queues").pipe(
      Flag.withDescription("queues of 10 reps (default 100)"),
      Flag.withDefault(100),
    ),
    hours: hoursFlag("default 24"),
    seed: seedFlag,
    core: coreFlag(["center", "routing"], "center (default) or routing: the fast drivers only"),
    workers: workersFlag("threads (default: one per core, at most one per queue)"),
  },
  (input) =>
    work(async () => {
      const hours = given(input.hours) ?? 24
      const core = given(input.core) ?? "center"
      // The big day's queues are independent: by default one thread per core. One figure per
      // process, so each is a cold start as a user's run is (`pnpm bench:simulator` runs it on the
      // default threads, then again with --workers 1).
      const threads = Math.min(given(input.workers) ?? defaultThreads(input.queues), input.queues)
      return formatBench(
        input.queues,
        hours,
        core,
        await benchmark(input.queues, hours, given(input.seed) ?? 1, core, threads),
      )
    }),
).pipe(
  Command.withDescription(
    "The big day (10 reps per queue): events/s and calls/s on --workers threads, and on one",
  ),
)

const staff = Command.make(
  "staff",
  {
    forecast: Argument.String("forecast.csv").pipe(
      Argument.withDescription(
        "the forecast: a CSV with the header interval_start,queue,calls,aht_seconds (docs/simulator.md)",
      ),
    ),
    target: slTargetFlag("the SL target and threshold, e.g. 80/20 (default): 80% answered within 20 s"),
    shrinkage: finiteIn("shrinkage", (n) => n >= 0 && n < 1, "must be at least 0 and below 1").pipe(
      Flag.withDescription("share of scheduled time reps are off the phones, 0 to below 1 (default 0)"),
      Flag.withDefault(0),
    ),
    patience: positiveFlag("patience").pipe(
      Flag.withDescription("mean patience, seconds: Erlang A (callers hang up); absent: Erlang C"),
      Flag.optional,
    ),
    interval: durationFlag("interval", "the forecast's interval (15m default; 30m, 1h)"),
    replications: positiveIntegerFlag("replications", 2).pipe(
      Flag.withDescription("simulated days with the required staffing (default 20)"),
      Flag.withDefault(20),
    ),
    seed: seedFlag,
    confidence: confidenceFlag,
    out: fileFlag("out", "write staffing.csv and staffing.json, and the simulation's interval report, here"),
    json: switchFlag("json", "print the report as JSON instead of the table"),
  },
  (input) =>
    work(async () => {
      const forecast = loadForecast(input.forecast, given(input.interval) ?? REPORT_INTERVAL_MS)
      const sl = given(input.target)
      const target = {
        target: sl?.target ?? DEFAULT_SL_TARGET,
        thresholdMs: sl?.thresholdMs ?? 20_000,
        shrinkage: input.shrinkage,
        patienceSeconds: given(input.patience),
      }
      const dir = Option.match(input.out, { onNone: () => undefined, onSome: (d) => reportDir("out", d) })
      const report = staffingCheck(forecast, target, {
        replications: input.replications,
        seed: given(input.seed) ?? 1,
        confidence: confidenceOf(input.confidence),
      })
      const written =
        dir === undefined
          ? ""
          : writeStaffing(dir, report)
              .map((path) => `staffing: ${path}\n`)
              .join("") +
            (await writeReport(join(dir, "simulated"), report.intervals, { target: target.target }))
      return input.json ? staffingJson(report) : formatStaffing(report) + written
    }),
).pipe(
  Command.withDescription(
    "Staffing per interval from a forecast: the reps each interval needs for the SL target by Erlang C (or A with --patience), the reps to schedule for a shrinkage, then that staffing simulated through the real core with each interval's SL ± its confidence interval against the target",
  ),
)

const schema = Command.make(
  "schema",
  {
    out: fileFlag("out", "write the JSON Schema here (default: print it)"),
  },
  (input) =>
    work(() => {
      const out = given(input.out)
      return writeScenarioSchema(out === undefined ? undefined : outputFile("out", out))
    }),
).pipe(
  Command.withDescription("The JSON Schema of scenario files, generated from the loader's Effect Schema"),
)

export const SUBCOMMANDS = [
  "run",
  "validate",
  "coverage",
  "whatif",
  "staff",
  "bench",
  "schema",
  "replay",
] as const

export const root = Command.make("lifeline-sim").pipe(
  Command.withDescription(
    "Lifeline's contact center on a virtual clock, through the real core (docs/simulator.md). Without a command: run.",
  ),
  Command.withSubcommands([run, validate, coverage, whatif, staff, bench, schema, replayCommand(work)]),
)
