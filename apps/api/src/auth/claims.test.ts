import { describe, expect, it } from "vitest"
import { type ClaimMapping, parseRoleMap, principalFromClaims } from "./claims"

/** Issue 21, N4: the claim mapping from an identity's claims to one Lifeline role. */
const mapping = (rolesClaim = "roles"): ClaimMapping => ({
  rolesClaim,
  repIdClaim: "rep_id",
  grants: parseRoleMap(
    "Lifeline.Admin=admin,Billing=supervisor:billing,Support=supervisor:support,All=supervisor:*,Lifeline.Rep=rep,Kiosk=rep:kiosk",
  ),
})

describe("issue 21 roles from the identity (N4)", () => {
  it("the strongest role wins; a supervisor's queues are the union of its values", () => {
    expect(principalFromClaims(mapping(), { name: "A", roles: ["Lifeline.Rep", "Lifeline.Admin"] })).toEqual({
      _tag: "principal",
      principal: { role: "admin", name: "A" },
    })
    expect(principalFromClaims(mapping(), { name: "S", roles: ["Billing", "Support"], rep_id: "s" })).toEqual(
      {
        _tag: "principal",
        principal: { role: "supervisor", name: "S", queues: new Set(["billing", "support"]) },
      },
    )
    expect(principalFromClaims(mapping(), { name: "S", roles: ["Billing", "All"] })).toMatchObject({
      principal: { queues: "all" },
    })
  })

  it("a rep's id comes from its claim, or from the entry; a bad one is refused in words", () => {
    expect(principalFromClaims(mapping(), { sub: "x", roles: "Lifeline.Rep", rep_id: "ana" })).toEqual({
      _tag: "principal",
      principal: { role: "rep", name: "x", repId: "ana" },
    })
    expect(principalFromClaims(mapping(), { sub: "x", roles: ["Kiosk"] })).toMatchObject({
      principal: { repId: "kiosk" },
    })
    expect(
      principalFromClaims(mapping(), { sub: "x", roles: ["Lifeline.Rep"], rep_id: "a/b" }),
    ).toMatchObject({
      _tag: "refused",
      reason: expect.stringMatching(/no usable rep id in its 'rep_id' claim/),
    })
  })

  it("a nested claim (Keycloak's realm_access.roles) is read by its dotted path", () => {
    const claims = { preferred_username: "kc", realm_access: { roles: ["Lifeline.Admin"] } }
    expect(principalFromClaims(mapping("realm_access.roles"), claims)).toMatchObject({
      principal: { role: "admin", name: "kc" },
    })
  })

  it("no known value: refused, naming the claim", () => {
    expect(principalFromClaims(mapping("groups"), { groups: ["Marketing"] })).toEqual({
      _tag: "refused",
      reason: expect.stringMatching(/'groups' claim: no role/),
    })
  })

  it("a bad map names the entry by its place, never its text", () => {
    expect(() => parseRoleMap("A=admin,Secret-Group=integrator")).toThrow(/entry 2: unknown role/)
    expect(() => parseRoleMap("A=admin,Secret-Group=integrator")).not.toThrow(/Secret-Group/)
    expect(() => parseRoleMap(" , ")).toThrow(/no value=role entry/)
  })
})
