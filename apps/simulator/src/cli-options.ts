/**
 * A command-line usage problem the CLI module cannot see (a path that cannot be written, options
 * that do not go together): printed without a stack trace, exit 2 (src/cli/main.ts).
 */
export class UsageError extends Error {}
