import { LifelineApiError, type LifelineClient, lifelineClient } from "@lifeline/client"
import { trackedFetch, Unreachable } from "./connection"

/** Where a page is and who is using it: `#/rep/ana`, `#/supervisor`, `#/admin`. */
export type Route =
  | { readonly page: "rep"; readonly repId: string }
  | { readonly page: "supervisor" }
  | { readonly page: "admin" }
  | { readonly page: "home" }

export const parseRoute = (hash: string): Route => {
  const [page, id] = hash.replace(/^#\/?/, "").split("?")[0]?.split("/") ?? []
  if (page === "rep" && id !== undefined && id !== "") return { page: "rep", repId: decodeURIComponent(id) }
  if (page === "supervisor") return { page: "supervisor" }
  if (page === "admin") return { page: "admin" }
  return { page: "home" }
}

/** Issue 21: who the session cookie stands for, as `GET /auth/me` says (never a secret). */
export type Me =
  | { readonly role: "rep"; readonly name: string; readonly repId: string }
  | { readonly role: "supervisor"; readonly name: string; readonly queues: "*" | readonly string[] }
  | { readonly role: "admin"; readonly name: string }

/** The page's sign-in: a person signed in, or where to go to sign in. */
export type Session =
  | { readonly state: "signed-in"; readonly me: Me }
  | { readonly state: "signed-out"; readonly signIn: string }

/**
 * Issue 21: the session comes from the HttpOnly cookie the node set at sign-in; the page never
 * holds a token (not in storage, not in an address), it only asks who it is.
 */
export const loadSession = async (): Promise<Session> => {
  const res = await trackedFetch("/auth/me", { cache: "no-store", headers: { accept: "application/json" } })
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (res.ok) return { state: "signed-in", me: body as unknown as Me }
  if (res.status === 401)
    return { state: "signed-out", signIn: typeof body.signIn === "string" ? body.signIn : "/auth/login" }
  throw new LifelineApiError(
    res.status,
    "Unknown",
    `${res.status}: the sign-in could not be checked`,
    undefined,
  )
}

/** Ends the session on the node (every node of the center), then the cookie is gone. */
export const signOut = async (): Promise<void> => {
  await trackedFetch("/auth/logout", { method: "POST" })
}

/** The page a person lands on after sign-in. */
export const homeOf = (me: Me): string =>
  me.role === "rep" ? `#/rep/${encodeURIComponent(me.repId)}` : `#/${me.role}`

/** N4 as the pages see it: a rep opens its own workspace, a supervisor the queues, an admin both admin pages. */
export const mayOpen = (me: Me, route: Route): boolean => {
  switch (route.page) {
    case "rep":
      return me.role === "rep" && me.repId === route.repId
    case "supervisor":
      return me.role === "supervisor" || me.role === "admin"
    case "admin":
      return me.role === "admin"
    default:
      return true
  }
}

/** The typed client of the API on the page's own origin; the cookie speaks for the caller. */
export const pageClient = (): LifelineClient => lifelineClient("", undefined, trackedFetch)

/** The session no longer gives access (ended, expired, idle, or not allowed here). */
export const isRefused = (error: unknown): boolean =>
  error instanceof LifelineApiError && (error.status === 401 || error.status === 403)

/** Words for the parts of a field path the API names (`rules[0].condition.count`). */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  rules: "rule",
  condition: "",
  action: "",
  count: "threshold",
  ms: "threshold",
  queueId: "queue",
  offerText: "callback offer text",
  confirmationText: "confirmation text",
  presenceId: "presence",
  dialString: "number",
  repId: "rep",
}

/** `rules[0].condition.count` -> "Rule 1 threshold"; an unknown name is split into words. */
export const fieldInWords = (field: string): string => {
  const words = field
    .split(/\.|(?=\[)/)
    .map((part) => {
      const index = /^\[(\d+)\]$/.exec(part)
      if (index !== null) return String(Number(index[1]) + 1)
      return FIELD_WORDS[part] ?? part.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()
    })
    .filter((w) => w !== "")
    .join(" ")
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** A failure as a person reads it: the API's message with its field in words; never "Failed to fetch". */
export const reasonOf = (error: unknown): string => {
  if (error instanceof Unreachable) return error.message
  if (error instanceof LifelineApiError) {
    if (error.status === 401) return "Your session has ended; sign in again."
    const message = error.message.replace(/^\d{3} \w+: /, "")
    if (error.field === undefined) return message
    const rest = message.startsWith(`${error.field}`)
      ? message.slice(error.field.length).replace(/^[:\s]+/, "")
      : message
    return `${fieldInWords(error.field)}: ${rest}`
  }
  if (error instanceof TypeError) return "The Lifeline server cannot be reached; nothing was changed."
  if (typeof error === "object" && error !== null && "message" in error)
    return String((error as { message: unknown }).message)
  return String(error)
}
