import { writeFileSync } from "node:fs"
import { Schema } from "effect"
import { ScenarioFile } from "./scenario-file"

/**
 * The JSON Schema of scenario files (issue 17 Build 6), generated from the Effect Schema the loader
 * decodes with (`Schema.toJsonSchemaDocument`), so editors can check and complete a scenario as
 * it is written. The examples point at it with "$schema"; scenario.schema.json is this output
 * (`lifeline-sim schema --out scenario.schema.json`; a test keeps the committed file up to date).
 * The cross-field checks (ids unique, shifts in order, …) are the loader's alone.
 */
export const scenarioJsonSchema = (): string => {
  const document = Schema.toJsonSchemaDocument(ScenarioFile)
  return `${JSON.stringify(
    closed({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://lifeline.example/simulator/scenario.schema.json",
      title: "Lifeline simulator scenario",
      ...document.schema,
      ...(Object.keys(document.definitions).length === 0 ? {} : { $defs: document.definitions }),
    }),
    null,
    2,
  )}\n`
}

/**
 * Every object schema closed (`additionalProperties: false`): the loader refuses unknown fields
 * everywhere (`onExcessProperty: "error"`), so an editor should flag a misspelt one too.
 */
const closed = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(closed)
  if (typeof node !== "object" || node === null) return node
  const entries = Object.entries(node).map(([k, v]) => [k, closed(v)] as const)
  const object = Object.fromEntries(entries) as Record<string, unknown>
  return object.type === "object" && "properties" in object
    ? { ...object, additionalProperties: false }
    : object
}

/** The schema written to `path` (a line saying so), or printed when no path is given. */
export const writeScenarioSchema = (path: string | undefined): string => {
  const text = scenarioJsonSchema()
  if (path === undefined) return text
  writeFileSync(path, text)
  return `wrote ${path}\n`
}
