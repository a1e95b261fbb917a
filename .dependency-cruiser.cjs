/**
 * ARCHITECTURE rule 4, issue 18: modules have walls. `pnpm check` runs this through
 * scripts/check-modules.mjs over packages/core/src. Type-only imports count (see
 * scripts/depcruise-imports.cjs): a wall holds for types as well.
 */
/** The module folders of the core; each owns its slice of the center's state. */
const MODULES = "(routing|callback|calls|emergency|audit|history|outbox|center)"

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "An import cycle means two files cannot be understood (or changed) one without the other; " +
        "break it by moving the shared part to the kernel or by reading through a module's read interface.",
      from: {},
      to: { circular: true },
    },
    {
      name: "module-reads-another-modules-state-or-decide",
      severity: "error",
      comment:
        "A module owns its slice of the state: others read it through the read interface it exports " +
        "(its reads.ts) and ask it to act through a command or a follow-up, never by importing its " +
        "state or calling its decide (ARCHITECTURE rule 4).",
      // Tests and test kits drive the whole center on purpose (they are not a module's code);
      // center/state.ts is where the slices are put together into the one state.
      from: {
        path: `^packages/core/src/${MODULES}/`,
        pathNot: "\\.test\\.ts$|test-kit\\.ts$|^packages/core/src/center/state\\.ts$",
      },
      to: {
        path: `^packages/core/src/${MODULES}/(state|decide)\\.ts$`,
        pathNot: "^packages/core/src/$1/",
      },
    },
    {
      name: "kernel-imports-no-module",
      severity: "error",
      comment:
        "The kernel (module contract, Emit, tags, shared errors) is what every module builds on; it may " +
        "use the ports (timers) but " +
        "no module: if it imported one, that module could not import the kernel without a cycle.",
      from: { path: "^packages/core/src/kernel/" },
      to: { path: "^packages/core/src/", pathNot: "^packages/core/src/(kernel|ports)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    babelConfig: { fileName: "scripts/depcruise-imports.cjs" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
    exclude: { path: "\\.d\\.ts$" },
  },
}
