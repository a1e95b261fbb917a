// Issue 20, for CI: the OpenAPI document a node serves is valid, lint-clean and usable.
// 1. build the app in-process (every route a node can mount) and write its /api/openapi.json;
// 2. `redocly lint` it (redocly.yaml: the recommended rules, warnings as errors);
// 3. generate a client with openapi-typescript (it needs TypeScript 5's compiler API, which the
//    project's TypeScript 7 lacks, hence npm exec with its own typescript);
// 4. typecheck scripts/openapi-sample/*.ts against the generated types with the project's tsc.
import { spawnSync } from "node:child_process"
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { tsImport } from "tsx/esm/api"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const work = mkdtempSync(join(tmpdir(), "lifeline-openapi-"))

/** @param {string} what @param {string} command @param {string[]} args */
const run = (what, command, args) => {
  console.log(`check-openapi: ${what}`)
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" })
  if (result.status !== 0) {
    console.error(`check-openapi: ${what} failed (exit ${result.status ?? result.signal})`)
    process.exit(1)
  }
}

try {
  /** @type {{ servedDocument: () => Promise<unknown> }} */
  const kit = await tsImport("../apps/api/src/contract-kit.ts", import.meta.url)
  const documentPath = join(work, "openapi.json")
  writeFileSync(documentPath, JSON.stringify(await kit.servedDocument(), null, 2))
  const bin = (/** @type {string} */ name) => join(root, "node_modules", ".bin", name)
  run("redocly lint", bin("redocly"), ["lint", documentPath, "--config", join(root, "redocly.yaml")])
  run("openapi-typescript", "npm", [
    "exec",
    "--yes",
    "--package=openapi-typescript@7.13.0",
    "--package=typescript@5.9.3",
    "--",
    "openapi-typescript",
    documentPath,
    "-o",
    join(work, "schema.d.ts"),
  ])
  const sampleDir = join(root, "scripts", "openapi-sample")
  for (const file of readdirSync(sampleDir).filter((f) => f.endsWith(".ts")))
    copyFileSync(join(sampleDir, file), join(work, file))
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({
      extends: join(root, "tsconfig.base.json"),
      compilerOptions: { lib: ["ES2023", "DOM"], types: [], skipLibCheck: false },
      include: ["*.ts"],
    }),
  )
  run("typecheck the sample against the generated client", bin("tsc"), ["-p", join(work, "tsconfig.json")])
  console.log("check-openapi: the served document is valid, and a client generated from it typechecks")
} finally {
  rmSync(work, { recursive: true, force: true })
}
