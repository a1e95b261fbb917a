import { isSimWorker, workerMain } from "./workers"

/**
 * The simulator's entry: the CLI (./cli/main.ts), or, in a worker thread started from this same
 * file (./workers.ts), that worker's components. The CLI is loaded only when it runs, so a worker
 * does not pay for the command-line module.
 */
if (isSimWorker()) workerMain()
else
  import("./cli/main")
    .then(({ main }) => main(process.argv.slice(2)))
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
      process.exitCode = 1
    })
