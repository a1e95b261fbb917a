import { readFileSync } from "node:fs"
import { OverflowRule, RetryPolicy } from "@lifeline/core/callback"
import { AssignmentMethod, BasePresence } from "@lifeline/core/routing"
import { Result, Schema, SchemaAST, SchemaIssue, SchemaParser } from "effect"
import type { Scenario } from "./scenario"
import { type Issue, scenarioOf } from "./scenario-build"

/**
 * The scenario file (JSON), as written by people: durations in seconds, clock times "HH:MM",
 * calls per hour. Decoded by these schemas, then checked across fields and turned into a
 * `Scenario` (`scenario-build.ts`). Unknown fields are refused, so a misspelt one is not
 * silently ignored. Every problem names its field path; a file with one is not loaded at all.
 */
const positive = Schema.Number.check(
  Schema.isFinite({ message: "must be a finite number" }).abort(),
  Schema.isGreaterThan(0, { message: "must be > 0" }),
)
const nonNegative = Schema.Number.check(
  Schema.isFinite({ message: "must be a finite number" }).abort(),
  Schema.isGreaterThanOrEqualTo(0, { message: "must be >= 0" }),
)
const probability = Schema.Number.check(
  Schema.isBetween({ minimum: 0, maximum: 1 }, { message: "must be a probability from 0 to 1" }),
)
const count = (max: number) =>
  Schema.Number.check(
    Schema.isInt().abort(),
    Schema.isBetween({ minimum: 1, maximum: max }, { message: `must be a whole number from 1 to ${max}` }),
  )
const Id = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, {
    message: "must be 1 to 100 letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
  }),
)
/** The core's labels: not empty, no space at either end, at most 200 characters. */
const Label = Schema.String.check(
  Schema.isPattern(/^\S(.*\S)?$/s, { message: "must not be empty nor start or end with a space" }),
  Schema.isMaxLength(200, { message: "must be at most 200 characters" }),
)
/** "HH:MM" from 00:00 to 48:00, so a night shift can end the next morning ("30:00"). */
export const ClockTime = Schema.String.check(
  Schema.isPattern(/^(([0-3]\d|4[0-7]):[0-5]\d|48:00)$/, {
    message: "must be a clock time HH:MM from 00:00 to 48:00",
  }),
)

/** Durations in seconds. */
export const DistributionFile = Schema.Union([
  Schema.Struct({ type: Schema.Literal("exponential"), mean: positive }),
  Schema.Struct({ type: Schema.Literal("deterministic"), value: positive }),
  Schema.Struct({ type: Schema.Literal("lognormal"), mean: positive, sd: positive }),
  Schema.Struct({ type: Schema.Literal("erlang"), k: count(100), mean: positive }),
  Schema.Struct({ type: Schema.Literal("uniform"), min: nonNegative, max: positive }),
  Schema.Struct({
    type: Schema.Literal("empirical"),
    values: Schema.Array(positive).check(Schema.isMinLength(1, { message: "must list at least one value" })),
    weights: Schema.optional(Schema.Array(nonNegative)),
  }),
  // One definition ($defs) in the JSON Schema for the many fields that take a distribution.
]).annotate({ identifier: "Distribution" })
export type DistributionFile = typeof DistributionFile.Type

/** A built-in profile's name, or factors over equal intervals of the day. */
const ProfileFile = Schema.Union([
  Schema.String.annotate({ message: "must be a built-in profile's name" }),
  Schema.Struct({
    /** Default: 24 h divided by the number of factors. */
    intervalMinutes: Schema.optional(positive),
    factors: Schema.Array(nonNegative).check(
      Schema.isMinLength(1, { message: "must list at least one factor" }),
    ),
  }).annotate({ message: "{ intervalMinutes?, factors: [...] }" }),
])

const OverflowFile = Schema.Struct({
  /** The core's C1 rules, as the admin API takes them: `{ condition: { _tag, … }, action: { _tag, … } }`. */
  rules: Schema.Array(OverflowRule).check(Schema.isMaxLength(20, { message: "at most 20 rules (C1)" })),
  retry: Schema.optional(RetryPolicy),
  pressOneProbability: probability,
  callbackAnswerProbability: Schema.optional(probability),
  callbackRingTime: Schema.optional(DistributionFile),
})

/** C7: callbacks scheduled through the API, `windowStart` after the request, for `windowLength`. */
const ScheduledCallbacksFile = Schema.Struct({
  callsPerHour: positive,
  windowStart: DistributionFile,
  windowLength: DistributionFile,
  /** Default 1. */
  answerProbability: Schema.optional(probability),
  /** Default 10 s. */
  ringTime: Schema.optional(DistributionFile),
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
  scheduledCallbacks: Schema.optional(ScheduledCallbacksFile),
})
export type QueueFile = typeof QueueFile.Type

const BreakFile = Schema.Struct({
  at: ClockTime,
  minutes: positive,
  /** Default "break" (defined with base `away` unless `presences` says otherwise). */
  presence: Schema.optional(Id),
})

/** R4: per offer, decline (after `thinkTime`, default 3 s) or let it ring; the two add up to at most 1. */
const OffersFile = Schema.Struct({
  declineProbability: Schema.optional(probability),
  noAnswerProbability: Schema.optional(probability),
  thinkTime: Schema.optional(DistributionFile),
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
  offers: Schema.optional(OffersFile),
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
  /** E6: the probability a call drops before the rep ends it; default 0. */
  dropProbability: Schema.optional(probability),
  /** E6: after a drop, the PSAP calls back with `probability` after `delay`; its call lasts `duration` (default 5 min). */
  psapCallback: Schema.optional(
    Schema.Struct({
      probability,
      delay: DistributionFile,
      duration: Schema.optional(DistributionFile),
    }),
  ),
})

const SimulationFile = Schema.Struct({
  /** Either `hours` from `start`, or `start` to `end`. Default: 24 hours from 00:00. */
  hours: Schema.optional(positive),
  start: Schema.optional(ClockTime),
  end: Schema.optional(ClockTime),
  slThresholdSeconds: Schema.optional(nonNegative),
  seed: Schema.optional(
    Schema.Number.check(
      Schema.isInt().abort(),
      Schema.isBetween(
        { minimum: 0, maximum: 4_294_967_295 },
        { message: "must be an integer from 0 to 4294967295" },
      ),
    ),
  ),
})

export const ScenarioFile = Schema.Struct({
  /** Where editors find this format's JSON Schema ("../scenario.schema.json" in the examples); not used. */
  $schema: Schema.optional(Schema.String),
  name: Label,
  simulation: Schema.optional(SimulationFile),
  presences: Schema.optional(Schema.Array(PresenceFile)),
  queues: Schema.Array(QueueFile).check(Schema.isMinLength(1, { message: "must list at least one queue" })),
  reps: Schema.Array(RepFile).check(
    Schema.isMinLength(1, { message: "must list at least one rep or group" }),
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

/** Every problem at once; a misspelt field is one; messages quote the bad value. */
const parseOptions = { errors: "all", onExcessProperty: "error", reportInput: true } as const

const decodeFile = SchemaParser.decodeUnknownResult(ScenarioFile, parseOptions)

/** The leaf issues under one node, each with its path and message. */
const leaves = SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: (issue) =>
    issue._tag === "UnexpectedKey"
      ? "is not a field of a scenario file here"
      : issue._tag === "MissingKey"
        ? "is missing"
        : SchemaIssue.defaultLeafHook(issue),
})

/** The members of a union, nested unions flattened, without the `undefined` of an optional field. */
const unionMembers = (ast: SchemaAST.AST): SchemaAST.AST[] =>
  SchemaAST.isUnion(ast) ? ast.types.flatMap(unionMembers) : SchemaAST.isUndefined(ast) ? [] : [ast]

/** The key whose literal tells a discriminated union's members apart ("type", "_tag"), if any. */
const discriminator = (members: readonly SchemaAST.AST[]): string | undefined => {
  const [first] = members
  if (first === undefined || !SchemaAST.isObjects(first)) return undefined
  for (const ps of first.propertySignatures) {
    const key = ps.name
    if (typeof key !== "string" || !SchemaAST.isLiteral(ps.type)) continue
    const everyMember = members.every(
      (m) =>
        SchemaAST.isObjects(m) &&
        m.propertySignatures.some((p) => p.name === key && SchemaAST.isLiteral(p.type)),
    )
    if (everyMember) return key
  }
  return undefined
}

const literalOf = (member: SchemaAST.AST, key: string): SchemaAST.LiteralValue[] => {
  if (!SchemaAST.isObjects(member)) return []
  const type = member.propertySignatures.find((p) => p.name === key)?.type
  return type !== undefined && SchemaAST.isLiteral(type) ? [type.literal] : []
}

const decodeAgainst = (ast: SchemaAST.AST, input: unknown) =>
  SchemaParser.decodeUnknownResult(Schema.make<Schema.Codec<unknown>>(ast), parseOptions)(input)

/**
 * A value that matches no member of a union says what it could be: a discriminated union (on
 * `type`, `_tag`) names its discriminator field, members with their own message each say it, an
 * optional field says what it expects (not that it is not `undefined`). False: the default message.
 */
const noMemberMatched = (issue: SchemaIssue.AnyOf, path: readonly PropertyKey[], out: Issue[]): boolean => {
  const input: unknown = issue.input
  const members = unionMembers(issue.ast)
  const key = discriminator(members)
  if (key !== undefined && typeof input === "object" && input !== null && !Array.isArray(input)) {
    if (!Object.hasOwn(input, key)) {
      out.push({ path: formatPath([...path, key]), message: "is missing" })
      return true
    }
    const literals = Schema.Literals(members.flatMap((m) => literalOf(m, key)))
    const decoded = decodeAgainst(literals.ast, (input as Record<string, unknown>)[key])
    if (Result.isFailure(decoded)) {
      collect(decoded.failure, [...path, key], out)
      return true
    }
  }
  const messages = members.map((m) => m.annotations?.message)
  if (messages.length > 0 && messages.every((m) => typeof m === "string")) {
    out.push({ path: formatPath(path), message: messages.join(", or ") })
    return true
  }
  const [only] = members
  if (members.length === 1 && only !== undefined) {
    const decoded = decodeAgainst(only, input)
    if (Result.isFailure(decoded)) {
      collect(decoded.failure, path, out)
      return true
    }
  }
  return false
}

/** Every problem in a failed decode, each with its field path, walking the issue tree. */
const collect = (issue: SchemaIssue.Issue, path: readonly PropertyKey[], out: Issue[]): void => {
  if (issue._tag === "Pointer") collect(issue.issue, [...path, ...issue.path], out)
  else if (issue._tag === "Composite" || (issue._tag === "AnyOf" && issue.issues.length > 0))
    for (const inner of issue.issues) collect(inner, path, out)
  else if (issue._tag !== "AnyOf" || !noMemberMatched(issue, path, out))
    for (const leaf of leaves(issue).issues) {
      const at = (leaf.path ?? []).map((p) => (typeof p === "object" ? p.key : p))
      out.push({ path: formatPath([...path, ...at]), message: leaf.message })
    }
}

const schemaIssues = (issue: SchemaIssue.Issue): Issue[] => {
  const all: Issue[] = []
  collect(issue, [], all)
  const seen = new Set<string>()
  return all.filter((i) => {
    const key = `${i.path}\u0000${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A scenario from parsed JSON, or every problem with it. */
export const decodeScenario = (
  input: unknown,
  source?: string,
): Result.Result<Scenario, ScenarioFileError> => {
  const decoded = decodeFile(input)
  if (Result.isFailure(decoded))
    return Result.fail(new ScenarioFileError(schemaIssues(decoded.failure), source))
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
