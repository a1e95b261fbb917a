import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, KEYS } from "../test-kit"

/**
 * Issue 19, W1: a rep transfers a call to a colleague, so it reads the reps who share one of its
 * queues (N4: no one else); supervisors still see the reps of their queues, readers every rep.
 */
let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

const repIds = async (key: string) => {
  const res = await h.request(key, "GET", "/api/reps")
  expect(res.status).toBe(200)
  return ((await res.json()) as { repId: string }[]).map((r) => r.repId).sort()
}

describe("GET /api/reps for a rep (issue 19, W1, N4)", () => {
  it("W1 N4 ana (billing) reads billing's reps only: herself and ben", async () => {
    expect(await repIds(KEYS.ana)).toEqual(["ana", "ben"])
  })

  it("N4 an admin still reads every rep", async () => {
    expect(await repIds(KEYS.admin)).toEqual(["ana", "ben", "caro", "dan", "eve"])
  })
})
