import type { SchemaAST } from "effect"

type TaggedMember = { readonly fields: { readonly _tag: { readonly ast: SchemaAST.AST } } }

/** The `_tag` literals of a union of tagged structs: which commands a module answers. */
export const tagsOf = (members: readonly TaggedMember[]): ReadonlySet<string> =>
  new Set(members.map((m) => String((m.fields._tag.ast as SchemaAST.Literal).literal)))

/**
 * A lookup by `_tag`, written to an object without a prototype rather than a Map: a tag is a
 * literal, so reading it is a property access V8 caches, where `Map.get` hashed the string on
 * every call. On the engine's path (a route per event, one per command) that was 3-4% of the
 * simulator's time.
 */
export const tagTable = <V>(entries: Iterable<readonly [string, V]>): ((tag: string) => V | undefined) => {
  const table: Record<string, V | undefined> = Object.create(null)
  for (const [tag, value] of entries) table[tag] = value
  return (tag) => table[tag]
}
