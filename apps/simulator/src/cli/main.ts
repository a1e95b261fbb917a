import { Cause, Console, Effect, Exit, FileSystem, Layer, Path, Stdio, Terminal } from "effect"
import { CliConfig, CliError, CliOutput, Command, GlobalFlag } from "effect/cli"
import { ChildProcessSpawner } from "effect/process"
import { UsageError } from "../cli-options"
import { ScenarioFileError } from "../scenario-file"
import { root, SUBCOMMANDS } from "./commands"

/**
 * The command line (issue 17 Build 6) on Effect 4's CLI module: per-subcommand options, each
 * unknown option, bad value or bad path an exit 2 naming it, with no stack trace. The module asks
 * for a platform (file system, terminal, …) that the simulator does not use through it: the
 * commands read and write files themselves. Only help, version and errors go through it.
 */

const terminal = Terminal.make({
  columns: Effect.sync(() => process.stdout.columns ?? 100),
  rows: Effect.sync(() => process.stdout.rows ?? 24),
  size: Effect.die("lifeline-sim: no terminal size"),
  readInput: Effect.die("lifeline-sim: no terminal input"),
  readLine: Effect.die("lifeline-sim: no terminal input"),
  display: (text) => Effect.sync(() => void process.stdout.write(text)),
})

/** Help on stdout; a bad invocation's errors, then the command's help, on stderr. */
const presenter: CliOutput.Presenter = {
  present: (event) =>
    Effect.gen(function* () {
      const formatter = CliOutput.defaultFormatter({ colors: false })
      switch (event._tag) {
        case "Help":
          return yield* Console.log(formatter.formatHelpDoc(event.helpDoc))
        case "InvalidInvocation":
          yield* Console.error(formatter.formatErrors(event.errors))
          return yield* Console.error(`\n${formatter.formatHelpDoc(event.helpDoc)}`)
        case "Version":
          return yield* Console.log(formatter.formatVersion(event.name, event.version))
      }
    }),
}

const environment = Layer.mergeAll(
  FileSystem.layerNoop({}),
  Path.layer,
  Stdio.layerTest({}),
  Layer.succeed(Terminal.Terminal, terminal),
  Layer.succeed(
    ChildProcessSpawner.ChildProcessSpawner,
    ChildProcessSpawner.make(() => Effect.die("lifeline-sim starts no processes")),
  ),
  CliOutput.layerPresenter(presenter),
  CliConfig.layer({ builtIns: [GlobalFlag.Help, GlobalFlag.Version] }),
)

/**
 * pnpm passes the `--` of `pnpm sim -- --seed 42` through: it separates nothing here. Without a
 * command the program runs (`lifeline-sim examples/x.json`, `lifeline-sim --seed 42`), as it
 * always did.
 */
export const normaliseArgs = (argv: readonly string[]): string[] => {
  const args = argv.filter((a) => a !== "--")
  const first = args[0]
  const names: readonly string[] = SUBCOMMANDS
  if (first === undefined) return ["run"]
  if (names.includes(first) || ["-h", "--help", "-v", "--version"].includes(first)) return args
  return ["run", ...args]
}

/** Exit code of a finished command: 0; 2 for a usage error (after printing it); else the error is thrown. */
const exitCode = (exit: Exit.Exit<void, unknown>): number => {
  if (Exit.isSuccess(exit)) return 0
  const failure = exit.cause.reasons.find(Cause.isFailReason)?.error
  if (failure === undefined) throw Cause.squash(exit.cause)
  // The CLI module has printed its own errors (naming the flag) and the help.
  if (CliError.isCliError(failure)) return 2
  if (failure instanceof ScenarioFileError || failure instanceof UsageError) {
    process.stderr.write(`${failure.message}\n`)
    return 2
  }
  throw failure
}

export const main = async (argv: readonly string[]): Promise<number> => {
  const program = Command.runWith(root, { version: "0.1.0", renderErrors: true })(normaliseArgs(argv))
  return exitCode(await Effect.runPromiseExit(program.pipe(Effect.provide(environment))))
}
