import { createHash } from "node:crypto"

/**
 * The shape of a state graph, for the snapshot schema-version guard (issue 22): for every kind of
 * object reachable from the root, named by the path it is first reached by (Map values `<v>`,
 * Map keys `<k>`, Set and array elements `{}` and `[]`), the keys it has and the types of their
 * values (`null`, `number`, `map`, a class name...), merged over all the objects at that path.
 * Values themselves do not count, only which keys hold which types: a field added, removed,
 * renamed or retyped anywhere changes it. Each object is visited once (the graph has cycles).
 */
export const shapeLines = (root: unknown): string[] => {
  const shapes = new Map<string, Set<string>>()
  const seen = new Set<object>()
  const typeOf = (v: unknown): string => {
    if (v === null) return "null"
    if (Array.isArray(v)) return "array"
    if (v instanceof Map) return "map"
    if (v instanceof Set) return "set"
    if (typeof v !== "object") return typeof v
    const proto = Object.getPrototypeOf(v)
    return proto === Object.prototype || proto === null ? "object" : (proto.constructor?.name ?? "anonymous")
  }
  const note = (path: string, entry: string) => {
    let set = shapes.get(path)
    if (set === undefined) {
      set = new Set()
      shapes.set(path, set)
    }
    set.add(entry)
  }
  const visit = (value: unknown, path: string): void => {
    if (typeof value !== "object" || value === null || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) return
    if (value instanceof Map) {
      for (const [k, v] of value) {
        note(path, `<k>:${typeOf(k)}`)
        note(path, `<v>:${typeOf(v)}`)
        visit(k, `${path}<k>`)
        visit(v, `${path}<v>`)
      }
      return
    }
    if (value instanceof Set || Array.isArray(value)) {
      const mark = Array.isArray(value) ? "[]" : "{}"
      for (const v of value) {
        note(path, `${mark}:${typeOf(v)}`)
        visit(v, `${path}${mark}`)
      }
      return
    }
    for (const [key, v] of Object.entries(value)) {
      note(path, `.${key}:${typeOf(v)}`)
      visit(v, `${path}.${key}`)
    }
  }
  visit(root, "$")
  return [...shapes].map(([path, entries]) => `${path} ${[...entries].sort().join(" ")}`).sort()
}

/** A short hash of the shape lines. */
export const fingerprint = (lines: readonly string[]): string =>
  createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)
