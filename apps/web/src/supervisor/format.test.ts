import { describe, expect, it } from "vitest"
import { formatEwt } from "./format"

describe("formatEwt", () => {
  it("R5 shows the estimate as minutes and seconds", () => {
    expect(formatEwt(0)).toBe("0:00")
    expect(formatEwt(80_000)).toBe("1:20")
    expect(formatEwt(540_000)).toBe("9:00")
    expect(formatEwt(3_599_400)).toBe("59:59")
    expect(formatEwt(3_723_000)).toBe("62:03")
  })

  it("R5 says why there is no estimate when nobody is staffed", () => {
    expect(formatEwt(null)).toBe("no staffed reps")
  })
})
