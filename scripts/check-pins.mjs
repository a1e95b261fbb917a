#!/usr/bin/env node
/**
 * The pinning rule (README, "Platform and versions"): every dependency of every package.json in
 * the workspace names one exact version (`1.2.3`, or a prerelease such as `0.24.1-pre.42`), or
 * `workspace:*` for a package of this repository. No ranges (`^`, `~`, `>=`, `*`, `x`), tags or URLs.
 *
 * Usage: node scripts/check-pins.mjs [repository root]. Prints each offending entry and exits 1.
 * Plain Node, no dependencies.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/
const SECTIONS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]

/**
 * The package.json files of the workspace: the root and one level under each listed folder.
 * @param {string} root
 */
export function manifests(root) {
  const found = [join(root, "package.json")]
  for (const folder of ["packages", "apps"]) {
    const dir = join(root, folder)
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name, "package.json")
      if (entry.isDirectory() && existsSync(file)) found.push(file)
    }
  }
  const tests = join(root, "tests", "package.json")
  if (existsSync(tests)) found.push(tests)
  return found
}

/**
 * The entries of one manifest that break the rule.
 * @param {Record<string, unknown>} manifest
 * @returns {{ section: string, name: string, version: string }[]}
 */
export function unpinned(manifest) {
  const bad = []
  for (const section of SECTIONS) {
    const deps = /** @type {Record<string, string> | undefined} */ (manifest[section])
    if (!deps) continue
    for (const [name, version] of Object.entries(deps)) {
      if (version === "workspace:*" || EXACT.test(version)) continue
      bad.push({ section, name, version })
    }
  }
  return bad
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "..", ".."))
  let failures = 0
  for (const file of manifests(root)) {
    for (const { section, name, version } of unpinned(JSON.parse(readFileSync(file, "utf8")))) {
      console.error(`${file}: ${section}.${name} is "${version}": pin one exact version`)
      failures++
    }
  }
  if (failures > 0) process.exit(1)
  console.log("pins: every dependency names one exact version")
}
