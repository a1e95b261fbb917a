import { parseArgs } from "node:util"
import { formatValidation, formatWhatIf } from "./analysis/format"
import { VALIDATION_CASES, validateCase } from "./analysis/validate"
import { type WhatIfInput, whatIf } from "./analysis/whatif"
import { benchmark, formatBench } from "./bench"

const HELP = `Usage: lifeline-sim-tools <command> [options]

  validate [--arrivals <n>] [--seed <n>]
      simulated vs analytic P(wait), P(abandon), ASA, SL for M/M/c (Erlang C) and M/M/c+M
      (Erlang A), 95% CI by 20 batch means (default 2000000 arrivals per case)
  whatif --calls-per-hour <n> --aht <s> --target <0..1> --threshold <s> [--patience <s>] [--hours <h>]
      the smallest staffing whose analytic SL meets the target, each level checked by simulation
  bench [--queues <n>] [--hours <h>]
      simulated events/s and calls/s of a big day (10 reps per queue; default 100 queues, 24 h)
`

const num = (values: Record<string, string | boolean | undefined>, name: string, fallback?: number) => {
  const raw = values[name]
  if (raw === undefined && fallback !== undefined) return fallback
  const n = Number(raw)
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new Error(`--${name}: a positive number is required, got '${String(raw)}'`)
  return n
}

const OPTIONS = {
  arrivals: { type: "string" },
  seed: { type: "string" },
  "calls-per-hour": { type: "string" },
  aht: { type: "string" },
  patience: { type: "string" },
  target: { type: "string" },
  threshold: { type: "string" },
  hours: { type: "string" },
  queues: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const

const run = (argv: readonly string[]): string => {
  const args = argv[0] === "--" ? argv.slice(1) : argv
  const { values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true })
  const command = positionals[0]
  if (values.help === true || command === undefined) return HELP
  const seed = num(values, "seed", 1)
  if (command === "validate") {
    const arrivals = num(values, "arrivals", 2_000_000)
    return formatValidation(VALIDATION_CASES.map((c) => validateCase(c, arrivals, seed, 0.95)))
  }
  if (command === "whatif") {
    const target = num(values, "target")
    if (target >= 1) throw new Error("--target: a fraction below 1, e.g. 0.8")
    const input: WhatIfInput = {
      callsPerHour: num(values, "calls-per-hour"),
      ahtSeconds: num(values, "aht"),
      target,
      thresholdSeconds: num(values, "threshold"),
      ...(values.patience === undefined ? {} : { patienceSeconds: num(values, "patience") }),
    }
    const hours = num(values, "hours", 200)
    return formatWhatIf(input, whatIf(input, hours, seed), hours)
  }
  if (command === "bench") {
    const queues = num(values, "queues", 100)
    const hours = num(values, "hours", 24)
    return formatBench(queues, hours, benchmark(queues, hours, seed))
  }
  throw new Error(`unknown command '${command}'`)
}

try {
  process.stdout.write(run(process.argv.slice(2)))
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${HELP}`)
  process.exitCode = 2
}
