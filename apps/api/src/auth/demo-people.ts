import type { Principal } from "./principal"

/**
 * The people of the local demo sign-in (issue 21): the seeded center's reps, a supervisor of
 * every queue and an admin. Anyone on this machine can pick any of them, which is why the demo
 * sign-in is served to loopback only (routes/auth.ts).
 */
export const DEMO_PEOPLE: readonly { readonly id: string; readonly principal: Principal }[] = [
  { id: "admin", principal: { role: "admin", name: "demo admin" } },
  { id: "supervisor", principal: { role: "supervisor", name: "demo supervisor", queues: "all" } },
  ...(
    [
      ["ana", "Ana Lima"],
      ["ben", "Ben Okafor"],
      ["caro", "Caro Diaz"],
      ["dan", "Dan Weiss"],
      ["eve", "Eve Novak"],
    ] as const
  ).map(([repId, name]) => ({ id: repId, principal: { role: "rep" as const, name, repId } })),
]
