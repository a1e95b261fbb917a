import { LifelineApiError, type LifelineClient, lifelineClient } from "@lifeline/api/client"
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

/** Issue 19: one remembered key per page (a rep's key must not break the admin page). */
const slotOf = (route: Route): string =>
  route.page === "rep" ? `lifeline.apiKey.rep.${route.repId}` : `lifeline.apiKey.${route.page}`
/** Where earlier versions kept one key for every page; read once, dropped when refused. */
const LEGACY_SLOT = "lifeline.apiKey"

const storage = (): Storage | undefined => globalThis.localStorage ?? undefined

/** The local demo's key for the page (only a demo server accepts it). */
export const demoKeyFor = (route: Route): string => {
  switch (route.page) {
    case "rep":
      return `demo-rep-${route.repId}`
    case "admin":
      return "demo-admin-key"
    default:
      return "demo-supervisor-key"
  }
}

/** Where the key the page tries came from: it decides what a refusal says and what is forgotten. */
export type KeySource = "address" | "saved" | "demo" | "typed"

export interface KeyCandidate {
  readonly key: string
  readonly source: KeySource
}

/** `?key=` in the address, else the remembered key, else the demo's key. */
export const keyCandidate = (
  route: Route,
  search: string = globalThis.location?.search ?? "",
): KeyCandidate => {
  const fromUrl = new URLSearchParams(search).get("key")
  if (fromUrl !== null && fromUrl.trim() !== "") return { key: fromUrl.trim(), source: "address" }
  const saved = storage()?.getItem(slotOf(route)) ?? storage()?.getItem(LEGACY_SLOT)
  if (saved !== null && saved !== undefined && saved !== "") return { key: saved, source: "saved" }
  return { key: demoKeyFor(route), source: "demo" }
}

/** A key the API accepted for this page: remembered, and taken out of the address bar. */
export const rememberKey = (route: Route, key: string): void => {
  storage()?.setItem(slotOf(route), key)
  dropKeyFromAddress()
}

/** A refused or cleared key: never tried again by itself. */
export const forgetKey = (route: Route): void => {
  storage()?.removeItem(slotOf(route))
  storage()?.removeItem(LEGACY_SLOT)
  dropKeyFromAddress()
}

const dropKeyFromAddress = (): void => {
  if (globalThis.location === undefined || !new URLSearchParams(location.search).has("key")) return
  const params = new URLSearchParams(location.search)
  params.delete("key")
  const search = params.toString()
  history.replaceState(null, "", `${location.pathname}${search === "" ? "" : `?${search}`}${location.hash}`)
}

/** The typed client of the API, on the page's own origin; every request reports the link. */
export const clientFor = (key: string): LifelineClient => lifelineClient("", key, trackedFetch)

/** The key was refused (unknown key, or not allowed on this page): the sign-in form shows. */
export const isRefusedKey = (error: unknown): boolean =>
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
    if (error.status === 401) return "Your key was not accepted; sign in again."
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
