#!/usr/bin/env node
/**
 * Old build against new, in the same run (issue 18, Must show: `bench:routing` and
 * `bench:simulator` not slower). The old build is a git ref checked out in a temporary worktree
 * (its own sources, this repository's installed dependencies); the new one is the working tree
 * as it is, uncommitted changes included. Both are bundled the way the package scripts bundle
 * them, then run interleaved, alternating which goes first (ABBA…), so drift of a shared machine
 * falls on both. Prints every figure's medians and the new/old ratio with a 95% bootstrap
 * interval, and the median of the rounds' paired ratios with its own: above 1 is faster (every
 * figure is a rate).
 *
 * Usage: node bench/compare.mjs [--ref <git ref>] [--rounds <n>] [--bench routing,simulator]
 *                               [--sim-args="<simulator bench flags>"]
 *   --ref       the old build (default HEAD: the last commit against the working tree)
 *   --rounds    runs of each build per bench (default 5)
 *   --sim-args  default "--workers 1 --hours 6": one thread, so the figure is the core's, not the
 *               scheduler's
 */
import { execFileSync, spawnSync } from "node:child_process"
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { build } from "esbuild"

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..")

/** A figure printed by a bench: the number after `pattern` (commas allowed). */
const printed = (pattern) => (out) => {
  const match = pattern.exec(out)
  return match === null ? undefined : Number((match[1] ?? "").replaceAll(",", ""))
}

/**
 * The benches as the root package.json runs them (`bench:routing`, `bench:simulator`), and the
 * figures read from a run (its output, and the CPU seconds the process used): each a rate,
 * higher is better. The simulator's run is a fixed amount of work, so its calls per CPU second
 * also compare builds on a machine that others are using (wall-clock rates then vary widely).
 */
const BENCHES = {
  routing: {
    entry: "bench/routing.bench.ts",
    format: "esm",
    node: ["--max-old-space-size=256", "--max-semi-space-size=64", "--expose-gc"],
    args: () => [],
    logLevel: "warning",
    figures: [
      ["decision step (decisions/s)", printed(/routing: ([\d,.]+) assignment decisions\/s \(decision step/)],
      ["steady state (decisions/s)", printed(/routing: ([\d,.]+) assignment decisions\/s \(steady state/)],
      ["item-driven (decisions/s)", printed(/routing: ([\d,.]+) assignment decisions\/s \(item-driven/)],
    ],
  },
  simulator: {
    entry: "apps/simulator/src/main.ts",
    format: "cjs",
    node: ["--max-semi-space-size=64", "--min-semi-space-size=64"],
    args: (options) => ["bench", ...options["sim-args"].split(/\s+/).filter(Boolean)],
    logLevel: "error",
    figures: [
      ["calls/s (wall)", printed(/([\d.]+) calls\/s/)],
      [
        "calls per CPU second",
        (out, cpuSeconds) => (printed(/: (\d+) calls in /)(out) ?? Number.NaN) / cpuSeconds,
      ],
    ],
  },
}

// `pnpm bench:compare -- --ref …` hands the script a leading `--`, which would end the options.
const argv = process.argv.slice(2)
if (argv[0] === "--") argv.shift()

const { values: options } = parseArgs({
  args: argv,
  options: {
    ref: { type: "string", default: "HEAD" },
    rounds: { type: "string", default: "5" },
    bench: { type: "string", default: "routing,simulator" },
    "sim-args": { type: "string", default: "--workers 1 --hours 6" },
  },
})

const fail = (message) => {
  console.error(`compare: ${message}`)
  process.exit(2)
}

const rounds = Number(options.rounds)
if (!Number.isInteger(rounds) || rounds < 2)
  fail(`--rounds must be an integer of at least 2, got ${options.rounds}`)
const benchNames = options.bench.split(",").filter(Boolean)
for (const name of benchNames)
  if (!(name in BENCHES)) fail(`--bench: unknown bench "${name}" (known: ${Object.keys(BENCHES).join(", ")})`)

const git = (...args) => execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8" }).trim()

/**
 * Give the worktree this repository's dependencies: the root node_modules as a link, and each
 * workspace package's own node_modules rebuilt entry by entry, so that its relative links (the
 * `@lifeline/*` workspace packages) point into the worktree and not at the new sources.
 */
const linkDependencies = (worktree) => {
  symlinkSync(join(ROOT, "node_modules"), join(worktree, "node_modules"))
  const mirror = (from, to) => {
    mkdirSync(to, { recursive: true })
    for (const name of readdirSync(from)) {
      const source = join(from, name)
      const target = join(to, name)
      const stat = lstatSync(source)
      if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target)
      else if (stat.isDirectory() && name.startsWith("@")) mirror(source, target)
      else symlinkSync(source, target)
    }
  }
  for (const group of ["packages", "apps", "tests"]) {
    const dirs = group === "tests" ? [""] : readdirSync(join(ROOT, group))
    for (const dir of dirs) {
      const modules = join(ROOT, group, dir, "node_modules")
      if (existsSync(join(worktree, group, dir)) && existsSync(modules))
        mirror(modules, join(worktree, group, dir, "node_modules"))
    }
  }
}

const bundle = async (root, bench, outfile) => {
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, bench.entry)],
    bundle: true,
    platform: "node",
    format: bench.format,
    logLevel: bench.logLevel,
    outfile,
  })
  return outfile
}

/** Prints the CPU seconds (user and system, every thread) of the process it is preloaded in. */
const CPU_REPORTER = `process.on("exit", () => {
  const { user, system } = process.cpuUsage()
  process.stderr.write("compare-cpu-seconds " + (user + system) / 1e6 + "\\n")
})
`

const run = (bench, file, cpuReporter) => {
  const ran = spawnSync(
    process.execPath,
    ["--import", cpuReporter, ...bench.node, file, ...bench.args(options)],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  if (ran.status !== 0) throw new Error(`${file} exited with ${ran.status}:\n${ran.stdout}\n${ran.stderr}`)
  const cpuSeconds = Number(/compare-cpu-seconds ([\d.]+)/.exec(ran.stderr)?.[1])
  return bench.figures.map(([label, figure]) => {
    const value = figure(ran.stdout, cpuSeconds)
    if (value === undefined || !Number.isFinite(value))
      throw new Error(`no "${label}" from ${file}:\n${ran.stdout}`)
    return value
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** mulberry32: a seeded generator, so the same samples give the same interval. */
const seeded = (seed) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A 95% percentile bootstrap interval of `statistic` over resamples of `xs` (seeded: same samples, same interval). */
const bootstrap = (statistic, resamples = 10_000) => {
  const random = seeded(20_251_204)
  const resample = (xs) => xs.map(() => xs[Math.floor(random() * xs.length)])
  const values = Array.from({ length: resamples }, () => statistic(resample))
  values.sort((a, b) => a - b)
  return [values[Math.floor(0.025 * resamples)], values[Math.floor(0.975 * resamples) - 1]]
}

/** median(new) / median(old), each side resampled alone. */
const ratioInterval = (old, now) => bootstrap((resample) => median(resample(now)) / median(resample(old)))

/**
 * The median of the rounds' own ratios new/old, the rounds resampled: the two builds of a round
 * run back to back, so a shared machine's slow spell mostly falls on both and cancels.
 */
const pairedInterval = (ratios) => bootstrap((resample) => median(resample(ratios)))

const fmt = (n) => Math.round(n).toLocaleString("en-US")

const main = async () => {
  const commit = git("rev-parse", "--verify", `${options.ref}^{commit}`)
  const scratch = mkdtempSync(join(tmpdir(), "lifeline-compare-"))
  const worktree = join(scratch, "old")
  git("worktree", "add", "--detach", "--quiet", worktree, commit)
  try {
    linkDependencies(worktree)
    const cpuReporter = join(scratch, "cpu-reporter.mjs")
    writeFileSync(cpuReporter, CPU_REPORTER)
    const dirty = git("status", "--porcelain", "--untracked-files=no").length > 0
    console.log(
      `old: ${options.ref} (${commit.slice(0, 12)}); new: the working tree${dirty ? " (with uncommitted changes)" : ""}; ` +
        `${rounds} rounds each, interleaved; node ${process.version}`,
    )
    for (const name of benchNames) {
      const bench = BENCHES[name]
      const ext = bench.format === "esm" ? "mjs" : "cjs"
      const builds = {
        old: await bundle(worktree, bench, join(scratch, `${name}.old.${ext}`)),
        new: await bundle(ROOT, bench, join(scratch, `${name}.new.${ext}`)),
      }
      const samples = { old: [], new: [] }
      for (let i = 0; i < rounds; i++) {
        const order = i % 2 === 0 ? ["old", "new"] : ["new", "old"]
        for (const side of order) samples[side].push(run(bench, builds[side], cpuReporter))
        const last = (side) => samples[side][i].map(fmt).join(" / ")
        console.log(`  ${name} round ${i + 1}: old ${last("old")}; new ${last("new")}`)
      }
      console.log(
        `${name}: figure, old median, new median, new/old [95% bootstrap interval]; ` +
          "paired: the median of the rounds' new/old [95% bootstrap interval]",
      )
      bench.figures.forEach(([label], f) => {
        const old = samples.old.map((s) => s[f])
        const now = samples.new.map((s) => s[f])
        const [low, high] = ratioInterval(old, now)
        const ratio = median(now) / median(old)
        const paired = now.map((n, i) => n / old[i])
        const [pairedLow, pairedHigh] = pairedInterval(paired)
        console.log(
          `  ${label}: ${fmt(median(old))} -> ${fmt(median(now))}, ${ratio.toFixed(3)} [${low.toFixed(3)}, ${high.toFixed(3)}]; ` +
            `paired ${median(paired).toFixed(3)} [${pairedLow.toFixed(3)}, ${pairedHigh.toFixed(3)}]`,
        )
      })
    }
  } finally {
    git("worktree", "remove", "--force", worktree)
    rmSync(scratch, { recursive: true, force: true })
  }
}

await main()
