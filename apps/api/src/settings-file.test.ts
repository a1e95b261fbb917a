import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { SETTINGS, SettingsFileError, settingsEnv, settingsHelp } from "./settings-file"

const dir = mkdtempSync(join(tmpdir(), "lifeline-settings-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const problemsOf = (env: Readonly<Record<string, string>>) => {
  try {
    settingsEnv(env)
  } catch (error) {
    if (error instanceof SettingsFileError) return error.problems
    throw error
  }
  throw new Error("the settings file was accepted")
}

describe("the optional settings file (issue 9)", () => {
  it("no file: the environment as it is", () => {
    const env = { PORT: "3001" }
    expect(settingsEnv(env)).toBe(env)
  })

  it("the file's settings are used; the environment wins over them", () => {
    const path = file(
      "lifeline.env",
      "# production\nPORT=8080\nLIFELINE_DB_URL=http://sqld:8080\nRESEND_API_KEY='re_from_file'\n",
    )
    expect(settingsEnv({ LIFELINE_SETTINGS_FILE: path, PORT: "9090" })).toMatchObject({
      PORT: "9090",
      LIFELINE_DB_URL: "http://sqld:8080",
      RESEND_API_KEY: "re_from_file",
    })
  })

  it("a name that is not a setting is refused by name (a typo is never ignored), without its value", () => {
    const path = file("typo.env", "LIFELINE_DB_ULR=http://sqld:8080\nRESEND_API_KEYS=re_secret\n")
    const problems = problemsOf({ LIFELINE_SETTINGS_FILE: path })
    expect(problems).toHaveLength(2)
    expect(problems[0]).toContain("LIFELINE_DB_ULR")
    expect(problems[1]).toContain("RESEND_API_KEYS")
    expect(problems.join("\n")).not.toContain("re_secret")
  })

  it("a missing file, or a file naming another file, is refused naming LIFELINE_SETTINGS_FILE", () => {
    expect(problemsOf({ LIFELINE_SETTINGS_FILE: join(dir, "absent.env") })[0]).toMatch(
      /^LIFELINE_SETTINGS_FILE: cannot read .*absent\.env \(ENOENT\)$/,
    )
    const nested = file("nested.env", `LIFELINE_SETTINGS_FILE=${join(dir, "lifeline.env")}\n`)
    expect(problemsOf({ LIFELINE_SETTINGS_FILE: nested })[0]).toContain("may not name another settings file")
  })
})

describe("every setting is documented (issue 9)", () => {
  it("--help lists each with its default and marks the secrets", () => {
    const help = settingsHelp()
    for (const s of SETTINGS) expect(help).toContain(s.name)
    expect(help).toMatch(/RESEND_API_KEY\s+.*\[secret\]/)
  })

  it("the README's settings table names each one", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const missing = SETTINGS.filter((s) => !readme.includes(`\`${s.name}\``)).map((s) => s.name)
    expect(missing).toEqual([])
  })
})
