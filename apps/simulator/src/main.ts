import { parseArgs } from "node:util"
import { formatThresholds, formatValidation, formatWhatIf } from "./analysis/format"
import { VALIDATION_CASES, validateCase } from "./analysis/validate"
import { compareOverflowThresholds, whatIf } from "./analysis/whatif"
import { benchmark, formatBench } from "./bench"
import { coreOf, parseNumber, positive, positiveInteger, seedOk, UsageError } from "./cli-options"
import { fileSink } from "./engine/event-log"
import { writePlots } from "./plots"
import { ProgressBar } from "./progress"
import { formatSummary } from "./report"
import { runWindow, type SimProgress } from "./run"
import { BUILT_IN_SCENARIO } from "./scenario"
import { loadScenarioFile, ScenarioFileError } from "./scenario-file"
import { SIM_DAY } from "./scenario-setup"
import { defaultThreads, isSimWorker, runOnThreads, workerMain } from "./workers"

const HELP = `Usage: lifeline-sim run [<scenario.json>] [--seed <n>] [--hours <h>] [--events <file.jsonl>] [--plots <dir>] [--progress] [--core center|routing|effect] [--workers <n>] [--json]
       lifeline-sim validate [--arrivals <n, default 2000000>] [--seed <n>]
       lifeline-sim whatif --calls-per-hour <n> --aht <s> [--patience <s>] [--target <0..1>] [--threshold <s>] [--hours <h>] [--seed <n>]
       lifeline-sim whatif <scenario.json> --thresholds <a,b,...> [--hours <h>] [--seed <n>]
       lifeline-sim bench [--queues <n>] [--hours <h>] [--seed <n>] [--core center|routing] [--workers <n>]

run       runs a scenario file (see docs/simulator.md, examples/*.json), or without one the built-in
          scenario (two queues, six reps), through the real core on a virtual clock, and prints per
          queue offered, answered, abandoned, P(wait), ASA, max wait, the service level and the EWT
          error. The same scenario and seed give the same output and the same event log, byte for byte.
          Without a command: run.

validate  M/M/1 and M/M/10 (Erlang C) and M/M/10+M (Erlang A) scenarios, 20 batch means, simulated ± 95% CI vs analytic
whatif    smallest staffing meeting the SL target (Erlang C, or Erlang A with --patience), then
          simulated at that staffing and one rep fewer; or, with a scenario file and --thresholds,
          the scenario run once per callback-offer threshold (seconds for wait conditions, a count
          for WaitingAbove), comparing the callbacks and waits each produces
bench     a big day (10 reps per queue) and the events/s and calls/s achieved, on --workers threads
          and, when that is more than one, on one thread too

Options:
  --seed <n>       PRNG seed, an integer from 0 to 4294967295 (default: the scenario file's, else 1)
  --hours <h>      virtual hours to simulate, more than 0 and at most 10000 (default: the scenario
                   file's window, else 1; whatif 200; bench 24)
  --events <file>  write every simulator and core event as JSON lines: {"at":<virtual ms>,"sim"|"core":{...}}
  --plots <dir>    write waiting.svg (calls waiting per queue over time) and service-level.svg (SL per 15 min)
  --progress       show the progress bar on stderr even when it is not a terminal (it shows on a terminal anyway)
  --core <kind>    center (default): the whole center's pure domain, driven directly; routing: the
                   router alone; effect: the center behind the Effect engine and store (slow, a cross-check)
  --workers <n>    threads for the scenario's independent sub-centers (queues no rep, transfer or
                   emergency links), this one and n-1 worker threads; the result is the same for
                   any n. Only plain runs: with --events, --plots, a forced --progress or --core
                   effect, run uses one thread. Default: run 1; bench one per core, at most one
                   per sub-center
  --json           run: print the summary as JSON instead of the table
  -h, --help       show this text
`

const OPTIONS = {
  seed: { type: "string" },
  hours: { type: "string" },
  arrivals: { type: "string", default: "2000000" },
  "calls-per-hour": { type: "string" },
  aht: { type: "string" },
  patience: { type: "string" },
  target: { type: "string", default: "0.8" },
  threshold: { type: "string", default: "20" },
  queues: { type: "string", default: "100" },
  events: { type: "string" },
  plots: { type: "string" },
  progress: { type: "boolean", default: false },
  thresholds: { type: "string" },
  core: { type: "string", default: "center" },
  workers: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"]

const hoursOf = (values: Values, fallback: number) =>
  values.hours === undefined ? fallback : parseNumber("hours", values.hours, (n) => n > 0 && n <= 10_000)

/** The core a run uses; the Effect engine (and its adapters) is loaded only when asked for. */
const coreFor = async (values: Values) => {
  const kind = coreOf(values.core)
  if (kind !== "effect") return kind
  const { effectCore } = await import("./engine/effect-driver")
  // The Effect engine's virtual clock starts at the simulated day's midnight and only moves on;
  // one engine per independent sub-center of the scenario.
  return () => effectCore(SIM_DAY)
}

const workersOf = (values: Values, fallback: number) =>
  values.workers === undefined ? fallback : parseNumber("workers", values.workers, positiveInteger)

/** B7 what-if over a scenario file: one run per callback-offer threshold. */
const thresholdWhatIf = (values: Values, args: readonly string[]) => {
  if (args.length !== 1 || values.thresholds === undefined)
    throw new UsageError("whatif with a scenario takes one scenario file and --thresholds")
  const scenario = loadScenarioFile(args[0] as string)
  const rule = scenario.queues
    .flatMap((q) => q.overflow?.settings.rules ?? [])
    .find((r) => r.action._tag === "DirectCallback")
  if (rule === undefined) throw new UsageError("whatif: the scenario has no direct-callback rule to vary")
  const unit = rule.condition._tag === "WaitingAbove" ? "calls" : "s"
  const thresholds = values.thresholds.split(",").map((t) => {
    const n = parseNumber("thresholds", t, positive)
    return unit === "s" ? Math.round(n * 1000) : n
  })
  const seed = seedOf(values, scenario.simulation?.seed)
  const hours = values.hours === undefined ? undefined : hoursOf(values, 1)
  try {
    return formatThresholds(
      scenario,
      compareOverflowThresholds(scenario, thresholds, seed, hours),
      seed,
      unit,
    )
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--thresholds: ${error.message}`)
    throw error
  }
}

/** The plots' interval: quarter hours, as planners read service levels. */
const PLOT_INTERVAL_MS = 900_000

const seedOf = (values: Values, fallback = 1) =>
  values.seed === undefined ? fallback : parseNumber("seed", values.seed, seedOk)

type Command = (values: Values, args: readonly string[]) => string | Promise<string>

const COMMANDS: Record<string, Command> = {
  run: async (values, args) => {
    if (args.length > 1) throw new UsageError(`run takes one scenario file, got '${args.join(" ")}'`)
    const scenario = args[0] === undefined ? BUILT_IN_SCENARIO : loadScenarioFile(args[0])
    const seed = seedOf(values, scenario.simulation?.seed)
    const hours = values.hours === undefined ? undefined : hoursOf(values, 1)
    const core = await coreFor(values)
    if (core === "routing" && (scenario.emergency !== undefined || scenario.queues.some((q) => q.overflow)))
      throw new UsageError(
        "--core routing: the router alone has no overflow, callbacks or emergencies; use center",
      )
    const threads = workersOf(values, 1)
    const totalMs = runWindow(scenario, hours).runHours * 3_600_000
    const bar = new ProgressBar({ totalMs, force: values.progress })
    const events = values.events === undefined ? undefined : fileSink(values.events)
    try {
      // A bar on a terminal would keep the run on one thread; with --workers it shows only at the end.
      const stepBar = bar.enabled && (values.progress || threads === 1)
      const summary = await runOnThreads(
        {
          seed,
          hours,
          core,
          events,
          scenario,
          ...(values.plots === undefined ? {} : { intervalMs: PLOT_INTERVAL_MS }),
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
        values.plots === undefined || summary.intervals === undefined
          ? []
          : writePlots(values.plots, summary.intervals, scenario.name, { dayOrigin: SIM_DAY })
      if (values.json) return `${JSON.stringify({ ...summary, intervals: undefined })}\n`
      return formatSummary(summary) + written.map((path) => `plot: ${path}\n`).join("")
    } finally {
      events?.close()
    }
  },
  validate: (values) => {
    const seed = seedOf(values)
    const arrivals = parseNumber("arrivals", values.arrivals, (n) => positiveInteger(n) && n >= 2000)
    return formatValidation(VALIDATION_CASES.map((c) => validateCase(c, arrivals, seed, 0.95)))
  },
  whatif: (values, args) => {
    if (args.length > 0 || values.thresholds !== undefined) return thresholdWhatIf(values, args)
    const seed = seedOf(values)
    const input = {
      callsPerHour: parseNumber("calls-per-hour", values["calls-per-hour"], positive),
      ahtSeconds: parseNumber("aht", values.aht, positive),
      ...(values.patience === undefined
        ? {}
        : { patienceSeconds: parseNumber("patience", values.patience, positive) }),
      target: parseNumber("target", values.target, (n) => n > 0 && n < 1),
      thresholdSeconds: parseNumber("threshold", values.threshold, (n) => n >= 0),
    }
    const hours = hoursOf(values, 200)
    return formatWhatIf(input, whatIf(input, hours, seed), hours)
  },
  bench: async (values) => {
    const seed = seedOf(values)
    const queues = parseNumber("queues", values.queues, positiveInteger)
    const hours = hoursOf(values, 24)
    const core = coreOf(values.core)
    if (core === "effect") throw new UsageError("--core: bench runs the fast drivers only (center, routing)")
    // The big day's queues are independent: by default one thread per core. One figure per
    // process, so each is a cold start as a user's run is (`pnpm bench:simulator` runs it on the
    // default threads, then again with --workers 1).
    const threads = Math.min(workersOf(values, defaultThreads(queues)), queues)
    return formatBench(queues, hours, core, await benchmark(queues, hours, seed, core, threads))
  },
}

const main = async (argv: readonly string[]): Promise<number> => {
  // pnpm passes the `--` in `pnpm sim -- --seed 42` (or `pnpm validate -- …`, after the command) through;
  // it separates nothing here.
  const cut = argv.indexOf("--")
  const args = cut === -1 ? argv : [...argv.slice(0, cut), ...argv.slice(cut + 1)]
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true })
    if (values.help) {
      process.stdout.write(HELP)
      return 0
    }
    const [name = "run", ...rest] = positionals
    const command = COMMANDS[name]
    if (command === undefined || (name !== "run" && name !== "whatif" && rest.length > 0))
      throw new UsageError(`unknown command '${positionals.join(" ")}'`)
    process.stdout.write(await command(values, rest))
    return 0
  } catch (error) {
    if (error instanceof ScenarioFileError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error
    process.stderr.write(`${error.message}\n\n${HELP}`)
    return 2
  }
}

// A worker thread (./workers.ts) starts from this same entry: it runs its components, not the CLI.
if (isSimWorker()) workerMain()
else
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
