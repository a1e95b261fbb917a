import type { SchemaAST } from "effect"

type TaggedMember = { readonly fields: { readonly _tag: { readonly ast: SchemaAST.AST } } }

/** The `_tag` literals of a union of tagged structs: which commands a module answers. */
export const tagsOf = (members: readonly TaggedMember[]): ReadonlySet<string> =>
  new Set(members.map((m) => String((m.fields._tag.ast as SchemaAST.Literal).literal)))
