import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, KEYS } from "../test-kit"

let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

interface SseMessage {
  readonly id?: string
  readonly event?: string
  readonly data: string
}

/** Read SSE messages from a response until `enough` says stop, then cancel the stream. */
const readSse = async (res: Response, enough: (messages: SseMessage[]) => boolean): Promise<SseMessage[]> => {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  const messages: SseMessage[] = []
  let buffer = ""
  while (!enough(messages)) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end = buffer.indexOf("\n\n")
    while (end >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields = Object.fromEntries(
        block
          .split("\n")
          .filter((l) => !l.startsWith(":") && l.includes(":"))
          .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trimStart()]),
      )
      if (fields.data !== undefined) messages.push(fields as unknown as SseMessage)
      end = buffer.indexOf("\n\n")
    }
  }
  await reader.cancel()
  return messages
}

const stream = (key: string, lastEventId?: string) =>
  h.app.request("/api/events", {
    headers: {
      authorization: `Bearer ${key}`,
      ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
    },
  })

describe("live events (SSE)", () => {
  it("a rep's stream carries that rep's events only, with the stream version as id", async () => {
    const res = await stream(KEYS.ana)
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const reading = readSse(res, (m) => m.some((x) => x.event === "events"))
    await new Promise((r) => setTimeout(r, 20))
    await h.request(KEYS.ben, "PUT", "/api/reps/ben/presence", { presenceId: "away" })
    await h.request(KEYS.ana, "PUT", "/api/reps/ana/presence", { presenceId: "away" })
    const messages = await reading
    const events = messages.filter((m) => m.event === "events")
    expect(events).toHaveLength(1)
    expect(JSON.parse(events[0]?.data ?? "[]")).toMatchObject([
      { _tag: "PresenceChanged", repId: "ana", to: "away" },
    ])
    expect(Number(events[0]?.id)).toBe(await h.storedEvents())
  })

  it("a rep who reconnects with Last-Event-ID gets what it missed, and nothing twice", async () => {
    const mark = await h.storedEvents()
    await h.request(KEYS.ana, "PUT", "/api/reps/ana/presence", { presenceId: "away" })
    await h.request(KEYS.ana, "PUT", "/api/reps/ana/presence", { presenceId: "available" })
    const messages = await readSse(await stream(KEYS.ana, String(mark)), (m) =>
      m.some((x) => x.event === "ready"),
    )
    const missed = messages
      .filter((m) => m.event === "events")
      .flatMap((m) => JSON.parse(m.data) as { to: string }[])
    expect(missed.map((e) => e.to)).toEqual(["away", "available"])
  })

  it("E8 a supervisor's stream carries queue views, not raw events", async () => {
    const first = await readSse(await stream(KEYS.supervisor), (m) => m.length >= 1)
    expect(first[0]?.event).toBe("queues")
    const reading = readSse(
      await stream(KEYS.supervisor),
      (m) => m.filter((x) => x.event === "queues").length >= 2,
    )
    await new Promise((r) => setTimeout(r, 20))
    await h.request(KEYS.integrator, "POST", "/api/items", { itemId: "live-1", queueId: "billing" })
    const after = await reading
    expect(after.every((m) => m.event === "queues" || m.event === "emergencies")).toBe(true)
    expect(JSON.parse(after.find((m) => m.event === "emergencies")?.data ?? "{}")).toEqual({
      activeEmergencies: 0,
    })
    const views = JSON.parse(after.filter((m) => m.event === "queues")[1]?.data ?? "[]") as {
      queueId: string
      waiting: number
    }[]
    expect(views.find((v) => v.queueId === "billing")?.waiting).toBe(3)
  })

  it("C5 a supervisor's queue views count the queue's pending callbacks", async () => {
    const reading = readSse(
      await stream(KEYS.supervisor),
      (m) => m.filter((x) => x.event === "queues").length >= 2,
    )
    await new Promise((r) => setTimeout(r, 20))
    await h.request(KEYS.integrator, "POST", "/api/callbacks", { queueId: "billing", number: "+15557654321" })
    const queues = (await reading).filter((m) => m.event === "queues")
    const count = (i: number) =>
      (JSON.parse(queues[i]?.data ?? "[]") as { queueId: string; callbacksPending: number }[]).find(
        (v) => v.queueId === "billing",
      )?.callbacksPending
    expect([count(0), count(1)]).toEqual([0, 1])
  })
})
