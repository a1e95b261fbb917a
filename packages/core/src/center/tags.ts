import type { Schema, SchemaAST } from "effect"

type TaggedMember = { readonly fields: { readonly _tag: Schema.PropertySignature.All } }

/** The `_tag` literals of a union of tagged structs: which commands a module answers. */
export const tagsOf = (members: readonly TaggedMember[]): ReadonlySet<string> =>
  new Set(
    members.map((m) => {
      const ast = m.fields._tag.ast as { readonly type: SchemaAST.AST }
      return String((ast.type as SchemaAST.Literal).literal)
    }),
  )
