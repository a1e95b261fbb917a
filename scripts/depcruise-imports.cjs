/**
 * Babel options dependency-cruiser reads TypeScript with (.dependency-cruiser.cjs). The
 * installed TypeScript 7 has no compiler API for dependency-cruiser to parse with, so Babel's
 * parser reads the file and this plugin keeps only its import and re-export statements, with
 * `type` dropped: a type-only import is a dependency too (a wall holds for types as well), and
 * what is left is plain JavaScript that dependency-cruiser's own parser reads.
 */
const hasSource = (node) =>
  node.type === "ImportDeclaration" ||
  node.type === "ExportAllDeclaration" ||
  (node.type === "ExportNamedDeclaration" && node.source != null)

/** `import type { A }`, `import { type A }`, `export type { A } from` become value forms. */
const asValue = (node) => {
  if (node.importKind === "type" || node.importKind === "typeof") node.importKind = "value"
  if (node.exportKind === "type") node.exportKind = "value"
  for (const s of node.specifiers ?? []) {
    if (s.importKind === "type") s.importKind = "value"
    if (s.exportKind === "type") s.exportKind = "value"
  }
  return node
}

const importsOnly = () => ({
  visitor: {
    Program: {
      exit(path) {
        path.node.body = path.node.body.filter(hasSource).map(asValue)
      },
    },
  },
})

module.exports = {
  babelrc: false,
  configFile: false,
  parserOpts: { plugins: ["typescript"] },
  plugins: [importsOnly],
}
