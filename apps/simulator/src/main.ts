import { parseArgs } from "node:util"
import { formatSummary } from "./report"
import { runSimulation } from "./run"

const HELP = `Usage: lifeline-sim [--seed <n>] [--hours <h>]

Runs the built-in scenario (two queues, six reps who accept every offer, Poisson arrivals,
exponential handle times) through the real routing core on a virtual clock, and prints
offered, answered, mean wait (ASA) and max wait per queue. The same seed gives the same output.

Options:
  --seed <n>    PRNG seed, an integer from 0 to 4294967295 (default 1)
  --hours <h>   virtual hours to simulate, more than 0 and at most 10000 (default 1)
  -h, --help    show this text

This is the foundation of the simulator. Scenario files, validation against Erlang C and plots
come in a later issue.
`

class UsageError extends Error {}

const parseNumber = (name: string, raw: string, ok: (n: number) => boolean): number => {
  const n = Number(raw)
  if (raw.trim() === "" || !ok(n)) throw new UsageError(`--${name}: invalid value '${raw}'`)
  return n
}

const parse = (argv: readonly string[]) => {
  // pnpm passes the `--` in `pnpm sim -- --seed 42` through; it separates nothing here.
  const args = argv[0] === "--" ? argv.slice(1) : argv
  const { values } = parseArgs({
    args: [...args],
    options: {
      seed: { type: "string", default: "1" },
      hours: { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
  })
  return {
    help: values.help,
    seed: parseNumber("seed", values.seed, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff),
    hours: parseNumber("hours", values.hours, (n) => n > 0 && n <= 10_000),
  }
}

const main = (argv: readonly string[]): number => {
  let options: ReturnType<typeof parse>
  try {
    options = parse(argv)
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  if (options.help) {
    process.stdout.write(HELP)
    return 0
  }
  process.stdout.write(formatSummary(runSimulation({ seed: options.seed, hours: options.hours })))
  return 0
}

process.exitCode = main(process.argv.slice(2))
