import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LifelineApiError, lifelineClient } from "./client"
import { readView } from "./routes/run"
import { listen, type RunningServer } from "./server"
import { type ApiHarness, apiHarness, KEYS } from "./test-kit"

let h: ApiHarness
let server: RunningServer
beforeAll(async () => {
  h = await apiHarness()
  server = await listen(h.app, { port: 0, hostname: "127.0.0.1" })
})
afterAll(async () => {
  await server.close()
  await h.dispose()
})

describe("typed client over a real port", () => {
  it("R4 a rep finishes a call, is offered the next, and accepts it", async () => {
    const ana = lifelineClient(server.url, KEYS.ana)
    const [work] = await h.runtime.runPromise(
      readView((s) =>
        [...s.routing.items.values()].filter((i) => i.assignedTo?.repId === "ana").map((i) => i.itemId),
      ),
    )
    expect(work).toBeDefined()
    await ana.complete(work as string)
    const [offer] = await ana.offers("ana")
    expect(offer).toMatchObject({ repId: "ana", queueId: "billing", kind: "call" })
    const accepted = await ana.accept(offer?.offerId as string)
    // Issue 20: the typed reply, decoded with its schema: the offer and the work it became.
    expect(accepted).toMatchObject({
      answer: "accepted",
      offer,
      work: { itemId: offer?.itemId, kind: "call" },
    })
    expect(await ana.offers("ana")).toEqual([])
  })

  it("N3 errors arrive as LifelineApiError with status, code and field", async () => {
    const integrator = lifelineClient(server.url, KEYS.integrator)
    const error = await integrator.enqueueItem({ itemId: "x", queueId: "nope" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LifelineApiError)
    expect(error).toMatchObject({ status: 404, code: "UnknownEntity", field: "queueId" })
  })
})
