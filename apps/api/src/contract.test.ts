import { ApiErrorBody, ROUTES, type RouteDefinition } from "@lifeline/client"
import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { contractApp } from "./contract-kit"
import { documentValidator, type ServedDocument } from "./contract-validate"
import { KEYS } from "./test-kit"

/**
 * Issue 20: real answers against the documented contract. Every route is driven on the seeded
 * demo node with every route mounted; successes are decoded with the route's reply schema held
 * closed (no field the document does not state), refusals with the shared ApiError schema, and
 * each status seen must be one the served document lists for the operation. Every answer is
 * also validated by Ajv against the schema the SERVED /api/openapi.json gives for that operation
 * and status: an independent validator, so a document that drifts from the answers fails here.
 */
let node: Awaited<ReturnType<typeof contractApp>>
let spec: ServedDocument
let validate: ReturnType<typeof documentValidator>
beforeAll(async () => {
  node = await contractApp()
  spec = (await (await node.app.request("/api/openapi.json")).json()) as ServedDocument
  validate = documentValidator(spec)
})
afterAll(() => node.dispose())

const KEY_OF = {
  admin: KEYS.admin,
  integrator: KEYS.integrator,
  supervisor: KEYS.supervisor,
  rep: KEYS.ana,
} as const
/** The seeded demo's ids: ana is a rep of billing. */
const FIXTURE: Record<string, string> = { repId: "ana", queueId: "billing" }

const call = (route: RouteDefinition, key: string | undefined, body?: unknown) =>
  node.app.request(
    route.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(FIXTURE[p] ?? "none")),
    {
      method: route.method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    },
  )

const documented = (route: RouteDefinition, status: number) =>
  Object.keys(spec.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {}).includes(String(status))

const closed = { onExcessProperty: "error" } as const

/** An answer's body, valid for the served document's schema of its operation and status. */
const documentedBody = async (route: RouteDefinition, res: Response): Promise<unknown> => {
  const body: unknown = await res.json()
  const where = `${route.method} ${route.path} ${res.status}`
  expect(validate(route.path, route.method, res.status, body), `${where}: ${JSON.stringify(body)}`).toEqual(
    [],
  )
  return body
}

const expectRefusal = async (route: RouteDefinition, res: Response, status: number) => {
  expect(res.status).toBe(status)
  expect(documented(route, status), `${route.method} ${route.path} documents ${status}`).toBe(true)
  Schema.decodeUnknownSync(ApiErrorBody, closed)(await documentedBody(route, res))
}

const entries = Object.entries(ROUTES) as [string, RouteDefinition][]
const rolesOf = (route: RouteDefinition) => (route.roles === "public" ? [] : route.roles)

describe("issue 20 contract: every route's real answers match its documented schema", () => {
  it.each(
    entries.filter(([, r]) => r.method === "GET" && (r.media ?? "application/json") === "application/json"),
  )("%s answers its documented reply", async (_, route) => {
    const role = rolesOf(route)[0] ?? "admin"
    const res = await call(route, KEY_OF[role])
    const status = route.status ?? 200
    if (res.status !== status) {
      // An id the demo does not have (an item, a callback, a session, a call): a documented 404.
      return expectRefusal(route, res, 404)
    }
    expect(documented(route, status)).toBe(true)
    Schema.decodeUnknownSync(route.reply, closed)(await documentedBody(route, res))
  })

  it.each(entries)("%s: no key is a documented 401 ApiError (N4)", async (_, route) => {
    await expectRefusal(route, await call(route, undefined, route.body === undefined ? undefined : {}), 401)
  })

  it.each(entries.filter(([, r]) => rolesOf(r).length < 4))(
    "%s: a role not listed is a documented 403 ApiError (N4)",
    async (_, route) => {
      const outsider = (["integrator", "supervisor", "rep", "admin"] as const).find(
        (r) => !rolesOf(route).includes(r),
      )
      await expectRefusal(
        route,
        await call(route, KEY_OF[outsider ?? "rep"], route.body === undefined ? undefined : {}),
        403,
      )
    },
  )

  /** Routes whose path ids the demo has: their body is decoded before anything is looked up. */
  const decodable = entries.filter(
    ([, r]) =>
      r.body !== undefined &&
      [...r.path.matchAll(/\{(\w+)\}/g)].every((m) => FIXTURE[m[1] as string] !== undefined),
  )
  it.each(decodable)("%s: bad input is a documented 400 ApiError (N3)", async (_, route) => {
    // An admin where allowed: a rep completing its own work sends no body at all.
    const role = rolesOf(route).includes("admin") ? "admin" : (rolesOf(route)[0] ?? "admin")
    await expectRefusal(route, await call(route, KEY_OF[role], { notAField: 1 }), 400)
  })

  it.each(entries.filter(([, r]) => r.body !== undefined))(
    "%s: a body over 64 KiB is a documented 413 ApiError",
    async (_, route) => {
      const role = rolesOf(route)[0] ?? "admin"
      await expectRefusal(
        route,
        await call(route, KEY_OF[role], JSON.stringify({ pad: "x".repeat(70_000) })),
        413,
      )
    },
  )

  it("E2 the emergency dial's refusal is a documented 422 with `reasons` the shared error admits", async () => {
    const route = ROUTES.dialEmergency
    const res = await call(route, KEYS.ana, { dialString: "911", location: { region: "FR" } })
    expect(res.status).toBe(422)
    expect(documented(route, 422)).toBe(true)
    const body = Schema.decodeUnknownSync(ApiErrorBody, closed)(await documentedBody(route, res))
    expect(body.error.reasons?.length).toBeGreaterThan(0)
    // E1, E3: the refusal is still recorded for the operator, beside the error the rep was answered.
    const log = await get<{ _tag: string; repId?: string; region?: string }[]>(
      "/api/emergency/log",
      KEYS.admin,
    )
    expect(log).toContainEqual(
      expect.objectContaining({ _tag: "EmergencyDialRefused", repId: "ana", region: "FR" }),
    )
  })

  it("C7 a scheduled callback's answers (201, then its view) match their documented replies", async () => {
    const created = await call(ROUTES.requestCallback, KEYS.integrator, {
      number: "+14155550123",
      queueId: "billing",
    })
    expect(created.status).toBe(201)
    const { callbackId } = Schema.decodeUnknownSync(
      ROUTES.requestCallback.reply,
      closed,
    )(await documentedBody(ROUTES.requestCallback, created))
    const view = await node.app.request(`/api/callbacks/${encodeURIComponent(callbackId)}`, {
      headers: { authorization: `Bearer ${KEYS.integrator}` },
    })
    expect(view.status).toBe(200)
    Schema.decodeUnknownSync(ROUTES.callback.reply, closed)(await documentedBody(ROUTES.callback, view))
  })
})

/** One command route driven for real: who asks, the path's ids, the body. */
interface Step {
  readonly route: keyof typeof ROUTES
  readonly key: string
  readonly ids?: Readonly<Record<string, string>>
  readonly body?: unknown
}

const send = (step: Step) => {
  const route = ROUTES[step.route] as RouteDefinition
  const ids = { ...FIXTURE, ...step.ids }
  return node.app.request(
    route.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(ids[p] ?? "none")),
    {
      method: route.method,
      headers: {
        authorization: `Bearer ${step.key}`,
        ...(step.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
    },
  )
}

/** Run a step and check its success answer against the document and the client's schema. */
const answered = async (step: Step): Promise<unknown> => {
  const route = ROUTES[step.route] as RouteDefinition
  const res = await send(step)
  const ok = [route.status ?? 200, ...(route.alsoOk ?? [])]
  if (!ok.includes(res.status as 200 | 201))
    throw new Error(`${step.route}: ${res.status} ${await res.text()}`)
  expect(documented(route, res.status), `${step.route} documents ${res.status}`).toBe(true)
  return Schema.decodeUnknownSync(route.reply, closed)(await documentedBody(route, res))
}

const get = async <A>(path: string, key: string): Promise<A> =>
  (await (await node.app.request(path, { headers: { authorization: `Bearer ${key}` } })).json()) as A

describe("issue 20 contract: command routes answer their documented resource, not events", () => {
  it("R1, R2, R5, R6 admin commands answer what they set, valid for the served document", async () => {
    const admin = KEYS.admin
    expect(
      await answered({
        route: "definePresence",
        key: admin,
        body: { presenceId: "meeting", label: "Meeting", base: "busy" },
      }),
    ).toEqual({ presenceId: "meeting", label: "Meeting", base: "busy" })
    expect(
      await answered({
        route: "registerRep",
        key: admin,
        body: { repId: "zoe", name: "Zoe", presenceId: "offline", capacity: { voice: 1 } },
      }),
    ).toMatchObject({ repId: "zoe", presenceId: "offline" })
    // Caro back from lunch: a repeat of the same presence answers the same rep.
    const back: Step = {
      route: "setPresence",
      key: KEYS.caro,
      ids: { repId: "caro" },
      body: { presenceId: "available" },
    }
    const caro = await answered(back)
    expect(caro).toMatchObject({ repId: "caro", presenceId: "available", base: "available" })
    expect(await answered(back)).toEqual(caro)
    expect(
      await answered({
        route: "setCapacity",
        key: admin,
        ids: { repId: "zoe" },
        body: { capacity: { voice: 2 } },
      }),
    ).toMatchObject({ repId: "zoe", capacity: { voice: { total: 2, used: 0 } } })
    expect(
      await answered({
        route: "createQueue",
        key: admin,
        body: { queueId: "returns", name: "Returns", members: [] },
      }),
    ).toMatchObject({
      queueId: "returns",
      waiting: 0,
    })
    expect(
      await answered({ route: "addMember", key: admin, ids: { queueId: "returns" }, body: { repId: "zoe" } }),
    ).toEqual({ queueId: "returns", members: ["zoe"] })
    expect(
      await answered({ route: "removeMember", key: admin, ids: { queueId: "returns", repId: "zoe" } }),
    ).toEqual({
      queueId: "returns",
      members: [],
    })
    expect(
      await answered({
        route: "defineWorkstream",
        key: admin,
        body: { workstreamId: "chat", name: "Chat", rules: [], fallbackQueueId: "returns" },
      }),
    ).toMatchObject({ workstreamId: "chat", fallbackQueueId: "returns" })
    expect(await answered({ route: "setQueueOverflow", key: admin, body: { rules: [] } })).toEqual({
      rules: [],
    })
  })

  it("R3, R4 items and offers answer the item's position, the offer and the work", async () => {
    const enqueued = await answered({
      route: "enqueueItem",
      key: KEYS.integrator,
      body: { itemId: "contract-1", queueId: "billing" },
    })
    expect(enqueued).toEqual(await get("/api/items/contract-1/position", KEYS.integrator))
    expect(
      await answered({
        route: "routeIncoming",
        key: KEYS.integrator,
        body: { itemId: "contract-2", workstreamId: "inbound-voice" },
      }),
    ).toMatchObject({ itemId: "contract-2", queueId: "support" })

    /** Ana completes her work; the router offers her the next billing call. */
    const finish = async () => {
      const [work] = await get<{ itemId: string }[]>("/api/reps/ana/work", KEYS.ana)
      if (work === undefined) throw new Error("ana has no work")
      expect(await answered({ route: "complete", key: KEYS.ana, ids: { itemId: work.itemId } })).toEqual({
        itemId: work.itemId,
        queueId: "billing",
        repId: "ana",
        status: "completed",
      })
      const [offer] = await get<{ offerId: string }[]>("/api/reps/ana/offers", KEYS.ana)
      if (offer === undefined) throw new Error("ana was offered nothing")
      return offer
    }
    const first = await finish()
    expect(await answered({ route: "accept", key: KEYS.ana, ids: { offerId: first.offerId } })).toMatchObject(
      {
        answer: "accepted",
        offer: first,
        work: { kind: "call" },
      },
    )
    const second = await finish()
    expect(await answered({ route: "decline", key: KEYS.ana, ids: { offerId: second.offerId } })).toEqual({
      answer: "declined",
      offer: second,
      work: null,
    })
  })

  it("E1, E10 the dial answers the session started; the end answers the session ended and the presence restored", async () => {
    const started = (await answered({
      route: "dialEmergency",
      key: KEYS.ben,
      ids: { repId: "ben" },
      body: { dialString: "933", location: { region: "US" } },
    })) as { sessionId: string }
    expect(started).toMatchObject({ _tag: "Started", test: true })
    expect(await answered({ route: "endEmergency", key: KEYS.ben, ids: { repId: "ben" }, body: {} })).toEqual(
      {
        repId: "ben",
        sessionId: started.sessionId,
        presenceId: "available",
        base: "available",
      },
    )
  })

  it("E1-E3, E5, E9, E11 emergency settings answer the settings as stored", async () => {
    const admin = KEYS.admin
    expect(
      await answered({
        route: "setEmergencyContacts",
        key: admin,
        ids: { repId: "ben" },
        body: { contacts: "desk@example.com" },
      }),
    ).toEqual({ repId: "ben", contacts: ["desk@example.com"], mailboxEnabled: true })
    expect(
      await answered({ route: "setMailbox", key: admin, ids: { repId: "ben" }, body: { enabled: false } }),
    ).toMatchObject({
      mailboxEnabled: false,
    })
    const us = {
      region: "US",
      name: "United States",
      timeZone: "America/New_York",
      locale: "en-US",
      emergencyNumbers: ["911"],
      testNumbers: ["933"],
    }
    expect(await answered({ route: "setEmergencyRegions", key: admin, body: { regions: [us] } })).toEqual({
      regions: [{ ...us, aliases: [] }],
    })
    const profile = {
      profileId: "voice-out-2",
      name: "Second line",
      callingNumber: "+15550100007",
      capacityProfiles: ["voice"],
    }
    expect(await answered({ route: "defineOutboundProfile", key: admin, body: profile })).toEqual(profile)
    const carrier = { callingPlanNumbers: ["+15550100000", "+15550100007"], directRoutingRules: [] }
    expect(await answered({ route: "setEmergencyCarrier", key: admin, body: carrier })).toEqual(carrier)
    expect(
      await answered({
        route: "setCallbackPool",
        key: admin,
        body: { numbers: ["+15550100001"], overflowNumber: null, fallbackRepIds: ["ben"] },
      }),
    ).toMatchObject({ size: 1, overflowNumber: null, fallbackRepIds: ["ben"] })
    expect(
      await answered({
        route: "setEmergencyTemplate",
        key: admin,
        body: { subject: "Emergency", body: "{{repName}} dialled" },
      }),
    ).toMatchObject({ subject: "Emergency", body: "{{repName}} dialled" })
  })

  it("N1 a store that is down is a documented 503 ApiError, and the command changed nothing", async () => {
    const down: Step = {
      route: "enqueueItem",
      key: KEYS.integrator,
      body: { itemId: "contract-down", queueId: "billing" },
    }
    node.setStoreDown(true)
    try {
      await expectRefusal(ROUTES.enqueueItem, await send(down), 503)
    } finally {
      node.setStoreDown(false)
    }
    const position = await node.app.request("/api/items/contract-down/position", {
      headers: { authorization: `Bearer ${KEYS.integrator}` },
    })
    expect(position.status).toBe(404)
    // The store is back: the same command is stored now.
    expect(await answered(down)).toMatchObject({ itemId: "contract-down" })
  })

  it("B6, R5 a retry of an unknown message and a requeue of an item not escalated are documented refusals", async () => {
    await expectRefusal(
      ROUTES.retryDelivery,
      await send({ route: "retryDelivery", key: KEYS.admin, ids: { messageId: "none" } }),
      404,
    )
    await expectRefusal(
      ROUTES.requeue,
      await send({ route: "requeue", key: KEYS.supervisor, ids: { itemId: "contract-1" } }),
      409,
    )
  })
})
