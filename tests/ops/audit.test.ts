import { DEMO_API_KEYS, lifelineClient } from "@lifeline/api/testing"
import { describe, expect, it } from "vitest"
import { startSqld } from "../durability/sqld"
import { opsKit } from "./kit"

const { tempDir, tempDb, start, stop } = opsKit("audit")

const ADMIN = "demo-admin-key"
/** The demo admin key, by the name DEMO_API_KEYS gives it. */
const ADMIN_ACTOR = { role: "admin", name: "demo admin" }

const call = async (url: string, key: string | undefined, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

interface Entry {
  readonly seq: number
  readonly at: string | null
  readonly actor: { role: string; name: string } | null
  readonly kind: string
  readonly target: string
  readonly before: unknown
  readonly after: unknown
}
interface Page {
  readonly entries: readonly Entry[]
  readonly next: number | null
}

const audit = async (url: string, query = "", key = ADMIN): Promise<Page> => {
  const res = await call(url, key, "GET", `/api/audit${query}`)
  expect(res.status).toBe(200)
  return res.body as unknown as Page
}

const setContacts = (url: string, contacts: string, extra: Record<string, unknown> = {}) =>
  call(url, ADMIN, "PUT", "/api/reps/ana/emergency-contacts", { contacts, ...extra })

describe("audit trail of configuration changes (issue 9)", () => {
  it("records an admin changing a rep's contact list twice: who, when, before and after (E11)", async () => {
    const node = await start(tempDb())
    const seeded = (await audit(node.url, "?target=reps/ana/emergency-contacts")).entries
    // The demo seed set the list without a caller.
    expect(seeded.map((e) => [e.actor, e.after])).toEqual([
      [null, ["safety@example.com", "Sam Lima <sam@example.org>"]],
    ])
    const from = Date.now()
    expect((await setContacts(node.url, "lead@example.com")).status).toBe(200)
    expect((await setContacts(node.url, "lead@example.com; night@example.org")).status).toBe(200)
    const to = Date.now()

    const { entries } = await audit(node.url, `?target=reps/ana/emergency-contacts&after=${seeded[0]?.seq}`)
    expect(entries.map(({ seq, at, ...rest }) => rest)).toEqual([
      {
        actor: ADMIN_ACTOR,
        kind: "EmergencyContactsSet",
        target: "reps/ana/emergency-contacts",
        before: ["safety@example.com", "Sam Lima <sam@example.org>"],
        after: ["lead@example.com"],
      },
      {
        actor: ADMIN_ACTOR,
        kind: "EmergencyContactsSet",
        target: "reps/ana/emergency-contacts",
        before: ["lead@example.com"],
        after: ["lead@example.com", "night@example.org"],
      },
    ])
    const [first, second] = entries
    expect(second?.seq).toBeGreaterThan(first?.seq ?? Number.POSITIVE_INFINITY)
    for (const e of entries) {
      expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
      const at = Date.parse(e.at ?? "")
      expect(at).toBeGreaterThanOrEqual(from)
      expect(at).toBeLessThanOrEqual(to)
    }
    // A refused list (N3) changes nothing and is not in the trail.
    expect((await setContacts(node.url, "not an address")).status).toBe(400)
    expect((await audit(node.url, "?target=reps/ana")).entries).toHaveLength(3)
    await stop(node)
  })

  it("records a template change and a queue rule change, and pages through them by seq (E11, C1)", async () => {
    const node = await start(tempDb())
    const template = { subject: "Emergency: {{repName}}", body: "{{repName}} dialled {{dialledNumber}}." }
    expect((await call(node.url, ADMIN, "PUT", "/api/emergency/template", template)).status).toBe(200)
    const rules = [{ condition: { _tag: "WaitingAbove", count: 5 }, action: { _tag: "DirectCallback" } }]
    const overflow = { rules, offerText: "Press 1 and we call you back." }
    expect((await call(node.url, ADMIN, "PUT", "/api/queues/billing/overflow", overflow)).status).toBe(200)
    expect((await call(node.url, ADMIN, "DELETE", "/api/queues/billing/members/ben")).status).toBe(200)

    const [tpl] = (await audit(node.url, "?target=emergency/template")).entries
    expect(tpl).toMatchObject({
      actor: ADMIN_ACTOR,
      kind: "NotificationTemplateSet",
      before: null,
      after: template,
    })
    const billing = (await audit(node.url, "?target=queues/billing")).entries.filter((e) => e.actor !== null)
    expect(billing.map((e) => [e.kind, e.target, e.before, e.after])).toEqual([
      ["QueueOverflowSet", "queues/billing/overflow", null, overflow],
      ["QueueMemberRemoved", "queues/billing/members", ["ana", "ben"], ["ana"]],
    ])

    // Every change, a page of two at a time, oldest first, no entry twice or missed.
    const all = (await audit(node.url, "?limit=1000")).entries
    const paged: Entry[] = []
    for (let after = 0, pages = 0; pages < 100; pages++) {
      const page = await audit(node.url, `?limit=2&after=${after}`)
      paged.push(...page.entries)
      if (page.next === null) break
      after = page.next
    }
    expect(paged).toEqual(all)
    // Newest first: the latest change leads, and the pages cover the same entries reversed.
    const newest: Entry[] = []
    for (let before: number | null = null, pages = 0; pages < 100; pages++) {
      const page: Page = await audit(
        node.url,
        `?order=newest&limit=3${before === null ? "" : `&before=${before}`}`,
      )
      newest.push(...page.entries)
      if (page.next === null) break
      before = page.next
    }
    expect(newest[0]).toMatchObject({ kind: "QueueMemberRemoved" })
    expect(newest).toEqual([...all].reverse())
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b))
    expect((await audit(node.url, `?since=${encodeURIComponent(tpl?.at ?? "")}`)).entries).toHaveLength(3)
    await stop(node)
  })

  it("N4 admins only: 401 without a key, 403 for a rep, a supervisor or an integrator; N3 bad queries are 400 naming the field", async () => {
    const node = await start(tempDb())
    expect((await call(node.url, undefined, "GET", "/api/audit")).status).toBe(401)
    for (const key of ["demo-rep-ana", "demo-supervisor-key", "demo-integrator-key"]) {
      const res = await call(node.url, key, "GET", "/api/audit")
      expect(res.status).toBe(403)
      expect(JSON.stringify(res.body)).not.toContain("safety@example.com")
    }
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=1001", "limit"],
      ["limit=ten", "limit"],
      ["after=-1", "after"],
      ["before=0", "before"],
      ["order=latest", "order"],
      ["since=yesterday", "since"],
      ["since=2026-02-31T00:00:00Z", "since"],
      ["target=", "target"],
      ["actor=key%201", "actor"],
    ] as const) {
      const res = await call(node.url, ADMIN, "GET", `/api/audit?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body, query).toMatchObject({ error: { code: "InvalidField", field } })
    }
    const spec = (await (await fetch(`${node.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>
    }
    const documented = spec.paths["/api/audit"]?.get?.parameters ?? []
    expect(documented.map((p) => `${p.in} ${p.name}`)).toEqual([
      "query target",
      "query since",
      "query after",
      "query before",
      "query order",
      "query limit",
    ])
    await stop(node)
  })

  it("a forged actor in the body is ignored: the change is the API key's", async () => {
    const node = await start(tempDb())
    const forged = { actor: { role: "admin", name: "someone else" } }
    expect((await setContacts(node.url, "lead@example.com", forged)).status).toBe(200)
    const res = await call(node.url, ADMIN, "POST", "/api/queues/sales/members", { repId: "ana", ...forged })
    expect(res.status).toBe(200)
    const mine = (await audit(node.url)).entries.filter((e) => e.actor !== null)
    expect(mine.map((e) => [e.target, e.actor])).toEqual([
      ["reps/ana/emergency-contacts", ADMIN_ACTOR],
      ["queues/sales/members", ADMIN_ACTOR],
    ])
    // Any other unknown field is still refused (N3).
    const typo = await setContacts(node.url, "x@example.com", { contact: "y@example.com" })
    expect(typo).toMatchObject({ status: 400, body: { error: { field: "contact" } } })
    await stop(node)
  })

  it("an admin key with a name is recorded by that name; one without by its place in the key list", async () => {
    const node = await start(tempDb(), { keys: `${DEMO_API_KEYS},alice-admin-key=admin:Alice Ames` })
    await call(node.url, "alice-admin-key", "PUT", "/api/reps/ben/emergency-contacts", {
      contacts: "a@example.com",
    })
    await call(node.url, ADMIN, "PUT", "/api/reps/ben/emergency-contacts", { contacts: "b@example.com" })
    const { entries } = await audit(node.url, "?target=reps/ben")
    expect(entries.map((e) => e.actor)).toEqual([null, { role: "admin", name: "Alice Ames" }, ADMIN_ACTOR])
    await stop(node)
  })

  it("N1 after a restart on the same file the entries are still there, same seq and content", async () => {
    const file = tempDb()
    const first = await start(file)
    await setContacts(first.url, "lead@example.com")
    await call(first.url, ADMIN, "PUT", "/api/emergency/template", {
      subject: "SOS {{repName}}",
      body: "Call.",
    })
    const before = await audit(first.url)
    expect(before.entries.filter((e) => e.actor !== null)).toHaveLength(2)
    await stop(first)

    const second = await start(file)
    expect(await audit(second.url)).toEqual(before)
    // The next change continues the sequence, with the last value as its `before`.
    await setContacts(second.url, "night@example.org")
    const admin = lifelineClient(second.url, ADMIN)
    const latest = await admin.audit({ target: "reps/ana", after: before.entries.at(-1)?.seq ?? 0 })
    expect(latest.entries.map((e) => [e.before, e.after])).toEqual([
      [["lead@example.com"], ["night@example.org"]],
    ])
    await stop(second)
  })

  it("two nodes on one sqld answer the same trail: a change made on one is read on the other", async () => {
    const sqld = await startSqld(tempDir())
    try {
      const a = await start(sqld.url)
      const b = await start(sqld.url)
      await setContacts(a.url, "lead@example.com")
      const onA = await audit(a.url)
      expect(onA.entries.at(-1)).toMatchObject({ actor: ADMIN_ACTOR, after: ["lead@example.com"] })
      await expect.poll(() => audit(b.url), { timeout: 5_000 }).toEqual(onA)
      await stop(a)
      await stop(b)
    } finally {
      await sqld.stop()
    }
  })
})
