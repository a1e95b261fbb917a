import { readFileSync } from "node:fs"
import { AssignmentMethod, BasePresence, OverflowRule, RetryPolicy } from "@lifeline/core"
import { Result, ParseResult, Schema } from "effect"
import type { Scenario } from "./scenario"
import { type Issue, scenarioOf } from "./scenario-build"

/**
 * The scenario file (JSON), as written by people: durations in seconds, clock times "HH:MM",
 * calls per hour. Decoded by these schemas, then checked across fields and turned into a
 * `Scenario` (`scenario-build.ts`). Unknown fields are refused, so a misspelt one is not
 * silently ignored. Every problem names its field path; a file with one is not loaded at all.
 */
const positive = Schema.Number.pipe(
  Schema.finite({ message: () => "must be a finite number" }),
  Schema.greaterThan(0, { message: () => "must be > 0" }),
)
const nonNegative = Schema.Number.pipe(
  Schema.finite({ message: () => "must be a finite number" }),
  Schema.greaterThanOrEqualTo(0, { message: () => "must be >= 0" }),
)
const probability = Schema.Number.pipe(
  Schema.between(0, 1, { message: () => "must be a probability from 0 to 1" }),
)
const count = (max: number) =>
  Schema.Int.pipe(Schema.between(1, max, { message: () => `must be a whole number from 1 to ${max}` }))
const Id = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, {
    message: () => "must be 1 to 100 letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
  }),
)
/** The core's labels: not empty, no space at either end, at most 200 characters. */
const Label = Schema.String.pipe(
  Schema.pattern(/^\S(.*\S)?$/s, { message: () => "must not be empty nor start or end with a space" }),
  Schema.maxLength(200, { message: () => "must be at most 200 characters" }),
)
/** "HH:MM" from 00:00 to 48:00, so a night shift can end the next morning ("30:00"). */
export const ClockTime = Schema.String.pipe(
  Schema.pattern(/^(([0-3]\d|4[0-7]):[0-5]\d|48:00)$/, {
    message: () => "must be a clock time HH:MM from 00:00 to 48:00",
  }),
)

/** Durations in seconds. */
export const DistributionFile = Schema.Union(
  Schema.Struct({ type: Schema.Literal("exponential"), mean: positive }),
  Schema.Struct({ type: Schema.Literal("deterministic"), value: positive }),
  Schema.Struct({ type: Schema.Literal("lognormal"), mean: positive, sd: positive }),
  Schema.Struct({ type: Schema.Literal("erlang"), k: count(100), mean: positive }),
  Schema.Struct({ type: Schema.Literal("uniform"), min: nonNegative, max: positive }),
  Schema.Struct({
    type: Schema.Literal("empirical"),
    values: Schema.Array(positive).pipe(
      Schema.minItems(1, { message: () => "must list at least one value" }),
    ),
    weights: Schema.optional(Schema.Array(nonNegative)),
  }),
)
export type DistributionFile = typeof DistributionFile.Type

/** A built-in profile's name, or factors over equal intervals of the day. */
const ProfileFile = Schema.Union(
  Schema.String.annotations({ message: () => "must be a built-in profile's name" }),
  Schema.Struct({
    /** Default: 24 h divided by the number of factors. */
    intervalMinutes: Schema.optional(positive),
    factors: Schema.Array(nonNegative).pipe(
      Schema.minItems(1, { message: () => "must list at least one factor" }),
    ),
  }).annotations({ message: () => "{ intervalMinutes?, factors: [...] }" }),
)

const OverflowFile = Schema.Struct({
  /** The core's C1 rules, as the admin API takes them: `{ condition: { _tag, … }, action: { _tag, … } }`. */
  rules: Schema.Array(OverflowRule).pipe(Schema.maxItems(20, { message: () => "at most 20 rules (C1)" })),
  retry: Schema.optional(RetryPolicy),
  pressOneProbability: probability,
  callbackAnswerProbability: Schema.optional(probability),
  callbackRingTime: Schema.optional(DistributionFile),
})

const QueueFile = Schema.Struct({
  id: Id,
  name: Schema.optional(Label),
  assignment: Schema.optional(AssignmentMethod),
  arrivals: Schema.Struct({ callsPerHour: positive, profile: Schema.optional(ProfileFile) }),
  handleTime: DistributionFile,
  /** Absent: callers wait as long as it takes. */
  patience: Schema.optional(DistributionFile),
  overflow: Schema.optional(OverflowFile),
})
export type QueueFile = typeof QueueFile.Type

const BreakFile = Schema.Struct({
  at: ClockTime,
  minutes: positive,
  /** Default "break" (defined with base `away` unless `presences` says otherwise). */
  presence: Schema.optional(Id),
})

/** One rep (`id`), or a group of `count` reps named `prefix` + 1 … `prefix` + count. */
const RepFile = Schema.Struct({
  id: Schema.optional(Id),
  count: Schema.optional(count(100_000)),
  prefix: Schema.optional(Id),
  queues: Schema.Array(Id),
  capacity: Schema.optional(count(1000)),
  shift: Schema.optional(Schema.Struct({ start: ClockTime, end: ClockTime })),
  breaks: Schema.optional(Schema.Array(BreakFile)),
})
export type RepFile = typeof RepFile.Type

const PresenceFile = Schema.Struct({ id: Id, label: Schema.optional(Label), base: BasePresence })

const EmergencyFile = Schema.Struct({
  callsPerDay: positive,
  duration: DistributionFile,
  /** Default "911"; must be an emergency or test number of `region` (E1). */
  dialString: Schema.optional(Schema.String),
  /** Default "US": the region the reps' browsers report. */
  region: Schema.optional(Schema.String),
})

const SimulationFile = Schema.Struct({
  /** Either `hours` from `start`, or `start` to `end`. Default: 24 hours from 00:00. */
  hours: Schema.optional(positive),
  start: Schema.optional(ClockTime),
  end: Schema.optional(ClockTime),
  slThresholdSeconds: Schema.optional(nonNegative),
  seed: Schema.optional(
    Schema.Int.pipe(
      Schema.between(0, 4_294_967_295, { message: () => "must be an integer from 0 to 4294967295" }),
    ),
  ),
})

export const ScenarioFile = Schema.Struct({
  name: Label,
  simulation: Schema.optional(SimulationFile),
  presences: Schema.optional(Schema.Array(PresenceFile)),
  queues: Schema.Array(QueueFile).pipe(Schema.minItems(1, { message: () => "must list at least one queue" })),
  reps: Schema.Array(RepFile).pipe(
    Schema.minItems(1, { message: () => "must list at least one rep or group" }),
  ),
  emergency: Schema.optional(EmergencyFile),
})
export type ScenarioFile = typeof ScenarioFile.Type

/** A scenario that could not be loaded: every problem, each with its field path. */
export class ScenarioFileError extends Error {
  constructor(
    readonly issues: readonly Issue[],
    source = "the scenario",
  ) {
    super(`${source} is not valid:\n${issues.map((i) => `  ${i.path || "(file)"}: ${i.message}`).join("\n")}`)
    this.name = "ScenarioFileError"
  }
}

/** ["queues", 2, "handleTime", "mean"] → "queues[2].handleTime.mean". */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("")

const decodeFile = Schema.decodeUnknownEither(ScenarioFile, { errors: "all", onExcessProperty: "error" })

const isUndefinedNoise = (message: string) => message.startsWith("Expected undefined")

const schemaIssues = (error: ParseResult.ParseError): Issue[] => {
  const seen = new Set<string>()
  const issues: Issue[] = []
  const all = ParseResult.ArrayFormatter.formatErrorSync(error)
  const paths = all.map((i) => formatPath(i.path))
  for (const [n, issue] of all.entries()) {
    const path = paths[n] as string
    // an optional field that is present but wrong also says it is not undefined: noise
    const optionalNoise =
      isUndefinedNoise(issue.message) && paths.some((p, m) => m !== n && p.startsWith(path))
    // a union's alternatives each say what they expected: keep the deeper issue, or one line
    const siblings = all.filter(
      (other, m) => paths[m] === path && other._tag === "Type" && !isUndefinedNoise(other.message),
    )
    if (issue._tag === "Type" && siblings.length > 1) {
      if (paths.some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[`))) continue
      if (siblings[0] !== issue) continue
    }
    if (optionalNoise) continue
    const message =
      issue._tag === "Unexpected"
        ? "is not a field of a scenario file here"
        : issue._tag === "Type" && siblings.length > 1
          ? siblings.map((s) => s.message).join(", or ")
          : issue.message
    const key = `${path}\u0000${message}`
    if (seen.has(key)) continue
    seen.add(key)
    issues.push({ path, message })
  }
  return issues
}

/** A scenario from parsed JSON, or every problem with it. */
export const decodeScenario = (
  input: unknown,
  source?: string,
): Result.Result<Scenario, ScenarioFileError> => {
  const decoded = decodeFile(input)
  if (Result.isFailure(decoded)) return Result.fail(new ScenarioFileError(schemaIssues(decoded.failure), source))
  const built = scenarioOf(decoded.success)
  return Result.isFailure(built)
    ? Result.fail(new ScenarioFileError(built.failure, source))
    : Result.succeed(built.success)
}

/** Read, parse and decode a scenario file; throws a `ScenarioFileError` naming the file and each field. */
export const loadScenarioFile = (path: string): Scenario => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    throw new ScenarioFileError([{ path: "", message: `cannot be read (${(error as Error).message})` }], path)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ScenarioFileError([{ path: "", message: `is not JSON (${(error as Error).message})` }], path)
  }
  return Result.getOrThrowWith(decodeScenario(json, path), (error) => error)
}
