import { realpathSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { SETTINGS, type SettingDoc } from "./settings-file"

/**
 * `.env.example` at the repository's root (issue 16): every setting of SETTINGS, commented out
 * with its default, in their order. Generated, never edited by hand:
 * `pnpm --filter @lifeline/api env-example` rewrites it; env-example.test.ts fails when it and
 * the registry differ.
 */

/** The default as a value one could write (`3000`, `false`), or "" when it is a description. */
const writableDefault = (fallback: string): string => /^([^\s—']+)(?: \(.*\))?$/.exec(fallback)?.[1] ?? ""

const wrap = (text: string, width = 100): string[] => {
  const lines: string[] = []
  let line = "#"
  for (const word of text.split(" ")) {
    if (line.length + word.length + 1 > width && line !== "#") {
      lines.push(line)
      line = "#"
    }
    line = `${line} ${word}`
  }
  lines.push(line)
  return lines
}

const entry = (setting: SettingDoc): string[] => {
  const notes = [
    `${setting.meaning} (default: ${setting.default})`,
    ...(setting.secret ? ["Secret: never printed; keep this file private."] : []),
    ...(setting.name === "LIFELINE_SETTINGS_FILE"
      ? ["Environment only: a settings file cannot name another one."]
      : []),
  ]
  return [...wrap(notes.join(". ")), `# ${setting.name}=${writableDefault(setting.default)}`]
}

export const envExample = (settings: readonly SettingDoc[] = SETTINGS): string =>
  [
    "# Every setting of a Lifeline API node, with its default (docs/operations.md). Generated from",
    "# apps/api/src/settings-file.ts by `pnpm --filter @lifeline/api env-example`; do not edit by hand.",
    "#",
    "# Use it as a settings file (LIFELINE_SETTINGS_FILE=/etc/lifeline/lifeline.env: uncomment what",
    "# you set; the environment wins over the file), or as the .env beside compose.yaml, which",
    "# passes LIFELINE_API_KEYS and OTEL_EXPORTER_OTLP_ENDPOINT to its nodes.",
    ...settings.flatMap((s) => ["", ...entry(s)]),
    "",
  ].join("\n")

if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url))
  process.stdout.write(envExample())
