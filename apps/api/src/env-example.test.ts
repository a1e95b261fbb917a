import { readFileSync } from "node:fs"
import { parseEnv } from "node:util"
import { describe, expect, it } from "vitest"
import { envExample } from "./env-example"
import { SETTINGS } from "./settings-file"

const EXAMPLE = new URL("../../../.env.example", import.meta.url)

/** The names a line of the file sets, commented out (`# NAME=value`) or not. */
const namesIn = (text: string) =>
  text.split("\n").flatMap((line) => {
    const m = /^#? ?([A-Z][A-Z0-9_]*)=/.exec(line)
    return m?.[1] === undefined ? [] : [m[1]]
  })

describe(".env.example (issue 16)", () => {
  it("issue 16 names every setting once, and nothing that is not one", () => {
    const names = namesIn(readFileSync(EXAMPLE, "utf8"))
    expect(names).toEqual(SETTINGS.map((s) => s.name))
  })

  it("issue 16 is what the registry generates (run `pnpm --filter @lifeline/api env-example` after changing a setting)", () => {
    expect(readFileSync(EXAMPLE, "utf8")).toBe(envExample())
  })

  it("issue 16 uncommented, every line is a valid settings-file line with the setting's default", () => {
    const uncommented = envExample()
      .split("\n")
      .flatMap((line) => {
        const m = /^# ([A-Z][A-Z0-9_]*=.*)$/.exec(line)
        return m?.[1] === undefined ? [] : [m[1]]
      })
      .join("\n")
    const parsed = parseEnv(uncommented)
    expect(Object.keys(parsed).sort()).toEqual(SETTINGS.map((s) => s.name).sort())
    expect(parsed.PORT).toBe("3000")
    expect(parsed.LIFELINE_API_KEYS).toBe("")
    // A new setting without a default of its own shows an empty value, never a description.
    expect(envExample([{ name: "X_NEW", default: "the package's", meaning: "m" }])).toContain("# X_NEW=\n")
  })
})
