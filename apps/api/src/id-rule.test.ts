import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type ApiHarness, apiHarness, json, KEYS } from "./test-kit"

let h: ApiHarness
beforeEach(async () => {
  h = await apiHarness()
})
afterEach(() => h.dispose())

/** `"\ud800"` as JSON text: the escape itself, as a client sends it (a JS string cannot hold it raw in a body). */
const LONE = "\\ud800"

/** Routes that create something named by a client's id, with a body that is valid but for `id`. */
const CREATES = [
  {
    path: "/api/queues",
    field: "queueId",
    body: (id: string) => `{"queueId":"${id}","name":"Q"}`,
  },
  {
    path: "/api/workstreams",
    field: "workstreamId",
    body: (id: string) => `{"workstreamId":"${id}","name":"W","rules":[],"fallbackQueueId":"billing"}`,
  },
  {
    path: "/api/emergency/outbound-profiles",
    field: "profileId",
    body: (id: string) =>
      `{"profileId":"${id}","name":"P","callingNumber":"+15550100000","capacityProfiles":["voice"]}`,
  },
  {
    path: "/api/reps",
    field: "repId",
    body: (id: string) => `{"repId":"${id}","name":"R","capacity":{"voice":1}}`,
  },
  {
    path: "/api/presences",
    field: "presenceId",
    body: (id: string) => `{"presenceId":"${id}","label":"L","base":"away"}`,
  },
] as const

describe("N3 one id rule (issue 16): a bad id is a 400 naming the field, never a 500, and changes nothing", () => {
  it("issue 16: a lone UTF-16 surrogate as the id of a queue, workstream, outbound profile, rep or presence", async () => {
    for (const route of CREATES) {
      const before = await h.storedEvents()
      const res = await h.request(KEYS.admin, "POST", route.path, route.body(LONE))
      expect(res.status, route.path).toBe(400)
      const { error } = (await json(res)) as { error: { code: string; field: string; message: string } }
      expect(error, route.path).toMatchObject({ code: "InvalidField", field: route.field })
      expect(error.message).toMatch(/lone UTF-16 surrogate/)
      expect(await h.storedEvents(), route.path).toBe(before)
      // The same body with an ordinary id is taken: the id alone was refused.
      const ok = await h.request(KEYS.admin, "POST", route.path, route.body(`ok-${route.field}`))
      expect(ok.status, route.path).toBe(201)
    }
  })

  it("issue 16: '/', control characters and over-long ids in a client's id are refused on every creating route", async () => {
    const bad = [
      ["a/b", /must not contain '\/'/],
      ["a\\u0000b", /control or format characters/],
      ["a\\nb", /control or format characters/],
      ["a\\u200bb", /control or format characters/],
      [" padded", /leading or trailing whitespace/],
      ["x".repeat(129), /128/],
    ] as const
    const before = await h.storedEvents()
    for (const route of CREATES) {
      for (const [id, reason] of bad) {
        const res = await h.request(KEYS.admin, "POST", route.path, route.body(id))
        expect(res.status, `${route.path} ${id}`).toBe(400)
        const { error } = (await json(res)) as { error: { field: string; message: string } }
        expect(error.field, `${route.path} ${id}`).toBe(route.field)
        expect(error.message, `${route.path} ${id}`).toMatch(reason)
      }
    }
    expect(await h.storedEvents()).toBe(before)
  })

  it("N3 ids inside bodies follow the same rule: queue members, workstream rules, items, callbacks", async () => {
    const before = await h.storedEvents()
    const cases = [
      ["POST", "/api/queues/billing/members", `{"repId":"${LONE}"}`, "repId"],
      [
        "POST",
        "/api/workstreams",
        `{"workstreamId":"ws","name":"W","rules":[{"ruleId":"r","conditions":[],"queueId":"a/b"}],"fallbackQueueId":"billing"}`,
        "rules[0].queueId",
      ],
      ["POST", "/api/items", `{"itemId":"${LONE}","queueId":"billing"}`, "itemId"],
      [
        "POST",
        "/api/callbacks",
        `{"callbackId":"cb/1","number":"+14155550123","queueId":"billing"}`,
        "callbackId",
      ],
      ["PUT", "/api/reps/ana/capacity", `{"capacity":{"vo/ice":1}}`, "capacity"],
    ] as const
    for (const [method, path, body, field] of cases) {
      const res = await h.request(KEYS.admin, method, path, body)
      expect(res.status, path).toBe(400)
      expect(((await json(res)) as { error: { field: string } }).error.field, path).toMatch(
        new RegExp(`^${field.replace(/[[\].]/g, "\\$&")}`),
      )
    }
    expect(await h.storedEvents()).toBe(before)
  })

  it("N3 a path parameter is checked with the same rule, and its 400 names the parameter", async () => {
    for (const [path, field] of [
      ["/api/reps/a%2Fb", "repId"],
      ["/api/queues/q%00", "queueId"],
      [`/api/queues/${"q".repeat(129)}`, "queueId"],
      ["/api/callbacks/cb%0A1", "callbackId"],
      ["/api/items/i%00/position", "itemId"],
    ] as const) {
      const res = await h.request(KEYS.admin, "GET", path)
      expect(res.status, path).toBe(400)
      expect(await json(res)).toMatchObject({ error: { code: "InvalidField", field } })
    }
  })

  it("issue 20: an id Lifeline issues is one path segment: an offer such as call-3~1 is answered at its path as it stands", async () => {
    expect(
      (await h.request(KEYS.admin, "PUT", "/api/reps/ana/capacity", { capacity: { voice: 2 } })).status,
    ).toBe(200)
    const listed = await h.request(KEYS.ana, "GET", "/api/reps/ana/offers")
    const offers = (await listed.json()) as { offerId: string }[]
    const offerId = offers[0]?.offerId
    expect(offerId).toMatch(/^[^/]+~\d+$/)
    const res = await h.request(KEYS.ana, "POST", `/api/offers/${offerId}/accept`)
    expect(res.status).toBe(200)
    // Issue 20: answered with the offer and the work it became.
    expect(await json(res)).toMatchObject({
      answer: "accepted",
      offer: { offerId },
      work: { itemId: expect.any(String) },
    })
  })
})
