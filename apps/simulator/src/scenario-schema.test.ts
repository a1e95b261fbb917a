import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { loadScenarioFile } from "./scenario-file"
import { scenarioJsonSchema } from "./scenario-schema"

const APP = fileURLToPath(new URL("..", import.meta.url))
const committed = () => readFileSync(join(APP, "scenario.schema.json"), "utf8")

type JsonSchema = Record<string, unknown>

/**
 * The JSON Schema keywords the generated file uses, checked as a validator would (draft 2020-12):
 * enough to tell that the examples match the schema and that a misspelt field does not.
 */
const problems = (schema: JsonSchema, value: unknown, root: JsonSchema, path = "$"): string[] => {
  if (typeof schema.$ref === "string")
    return problems(
      (root.$defs as Record<string, JsonSchema>)[schema.$ref.replace("#/$defs/", "")] ?? {},
      value,
      root,
      path,
    )
  const out: string[] = []
  const type = schema.type as string | undefined
  const typeOf = Array.isArray(value) ? "array" : value === null ? "null" : typeof value
  if (type !== undefined && !(type === typeOf || (type === "integer" && Number.isInteger(value))))
    return [`${path}: ${typeOf}, not ${type}`]
  if (
    Array.isArray(schema.anyOf) &&
    !schema.anyOf.some((s) => problems(s as JsonSchema, value, root, path).length === 0)
  )
    out.push(`${path}: matches none of anyOf`)
  if (Array.isArray(schema.allOf))
    for (const s of schema.allOf) out.push(...problems(s as JsonSchema, value, root, path))
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    out.push(`${path}: not one of ${schema.enum}`)
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) out.push(`${path}: < minimum`)
    if (typeof schema.maximum === "number" && value > schema.maximum) out.push(`${path}: > maximum`)
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
      out.push(`${path}: <= exclusiveMinimum`)
  }
  if (typeof value === "string") {
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) out.push(`${path}: too long`)
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      out.push(`${path}: too short`)
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      out.push(`${path}: pattern`)
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      out.push(`${path}: too few items`)
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      out.push(`${path}: too many items`)
    if (schema.items !== undefined)
      for (const [i, v] of value.entries())
        out.push(...problems(schema.items as JsonSchema, v, root, `${path}[${i}]`))
  }
  if (typeOf === "object" && schema.properties !== undefined) {
    const properties = schema.properties as Record<string, JsonSchema>
    const object = value as Record<string, unknown>
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in object)) out.push(`${path}.${key}: missing`)
    for (const [key, v] of Object.entries(object)) {
      const p = properties[key]
      if (p === undefined) {
        if (schema.additionalProperties === false) out.push(`${path}.${key}: not allowed`)
      } else out.push(...problems(p, v, root, `${path}.${key}`))
    }
  }
  return out
}

describe("issue 17 the scenario files' JSON Schema", () => {
  it("scenario.schema.json is what `lifeline-sim schema` generates from the loader's Effect Schema (regenerate: schema --out scenario.schema.json)", () => {
    // Compared as JSON: the formatter may lay the committed file out differently.
    expect(JSON.parse(committed())).toEqual(JSON.parse(scenarioJsonSchema()))
  })

  it("every example names the schema with $schema, loads, and matches the schema; a misspelt field does not", () => {
    const schema = JSON.parse(committed()) as JsonSchema
    const examples = readdirSync(join(APP, "examples")).filter((f) => f.endsWith(".json"))
    expect(examples.length).toBeGreaterThanOrEqual(3)
    for (const file of examples) {
      const json = JSON.parse(readFileSync(join(APP, "examples", file), "utf8")) as Record<string, unknown>
      expect({ file, $schema: json.$schema }).toEqual({ file, $schema: "../scenario.schema.json" })
      expect(loadScenarioFile(join(APP, "examples", file)).queues.length).toBeGreaterThan(0)
      expect({ file, problems: problems(schema, json, schema) }).toEqual({ file, problems: [] })
      const misspelt = { ...json, queues: [{ ...(json.queues as object[])[0], handletime: 1 }] }
      expect(problems(schema, misspelt, schema).join()).toContain("$.queues[0].handletime: not allowed")
    }
  })
})
